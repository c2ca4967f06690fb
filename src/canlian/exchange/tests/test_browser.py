"""The migration and department batch page on a village worker's phone (390 px): no
sideways scrolling, the department sections in Chinese, and no axe-core violation; the
result page of a 低保 batch with a rejected row too."""

import io

import pytest
from openpyxl import Workbook

from canlian.core import browser
from canlian.exchange import actions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def _allowance_file(resident_id: str) -> io.BytesIO:
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append([c.header for c in actions.ALLOWANCE_COLUMNS])
    sheet.append(["", resident_id, "低保", "明天"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_the_department_batch_pages_fit_a_phone_and_pass_axe(live_server, users, make_person):
    person = make_person(name="欧阳明")
    batch = actions.run_import(users.federation, "allowance", _allowance_file(person.resident_id),
                               filename="民政低保变更.xlsx")
    assert batch.rejected == 1
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        browser.sign_in(page, live_server.url, users.federation)
        for url in ("/exchange/migration/", f"/exchange/migration/{batch.pk}/"):
            assert page.goto(url).status == 200
            assert browser.horizontal_overflow(page) == 0, url
            if browser.axe_available():
                assert browser.axe_violations(page) == [], url
        page.goto("/exchange/migration/")
        main = page.locator("main").inner_text()
        assert "低保变更（民政部门，dibao-changes/1）" in main
        assert "参保确认（人社、医保，insurance-enrolment/1）" in main
        assert "学籍状况工作簿（.xlsx）" in main
