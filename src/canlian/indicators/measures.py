"""The indicator engine's queries: numerator and denominator of every indicator, per
township, for a region and a year, in a few aggregate queries (never a loop over persons).

Each measure returns ``{township_code: (numerator, denominator)}``; the deployment's total
is the sum (every person lives in exactly one township). Numerators are always counted as
a further condition on the denominator's population, so a numerator can never exceed its
denominator (docs/domain.md §8), and persons are counted once (``COUNT(DISTINCT person)``).

Definitions (docs/indicators.md and docs/domain.md §8; shown on each indicator's page):
``catalogue.DEFINITIONS``, keyed by indicator code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Substr

from canlian.accounts import scoping
from canlian.benefits.facts import has_ruleset, ruleset_for
from canlian.certificates import validity
from canlian.certificates.models import Certificate
from canlian.core import clock
from canlian.regions.models import Deployment, Region
from canlian.services.models import Institution, Renovation
from canlian.surveys.models import AnnualSurvey

from .models import HomeNeed, HomeNeedSet, SurveyPlace, SurveyPlaceSet, SurveyTally

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


def _age_cutoff(on: dt.date, years: int) -> dt.date:
    """Born on or before this date ⇒ at least ``years`` old on ``on``."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


# ---- survey-based rates (one pass over the year's surveys) ---------------------------------

COMPULSORY = ["compulsory_school", "compulsory_special", "compulsory_home"]
IN_SCHOOL = [*COMPULSORY, "upper_secondary", "higher"]
# 持证: the person held a valid certificate on the survey date (``AnnualSurvey.grade``,
# set from ``certificates.validity`` when the survey is made).
CERTIFIED = Q(grade__isnull=False)


def _surveys(scope: Scope) -> QuerySet:

    return AnnualSurvey.objects.filter(scoping.within(scope.region, "village__code"),
                                       year=scope.year)


def _school_age(scope: Scope, low: int, high: int) -> Q:
    """Aged ``low``–``high`` on 1 September of the school year the survey observes: the
    one that began last September for a survey taken before September, this September
    after (a child who turns six in July is not of school age in a May survey)."""
    def band(start: dt.date) -> Q:
        return Q(birth_date__lte=_age_cutoff(start, low),
                 birth_date__gt=_age_cutoff(start, high + 1))

    autumn = dt.date(scope.year, 9, 1)
    return ((Q(surveyed_on__lt=autumn) & band(dt.date(scope.year - 1, 9, 1)))
            | (Q(surveyed_on__gte=autumn) & band(autumn)))


COMPLETED_COMPULSORY = (Q(finished_compulsory=True) | Q(education_status__in=["upper_secondary",
                                                                               "higher"])
                        | Q(highest_level__in=["junior_secondary", "upper_secondary", "higher"]))
UPPER_SECONDARY_OR_BEYOND = (Q(education_status__in=["upper_secondary", "higher"])
                             | Q(highest_level__in=["upper_secondary", "higher"]))


COMPLETED_LEVELS = ["junior_secondary", "upper_secondary", "higher"]


def _register(scope: Scope, statuses: list[str], completed: list[str]) -> Q:
    """Surveyed persons whom the education register (``education``) shows in one of
    ``statuses`` at some time in the year, or as having completed one of the levels
    ``completed`` by its end: the register's second source, like placements for
    employment."""
    from canlian.education import queries

    key = f"register-{','.join(sorted(statuses))}-{','.join(sorted(completed))}"
    if key not in scope.memo:
        region = scope.region
        scope.memo[key] = (
            Q(person_id__in=queries.in_status_during(region, set(statuses), scope.first,
                                                     scope.last))
            | Q(person_id__in=queries.completed_by(region, completed, scope.last)))
    return scope.memo[key]


def _programme(scope: Scope, settled: str) -> Q:
    """Surveyed persons whom a “1+X” programme settled for in the year (``programmes``):
    a premium confirmed by 人社 / 医保 on the year's roster, or a child's rehabilitation
    billed by a designated institution. The engine's record is the second source beside
    the survey's answer, as the education register is for schooling."""
    from canlian.programmes import queries

    key = f"programme-{settled}"
    if key not in scope.memo:
        scope.memo[key] = Q(person_id__in=queries.participants(scope.region, scope.year,
                                                              settled))
    return scope.memo[key]


