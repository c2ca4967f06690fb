"""Evaluation reports (中期/末期评估): an .xlsx workbook and a PDF with embedded Chinese fonts.

Both carry the indicator table, the per-township breakdown, a chart of values against
targets, and the gap to each target with the number of persons behind it. The PDF is
rendered from an HTML template by WeasyPrint, which embeds the subset of the CJK font
it uses (Debian's Noto Sans CJK); the chart is an SVG drawn here, since a PDF runs no
JavaScript.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from canlian.core import exports
from canlian.evaluation.queries import report_section as evaluation_report
from canlian.people.workbooks import _header, _save
from canlian.plantasks.queries import report_section as tasks_section

from .formulas import STATUS_LABELS, Status

KINDS = {"midterm": "中期评估", "final": "末期评估"}


def gap(row: dict[str, Any]) -> dict[str, Any]:
    """How far a rate is from its target, and how many persons that is."""
    target = row["target"].lstrip("≥>=")
    try:
        goal = Decimal(target)
    except ArithmeticError:
        return {"points": None, "persons": None}
    except Exception:
        return {"points": None, "persons": None}
    if row["value"] is None or row["status"] == Status.MET:
        return {"points": None, "persons": None}
    value = Decimal(str(row["value"]))
    if row["denominator"]:
        persons = math.ceil(Decimal(row["denominator"]) * goal / 100) - row["numerator"]
        return {"points": (goal - value).quantize(Decimal("0.1")), "persons": max(0, persons)}
    return {"points": (goal - value), "persons": None}


def rows_with_gaps(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows in the document's words: status labels in Chinese, townships included."""
    return [{**r, "gap": gap(r), "status_label": STATUS_LABELS[Status(r["status"])],
             "townships": [{**t, "status_label": STATUS_LABELS[Status(t["status"])]}
                           for t in r["townships"]]}
            for r in data["indicators"]]


def evaluation_section(data: dict[str, Any]) -> dict[str, Any]:
    """The year's satisfaction ratings in the report's region and the third-party
    evaluator's findings (``evaluation.queries.report_section``), labelled in Chinese
    like the rest of the document."""
    with translation.override("zh-hans"):
        section = evaluation_report(data.get("region", ""), data["plan"], data["year"])
        for finding in section["findings"]:
            finding.area_label = str(finding.get_area_display())
    return section


def workbook(data: dict[str, Any], kind: str) -> Path:
    book = exports.workbook()
    sheet = book.create_sheet(KINDS[kind])
    sheet.append([f"{data['title']} {KINDS[kind]}（{data['year']} 年，{data['region_name']}）"])
    _header(sheet, ["指标", "属性", "基期值", "目标值", "当年值", "分子", "分母", "状态",
                    "距目标", "差距（人/镇）"])
    for r in rows_with_gaps(data):
        sheet.append([r["name"], {"binding": "约束性", "expected": "预期性"}.get(r["kind"], "文字目标"),
                      r["baseline"], r["target"], r["value"], r["numerator"], r["denominator"],
                      r["status_label"], float(r["gap"]["points"]) if r["gap"]["points"] is not None
                      else None, r["gap"]["persons"]])
    townships = book.create_sheet("分镇街")
    _header(townships, ["指标", "镇（街道）", "当年值", "分子", "分母", "状态"])
    for r in data["indicators"]:
        for t in r["townships"]:
            townships.append([r["name"], t["name"], t["value"], t["numerator"], t["denominator"],
                              STATUS_LABELS[Status(t["status"])]])
    _tasks_and_evaluation(book, data)
    return _save(book)


def _tasks_and_evaluation(book: Any, data: dict[str, Any]) -> None:
    """The sheets beside the indicators: the plan tasks by lead department, the
    satisfaction results and the evaluator's findings."""
    tasks = tasks_section(data["plan"], data["year"])
    if tasks:
        sheet = book.create_sheet("规划重点任务")
        _header(sheet, ["牵头部门", "任务数", "按进度推进", "进度滞后", "逾期未报"])
        for d in tasks["departments"]:
            sheet.append([d["department"], d["tasks"], d["on_track"], d["lagging"], d["overdue"]])
    section = evaluation_section(data)
    satisfaction = section["satisfaction"]
    sheet = book.create_sheet("满意度")
    _header(sheet, ["分组", "类别", "评价数", "平均分（1–5）", "满意率（%）"])
    for group, rows in (("服务类别", satisfaction["topics"]), ("机构", satisfaction["institutions"]),
                        ("镇（街道）", satisfaction["townships"])):
        for r in rows:
            sheet.append([group, f"{r.get('kind', '')} {r['label']}".strip(), r["rated"], r["mean"],
                          r["rate"]])
    total = satisfaction["total"]
    sheet.append(["合计", "", total["rated"], total["mean"], total["rate"]])
    sheet = book.create_sheet("第三方评估发现")
    _header(sheet, ["领域", "标题", "发现", "建议", "评估机构"])
    for f in section["findings"]:
        sheet.append([f.area_label, f.title, f.text, f.recommendation, f.organisation])


def svg_bars(rows: list[dict[str, Any]]) -> str:
    """A horizontal bar chart of percentage indicators with a tick at each target."""
    bars = [r for r in rows if r["unit"] == "percent" and r["value"] is not None]
    height = 28 * len(bars) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="680" height="{height}" '
             f'role="img" aria-label="指标值与目标">']
    colours = {"met": "#1e7b34", "on_track": "#0b57a4", "behind": "#b00020", "no_data": "#767676"}
    for i, r in enumerate(bars):
        y = 10 + i * 28
        width = 380 * float(r["value"]) / 100
        parts.append(f'<text x="0" y="{y + 15}" font-size="11">{r["name"][:16]}</text>')
        parts.append(f'<rect x="240" y="{y}" width="{width:.1f}" height="18" '
                     f'fill="{colours[r["status"]]}"/>')
        parts.append(f'<text x="{245 + width:.1f}" y="{y + 14}" font-size="11">{r["value"]}%</text>')
        try:
            goal = float(r["target"].lstrip("≥>="))
            parts.append(f'<line x1="{240 + 380 * goal / 100:.1f}" x2="{240 + 380 * goal / 100:.1f}" '
                         f'y1="{y - 2}" y2="{y + 20}" stroke="#000" stroke-width="2"/>')
        except ValueError:
            pass
    parts.append("</svg>")
    return "".join(parts)


def html(data: dict[str, Any], kind: str) -> str:
    """The report as HTML (what the PDF is printed from)."""
    rows = rows_with_gaps(data)
    return render_to_string("indicators/report.html", {
        "tasks": tasks_section(data["plan"], data["year"]),
        "evaluation": evaluation_section(data),
        "data": data, "rows": rows, "kind": KINDS[kind], "chart": svg_bars(rows),
        "generated": timezone.localtime(), "frozen_at": (data.get("frozen_at") or "")[:10],
    })


def pdf(data: dict[str, Any], kind: str) -> bytes:
    return HTML(string=html(data, kind)).write_pdf()
