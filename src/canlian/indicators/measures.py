"""The indicator engine's queries: numerator and denominator of every indicator, per
township, for a region and a year, in a few aggregate queries (never a loop over persons).

Each measure returns ``{township_code: (numerator, denominator)}``; the deployment's total
is the sum (every person lives in exactly one township). Numerators are always counted as
a further condition on the denominator's population, so a numerator can never exceed its
denominator (policy-rules §7), and persons are counted once (``COUNT(DISTINCT person)``).

Definitions (refined from design.md and policy-rules §7; shown on each indicator's page):
``catalogue.DEFINITIONS``, keyed by indicator code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from canlian.core import clock
from canlian.regions.models import Region

PerTownship = dict[str, tuple[int, int | None]]


@dataclass(frozen=True)
class Scope:
    region: Region
    year: int
    # Results shared by several indicators within one computation (e.g. the survey pass).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def mid(self) -> dt.date:
        return dt.date(self.year, 6, 30)


def _by_township(qs: QuerySet, village_field: str, **aggregates: Any) -> list[dict[str, Any]]:
    return list(qs.annotate(township=Substr(village_field, 1, 9))
                .values("township").annotate(**aggregates).order_by())


def _pairs(rows: list[dict[str, Any]], num: str = "num", den: str = "den") -> PerTownship:
    return {r["township"] + "000": (r[num] or 0, r[den] or 0) for r in rows}


def _age_cutoff(on: dt.date, years: int) -> dt.date:
    """Born on or before this date ⇒ at least ``years`` old on ``on``."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


# ---- survey-based rates (one pass over the year's surveys) ---------------------------------

def _surveys(scope: Scope) -> QuerySet:
    from canlian.surveys.models import AnnualSurvey

    return AnnualSurvey.objects.filter(year=scope.year,
                                       village__code__range=scope.region.code_range)


def survey_rates(scope: Scope) -> dict[str, PerTownship]:
    """All survey-based indicators in one grouped query (computed once per scope)."""
    if "survey_rates" not in scope.memo:
        scope.memo["survey_rates"] = _survey_rates(scope)
    return scope.memo["survey_rates"]


def _survey_rates(scope: Scope) -> dict[str, PerTownship]:
    """One grouped pass over the year's surveys. A person has at most one survey a year
    (unique person + year), so plain filtered counts are counts of persons: no
    ``COUNT(DISTINCT)``, which would make PostgreSQL sort instead of hash. Ages and the
    household's type are those the survey recorded (``AnnualSurvey.birth_date`` and
    ``household_type``), and the services received in the year those the service records
    set on it (``surveys.served``), so the pass joins no other table."""
    s = scope
    adult = Q(birth_date__lte=_age_cutoff(s.mid, 16))
    in_school = Q(education_status__in=["compulsory_school", "compulsory_special",
                                        "compulsory_home", "upper_secondary", "higher"])
    working_age = adult & Q(birth_date__gt=_age_cutoff(s.mid, 60))
    # Children of compulsory-school age (6–15 on 1 September of the school year).
    sept = dt.date(s.year, 9, 1)
    child = Q(birth_date__lte=_age_cutoff(sept, 6),
              birth_date__gt=_age_cutoff(sept, 16))
    upper_age = Q(birth_date__lte=_age_cutoff(sept, 15),
                  birth_date__gt=_age_cutoff(sept, 19))
    enrolled = Q(education_status__in=["compulsory_school", "compulsory_special",
                                       "compulsory_home"])
    employed = employed_q(scope)
    rehab = Q(rehab_need=True)
    device = Q(device_need=True)
    has_income = Q(household_income_per_capita__isnull=False)
    extra: dict[str, Any] = {}
    standard = _dibao_yearly(scope)
    if standard is not None:
        meets = Q(household_income_per_capita__lt=standard)
        extra["low_den"] = Count("id", filter=meets)
        extra["low"] = Count("id", filter=meets & Q(
            household_type__in=["dibao", "tekun"]))
    rows = _by_township(
        _surveys(scope), "village_id",
        all=Count("id"),
        medical=Count("id", filter=Q(medical_insured=True)),
        pension_den=Count("id", filter=adult & ~in_school),
        pension=Count("id", filter=adult & ~in_school & Q(pension_insured=True)),
        work_den=Count("id", filter=working_age & Q(able_to_work=True)),
        work=Count("id", filter=working_age & Q(able_to_work=True) & employed),
        child_den=Count("id", filter=child),
        child=Count("id", filter=child & enrolled),
        upper_den=Count("id", filter=upper_age & Q(finished_compulsory=True)),
        upper=Count("id", filter=upper_age & Q(finished_compulsory=True)
                    & Q(education_status="upper_secondary")),
        rehab_den=Count("id", filter=rehab),
        rehab=Count("id", filter=rehab & Q(served_rehab=True)),
        device_den=Count("id", filter=device),
        device=Count("id", filter=device & Q(served_device=True)),
        culture=Count("id", filter=Q(served_culture=True)),
        income_n=Count("id", filter=has_income),
        income_sum=Sum("household_income_per_capita", filter=has_income),
        **extra,
    )
    return {
        "medical_insurance_rate": _pairs(rows, "medical", "all"),
        "pension_insurance_rate": _pairs(rows, "pension", "pension_den"),
        "employment_rate": _pairs(rows, "work", "work_den"),
        "compulsory_education_enrollment": _pairs(rows, "child", "child_den"),
        "high_school_education_rate": _pairs(rows, "upper", "upper_den"),
        "rehabilitation_coverage": _pairs(rows, "rehab", "rehab_den"),
        "assistive_device_rate": _pairs(rows, "device", "device_den"),
        "culture_sports_coverage": _pairs(rows, "culture", "all"),
        "low_income_inclusion_rate": _pairs(rows, "low", "low_den") if extra else {},
        "income": {r["township"] + "000": (r["income_sum"], r["income_n"]) for r in rows
                   if r["income_n"]},
    }


