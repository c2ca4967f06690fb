"""Exports in documented, versioned formats for the provincial and national systems (数据上报).

The first is the two subsidies' monthly figures (两项补贴月度发放汇总), format
``subsidy-monthly/1``: per township and subsidy, the persons paid and the amount of the
finalised rolls of one month. Aggregates only: no person appears in it. The format is
described in docs/integration.md; a change to its columns is a new version, and
``read_subsidy_monthly`` refuses a file of another version, so the counterpart's reader and
ours cannot silently disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from canlian.accounts import scoping
from canlian.benefits.models import PAYING_KINDS, RollLine, RollStatus
from canlian.indicators import engine
from canlian.regions.models import Region
from canlian.surveys.models import AnnualSurvey

SUBSIDY_MONTHLY = "subsidy-monthly/1"
SUBSIDY_MONTHLY_COLUMNS = ["format", "month", "township_code", "township_name", "subsidy",
                           "persons_paid", "lines", "amount_yuan"]


class FormatError(ValueError):
    """A file that is not of the format and version the reader expects."""


def subsidy_monthly(user: Any, month: dt.date) -> list[dict[str, Any]]:
    """The month's figures within the user's region, one row per township and subsidy."""
    month = month.replace(day=1)
    lines = (RollLine.objects.filter(scoping.region_q(user, "village_code"),
                                     roll__status=RollStatus.FINALISED, roll__month=month)
             .annotate(township=Substr("village_code", 1, 9))
             .values("township", "subsidy")
             .annotate(persons=Count("person_id", distinct=True,
                                     filter=Q(kind__in=PAYING_KINDS)),
                       lines=Count("id"), amount=Sum("amount"))
             .order_by("township", "subsidy"))
    rows = list(lines)
    names = {r.code[:9]: r.name for r in Region.objects.filter(
        level="township", code__in=[r["township"] + "000" for r in rows])}
    return [{"format": SUBSIDY_MONTHLY, "month": f"{month:%Y-%m}",
             "township_code": r["township"] + "000", "township_name": names.get(r["township"], ""),
             "subsidy": r["subsidy"], "persons_paid": r["persons"], "lines": r["lines"],
             "amount_yuan": f"{(r['amount'] or Decimal(0)):.2f}"} for r in rows]


def write_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """UTF-8 CSV text, comma-separated, a header row, RFC 4180 quoting."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read_subsidy_monthly(content: str) -> list[dict[str, Any]]:
    """Read a ``subsidy-monthly/1`` file back (a counterpart's reader does the same)."""
    reader = csv.DictReader(io.StringIO(content))
    if reader.fieldnames != SUBSIDY_MONTHLY_COLUMNS:
        raise FormatError(f"unexpected header {reader.fieldnames}: expected {SUBSIDY_MONTHLY_COLUMNS}")
    rows = []
    for number, row in enumerate(reader, start=2):
        if row["format"] != SUBSIDY_MONTHLY:
            raise FormatError(f"第 {number} 行的格式版本为 {row['format']!r}，应为 {SUBSIDY_MONTHLY}")
        rows.append({**row, "persons_paid": int(row["persons_paid"]), "lines": int(row["lines"]),
                     "amount_yuan": Decimal(row["amount_yuan"])})
    return rows


INDICATORS_ANNUAL = "indicators-annual/1"
INDICATORS_ANNUAL_COLUMNS = ["format", "plan", "year", "region_code", "region_name",
                             "indicator_code", "indicator_name", "unit", "numerator",
                             "denominator", "value"]


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def indicator_aggregates(plan: Any, year: int, region: Region) -> list[dict[str, Any]]:
    """The plan's indicators for ``year`` in ``region``: figures only (numerator,
    denominator, value), never the persons behind them. The caller checks the region is
    the user's (``accounts.scoping.region_of``)."""
    return [{"format": INDICATORS_ANNUAL, "plan": plan.code, "year": year,
             "region_code": region.code, "region_name": region.name,
             "indicator_code": r.code, "indicator_name": r.indicator.name,
             "unit": r.indicator.unit,
             "numerator": _number(r.figure.numerator if not isinstance(
                 r.figure.numerator, (list, dict, set)) else None),
             "denominator": _number(r.figure.denominator if not isinstance(
                 r.figure.denominator, (list, dict, set)) else None),
             "value": _number(r.figure.value)}
            for r in engine.compute(plan, year, region, townships=False)]


