"""Writing .xlsx files: the roster template, the error workbook and the person export.

All go through ``core.exports`` (formula and control-character safe, clean on a full
disk), whose write-only workbooks stream rows to disk instead of building them in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill

from canlian.core import exports

from .roster import COLUMNS

ERROR_FILL = PatternFill("solid", fgColor="FFF2CC")
Workbook = exports.workbook  # every workbook here is the safe writer's
_save = exports.save


def _header(sheet: Any, names: Iterable[str]) -> None:
    sheet.header(names)


def roster_template() -> Path:
    workbook = Workbook()
    sheet = workbook.create_sheet("花名册")
    _header(sheet, [c.header for c in COLUMNS])
    return _save(workbook)


def error_workbook(errors: list[dict[str, Any]]) -> Path:
    """Rejected rows with their original values and the reason, ready to fix and re-upload."""
    workbook = Workbook()
    sheet = workbook.create_sheet("未导入的行")
    _header(sheet, ["原行号", "出错列", "原因", *[c.header for c in COLUMNS]])
    for error in errors:
        reason = WriteOnlyCell(sheet._sheet, value=error["reason"])
        reason.fill = ERROR_FILL
        sheet.append([error["row"], error["column"], reason,
                      *[error["values"].get(c.key, "") for c in COLUMNS]])
    return _save(workbook)


EXPORT_HEADERS = [
    "档案号", "姓名", "公民身份号码", "性别", "出生日期", "民族", "镇（街道）", "村（社区）",
    "村（社区）代码", "残疾类别", "残疾等级", "残疾人证号", "户类型", "联系电话", "住址",
    "状态",
]


def person_export(rows: Iterable[dict[str, Any]], *, full_ids: bool) -> Path:
    workbook = Workbook()
    sheet = workbook.create_sheet("残疾人名单")
    _header(sheet, EXPORT_HEADERS)
    for r in rows:
        sheet.append([
            r["id"], r["name"], r["resident_id"] if full_ids else r["masked_id"], r["sex"],
            r["birth_date"], r["ethnicity"], r["township"], r["village"], r["village_id"],
            r["category"], r["grade"], r["certificate_number"] if full_ids else r["masked_cert"],
            r["household_type"], r["phone"], r["address"], r["status"],
        ])
    return _save(workbook)