def employed_q(scope: Scope) -> Q:
    """Employed in the year: by the survey's answer, or in a placement running that year."""
    employed = Q(employment_status="employed")
    placed = _placed_ids(scope)
    if placed is not None:
        employed |= Q(person_id__in=placed)
    return employed


def _dibao_yearly(scope: Scope) -> Decimal | None:
    """The 低保 standard in force on 30 June, per year (None without a rule set)."""
    from canlian.benefits.facts import has_ruleset, ruleset_for

    if not has_ruleset():
        return None
    try:
        return ruleset_for().dibao_on(scope.mid).monthly * 12
    except LookupError:
        return None


def _placed_ids(scope: Scope) -> QuerySet | None:
    """Persons in a placement during the year (the employment app's second source)."""
    try:
        from canlian.employment import queries
    except ImportError:
        return None
    fn = getattr(queries, "employed_person_ids", None)
    return fn(scope.region, scope.year) if fn else None


# ---- subsidies ------------------------------------------------------------------------------

def subsidy_coverage(scope: Scope, subsidy: str) -> PerTownship:
    """Eligible persons paid ÷ persons eligible.

    Paid: a finalised payment for a month of the year. Eligible: those paid, plus the
    living certified persons whom the registry facts make likely eligible on 30 June and
    who were not paid (the roll's gap check). Evaluated per distinct group of facts.
    """
    from canlian.benefits import eligibility
    from canlian.benefits.facts import has_ruleset, ruleset_for

    result: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    ruleset = ruleset_for() if has_ruleset() else None
    on = min(scope.mid, clock.today())
    cache: dict[tuple, bool] = {}
    for g in subsidy_groups(scope):
        township = result[g["township"] + "000"]
        township[0] += g[f"paid_{subsidy}"]
        township[1] += g[f"paid_{subsidy}"]
        if ruleset is None or not g[f"gap_{subsidy}"]:
            continue
        key = (g["category"], g["grade"], g["household_type"])
        if key not in cache:
            try:
                facts = eligibility.Facts(
                    birth_date=dt.date(1970, 1, 1), alive=True, certificate_status="issued",
                    certificate_valid_until=on + dt.timedelta(days=365),
                    category=g["category"], grade=g["grade"],
                    household_type=g["household_type"] or "ordinary",
                    household_income_per_capita=None, own_income=None,
                    needs_long_term_care=True, care_months=None, institutional_care=False,
                    hukou_in_region=True, work_injury_care_allowance=False,
                    orphan_basic_living=False)
                cache[key] = eligibility.decide(ruleset, subsidy, facts, on).eligible
            except (eligibility.FactsError, eligibility.NotInForceError):
                cache[key] = False
        if cache[key]:
            township[1] += g[f"gap_{subsidy}"]
    return {k: (v[0], v[1]) for k, v in result.items() if v != [0, 0]}