def read_indicators_annual(content: str) -> list[dict[str, Any]]:
    """Read an ``indicators-annual/1`` file back: figures as Decimal (None when empty)."""
    reader = csv.DictReader(io.StringIO(content))
    if reader.fieldnames != INDICATORS_ANNUAL_COLUMNS:
        raise FormatError(f"unexpected header {reader.fieldnames}: expected {INDICATORS_ANNUAL_COLUMNS}")
    rows = []
    for number, row in enumerate(reader, start=2):
        if row["format"] != INDICATORS_ANNUAL:
            raise FormatError(f"第 {number} 行的格式版本为 {row['format']!r}，应为 {INDICATORS_ANNUAL}")
        rows.append({**row, "year": int(row["year"]),
                     **{k: Decimal(row[k]) if row[k] else None
                        for k in ("numerator", "denominator", "value")}})
    return rows


SURVEY_ANNUAL = "survey-annual/1"
# Counts of the year's status-and-needs surveys (残疾人基本服务状况和需求信息数据动态更新) per
# township and disability category: the answers the provincial and national systems total.
SURVEY_COUNTS = ("surveyed", "pension_insured", "medical_insured", "living_subsidy",
                 "nursing_subsidy", "employed", "able_to_work", "rehab_need", "served_rehab",
                 "device_need", "served_device", "care_need", "home_accessibility_need",
                 "culture_sports")
SURVEY_ANNUAL_COLUMNS = ["format", "year", "township_code", "township_name", "category",
                         *SURVEY_COUNTS]


def survey_annual(user: Any, year: int) -> list[dict[str, Any]]:
    """The year's surveys within the user's region as counts, one row per township and
    disability category at the survey (``0`` where the survey recorded none). Aggregates
    only: no person appears in the file."""
    flags = {"pension_insured": Q(pension_insured=True), "medical_insured": Q(medical_insured=True),
             "living_subsidy": Q(receives_living_subsidy=True),
             "nursing_subsidy": Q(receives_nursing_subsidy=True),
             "employed": Q(employment_status="employed"), "able_to_work": Q(able_to_work=True),
             "rehab_need": Q(rehab_need=True), "served_rehab": Q(served_rehab=True),
             "device_need": Q(device_need=True), "served_device": Q(served_device=True),
             "care_need": ~Q(care_need="none"),
             "home_accessibility_need": Q(home_accessibility_need=True),
             "culture_sports": Q(culture_sports=True)}
    counted: Any = (AnnualSurvey.objects.filter(scoping.region_q(user, "village__code"), year=year)
                    .annotate(township=Substr("village", 1, 9))
                    .values("township", "category")
                    .annotate(surveyed=Count("id"),
                              **{k: Count("id", filter=q) for k, q in flags.items()})
                    .order_by("township", "category"))
    rows: list[dict[str, Any]] = list(counted)
    names = {r.code[:9]: r.name for r in Region.objects.filter(
        level="township", code__in=[r["township"] + "000" for r in rows])}
    return [{"format": SURVEY_ANNUAL, "year": year, "township_code": r["township"] + "000",
             "township_name": names.get(r["township"], ""), "category": r["category"] or 0,
             **{k: r[k] for k in SURVEY_COUNTS}} for r in rows]


def read_survey_annual(content: str) -> list[dict[str, Any]]:
    """Read a ``survey-annual/1`` file back: the counts as integers."""
    reader = csv.DictReader(io.StringIO(content))
    if reader.fieldnames != SURVEY_ANNUAL_COLUMNS:
        raise FormatError(f"unexpected header {reader.fieldnames}: expected {SURVEY_ANNUAL_COLUMNS}")
    rows: list[dict[str, Any]] = []
    for number, row in enumerate(reader, start=2):
        if row["format"] != SURVEY_ANNUAL:
            raise FormatError(f"第 {number} 行的格式版本为 {row['format']!r}，应为 {SURVEY_ANNUAL}")
        read: dict[str, Any] = dict(row)
        read.update({"year": int(row["year"]), "category": int(row["category"])})
        read.update({k: int(row[k]) for k in SURVEY_COUNTS})
        rows.append(read)
    return rows
