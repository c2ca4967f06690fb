"""Stored home needs follow the registry between nightly runs (``accessibility.
refresh_after_commit``, called by the subscribers of ``subscriptions.py``): a death, a
certificate ended or issued, a move or a corrected date of death taken through its action
moves the stored figure and its list of persons once the action commits — equal to the
live computation at once, without the nightly job — and a failed action moves nothing.

Fixture (period 2021–, ``START``; "today" frozen at 30 June 2025, so 2025's end is today),
all surveyed 1 May 2024 needing a renovation, certificates valid 2020–2030:

- A: grade 1, 低保 household HA, 乐成街道 (t1); C: grade 1, A's household HA, t1;
- B: grade 2, own household HB, t1, renovated (accepted 2023-05-01);
- D: grade 4, 低保 household HD, 柳市镇 (t2), also surveyed 2023 needing it.

By hand, 2023: only D's 2023 survey → HD, 0 / 1. 2024 and 2025: HA, HB (renovated), HD →
1 / 3 (t1 1 / 2, t2 0 / 1); the gap lists one member per household: A (HA's first) and D.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from canlian.certificates import actions as certificate_actions
from canlian.certificates.models import CancelReason, Certificate
from canlian.core import clock
from canlian.indicators import accessibility, measures, places
from canlian.indicators.measures import Scope
from canlian.indicators.models import HomeNeed, HomeNeedSet, SurveyPlace
from canlian.indicators.tests.test_defects import gap_ids, renovate
from canlian.indicators.tests.test_measures import (  # noqa: F401 - fixtures
    YEAR,
    figure,
    person,
)
from canlian.people import actions as people_actions
from canlian.people import roster
from canlian.people.actions import PersonData
from canlian.people.tests.test_roster import workbook
from canlian.surveys import actions as surveys

CODE = "home_accessibility_rate"
START = 2021
TODAY = dt.date(2025, 6, 30)
YEARS = (2023, 2024, 2025)
PLACE_COLUMNS = ["survey_id", "person_id", "village_code", *places.CODES, "income"]


@pytest.fixture
def today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def homes(person, regions, today):  # noqa: F811
    class Homes:
        pass

    h = Homes()
    h.a = person(grade=1, htype="dibao", home_accessibility_need=True)
    h.c = person(grade=1, home_accessibility_need=True)
    h.c.household = h.a.household
    h.c.save()
    h.b = person(grade=2, home_accessibility_need=True)
    renovate(h.b, dt.date(2023, 5, 1))
    h.d = person(village=regions.v2a, grade=4, htype="dibao", home_accessibility_need=True)
    surveys.add_survey(person=h.d, year=2023, village=h.d.village, employment_status="retired",
                       surveyed_on=dt.date(2023, 5, 1), home_accessibility_need=True)
    for year in YEARS:
        accessibility.refresh(year, START)
    h.taken = dict(HomeNeedSet.objects.values_list("year", "refreshed_at"))
    return h


def stored(year):
    return set(HomeNeed.objects.filter(year=year, period_start=START)
               .values_list("person_id", "household_id", "village_code"))


def live(regions, year):
    """The one definition, evaluated now (what the figure reads when nothing is stored)."""
    return set(measures.accessibility_rows(Scope(regions.county, year), START))


def rate(regions, year):
    """The figure as the dashboard computes it, from the stored rows (checked to be read)."""
    assert measures.stored_home_needs(Scope(regions.county, year), START) is not None
    total, per = figure(CODE, regions, year)
    return (total.numerator, total.denominator, total.value), {
        t: (f.numerator, f.denominator) for t, f in per.items() if f.denominator}


def row(p):
    p.refresh_from_db()
    return (p.pk, p.household_id, p.village_id)


def same_as_live(regions, taken):
    for year in YEARS:
        assert stored(year) == live(regions, year), year
    # no nightly run: the sets are those taken before
    assert dict(HomeNeedSet.objects.values_list("year", "refreshed_at")) == taken


def test_the_fixture_by_hand(homes, regions):
    assert stored(2023) == {row(homes.d)}
    assert stored(2024) == stored(2025) == {row(homes.a), row(homes.c), row(homes.b),
                                            row(homes.d)}
    same_as_live(regions, homes.taken)
    assert rate(regions, 2023)[0] == (0, 1, Decimal("0.0"))
    assert rate(regions, 2024) == ((1, 3, Decimal("33.3")),
                                   {regions.t1.code: (1, 2), regions.t2.code: (0, 1)})
    assert gap_ids(CODE, regions, 2024) == {homes.a.pk, homes.d.pk}


def test_a_death_moves_the_stored_figure_and_list_at_once(
        homes, regions, users, django_capture_on_commit_callbacks):
    """D dies on 1 March 2024 (recorded through the action; the death cancels the
    certificate, dated the death). 2023 is unchanged (D was resident at its end); 2024 and
    2025 lose HD: 1 / 2 = 50.0 %, only 乐成街道 counted, gap {A}. One refresh after the
    commit, though the death and the cancellation both asked for it."""
    places.refresh(2024)
    survey_rows = set(SurveyPlace.objects.values_list(*PLACE_COLUMNS))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        people_actions.record_death(users.federation, homes.d, dt.date(2024, 3, 1))
        assert stored(2024) == {row(homes.a), row(homes.c), row(homes.b), row(homes.d)}
    assert len(callbacks) == 1
    # the survey places read none of it: the stored rows are still what the query gives
    assert set(SurveyPlace.objects.values_list(*PLACE_COLUMNS)) == survey_rows
    places.refresh(2024)
    assert set(SurveyPlace.objects.values_list(*PLACE_COLUMNS)) == survey_rows
    assert stored(2023) == {row(homes.d)}
    assert stored(2024) == stored(2025) == {row(homes.a), row(homes.c), row(homes.b)}
    same_as_live(regions, homes.taken)
    for year in (2024, 2025):
        assert rate(regions, year) == ((1, 2, Decimal("50.0")), {regions.t1.code: (1, 2)})
        assert gap_ids(CODE, regions, year) == {homes.a.pk}


def test_a_cancelled_certificate_moves_the_years_it_ended_in(
        homes, regions, django_capture_on_commit_callbacks):
    """B's certificate is cancelled today (30 June 2025): B held it at the end of 2024, so
    2024 stays 1 / 3; 2025 (its end is today) loses the renovated HB: 0 / 2, gap {A, D}."""
    certificate = Certificate.objects.get(person=homes.b)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        assert certificate_actions.cancel(certificate, CancelReason.VOLUNTARY, today=TODAY)
    assert len(callbacks) == 1
    same_as_live(regions, homes.taken)
    assert rate(regions, 2024)[0] == (1, 3, Decimal("33.3"))
    assert rate(regions, 2025) == ((0, 2, Decimal("0.0")),
                                   {regions.t1.code: (0, 1), regions.t2.code: (0, 1)})
    assert gap_ids(CODE, regions, 2025) == {homes.a.pk, homes.d.pk}


def test_a_rolled_back_death_leaves_the_stored_rows_as_they_were(
        homes, regions, users, django_capture_on_commit_callbacks):
    """The death is recorded, then the transaction fails: nothing runs after it, the rows
    and the figure are those of the fixture (and still equal to live)."""
    before = {year: stored(year) for year in YEARS}
    def failing_action():
        with transaction.atomic():
            people_actions.record_death(users.federation, homes.d, dt.date(2024, 3, 1))
            raise RuntimeError("the rest of the action failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(RuntimeError):
        failing_action()
    assert callbacks == []
    homes.d.refresh_from_db()
    assert homes.d.death_date is None
    assert {year: stored(year) for year in YEARS} == before
    same_as_live(regions, homes.taken)
    assert rate(regions, 2024)[0] == (1, 3, Decimal("33.3"))

    # a refused death (before birth) moves nothing either
    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(ValidationError, match="death_date"):
        people_actions.record_death(users.federation, homes.d, dt.date(1900, 1, 1))
    assert callbacks == []
    assert {year: stored(year) for year in YEARS} == before


def test_a_move_moves_the_household_between_townships(
        homes, regions, users, django_capture_on_commit_callbacks):
    """D moves (same household) from 柳市镇 to 西岙村 in 乐成街道: every stored year counts
    HD in 乐成街道 now (the village is read as it stands), 1 / 3 there, none in 柳市镇."""
    d = homes.d
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        people_actions.update_person(users.federation, d, PersonData(
            resident_id=d.resident_id, name=d.name, village=regions.v1b,
            household_number=d.household.number, household_type="dibao"))
    assert len(callbacks) == 1
    assert stored(2023) == {(d.pk, d.household_id, regions.v1b.code)}
    same_as_live(regions, homes.taken)
    assert rate(regions, 2024) == ((1, 3, Decimal("33.3")), {regions.t1.code: (1, 3)})


def test_a_roster_import_moves_households_in_one_refresh(
        homes, regions, users, django_capture_on_commit_callbacks):
    """A roster re-imported with D in 西岙村 and A in 南塘村 (柳市镇): one event for the
    chunk, one refresh; HA (first member A) now counts in 柳市镇, HD in 乐成街道."""
    def line(p, village):
        return [p.name, p.resident_id, "汉族", "", "", village.code, p.household.number,
                "低保", "", "", ""]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = roster.import_persons(users.federation, io.BytesIO(workbook(
            [line(homes.d, regions.v1b), line(homes.a, regions.v2a)])))
    assert result.updated == 2 and not result.errors
    assert len(callbacks) == 1
    same_as_live(regions, homes.taken)
    assert rate(regions, 2024) == ((1, 3, Decimal("33.3")),
                                   {regions.t1.code: (1, 2), regions.t2.code: (0, 1)})
    assert {r[2] for r in stored(2024) if r[0] in (homes.a.pk, homes.d.pk)} == {
        regions.v2a.code, regions.v1b.code}
    assert gap_ids(CODE, regions, 2024) == {homes.a.pk, homes.d.pk}


def test_a_corrected_date_of_death(homes, regions, users, django_capture_on_commit_callbacks):
    """D recorded dead on 1 March 2025 (2024 keeps HD), then the date corrected to 1 March
    2024 through the person's form: 2024 loses HD too (1 / 2)."""
    d = homes.d
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.record_death(users.federation, d, dt.date(2025, 3, 1))
    assert rate(regions, 2024)[0] == (1, 3, Decimal("33.3"))
    assert rate(regions, 2025)[0] == (1, 2, Decimal("50.0"))
    d.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        people_actions.update_person(users.federation, d, PersonData(
            resident_id=d.resident_id, name=d.name, village=d.village,
            household_number=d.household.number, household_type="dibao",
            death_date=dt.date(2024, 3, 1)))
    assert len(callbacks) == 1
    same_as_live(regions, homes.taken)
    assert rate(regions, 2024)[0] == (1, 2, Decimal("50.0"))