def survey_conditions(scope: Scope) -> dict[str, tuple[Q, Q]]:
    """Each survey-based indicator as (denominator, numerator) conditions on the year's
    surveys, the numerator a further condition on the denominator: the one definition the
    grouped counts and the lists of persons (``drill``) both read."""
    mid = scope.mid
    adult = CERTIFIED & Q(birth_date__lte=_age_cutoff(mid, 16))
    working_age = adult & Q(birth_date__gt=_age_cutoff(mid, 60)) & Q(able_to_work=True)
    conditions = {
        # the survey's answer, or a premium subsidy confirmed on the year's roster
        "medical_insurance_rate": (CERTIFIED, Q(medical_insured=True)
                                   | _programme(scope, "medical_premium")),
        "pension_insurance_rate": (adult & ~Q(education_status__in=IN_SCHOOL),
                                   Q(pension_insured=True) | _programme(scope, "pension_premium")),
        "employment_rate": (working_age, employed_q(scope)),
        # 6–15: enrolled at the compulsory level, or already past it (upper-secondary
        # school, or compulsory education completed)
        # (the survey's answer, or the education register: enrolled at the compulsory
        # level during the year, or compulsory education completed by its end)
        "compulsory_education_enrollment": (
            CERTIFIED & _school_age(scope, 6, 15),
            Q(education_status__in=COMPULSORY) | COMPLETED_COMPULSORY
            | _register(scope, COMPULSORY, COMPLETED_LEVELS)),
        # 15–18 who completed compulsory education: in upper-secondary school or beyond,
        # or already completed it (the survey's highest level completed)
        "high_school_education_rate": (
            CERTIFIED & _school_age(scope, 15, 18)
            & (COMPLETED_COMPULSORY | _register(scope, ["upper_secondary", "higher"],
                                                COMPLETED_LEVELS)),
            UPPER_SECONDARY_OR_BEYOND | _register(scope, ["upper_secondary", "higher"],
                                                  ["upper_secondary", "higher"])),
        # a basic service recorded, or children's rehabilitation assistance billed
        "rehabilitation_coverage": (CERTIFIED & Q(rehab_need=True),
                                    Q(served_rehab=True) | _programme(scope, "child_rehab")),
        "assistive_device_rate": (CERTIFIED & Q(device_need=True), Q(served_device=True)),
        "basic_assistive_device_rate": (CERTIFIED & Q(device_need=True),
                                        Q(served_basic_device=True)),
        "culture_sports_coverage": (CERTIFIED, Q(served_culture=True)),
    }
    standard = _dibao_yearly(scope)
    if standard is not None:
        conditions["low_income_inclusion_rate"] = (
            CERTIFIED & Q(household_income_per_capita__lt=standard),
            Q(household_type__in=["dibao", "tekun"]))
    return conditions


def survey_rates(scope: Scope) -> dict[str, PerTownship]:
    """All survey-based indicators in one grouped query (computed once per scope)."""
    if "survey_rates" not in scope.memo:
        scope.memo["survey_rates"] = _survey_rates(scope)
    return scope.memo["survey_rates"]


def place_expressions(scope: Scope) -> dict[str, Case]:
    """Each survey-based indicator's place of a survey row: 0 outside the denominator, 1 in
    it, 2 in the numerator too (the numerator being a further condition). What the live pass
    groups by, and what ``places`` stores per row."""
    return {code: Case(When(den, then=Case(When(num, then=Value(2)), default=Value(1))),
                       default=Value(0), output_field=IntegerField())
            for code, (den, num) in survey_conditions(scope).items()}


COUNTED_INCOME = CERTIFIED & Q(household_income_per_capita__isnull=False)


def place_signature(scope: Scope) -> str:
    """The definitions a year's places are taken with, as one hash: the conditions' SQL with
    its parameters (the 低保 standard, the ages' cut-off dates, the region) over the
    deployment. Stored places are read only while it is unchanged (``stored_places``).
    Kept per process for the region, year and 低保 standard (the code cannot change under a
    running process; the rule set's standard can)."""
    return _signature(scope)[0]


def _signature(scope: Scope) -> tuple[str, list[str]]:
    key = (connection.vendor, scope.region.code, scope.year, _dibao_yearly(scope))
    if key not in _SIGNATURES:
        places = place_expressions(scope)
        sql, params = _surveys(scope).annotate(**places).values("id").query.sql_with_params()
        _SIGNATURES[key] = (hashlib.sha256(f"{sql} {params!r}".encode()).hexdigest(),
                            list(places))
    return _SIGNATURES[key]


