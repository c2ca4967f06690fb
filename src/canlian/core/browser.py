"""Launching Debian's chromium for browser tests, through Playwright.

Playwright's own browser download cannot run here, so tests drive ``/usr/bin/chromium``.
The flags keep Chromium off the network (this machine reaches only package registries).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("CANLIAN_CHROMIUM", "/usr/bin/chromium"))
# axe-core from npm (package.json at the checkout's root; scripts/test runs `npm ci`).
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def available() -> bool:
    return CHROMIUM.exists()


@contextmanager
def page(base_url: str, **context_options: Any) -> Iterator[Any]:
    """A fresh browser page (own context, so own cookies), closed afterwards."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to
    # run beside one unless told it is safe (it is: the loop is Playwright's, idle here).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            # bypass_csp lets the tests inject axe-core; the pages keep their strict CSP.
            context = browser.new_context(base_url=base_url, locale="zh-CN", bypass_csp=True,
                                          **context_options)
            yield context.new_page()
        finally:
            browser.close()
            # Code inside this block runs in Playwright's copy of the context, so Django
            # opened it its own database connections there: close them before leaving,
            # or they outlive the test (and keep the test database from being dropped).
            from django.db import connections

            connections.close_all()


def tab_to(page: Any, attribute: str, value: str, limit: int = 25) -> int:
    """Press Tab until the focused element's ``attribute`` equals ``value``; return the count.

    Fails if the element cannot be reached by keyboard within ``limit`` presses.
    """
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.getAttribute({attribute!r})") == value:
            return presses
    raise AssertionError(f"no element with {attribute}={value!r} reachable by Tab")


def axe_available() -> bool:
    return AXE.exists()


def axe_violations(page: Any, *, tags: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a",
                                                           "wcag21aa")) -> list[dict]:
    """Run axe-core in the page against WCAG 2.1 A/AA; return the violations (id, nodes)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(tags),
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def sign_in(page: Any, base_url: str, user: Any) -> None:
    """Give the page a signed-in session for ``user`` (made by Django's test client, so the
    test does not repeat the sign-in form on every page; the forms have their own tests)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="canlian.accounts.backends.RegionBackend")
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": base_url}])


# Every display mode a user can choose (portal/display.py): text size x contrast.
DISPLAY_MODES = [f"{text}-{contrast}" for text in ("normal", "large", "xlarge")
                 for contrast in ("normal", "high")]


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"))


def decode_qr(png: bytes) -> list[str]:
    """The texts of the QR codes a phone's scanner finds in a screenshot (zxing-cpp)."""
    import io

    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


# The contrast of the focus indicator (WCAG 1.4.11): the outline's colour against what it is
# drawn on (the nearest ancestor with a background: the outline sits outside the element).
FOCUS_CONTRAST_JS = """() => {
  const el = document.activeElement;
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const style = getComputedStyle(el);
  if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) {
    return {element: el.outerHTML.slice(0, 80), ratio: 0};
  }
  let back = [255, 255, 255];
  for (let n = el.parentElement; n; n = n.parentElement) {
    const v = rgb(getComputedStyle(n).backgroundColor);
    if (v.length === 3 || (v.length === 4 && v[3] > 0)) { back = v.slice(0, 3); break; }
  }
  const a = lum(rgb(style.outlineColor).slice(0, 3)), b = lum(back);
  return {element: el.outerHTML.slice(0, 80),
          ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def focus_contrasts(page: Any, presses: int = 12) -> list[dict]:
    """Tab ``presses`` times; the focus indicator's contrast ratio at each stop."""
    found = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue
        found.append(page.evaluate(FOCUS_CONTRAST_JS))
    return found


# Text in the other language than the page's without a ``lang`` saying so (WCAG 3.1.2):
# lower-case Latin words on a Chinese page (not acronyms such as PDF), Han characters on an
# English page (URLs and codes aside).
UNMARKED_LANGUAGE_JS = """(selector) => {
  const page = document.documentElement.lang.toLowerCase();
  const zhPage = page.startsWith("zh");
  const out = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (!text || /^(https?:|\\/)/.test(text)) continue;
      const other = zhPage ? /[a-z]{2,}/.test(text) : /[\\u3400-\\u9fff]/.test(text);
      if (!other) continue;
      const lang = (node.parentElement.closest("[lang]") || document.documentElement).lang.toLowerCase();
      if (lang.startsWith("zh") === zhPage) out.push(text.slice(0, 60));
    }
  }
  return out;
}"""


def unmarked_other_language(page: Any, selector: str = "main") -> list[str]:
    return list(page.evaluate(UNMARKED_LANGUAGE_JS, selector))


def at_start_page(url: str) -> bool:
    """For ``page.wait_for_url``: the browser is on the start page ``/`` (where sign-in
    leads every staff role, core/views.py)."""
    return url.split("/", 3)[-1] == ""
