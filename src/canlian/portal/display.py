"""Display modes remembered per user (大字版、高对比度): larger text and high contrast.

Signed-in users keep their choice in ``User.preferences``; before sign-in it lives in a
cookie, so the sign-in page itself can be read in large text. The context processor turns
the choice into classes on ``<body>``; the CSS does the rest (no script needed).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

TEXT_SIZES = ("normal", "large", "xlarge")
CONTRASTS = ("normal", "high")
COOKIE = "canlian_display"


def parse(value: str) -> dict[str, str]:
    text, _, contrast = (value or "").partition("-")
    return {"text": text if text in TEXT_SIZES else "normal",
            "contrast": contrast if contrast in CONTRASTS else "normal"}


def cookie_value(prefs: dict[str, str]) -> str:
    return f"{prefs['text']}-{prefs['contrast']}"


def current(request: HttpRequest) -> dict[str, str]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.preferences:
        return parse(cookie_value({"text": user.preferences.get("text", "normal"),
                                   "contrast": user.preferences.get("contrast", "normal")}))
    return parse(request.COOKIES.get(COOKIE, ""))


def context(request: HttpRequest) -> dict[str, Any]:
    prefs = current(request)
    classes = []
    if prefs["text"] != "normal":
        classes.append(f"text-{prefs['text']}")
    if prefs["contrast"] == "high":
        classes.append("contrast-high")
    return {"display": prefs, "display_classes": " ".join(classes)}
