"""Translated messages for the pure rule modules (resident IDs, certificate numbers, the
certificate workflow and rules), which may import no Django (core/tests/test_conventions).

A rule module writes its message once, in English, marked with ``gettext_noop`` (so
``makemessages`` extracts it, the Chinese goes in ``locale/zh_Hans``), and raises or returns
it with its parameters; ``translated`` turns it into the current language when it is read.
It asks Django's translation module only if the process has already loaded it (every web
and command process has), so the rule modules still run, in English, without Django.
"""

from __future__ import annotations

import sys
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks an English msgid for extraction; returns it unchanged."""
    return message


def translated(msgid: str, params: dict[str, Any] | None = None) -> str:
    """``msgid`` in the active language (English without Django), ``% params``."""
    translation = sys.modules.get("django.utils.translation")
    text = msgid
    if translation is not None:
        try:
            text = translation.gettext(msgid)
        except Exception:  # settings not configured: stay in English
            text = msgid
    return text % params if params else text


def language() -> str:
    """The active language's code (``zh-hans``, ``en``); ``en`` without Django."""
    translation = sys.modules.get("django.utils.translation")
    if translation is not None:
        try:
            return translation.get_language() or "en"
        except Exception:  # settings not configured: stay in English
            return "en"
    return "en"


def english(msgid: str, params: dict[str, Any] | None = None) -> str:
    """The message in English (``str()`` of an exception, for logs and developers)."""
    return msgid % params if params else msgid


class RuleError(ValueError):
    """A refusal of a rule module: ``code`` names the kind of problem, ``message`` says it
    in the active language, ``str()`` in English."""

    def __init__(self, code: str, msgid: str, **params: Any) -> None:
        super().__init__(english(msgid, params))
        self.code, self.msgid, self.params = code, msgid, params

    @property
    def message(self) -> str:
        return translated(self.msgid, self.params)


def listed(items: Any) -> str:
    """``items`` joined with the active language's list separator ("、" in Chinese)."""
    translation = sys.modules.get("django.utils.translation")
    separator = ", "
    if translation is not None:
        try:
            separator = translation.pgettext("list separator", ", ")
        except Exception:  # settings not configured: stay in English
            separator = ", "
    return separator.join(str(item) for item in items)
