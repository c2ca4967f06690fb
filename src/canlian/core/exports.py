"""The one writer of every .xlsx Canlian produces (person export, roster template and
error workbook, gap lists, indicator tables and reports, the bank payment file).

It exists so that no export can be turned against the person who opens it, nor broken by
what is stored:

- **Formula injection.** A text cell starting with ``=`` ``+`` ``-`` ``@`` (or a tab or
  carriage return) is written as text with Excel's quote prefix, never as a formula: an
  address ``=HYPERLINK(...)`` typed into the portal stays an address.
- **Control characters.** Characters a worksheet cannot hold (and bidirectional
  overrides, zero-width characters) are removed from every cell, so a name stored before
  input was checked cannot make an export fail.
- **A full disk.** If the file cannot be written, the partial file and openpyxl's own
  temporary files are removed and :class:`ExportError` carries a message for the user;
  views decorated with :func:`clean_failure` answer it with a page, not a server error,
  and audit nothing, because nothing was exported.

Workbooks are write-only (rows stream to disk, not memory).
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from . import text

log = logging.getLogger("canlian.exports")
BOLD = Font(bold=True)
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class ExportError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def disk_message(exc: OSError) -> str:
    if exc.errno in DISK_FULL:
        return gettext("The server's disk is full: the file was not made and nothing was recorded as "
                       "exported; try again later or ask the administrator to free space")
    return gettext("The server could not write the file: nothing was exported; try again later")


class SafeSheet:
    """A write-only worksheet whose rows are made safe cell by cell."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sheet, name)

    def cell(self, value: Any) -> Any:
        if isinstance(value, Cell):
            if isinstance(value.value, str):
                safe = self.cell(value.value)
                if isinstance(safe, Cell):
                    value.value = safe.value
                    value.data_type, value.quotePrefix = "s", True
                else:
                    value.value = safe
            return value
        if not isinstance(value, str):
            return value
        if text.FORBIDDEN.search(value):
            value = text.printable(value)
        if value.startswith(DANGEROUS_START):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.data_type = "s"  # never a formula
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
            return cell
        return value

    def append(self, row: Iterable[Any]) -> None:
        self._sheet.append([self.cell(v) for v in row])

    def header(self, names: Iterable[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(self._sheet, value=text.printable(str(name)))
            cell.font = BOLD
            cells.append(cell)
        self._sheet.append(cells)


class SafeWorkbook(Workbook):
    def __init__(self) -> None:
        super().__init__(write_only=True)

    def create_sheet(self, title: Any = None, index: int | None = None) -> Any:
        return SafeSheet(super().create_sheet(text.printable(title) if title else title, index))


def workbook() -> SafeWorkbook:
    return SafeWorkbook()


def _cleanup(book: Workbook, path: str | None) -> None:
    for sheet in book.worksheets:
        writer = getattr(sheet, "_writer", None)
        out = getattr(writer, "out", None)
        if out and os.path.exists(out):
            os.unlink(out)
    if path and os.path.exists(path):
        os.unlink(path)


def save(book: Workbook) -> Path:
    """Write ``book`` to a new temporary file and return its path; on failure remove every
    file written so far and raise :class:`ExportError`."""
    path = None
    try:
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
        path = handle.name
        handle.close()
        book.save(path)
    except OSError as exc:
        log.warning("export failed: %s", exc)
        _cleanup(book, path)
        raise ExportError(disk_message(exc)) from None
    return Path(path)


def build(write: Callable[[SafeWorkbook], None]) -> Path:
    """Make a workbook with ``write(book)`` and save it, cleaning up if either step fails."""
    book = workbook()
    try:
        write(book)
    except OSError as exc:
        _cleanup(book, None)
        raise ExportError(disk_message(exc)) from None
    return save(book)


def response(path: Path, filename: str) -> FileResponse:
    handle = path.open("rb")
    path.unlink()  # the open handle keeps the data until the response is sent
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "core/export_failed.html", {"message": message}, status=503)


def clean_failure(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """An export view whose file could not be written answers with a page (503)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except ExportError as exc:
            return refused(request, exc.message)

    return wrapper