SUBSIDY_GROUPS = """
SELECT SUBSTR(p.village_id, 1, 9) AS township, p.category, p.grade, p.household_type,
    SUM(CASE WHEN l.person_id IS NOT NULL THEN 1 ELSE 0 END) AS paid_living,
    SUM(CASE WHEN n.person_id IS NOT NULL THEN 1 ELSE 0 END) AS paid_nursing,
    SUM(CASE WHEN p.life_status = 'alive' AND p.certificate_number IS NOT NULL
             AND l.person_id IS NULL THEN 1 ELSE 0 END) AS gap_living,
    SUM(CASE WHEN p.life_status = 'alive' AND p.certificate_number IS NOT NULL
             AND n.person_id IS NULL THEN 1 ELSE 0 END) AS gap_nursing
FROM people_person p
LEFT JOIN benefits_paidyear l ON l.person_id = p.id AND l.year = %s AND l.subsidy = 'living'
LEFT JOIN benefits_paidyear n ON n.person_id = p.id AND n.year = %s AND n.subsidy = 'nursing'
WHERE p.village_id BETWEEN %s AND %s
GROUP BY SUBSTR(p.village_id, 1, 9), p.category, p.grade, p.household_type"""


def subsidy_groups(scope: Scope) -> list[dict[str, Any]]:
    """One grouped pass over the region's persons for both subsidies: per township and
    group of eligibility facts, how many were paid in the year and how many living
    certified persons were not (the candidates for the gap).

    Who was paid in the year is read from the ledger's per-year summary
    (``benefits.PaidYear``: the person-years of ``rolls.paid_lines``), a few hundred
    thousand rows instead of the year's four million lines, unique per person and
    subsidy, so a plain left join counts each person once."""
    if "subsidy_groups" in scope.memo:
        return scope.memo["subsidy_groups"]
    from django.db import connection

    lo, hi = scope.region.code_range
    with connection.cursor() as cursor, _merge_joins(cursor):
        cursor.execute(SUBSIDY_GROUPS, [scope.year, scope.year, lo, hi])
        names = ("township", "category", "grade", "household_type",
                 "paid_living", "paid_nursing", "gap_living", "gap_nursing")
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for name in names[4:]:
            row[name] = int(row[name] or 0)
    scope.memo["subsidy_groups"] = rows
    return rows


@contextmanager
def _merge_joins(cursor: Any) -> Iterator[None]:
    """Within a PostgreSQL transaction, plan the next statement without hash joins: both
    sides of the persons–payments join come in person order (the primary key; the
    unique year + subsidy + person), and merging them is 0.9 s at a million persons
    where hashing a million probes is 1.5 s. The setting is put back afterwards (it is
    transaction-local, so a failing statement takes it away with its transaction)."""
    from django.db import connection

    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    cursor.execute("SELECT current_setting('enable_hashjoin')")
    previous = cursor.fetchone()[0]
    cursor.execute("SET LOCAL enable_hashjoin = off")
    yield
    cursor.execute("SELECT set_config('enable_hashjoin', %s, true)", [previous])


def payments_and_history(scope: Scope) -> dict[str, Any]:
    """The passes besides the year's surveys and the period's accessibility needs, into
    ``scope.memo``: the persons with the year's payments and last year's incomes. The
    engine runs this on a second connection while the first reads the year's surveys."""
    subsidy_groups(scope)
    _income(scope, scope.year - 1)
    return scope.memo


def low_income_inclusion(scope: Scope) -> PerTownship:
    """Persons whose household income (survey, last year, per month) is under the 低保
    standard in force on 30 June ÷ those of them whose household is in 低保 (or 特困).
    Counted in the survey pass (``_survey_rates``)."""
    return survey_rates(scope)["low_income_inclusion_rate"]


# ---- institutions per township ------------------------------------------------------------

def institution_coverage(scope: Scope, kind: str) -> PerTownship:
    """Townships with at least one operating institution of ``kind`` on 31 December."""
    from canlian.services.models import Institution

    townships = list(scope.region.townships().values_list("code", flat=True)) \
        if scope.region.level != "township" else [scope.region.code]
    operating = set(Institution.objects.filter(
        kind=kind, township_id__in=townships, opened_on__lte=scope.last).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=scope.last))
        .values_list("township_id", flat=True))
    return {t: (1 if t in operating else 0, 1) for t in townships}


# ---- renovations ---------------------------------------------------------------------------