def test_expiry_and_a_new_grade_keep_the_rows_equal_to_live(
        homes, person, regions, users, walk, django_capture_on_commit_callbacks):  # noqa: F811
    """E and F, grade 1 needing it, certificates valid until 31 March 2025 (taken again
    after the fixture's sets, so the sets count them in 2024 but not in 2025). The daily
    sweep marks both expired (one refresh for both): nothing moves, an expired card was
    valid to its end either way. Then A's certificate changes to grade 4 (the survey's
    grade 1 still qualifies A): the rows stay, equal to live."""
    e = person(grade=1, home_accessibility_need=True)
    f = person(grade=1, home_accessibility_need=True)
    Certificate.objects.filter(person__in=[e, f]).update(valid_until=dt.date(2025, 3, 31))
    for year in YEARS:
        accessibility.refresh(year, START)
    homes.taken = dict(HomeNeedSet.objects.values_list("year", "refreshed_at"))
    assert {r[0] for r in stored(2024)} >= {e.pk, f.pk}
    assert not {r[0] for r in stored(2025)} & {e.pk, f.pk}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert certificate_actions.expire_overdue() == 2
    assert len(callbacks) == 1
    same_as_live(regions, homes.taken)
    assert rate(regions, 2024)[0] == (1, 5, Decimal("20.0"))  # HA, HB, HD, HE, HF

    with django_capture_on_commit_callbacks(execute=True):
        walk(homes.a, kind="change", category=4, grade=4)
    assert Certificate.objects.get(person=homes.a, status="issued").grade == 4
    same_as_live(regions, homes.taken)
    assert rate(regions, 2025)[0] == (1, 3, Decimal("33.3"))


def test_a_failed_refresh_forgets_the_sets(
        homes, regions, users, monkeypatch, django_capture_on_commit_callbacks):
    """The death commits but taking the rows again fails (a lock timeout, say): the sets
    are forgotten, so the figure is computed live (right) until the night's run."""
    def fail(*args, **kwargs):
        raise DatabaseError("lock timeout")

    monkeypatch.setattr(accessibility, "refresh_persons", fail)
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.record_death(users.federation, homes.d, dt.date(2024, 3, 1))
    assert not HomeNeedSet.objects.exists()
    total, _ = figure(CODE, regions, 2024)
    assert (total.numerator, total.denominator) == (1, 2)
