"""The migration import's workbooks: the templates, and the result workbook (rejected rows
with row, column and reason; flagged grants; the reconciliation report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill

from canlian.certificates.rules import CATEGORY_LABELS
from canlian.core import exports
from canlian.education import rules as education_rules
from canlian.services.models import Group

from .actions import COLUMNS, FORMATS, counts_table, report_keys
from .models import ImportKind, MigrationImport

_save = exports.save  # a workbook written to a file, not an ORM save
ERROR_FILL = PatternFill("solid", fgColor="FFF2CC")
KEY_LABELS: dict[str, list[Any]] = {ImportKind.CERTIFICATES: [str(v) for v in CATEGORY_LABELS.values()],
              ImportKind.GRANTS: ["生活补贴", "护理补贴"],
              ImportKind.SERVICES: list(Group.labels),
              ImportKind.EDUCATION: list(education_rules.STATUSES.values()),
              ImportKind.ALLOWANCE: ["低保", "低保边缘", "特困"],
              ImportKind.INSURANCE: ["养老保险缴费补贴（已确认）", "医疗保险缴费补贴（已确认）"]}


def key_labels(batch: MigrationImport) -> list[Any]:
    """The reconciliation report's column labels (the survey years for a survey import)."""
    if batch.kind == ImportKind.SURVEYS:
        return [f"{year}年调查" for year in report_keys(batch)]
    return KEY_LABELS[ImportKind(batch.kind)]


def template(kind: str) -> Path:
    book = exports.workbook()
    sheet = book.create_sheet({"certificates": "证件", "grants": "补贴", "services": "服务记录",
                               "surveys": "调查记录", "education": "学籍状况",
                               "allowance": "低保变更", "insurance": "参保确认"}[kind])
    if kind in FORMATS:  # a department batch: its format and version as the title row
        sheet.append([f"格式 {FORMATS[ImportKind(kind)]}：{ImportKind(kind).label}"])
    sheet.header([c.header for c in COLUMNS[ImportKind(kind)]])
    return _save(book)


def result_workbook(batch: MigrationImport) -> Path:
    columns = COLUMNS[ImportKind(batch.kind)]
    book = exports.workbook()
    sheet = book.create_sheet("未导入的行")
    sheet.header(["原行号", "出错列", "原因", *[c.header for c in columns]])
    for error in batch.errors:
        reason = WriteOnlyCell(sheet._sheet, value=error["reason"])
        reason.fill = ERROR_FILL
        sheet.append([error["row"], error["column"], reason,
                      *[error["values"].get(c.key, "") for c in columns]])
    if batch.kind == ImportKind.GRANTS:
        flags = book.create_sheet("待复核")
        flags.header(["原行号", "公民身份号码", "姓名", "补贴项目", "原因"])
        for f in batch.flags:
            flags.append([f["row"], f["resident_id"], f["name"],
                          "生活补贴" if f["subsidy"] == "living" else "护理补贴", f["reason"]])
    report = book.create_sheet("核对表")
    labels = key_labels(batch)
    report.header(["镇（街道）代码", "镇（街道）",
                   *[f"{label}（导入前）" for label in labels],
                   *[f"{label}（导入后）" for label in labels], "合计（导入前）", "合计（导入后）"])
    for row in counts_table(batch):
        report.append([row["code"], row["name"], *[b for b, _ in row["cells"]],
                       *[a for _, a in row["cells"]], *row["total"]])
    return _save(book)