_SIGNATURES: dict[tuple[Any, ...], tuple[str, list[str]]] = {}


def _root(scope: Scope) -> Scope | None:
    """The deployment's scope of the same year (its 低保 standard taken from ``scope``)."""
    if "root" not in scope.memo:
        deployment = Deployment.current()
        scope.memo["root"] = None if deployment is None else deployment.root
    root = scope.memo["root"]
    if root is None or not root.contains(scope.region.code):
        return None
    return Scope(root, scope.year, {f"dibao-{scope.year}": _dibao_yearly(scope)})


def stored_places(scope: Scope) -> list[str] | None:
    """The indicator codes of the year's stored survey places (``SurveyPlace``), if they
    were taken with today's definitions; None: compute live."""
    key = f"stored-places-{scope.year}"
    if key not in scope.memo:
        found = scope.memo[f"{key}-set"] = SurveyPlaceSet.objects.filter(year=scope.year).first()
        root = _root(scope) if found is not None else None
        signature, codes = _signature(root) if root is not None else ("", [])
        scope.memo[key] = codes if found is not None and found.signature == signature else None
    return scope.memo[key]


def stored_places_taken(scope: Scope) -> str:
    """Which taking of the year's stored places ``stored_rows`` reads (for a cache key);
    "" unless ``stored_places`` found them current."""
    if not stored_places(scope):
        return ""
    found = scope.memo[f"stored-places-{scope.year}-set"]
    return f"places-{found.pk}-{found.refreshed_at.isoformat()}"


def stored_rows(scope: Scope) -> QuerySet:
    """The region's stored places of the year, one row per survey."""
    return SurveyPlace.objects.filter(scoping.within(scope.region, "village_code"),
                                      year=scope.year)


def stored_tallies(scope: Scope) -> QuerySet:
    """The same counted per village and combination of places (``SurveyTally``)."""
    return SurveyTally.objects.filter(scoping.within(scope.region, "village_code"),
                                      year=scope.year)


def _survey_rates(scope: Scope) -> dict[str, PerTownship]:
    codes = stored_places(scope)
    return _live_survey_rates(scope) if codes is None else _stored_survey_rates(scope, codes)


def _stored_survey_rates(scope: Scope, codes: list[str]) -> dict[str, PerTownship]:
    """The survey pass from the stored places: one small aggregate of the year's tallies
    (a few rows per village), two filtered sums per indicator per township."""
    counts: dict[str, Any] = {}
    for code in codes:
        counts[f"{code}_n"] = Coalesce(Sum("surveys", filter=Q(**{code: 2})), 0)
        counts[f"{code}_d"] = Coalesce(Sum("surveys", filter=Q(**{f"{code}__gte": 1})), 0)
    rows = (stored_tallies(scope).values(township=Substr("village_code", 1, 9))
            .annotate(**counts, income=Sum("income_sum"), income_n=Sum("income_n")).order_by())
    result: dict[str, Any] = {code: {} for code in codes}
    result.setdefault("low_income_inclusion_rate", {})
    result["income"] = {}
    for found in rows:
        row: dict[str, Any] = dict(found)
        township = row["township"] + "000"
        for code in codes:
            result[code][township] = (row[f"{code}_n"], row[f"{code}_d"])
        if row["income_n"]:
            result["income"][township] = (row["income"], row["income_n"])
    return result


