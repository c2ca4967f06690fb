"""The e-certificate's QR code scans the way a phone scans it: from a screenshot of the page.

Staff card (``/certificates/<id>/card/``) and the citizen's ``/portal/certificate/``, at a
desk (1280 px) and phone widths (390 and 320 px), in every display mode (text size x
contrast), decoded by zxing-cpp; the card also fits the screen (WCAG 1.4.10 Reflow).
"""

import pytest

from canlian.certificates.models import Certificate
from canlian.core import browser
from canlian.portal import actions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]

WIDTHS = [1280, 390, 320]


def _check(page, url: str, expected_token: str) -> dict[str, str]:
    failures = {}
    for mode in browser.DISPLAY_MODES:
        page.context.add_cookies([{"name": "canlian_display", "value": mode,
                                   "url": page.url or "http://localhost"}])
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            where = f"{url} {mode} {width}px"
            overflow = browser.horizontal_overflow(page)
            if overflow > 0:
                failures[where] = f"scrolls sideways by {overflow} px"
                continue
            qr = page.locator(".qr [role=img]")
            box = qr.bounding_box()
            card = page.locator(".ecert").bounding_box()
            if box["x"] + box["width"] > card["x"] + card["width"] + 0.5:
                failures[where] = "the QR code sticks out of the card"
                continue
            qr.scroll_into_view_if_needed()
            texts = browser.decode_qr(page.screenshot())
            if not any(t.endswith(f"/verify/{expected_token}/") or expected_token in t
                       for t in texts):
                failures[where] = f"no QR decoded (found {texts})"
    return failures


def test_the_staff_card_qr_scans_at_every_width_and_mode(live_server, users, make_person, walk):
    person = make_person(name="欧阳明")
    walk(person)
    certificate = Certificate.objects.get(person=person)
    with browser.page(live_server.url) as page:
        page.goto("/accounts/login/")
        browser.sign_in(page, live_server.url, users.township)
        url = f"/certificates/{certificate.pk}/card/"
        page.goto(url)
        certificate.refresh_from_db()
        assert _check(page, url, certificate.verify_token) == {}


def test_the_portal_certificate_qr_scans_at_every_width_and_mode(live_server, make_person, walk):
    citizen = make_person(name="王芳", phone="13812345678")
    walk(citizen, category=4, grade=1)
    user = actions.citizen_account(citizen.resident_id)
    with browser.page(live_server.url) as page:
        page.goto("/portal/")
        browser.sign_in(page, live_server.url, user)
        page.goto("/portal/certificate/")
        certificate = Certificate.objects.get(person=citizen)
        assert certificate.verify_token
        assert _check(page, "/portal/certificate/", certificate.verify_token) == {}
