"""Language of parts (WCAG 2.1 SC 3.1.2 — 页面局部语言): mark text in the other language.

Some texts reach a page in the language the page is not in: domain refusals written as
"中文 (english)" pairs, Chinese category labels and names of forms on English pages, the
English subtitle of the e-certificate on Chinese pages. A screen reader reads each
passage with the voice of the language it is told, so such passages need a ``lang``.
This module splits a text into runs of one script (Han or Latin) and says which runs are
in the other language; the template filter ``lang_parts`` wraps those in ``<span lang>``.
Pure text rules, no Django: tested directly.
"""

from __future__ import annotations

import re

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
# an English word has lower-case letters: acronyms and codes (PDF, JPEG, ID) are not marked
LATIN_WORD = re.compile(r"[a-z]{2,}")
# A run of Latin-script text: starts at a letter, goes on through letters, digits, spaces
# and ordinary punctuation, and never includes a Han character.
_LATIN_RUN = re.compile(r"[(\[]?[A-Za-z][A-Za-z0-9 ,.;:'\"’%/&+\-–—!?]*[A-Za-z0-9.)\]!?%'\"’]"
                        r"|[(\[]?[A-Za-z][)\]]?")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]"
                      r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e0-9 ·、，。：；（）《》“”‘’]*")

CHINESE = "zh-Hans"
ENGLISH = "en"


def page_language(code: str) -> str:
    """The BCP 47 tag of a Django language code ("zh-hans" → "zh-Hans")."""
    return CHINESE if code.lower().startswith("zh") else ENGLISH


def parts(text: str, page: str) -> list[tuple[str, str | None]]:
    """``text`` as (piece, lang) runs; ``lang`` is None where the piece is in the page's
    language (or has no words), else the tag of the other language.

    On a Chinese page, Latin runs with a lower-case word are English (not PDF, JPEG); on an
    English page, runs with Han characters are Chinese.
    """
    page = page_language(page)
    pattern = _LATIN_RUN if page == CHINESE else _HAN_RUN
    other = ENGLISH if page == CHINESE else CHINESE
    out: list[tuple[str, str | None]] = []
    at = 0
    for match in pattern.finditer(text):
        piece = match.group(0).rstrip()
        if page == CHINESE and not LATIN_WORD.search(piece):
            continue
        if page == ENGLISH:
            # end at the last Han character or closing mark, not on trailing digits/spaces
            last = max(i for i, ch in enumerate(piece) if HAN.match(ch) or ch in "）》”’")
            piece = piece[:last + 1]
        start = match.start()
        if start > at:
            out.append((text[at:start], None))
        out.append((piece, other))
        at = start + len(piece)
    if at < len(text):
        out.append((text[at:], None))
    return out