def _live_survey_rates(scope: Scope) -> dict[str, PerTownship]:
    """One grouped pass over the year's surveys. A person has at most one survey a year
    (unique person + year), so counts of rows are counts of persons: no
    ``COUNT(DISTINCT)``, which would make PostgreSQL sort instead of hash. Ages, the
    household's type and the certificate are those the survey recorded, and the services
    received in the year those the service records set on it (``surveys.served``), so the
    pass joins no other table.

    Each row's place in every indicator is worked out once (``place_expressions``) and the
    rows are grouped by township and those places: a few thousand groups, summed here. Two
    filtered counts per indicator evaluated every condition twice per row and ran forty
    aggregates; this runs three."""
    conditions = survey_conditions(scope)
    places: dict[str, Any] = {f"p{i}": expression for i, expression
                              in enumerate(place_expressions(scope).values())}
    places["has_income"] = Case(When(COUNTED_INCOME, then=Value(1)), default=Value(0),
                                output_field=IntegerField())
    rows = (_surveys(scope).annotate(township=Substr("village_id", 1, 9), **places)
            .values("township", *places)
            .annotate(n=Count("id"), income_sum=Sum("household_income_per_capita"))
            .order_by())
    result: dict[str, Any] = {code: {} for code in conditions}
    income: dict[str, list[Any]] = {}
    for row in rows:
        township = row["township"] + "000"
        for i, code in enumerate(conditions):
            place = row[f"p{i}"]
            if place:
                pair = result[code].setdefault(township, [0, 0])
                pair[1] += row["n"]
                pair[0] += row["n"] if place == 2 else 0
        pair = income.setdefault(township, [0, 0])
        if row["has_income"]:
            pair[0] += row["income_sum"] or 0
            pair[1] += row["n"]
    # every township with a survey reads (0, 0) rather than no data, as before
    for per in result.values():
        for township in income:
            per.setdefault(township, [0, 0])
    result = {code: {t: (v[0], v[1]) for t, v in per.items()} for code, per in result.items()}
    result.setdefault("low_income_inclusion_rate", {})
    result["income"] = {t: (v[0], v[1]) for t, v in income.items() if v[1]}
    return result


def employed_q(scope: Scope) -> Q:
    """Employed in the year: by the survey's answer, or in a placement running that year."""
    return Q(employment_status="employed") | Q(person_id__in=_placed_ids(scope))


def _dibao_yearly(scope: Scope) -> Decimal | None:
    """The 低保 standard in force on 30 June, per year (None without a rule set)."""
    key = f"dibao-{scope.year}"
    if key not in scope.memo:
        try:
            scope.memo[key] = (ruleset_for().dibao_on(scope.mid).monthly * 12
                               if has_ruleset() else None)
        except LookupError:
            scope.memo[key] = None
    return scope.memo[key]


def _placed_ids(scope: Scope) -> QuerySet:
    """Persons in a placement during the year (the employment app's second source)."""
    from canlian.employment import queries

    return queries.employed_person_ids(scope.region, scope.year)


# ---- subsidies ------------------------------------------------------------------------------

def subsidy_coverage(scope: Scope, subsidy: str) -> PerTownship:
    """Eligible persons paid ÷ persons eligible (``benefits.likely``: the one definition
    of eligible, shared with the roll's 应享未享 check). Paid: a finalised payment for a
    month of the year. Eligible: those paid, plus the persons likely eligible on the year's
    reference date (30 June) and not paid."""
    if "subsidies" not in scope.memo:
        from canlian.benefits import likely

        scope.memo["subsidies"] = likely.coverage(scope.region, scope.year)
    return {t: (v[0], v[1]) for t, v in scope.memo["subsidies"][subsidy].items()}


def payments_and_history(scope: Scope) -> dict[str, Any]:
    """The subsidy pass (the persons' facts on the reference date with the year's
    payments: the heaviest, four hash joins over the persons) into ``scope.memo``. The
    engine runs this on a second connection while the first reads the year's surveys, the
    period's accessibility needs and last year's incomes."""
    subsidy_coverage(scope, "living")
    return scope.memo


def low_income_inclusion(scope: Scope) -> PerTownship:
    """Persons whose household income (survey, last year, per month) is under the 低保
    standard in force on 30 June ÷ those of them whose household is in 低保 (or 特困).
    Counted in the survey pass (``_survey_rates``)."""
    return survey_rates(scope)["low_income_inclusion_rate"]


# ---- institutions per township ------------------------------------------------------------

# The kinds of institution that count for each coverage indicator. Linzi's plan builds the
# township's service institution as a 如康家园 残疾人之家综合服务平台 in every township, so a
# home of the disabled serves as the township's disability service institution.
SERVES_AS = {
    "home_of_disabled": ("home_of_disabled",),
    "care": ("care",),
    "township_service": ("township_service", "home_of_disabled"),
}


def operating_institutions(scope: Scope, kind: str) -> QuerySet:
    """Institutions of the kinds serving as ``kind``, operating on 31 December."""
    return (Institution.objects.filter(kind__in=SERVES_AS[kind], opened_on__lte=scope.last)
            .filter(scoping.within(scope.region, "township__code"))
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=scope.last)))