HARDSHIP = ["dibao", "dibao_edge", "tekun"]


def home_accessibility_rate(scope: Scope, period_start: int) -> PerTownship:
    """Persons with a home-accessibility need in any survey of the period so far, whose
    home was renovated and accepted in the period ÷ those persons (cumulative)."""
    key = f"home-rate-{period_start}"
    if key not in scope.memo:
        scope.memo[key] = _home_accessibility_rate(scope, period_start)
    return scope.memo[key]


def _home_accessibility_rate(scope: Scope, period_start: int) -> PerTownship:
    from canlian.services.models import Renovation
    from canlian.surveys.models import AnnualSurvey

    needing = AnnualSurvey.objects.filter(
        year__range=(period_start, scope.year), home_accessibility_need=True,
        village__code__range=scope.region.code_range)
    done = Renovation.objects.filter(state="accepted", accepted_on__range=(
        dt.date(period_start, 1, 1), scope.last)).values("person_id")
    rows = _by_township(needing, "village_id",
                        den=Count("person", distinct=True),
                        num=Count("person", distinct=True, filter=Q(person_id__in=done)))
    return _pairs(rows)


def home_accessibility_count(scope: Scope, period_start: int) -> PerTownship:
    """困难重度 households renovated (accepted) in the period so far."""
    from canlian.services.models import Renovation

    rows = _by_township(
        Renovation.objects.filter(state="accepted", accepted_on__range=(
            dt.date(period_start, 1, 1), scope.last), village__code__range=scope.region.code_range)
        .filter(Q(household__household_type__in=HARDSHIP) | Q(person__grade__lte=2)),
        "village_id", num=Count("person", distinct=True))
    return {r["township"] + "000": (r["num"], None) for r in rows}


# ---- employment (from the employment app, when it provides the queries) ---------------------

def training(scope: Scope, start: dt.date) -> PerTownship:
    try:
        from canlian.employment import queries
    except ImportError:
        return {}
    fn = getattr(queries, "training_person_times_by_township", None)
    if fn is None:
        return {}
    return {k: (v, None) for k, v in fn(scope.region, start, scope.last).items()}


def public_units_in_breach(scope: Scope) -> PerTownship:
    try:
        from canlian.employment import queries
    except ImportError:
        return {}
    fn = getattr(queries, "public_units_in_breach_by_township", None)
    if fn is None:
        return {}
    return {k: (v, None) for k, v in fn(scope.region, scope.year).items()}


# ---- household income ----------------------------------------------------------------------

def _income(scope: Scope, year: int) -> dict[str, tuple[Decimal, int]]:
    """(sum, count) of per-capita household income of surveyed persons per township."""
    if year == scope.year:
        return survey_rates(scope)["income"]
    from canlian.surveys.models import AnnualSurvey

    key = f"income-{year}"
    if key not in scope.memo:
        rows = _by_township(AnnualSurvey.objects.filter(
            year=year, village__code__range=scope.region.code_range,
            household_income_per_capita__isnull=False), "village_id",
            total=Sum("household_income_per_capita"), n=Count("id"))
        scope.memo[key] = {r["township"] + "000": (r["total"], r["n"]) for r in rows if r["n"]}
    return scope.memo[key]


def _growth(this: tuple[Any, int] | None, last: tuple[Any, int] | None) -> Decimal | None:
    """Growth (%) of a mean from (sum, count) pairs; None without both years."""
    if not this or not last or not this[0] or not last[0]:
        return None
    return ((Decimal(this[0]) / this[1]) / (Decimal(last[0]) / last[1]) - 1) * 100


def household_income_growth_total(scope: Scope) -> tuple[Decimal, None] | None:
    """Growth (%) of the region's mean per-capita household income on last year."""
    def whole(per: dict[str, tuple[Decimal, int]]) -> tuple[Any, int] | None:
        return (sum(v[0] for v in per.values()), sum(v[1] for v in per.values())) if per else None

    value = _growth(whole(_income(scope, scope.year)), whole(_income(scope, scope.year - 1)))
    return None if value is None else (value, None)


def household_income_growth(scope: Scope) -> dict[str, tuple[Decimal | None, None]]:
    """Growth (%) of the mean per-capita household income of surveyed persons on last year."""
    this, last = _income(scope, scope.year), _income(scope, scope.year - 1)
    return {t: (_growth(this[t], last[t]), None) for t in this if last.get(t)}


Measure = Callable[[Scope], PerTownship]
