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
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
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
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