def townships_of(scope: Scope) -> list[str]:
    if scope.region.level == "township":
        return [scope.region.code]
    return list(scope.region.townships().values_list("code", flat=True))


def institution_coverage(scope: Scope, kind: str) -> PerTownship:
    """Townships with at least one operating institution serving as ``kind`` on 31 December."""
    operating = set(operating_institutions(scope, kind).values_list("township_id", flat=True))
    return {t: (1 if t in operating else 0, 1) for t in townships_of(scope)}


# ---- renovations ---------------------------------------------------------------------------

HARDSHIP = ["dibao", "dibao_edge", "tekun"]
SEVERE = [1, 2]


def resident_on(on: dt.date, person: str = "person") -> Q:
    """Still resident on ``on``: living, and holding a valid certificate (not cancelled,
    transferred out or lapsed)."""
    return ((Q(**{f"{person}__death_date__isnull": True}) | Q(**{f"{person}__death_date__gt": on}))
            & Q(validity.held(on, f"{person}_id")))


def _reference_end(scope: Scope) -> dt.date:
    return min(scope.last, clock.today())


def accessibility_rows(scope: Scope, period_start: int) -> QuerySet:
    """(person, household, village) of every person the home-accessibility rate counts:
    in a survey of the period so far (``period_start`` to the year), needed a renovation
    and qualified (符合条件: in hardship — 低保, 低保边缘, 特困 — or severely disabled, grade
    1–2, as surveyed), and still resident at the end of the year (living, certified, in
    the region; the end is today within the current year). The one definition the live
    pass reads and ``accessibility`` stores (``HomeNeed``)."""
    return (AnnualSurvey.objects.filter(
        year__range=(period_start, scope.year), home_accessibility_need=True)
        .filter(Q(household_type__in=HARDSHIP) | Q(grade__in=SEVERE))
        .filter(scoping.within(scope.region, "person__village__code"))
        .filter(resident_on(_reference_end(scope)))
        .values_list("person_id", "person__household_id", "person__village_id").order_by()
        .distinct())


def home_need_signature(scope: Scope, period_start: int) -> str:
    """The query a year's stored home needs are taken with, as one hash: its SQL with its
    parameters (the period, the year's end or today, the region). Stored rows are read only
    while it is unchanged (``stored_home_needs``)."""
    key = (connection.vendor, scope.region.code, scope.year, period_start,
           _reference_end(scope))
    if key not in _HOME_SIGNATURES:
        sql, params = accessibility_rows(scope, period_start).query.sql_with_params()
        _HOME_SIGNATURES[key] = hashlib.sha256(f"{sql} {params!r}".encode()).hexdigest()
    return _HOME_SIGNATURES[key]


_HOME_SIGNATURES: dict[tuple[Any, ...], str] = {}


def stored_home_needs(scope: Scope, period_start: int) -> QuerySet | None:
    """The region's stored home needs of the year and period (``HomeNeed``), if they were
    taken with today's query; None: compute live."""
    key = f"stored-home-needs-{scope.year}-{period_start}"
    if key not in scope.memo:
        found = HomeNeedSet.objects.filter(year=scope.year, period_start=period_start).first()
        root = _root(scope) if found is not None else None
        current = (found is not None and root is not None
                   and found.signature == home_need_signature(root, period_start))
        scope.memo[key] = current
    if not scope.memo[key]:
        return None
    return HomeNeed.objects.filter(scoping.within(scope.region, "village_code"),
                                   year=scope.year, period_start=period_start)


def accessibility_households(scope: Scope, period_start: int) -> dict[Any, dict[str, Any]]:
    """The households (户) the home-accessibility rate counts, with the person shown for
    each (its first member by id, whose village gives the township) and whether its home
    was renovated: households with a member counted by ``accessibility_rows`` — read from
    the year's stored home needs when they are current, else live. Renovated: a
    renovation of that household (or person) accepted in the period (read live)."""
    key = f"home-households-{period_start}"
    if key in scope.memo:
        return scope.memo[key]

    end = _reference_end(scope)
    stored = stored_home_needs(scope, period_start)
    rows = (accessibility_rows(scope, period_start) if stored is None else
            stored.values_list("person_id", "household_id", "village_code").order_by())
    done = Renovation.objects.filter(state="accepted", accepted_on__range=(
        dt.date(period_start, 1, 1), end))
    done_households = set(done.exclude(household_id=None).values_list("household_id", flat=True))  # type: ignore[misc]
    done_persons = set(done.values_list("person_id", flat=True))
    households: dict[Any, dict[str, Any]] = {}
    for person_id, household_id, village in sorted(rows):
        key_ = household_id or f"p{person_id}"
        h = households.setdefault(key_, {"person": person_id, "township": village[:9] + "000",
                                         "renovated": False})
        h["renovated"] |= household_id in done_households or person_id in done_persons
    scope.memo[key] = households
    return households


