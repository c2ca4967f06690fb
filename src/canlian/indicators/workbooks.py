"""The indicator table as an .xlsx workbook: one sheet deployment-wide, one per township."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from canlian.core import exports
from canlian.people.workbooks import _header, _save

from .formulas import STATUS_LABELS, Status

HEADERS = ["代码", "指标", "属性", "单位", "分子", "分母", "当年值", "基期值", "目标值", "状态", "说明"]


def indicator_workbook(data: dict[str, Any]) -> Path:
    workbook = exports.workbook()
    sheet = workbook.create_sheet(f"{data['year']}年指标")
    _header(sheet, HEADERS)
    for i in data["indicators"]:
        sheet.append([i["code"], i["name"], {"binding": "约束性", "expected": "预期性"}.get(
            i["kind"], "文字目标"), i["unit"], i["numerator"], i["denominator"], i["value"],
            i["baseline"], i["target"], STATUS_LABELS[Status(i["status"])], i["explanation"]])
    townships = workbook.create_sheet("分镇街")
    _header(townships, ["指标", "镇（街道）", "分子", "分母", "当年值", "状态"])
    for i in data["indicators"]:
        for t in i["townships"]:
            townships.append([i["name"], t["name"], t["numerator"], t["denominator"], t["value"],
                              STATUS_LABELS[Status(t["status"])]])
    return _save(workbook)
