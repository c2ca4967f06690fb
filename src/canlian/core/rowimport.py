"""The discipline every spreadsheet import shares: find the header, validate every row,
collect the rejected ones with row, column and reason, write the accepted ones chunk by
chunk (set-based).

The roster import (``people/roster.py``) and the exchange imports (``exchange/actions.py``:
certificate holders, grants, service records) each used to carry their own copy of this
loop; one copy means one place where "every row is checked and reported" holds. What a row
means, how a chunk is written and what the error looks like stay with each import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.utils.translation import gettext

from . import sheets

HEADER_SEARCH = 10  # rows above the header (a title, a date, a blank) that are skipped
T = TypeVar("T")


class Rejected(Exception):
    """A row refused by a validator; ``error`` is the import's own record of why."""

    def __init__(self, error: Any) -> None:
        super().__init__(error)
        self.error = error


def read_rows(sheet: Any, header_map: Callable[[list[Any]], dict[str, int]],
              error: type[Exception]) -> Iterator[tuple[int, dict[str, str]]]:
    """(Excel row number, {column key: text}) of each non-empty data row of ``sheet`` (a
    file, a path or a sheet from ``sheets.load``). The header is the first of the first few
    rows that ``header_map`` accepts (it raises ``error`` for a row that is not the header),
    so a title above it does no harm; a sheet without one raises the first refusal."""
    try:
        found = sheets.rows(sheet)
        first = next(found, None)
    except sheets.SheetError as exc:
        raise error(str(exc)) from None
    if first is None:
        raise error(gettext("The sheet is empty"))
    row, refused = first[1], None
    for _ in range(HEADER_SEARCH):
        try:
            index = header_map(row)
            break
        except error as exc:
            refused = refused or exc
            following = next(found, None)
            if following is None:
                raise refused from None
            row = following[1]
    else:
        raise refused or error(gettext("No header row"))
    for number, values in found:
        raw = {key: sheets.cell(values, i) for key, i in index.items()}
        if any(raw.values()):
            yield number, raw


def collect(rows: Iterable[tuple[int, dict[str, str]]], validate: Callable[[int, dict[str, str]], T],
            write: Callable[[list[T]], None], errors: list[Any], *, chunk: int,
            progress: Callable[[int], None] | None = None) -> int:
    """Validate every row; a ``Rejected`` row's error goes to ``errors``, accepted rows are
    passed to ``write`` ``chunk`` at a time (``progress`` is told the row number after each
    chunk). Returns the number of rows seen. Call it inside the import's transaction."""
    seen = 0
    pending: list[T] = []
    for number, raw in rows:
        seen += 1
        try:
            pending.append(validate(number, raw))
        except Rejected as exc:
            errors.append(exc.error)
            continue
        if len(pending) >= chunk:
            write(pending)
            pending = []
            if progress:
                progress(number)
    if pending:
        write(pending)
    return seen