def home_accessibility_rate(scope: Scope, period_start: int) -> PerTownship:
    """Qualifying households renovated ÷ qualifying households with a need (cumulative)."""
    result: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for h in accessibility_households(scope, period_start).values():
        result[h["township"]][1] += 1
        result[h["township"]][0] += h["renovated"]
    return {t: (v[0], v[1]) for t, v in result.items()}


def hardship_severe_renovations(scope: Scope, period_start: int) -> dict[Any, dict[str, Any]]:
    """困难重度 households renovated in the period so far, one per household: the household
    was in hardship (低保, 低保边缘, 特困) AND the person severely disabled (grade 1–2) at
    the time of the works (accepted): the grade of the certificate valid that day, the
    household as surveyed that year (or the registry's where not surveyed)."""
    grade = Certificate.objects.filter(validity.valid_q(OuterRef("accepted_on")),
                                       person_id=OuterRef("person_id")).order_by("-issue_date")
    surveyed = AnnualSurvey.objects.filter(person_id=OuterRef("person_id"),
                                           year=OuterRef("accepted_year"))

    rows = (Renovation.objects.filter(state="accepted", accepted_on__range=(
        dt.date(period_start, 1, 1), scope.last))
        .filter(scoping.within(scope.region, "village__code"))
        .annotate(accepted_year=ExtractYear("accepted_on"))
        .annotate(grade_then=Subquery(grade.values("grade")[:1]),
                  household_then=Coalesce(Subquery(surveyed.values("household_type")[:1]),
                                          "person__household_type"))
        .filter(grade_then__in=SEVERE, household_then__in=HARDSHIP)
        .order_by("accepted_on", "id")
        .values_list("id", "person_id", "household_id", "village_id"))
    households: dict[Any, dict[str, Any]] = {}
    for renovation, person_id, household_id, village in rows:
        households.setdefault(household_id or f"p{person_id}", {
            "renovation": renovation, "person": person_id, "township": village[:9] + "000"})
    return households


def home_accessibility_count(scope: Scope, period_start: int) -> PerTownship:
    """困难重度 households renovated (accepted) in the period so far."""
    result: dict[str, int] = defaultdict(int)
    for h in hardship_severe_renovations(scope, period_start).values():
        result[h["township"]] += 1
    return {t: (n, None) for t, n in result.items()}


# ---- employment (from the employment app, when it provides the queries) ---------------------

def training(scope: Scope, start: dt.date) -> PerTownship:
    """Completed trainings (person-times) of courses ending between ``start`` and the
    year's end (``employment.queries``)."""
    from canlian.employment import queries

    return {k: (v, None) for k, v in
            queries.training_person_times_by_township(scope.region, start, scope.last).items()}


def public_units_in_breach(scope: Scope) -> PerTownship:
    from canlian.employment import queries

    return {k: (v, None) for k, v in
            queries.public_units_in_breach_by_township(scope.region, scope.year).items()}


# ---- household income ----------------------------------------------------------------------

def _income(scope: Scope, year: int) -> dict[str, tuple[Decimal, int]]:
    """(sum, count) of per-capita household income of surveyed persons per township."""
    if year == scope.year:
        return survey_rates(scope)["income"]  # type: ignore[return-value]

    key = f"income-{year}"
    earlier = Scope(scope.region, year, scope.memo)
    if key not in scope.memo and stored_places(earlier) is not None:
        rows = (stored_tallies(earlier).values(township=Substr("village_code", 1, 9))
                .annotate(total=Sum("income_sum"), n=Sum("income_n")).order_by())
        scope.memo[key] = {r["township"] + "000": (r["total"], r["n"]) for r in rows if r["n"]}
    if key not in scope.memo:
        rows = _by_township(AnnualSurvey.objects.filter(
            scoping.within(scope.region, "village__code"), year=year, grade__isnull=False,
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
