"""Every main staff page works on a village worker's phone (390 x 844): no sideways scrolling
of the page (wide tables scroll inside their own container, and a cell never breaks a date,
masked ID or amount over two lines), and the menu does not wrap one
character per line. Walks the menu of each role, plus the person page (issue 23)."""

import pytest

from canlian.core import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]

# The width of the menu's narrowest entry, in characters of the page's font: below 2, an entry
# of two or more characters has been wrapped one character per line.
NARROWEST_MENU_ENTRY_JS = """() => {
  document.querySelectorAll('details.site-menu').forEach((d) => { d.open = true; });
  const size = parseFloat(getComputedStyle(document.body).fontSize);
  const widths = [...document.querySelectorAll('header nav a')]
    .filter((a) => a.textContent.trim().length >= 2)
    .map((a) => a.getBoundingClientRect().width / size);
  return widths.length ? Math.min(...widths) : 99;
}"""

# Table cells whose date, masked resident ID or amount is broken over two lines (a phone table
# keeps figures whole and scrolls inside its .table-wrap instead).
BROKEN_FIGURES_JS = r"""() => [...document.querySelectorAll('table.data td, table.data th')]
  .filter((cell) => /^(\d{4}-\d{2}-\d{2}|\d{6}\*+\d{4}|[\d,]+\.\d{2}\s*元?)$/.test(cell.innerText.trim()))
  .filter((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
  })
  .map((cell) => cell.innerText.trim())"""

ROLES = [(role, "normal-normal") for role in
         ("federation", "township", "village", "assessor", "auditor", "employer")]
ROLES.append(("village", "xlarge-high"))  # the village worker's phone in extra-large text


@pytest.mark.parametrize(("role", "mode"), ROLES)
def test_staff_pages_fit_a_phone(live_server, users, make_person, walk, role, mode):
    person = make_person(name="欧阳明", address="乐成街道东山社区东山路一百二十八号三单元五〇二室")
    walk(person)
    user = getattr(users, role)
    failures = {}
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        page.context.add_cookies([{"name": "canlian_display", "value": mode,
                                   "url": live_server.url}])
        browser.sign_in(page, live_server.url, user)
        page.goto("/")
        urls = [page.url.removeprefix(live_server.url)]
        menu = page.locator("header nav a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        urls += [h for h in menu if h not in urls]
        if role in ("federation", "township", "village", "auditor"):
            urls.append(f"/people/{person.pk}/")
        for url in urls:
            response = page.goto(url)
            if response.status >= 400:
                failures[url] = f"answers {response.status}"
                continue
            if overflow := browser.horizontal_overflow(page):
                failures[url] = f"scrolls sideways by {overflow} px"
            if (narrowest := page.evaluate(NARROWEST_MENU_ENTRY_JS)) < 1.9:
                failures[f"{url} menu"] = f"an entry is {narrowest:.1f} characters wide"
            if broken := page.evaluate(BROKEN_FIGURES_JS):
                failures[f"{url} cells"] = f"figures broken over two lines: {broken[:3]}"
    assert failures == {}


def test_the_menu_starts_folded_on_a_phone_and_opens_from_its_button(live_server, users):
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        browser.sign_in(page, live_server.url, users.federation)
        page.goto("/people/")
        entry = page.locator("header nav a", has_text="规划指标")
        assert not entry.is_visible()
        # the page's heading is on the first screen, not below 20 menu entries
        assert page.locator("main h1").bounding_box()["y"] < 400
        page.locator("details.site-menu > summary").click()
        assert entry.is_visible()
        entry.click()
        assert page.url.endswith("/indicators/")
    with browser.page(live_server.url, viewport={"width": 1280, "height": 800}) as page:
        browser.sign_in(page, live_server.url, users.federation)
        page.goto("/people/")
        assert page.locator("header nav a", has_text="规划指标").is_visible()
        assert not page.locator("details.site-menu > summary").is_visible()
