"""Text that may be stored: no control, bidirectional-override or zero-width characters.

A name with ``\\x01`` broke every export that included it and the bank payment file; a
right-to-left override (U+202E) makes ``张三\\u202egpj.exe`` display as something else; a
zero-width space makes two equal names differ. Such characters have no place in a
registry, so every entry point refuses them with a clear message naming the character:
forms (``core.forms``), API schemas (``api.schemas.In``), roster imports and department
feeds. Line breaks and tabs are allowed only in multi-line free text.

``printable`` is the other half: what goes out (spreadsheets, bank files) is scrubbed of
the same characters, so data stored before this check can never break an export.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

_ALWAYS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (but tab, LF, CR), DEL, C1
    "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"  # bidi, zero-width
    "\ud800-\udfff"  # lone surrogates
)
FORBIDDEN = re.compile(f"[{_ALWAYS}]")
FORBIDDEN_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")


def describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}{' ' + name if name else ''}"


def check(value: str, *, multiline: bool = False) -> str | None:
    """The reason ``value`` is refused (zh, then en), or None."""
    found = (FORBIDDEN if multiline else FORBIDDEN_LINE).search(value)
    if found is None:
        return None
    return (gettext("Contains an invisible or control character (%(char)s): remove it and "
                    "type the text again") % {"char": describe(found.group())})


def validate(value: str, *, multiline: bool = False) -> None:
    reason = check(value, multiline=multiline)
    if reason:
        raise ValidationError(reason, code="control_character")


def printable(value: str) -> str:
    """``value`` with every refused character removed (line breaks and tabs kept)."""
    return FORBIDDEN.sub("", value)
