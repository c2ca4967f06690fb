"""Long staff lists (长名单): filters, a total count, numbered pages and an Excel export,
as one piece shared by the lists people work through (issue 23: certificates to renew,
subsidy applications, renovations, visit follow-ups, persons still to survey).

A view builds a :class:`Listing` from its already-scoped queryset, the region field of its
rows and the filters and columns it offers; the template includes
``includes/listing.html`` twice (``part="filters"`` above the table, ``part="pages"``
below). ``?export=xlsx`` on the same address answers the filtered rows as a workbook
(written by :mod:`canlian.core.exports`), with resident IDs masked and one audit event per
person exported, like the registry's own export.

A long list (more than ``BACKGROUND_ROWS`` rows) is exported as a background job instead
(``core/jobs.py``, kind ``core.list_export``): the page offers a form that POSTs to the same
address, the job rebuilds the list from its registered builder (``BACKGROUND_LISTS``: a
function ``request -> Listing``) as its owner with the same filters, writes the workbook
with progress, and its page offers the download.

The township and village filters offer only the regions inside the user's own area, and a
code from outside it is ignored: the rows always come from the scoping layer
(``accounts/scoping.py``) first, and the chosen region only narrows them
(``scoping.within``).

Shorter lists that need only numbered pages (no filters or export) take one page with
:func:`page_of` (``?page=`` of the request) or :func:`nth_page`, and draw it with
``includes/pager.html``: the one place that pages rows, so every list pages alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record_many
from canlian.audit.models import Action
from canlian.jobs import actions as jobs

from . import exports

PER_PAGE = 50
EXPORT_LIMIT = 200_000
# Above this many rows the export runs as a background job (a 20,000-row workbook takes
# seconds; at a million persons a list can be minutes).
BACKGROUND_ROWS = 2_000
# The lists that can be rebuilt in a background job: name → the dotted path of a function
# ``(request) -> Listing`` (the view's own builder, so the job sees what the page shows).
BACKGROUND_LISTS: dict[str, str] = {
    "certificates.expiring": "canlian.certificates.views.expiring_listing",
    "benefits.applications": "canlian.benefits.views.applications_listing",
    "services.renovations": "canlian.services.views.renovations_listing",
    "community.follow_ups": "canlian.community.visits.views.follow_ups_listing",
    "surveys.remaining": "canlian.surveys.views.remaining_listing",
}


@dataclass(frozen=True)
class Filter:
    """One filter of a list: a choice (``kind="choice"``) compared to ``field``, or a date
    range (``kind="dates"``: two inputs ``<name>_from`` and ``<name>_to``, both inclusive).
    ``apply``, where given, replaces the plain comparison (``apply(qs, value)``)."""

    name: str
    label: Any
    field: str = ""
    kind: str = "choice"
    choices: Sequence[tuple[Any, Any]] = ()
    apply: Callable[[Any, str], Any] | None = None
    default: str = ""  # a choice applied when none is given ("" = all)
    blank: bool = True  # offer "all"; without it an empty choice falls back to the default


@dataclass(frozen=True)
class Column:
    """One column of the export: its heading and how a row gives its value."""

    label: Any
    value: Callable[[Any], Any]


@dataclass
class _Shown:
    """A filter as the template draws it: its inputs with the values kept across pages."""

    filter: Filter
    value: str = ""
    low: str = ""
    high: str = ""
    options: list[tuple[str, Any]] = field(default_factory=list)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class Listing:
    """A filtered, counted, paged list of rows the user may see, and its export."""

    def __init__(self, request: HttpRequest, queryset: Any, *, region_field: str,
                 filters: Sequence[Filter] = (), columns: Sequence[Column] = (),
                 person: Callable[[Any], tuple[int, str]] | None = None,
                 title: Any = "", per_page: int = PER_PAGE,
                 keep: dict[str, str] | None = None, name: str = "",
                 filename: str = "", villages: bool = True) -> None:
        self.request = request
        # The name under which a background job can rebuild this list (BACKGROUND_LISTS),
        # and the workbook's file name.
        self.name = name if name in BACKGROUND_LISTS else ""
        self.filename = filename or str(title) or "list"
        user: Any = request.user  # a signed-in staff user (the view requires it)
        self.user = user
        self.title = title
        self.columns = list(columns)
        self.person = person
        # Parameters of the page itself (the survey year), kept as they are.
        self.keep = {k: v for k, v in (keep or {}).items() if v}
        self.params: dict[str, str] = dict(self.keep)
        self.shown: list[_Shown] = []
        region = scoping.region_of(user)
        qs = queryset
        # The township and village: only places inside the user's own area are offered
        # and honoured.
        areas = {r.code: r for r in region.descendants().filter(
            level__in=["township", "village"]).select_related("parent")}
        self.township = self._region_param("township", areas, "township")
        # Rows kept at township level (employers, institutions) offer no village filter.
        self.village = self._region_param("village", areas, "village") if villages else None
        if self.village and self.township and not self.township.contains(self.village.code):
            self.village = None
            self.params.pop("village", None)
        chosen = self.village or self.township
        if chosen is not None:
            qs = qs.filter(scoping.within(chosen, region_field))
        self.townships = sorted((r for r in areas.values() if r.level == "township"),
                                key=lambda r: r.code)
        parent = (self.township or (areas.get(self.village.code[:9] + "000") if self.village else None)
                  or (region if region.level == "township" else None))
        self.villages = sorted((r for r in areas.values() if villages and r.level == "village"
                                and parent is not None and parent.contains(r.code)),
                               key=lambda r: r.code)
        for f in filters:
            qs = self._apply(f, qs)
        self.queryset = qs
        self.query = urlencode(self.params)
        self.can_export = self.user.can(Capability.EXPORT_PEOPLE) and bool(self.columns)
        self.per_page = per_page
        self._page: Page | None = None

    # -- filters ------------------------------------------------------------------------

    def _region_param(self, name: str, areas: dict[str, Any], level: str) -> Any:
        code = self.request.GET.get(name, "").strip()
        found = areas.get(code)
        if found is None or found.level != level:
            return None
        self.params[name] = code
        return found

    def _apply(self, f: Filter, qs: Any) -> Any:
        get = self.request.GET
        if f.kind == "dates":
            low, high = (_date(get.get(f"{f.name}_from", "").strip()),
                         _date(get.get(f"{f.name}_to", "").strip()))
            shown = _Shown(f, low=low.isoformat() if low else "",
                           high=high.isoformat() if high else "")
            if low:
                self.params[f"{f.name}_from"] = shown.low
                qs = qs.filter(**{f"{f.field}__gte": low})
            if high:
                self.params[f"{f.name}_to"] = shown.high
                qs = qs.filter(**{f"{f.field}__lte": high})
            self.shown.append(shown)
            return qs
        value = get.get(f.name, f.default).strip()
        options = [(str(k), label) for k, label in f.choices]
        if f.choices and value not in {k for k, _label in options}:
            value = "" if f.blank else f.default
        self.shown.append(_Shown(f, value=value, options=options))
        if not value:
            if f.default and f.name in get:
                self.params[f.name] = ""  # "all" chosen over a default: kept across pages
            return qs
        self.params[f.name] = value
        if f.apply is not None:
            return f.apply(qs, value)
        return qs.filter(**{f.field: value})

    # -- pages --------------------------------------------------------------------------

    @property
    def page(self) -> Page:
        if self._page is None:
            self._page = page_of(self.request, self.queryset, self.per_page)
        return self._page

    @property
    def count(self) -> int:
        return self.page.paginator.count

    def numbers(self) -> list[dict[str, Any]]:
        """The numbered pages to link: the current page with two on each side, and the
        first and last; a gap (``{"gap": True}``) where pages are left out ("…")."""
        page = self.page
        last = page.paginator.num_pages
        wanted = {1, last} | set(range(max(1, page.number - 2), min(last, page.number + 2) + 1))
        out: list[dict[str, Any]] = []
        previous = 0
        for n in sorted(wanted):
            if n - previous > 1:
                out.append({"gap": True})
            out.append({"number": n, "url": self.page_url(n), "current": n == page.number})
            previous = n
        return out

    def nav(self) -> dict[str, Any]:
        """First, previous, the numbers, next and last, as the template draws them."""
        page = self.page
        last = page.paginator.num_pages
        return {
            "first": self.page_url(1) if page.number > 1 else "",
            "previous": self.page_url(page.number - 1) if page.has_previous() else "",
            "numbers": self.numbers(),
            "next": self.page_url(page.number + 1) if page.has_next() else "",
            "last": self.page_url(last) if page.number < last else "",
            "number": page.number, "total": last,
        }

    def page_url(self, number: int) -> str:
        return "?" + urlencode({**self.params, "page": number})

    def export_url(self) -> str:
        return "?" + urlencode({**self.params, "export": "xlsx"})

    # -- export -------------------------------------------------------------------------

    @property
    def wants_export(self) -> bool:
        return self.request.GET.get("export") == "xlsx"

    @property
    def in_background(self) -> bool:
        """Whether the page offers the export as a background job (a long list)."""
        return bool(self.name) and self.count > BACKGROUND_ROWS

    def export(self, filename: str = "") -> HttpResponseBase:
        """The filtered rows as an .xlsx (IDs masked), one audit event per person; posted
        (the form of a long list), a background job making it, and its page."""
        if not self.can_export:
            raise PermissionDenied(Capability.EXPORT_PEOPLE.value)
        filename = filename or self.filename
        if self.request.method == "POST" and self.name:
            job = jobs.start(self.user, "core.list_export", request=self.request, params={
                "list": self.name, "path": self.request.path, "query": self.query,
                "filename": filename})
            return redirect("jobs:detail", job.pk)
        try:
            path = self.write_workbook()
        except exports.ExportError as exc:
            return exports.refused(self.request, exc.message)
        return exports.response(path, self.download_name(filename))

    def download_name(self, filename: str = "") -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{filename or self.filename}-{stamp}.xlsx"

    def write_workbook(self, progress: Callable[[int, int], None] | None = None) -> Any:
        """Write the filtered rows (at most ``EXPORT_LIMIT``) to a workbook and audit the
        export of every person on it; the file's path. ``progress(done, total)`` is told
        every 1,000 rows."""
        rows = list(self.queryset[:EXPORT_LIMIT])
        total = len(rows)

        def write(book: exports.SafeWorkbook) -> None:
            sheet = book.create_sheet(str(self.title)[:31] or "list")
            sheet.header([str(c.label) for c in self.columns])
            for done, row in enumerate(_rows(rows, self.columns), start=1):
                sheet.append(row)
                if progress is not None and done % 1000 == 0:
                    progress(done, total)

        path = exports.build(write)
        if progress is not None:
            progress(total, total)
        if self.person is not None:

            people = dict(self.person(r) for r in rows)
            record_many(user=self.user, action=Action.EXPORT, people=list(people.items()),
                        request=self.request,
                        summary=f"导出{self.title}：{self.request.path}?{self.query}"[:300])
        return path


def nth_page(rows: Any, number: int | str | None, per_page: int = PER_PAGE, *,
             count: int | None = None) -> Page:
    """Page ``number`` of ``rows`` (the last page for a number past it, the first for one
    that is not a number). ``count``, where given, is the number of rows counted more
    cheaply than ``rows.count()`` (a query without the page's joins)."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(number)


def page_of(request: HttpRequest, rows: Any, per_page: int = PER_PAGE, *,
            count: int | None = None) -> Page:
    """The page of ``rows`` the request asks for (``?page=``); see :func:`nth_page`."""
    return nth_page(rows, request.GET.get("page"), per_page, count=count)


def _rows(rows: list[Any], columns: list[Column]) -> Iterator[list[Any]]:
    for row in rows:
        yield [_cell(c.value(row)) for c in columns]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (str, int, float, Decimal, dt.date)):
        return value
    return str(value)


def region_name(village: Any) -> str:
    """"东山镇 / 东山社区" for a village row (its township first)."""
    if village is None:
        return ""
    parent = getattr(village, "parent", None)
    return f"{parent.name} / {village.name}" if parent is not None else village.name
