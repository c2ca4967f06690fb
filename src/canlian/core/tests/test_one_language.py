"""The Chinese staff site reads in Chinese: every page, as every role that can open it.

Every GET row of the authorization matrix (``test_authorization_matrix.MATRIX``: every
named staff URL, with a record inside the role's region) is rendered in Chinese for each
staff role allowed to open it. The visible text and the assistive text (``title``,
``aria-label``, ``placeholder``, ``alt``, button values) are split into Latin words; a word
is fine when it is on ``ALLOWED`` (proper nouns, file formats, units), inside an element
marked ``lang="en"``, or one of the test world's own values (user names). Anything else is
an untranslated message or developer text shown to a Chinese user.

``KNOWN`` lists the words still found today, per URL name: a ratchet, like
``test_conventions``. A new page or message that shows English fails; fixing a page must
remove its entry (the test fails on entries that no longer occur, so the list only shrinks).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.test import override_settings

from canlian.core.tests.test_authorization_matrix import MATRIX, _url, world  # noqa: F401

STAFF = ["federation", "township", "village", "assessor", "auditor", "employer"]

# Proper nouns, formats and units that Chinese pages write in Latin letters.
ALLOWED = {
    "ID", "PDF", "JSON", "YAML", "Excel", "xlsx", "XLSX", "csv", "CSV", "QR", "URL", "API", "OK",
    "kg", "km",
    # identifiers of versioned exchange formats (docs/integration.md)
    "subsidy-monthly", "indicators-annual", "survey-annual", "education-status",
    "dibao-changes", "insurance-enrolment",
    "cm", "mm", "GB", "MB", "KB", "Word", "WPS", "App", "APP", "SMS", "TOTP", "IP", "WCAG",
    "ICF", "ADL", "Y-m-d", "YYYY", "MM", "DD", "HH", "GPS", "UTC", "vs", "BMI", "LED",
    "JPEG", "PNG", "GDP", "sqlite", "postgresql", "PostgreSQL", "SQLite",
    # the test world's own values: user names, person names ("人-other_township"), region
    # names ("村1a"), record titles ("x")
    "fed", "town", "vil", "doc", "aud", "emp", "cit", "linzi", "x", "X", "a", "b", "in",
    "other", "township", "village", "county",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
ASSISTIVE = ("title", "aria-label", "placeholder", "alt")


class _Text(HTMLParser):
    """Text a person sees or hears, except scripts, styles and lang="en" passages."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").lower()
        skip = tag in ("script", "style", "template") or lang.startswith("en")
        if not skip and not self._skipping():
            self.parts += [values[a] or "" for a in ASSISTIVE if a in values]
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.parts.append(values.get("value") or "")
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def stray_words(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    # links written out (the e-certificate's verification URL) are not words
    text = re.sub(r"https?://\S+", " ", text)
    # so are paths (the audit log's "查看页面 /audit/")
    text = re.sub(r"(?<![\w/])/[\w\-./?=&%*]*", " ", text)
    # resident IDs, certificate numbers and codes carry letters (X, Y…) inside digits
    text = re.sub(r"\b[0-9A-Z]*\d[0-9A-Z]*\b", " ", text)
    return {w for w in WORD.findall(text) if w not in ALLOWED}


def test_stray_words_ignores_marked_passages_and_allowed_words():
    page = ('<p title="提示">残疾人 PDF 33038219700517001X</p><p lang="en">English text</p>'
            '<button aria-label="close">×</button><script>var x = 1;</script>')
    assert stray_words(page) == {"close"}
    assert stray_words("<td>查看页面 /audit/?page=2</td>") == set()


KNOWN: dict[str, set[str]] = {
    'employment:declaration': {'A', 'N', 'max', 'min', 'r'},  # the levy formula's symbols
}


@override_settings(LANGUAGE_CODE="zh-hans")
def test_every_staff_page_reads_in_chinese(client, users, world):  # noqa: F811
    objects, batch = world
    found: dict[str, set[str]] = {}
    for name, (kind, method, expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        for role in STAFF:
            if expected.get(role) != 200:
                continue
            client.force_login(getattr(users, role))
            response = client.get(_url(name, kind, objects["in"], batch),
                                  HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            words = stray_words(response.content.decode())
            if words:
                found.setdefault(name, set()).update(words)
    new = {n: sorted(w - KNOWN.get(n, set())) for n, w in found.items() if w - KNOWN.get(n, set())}
    gone = {n: sorted(w - found.get(n, set())) for n, w in KNOWN.items()
            if w - found.get(n, set())}
    assert not new, f"English on Chinese pages (translate it, or mark it lang=\"en\"): {new}"
    assert not gone, f"Fixed: remove these from KNOWN: {gone}"
