"""The annual surveys partitioned by year on PostgreSQL (docs/scaling.md): converted live
from today's table, then saved, corrected and read across years; one survey per person and
year still enforced by the database, the outgoing foreign keys kept (SQLite keeps a plain
table)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from canlian.core import clock, partitions, schema
from canlian.surveys import actions
from canlian.surveys.models import AnnualSurvey
from canlian.surveys.tests.test_surveys import ANSWERS

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="partitioning is PostgreSQL only")

SPEC = partitions.SURVEYS


def _where():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM surveys_annualsurvey "
                       "GROUP BY 1 ORDER BY 1")
        return dict(cursor.fetchall())


def _answers(year):
    return {**ANSWERS, "surveyed_on": dt.date(year, 9, 1)}


def _certified(make_person, regions, name):
    person = make_person(regions.v1a, name=name)
    person.certificate_number = person.resident_id + "43"
    person.category, person.grade = 4, 3
    person.save()
    return person


def test_the_surveys_are_converted_live_and_keep_one_per_person_and_year(users, make_person,
                                                                          regions):
    if partitions.is_partitioned(SPEC):
        pytest.skip("the session's surveys are partitioned already")
    person = _certified(make_person, regions, "郑一")
    other = _certified(make_person, regions, "郑二")
    for year in (2023, 2024):
        actions.save_survey(users.village, person, year, _answers(year))
    actions.save_survey(users.village, other, 2024, _answers(2024))

    with connection.cursor() as cursor:  # no deferred check pending on the tables renamed
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    report = []
    assert partitions.convert(SPEC, batch=1, report=report.append) == {"converted": True,
                                                                       "rows": 3}
    assert partitions.is_partitioned(SPEC) and schema.verify() == []
    assert _where() == {"surveys_annualsurvey_p2023": 1, "surveys_annualsurvey_p2024": 2}
    with connection.cursor() as cursor:  # the partitions made ahead: years, not months
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                       "'surveys_annualsurvey'::regclass")
        years_ahead = clock.today().year + 3 - 2023 + 1
        assert cursor.fetchone()[0] == years_ahead + 1  # and the default

    # saved again in place, a new year in its partition, read across years by the ORM
    again = actions.save_survey(users.village, person, 2024,
                                {**_answers(2024), "medical_insured": False})
    assert AnnualSurvey.objects.filter(person=person, year=2024).get().pk == again.pk
    actions.save_survey(users.village, person, 2025, _answers(2025))
    assert list(AnnualSurvey.objects.filter(person=person).values_list("year", flat=True)) == [
        2025, 2024, 2023]
    assert _where()["surveys_annualsurvey_p2025"] == 1

    # the database still refuses a second survey of a person's year, and a survey of a
    # person who does not exist (the foreign keys were carried over)
    first = AnnualSurvey.objects.get(person=person, year=2023)
    first.pk = None
    with pytest.raises(IntegrityError, match="one_survey_per_person_year"), \
            transaction.atomic():
        first.save()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; "
                       "UPDATE surveys_annualsurvey SET person_id = -1 WHERE year = 2023")
    assert _where()["surveys_annualsurvey_p2023"] == 1


def test_a_table_a_foreign_key_points_at_is_not_converted(db):
    """A partitioned table's key is (id, year): a foreign key to its id alone cannot stand,
    so the conversion refuses and names it."""
    if partitions.is_partitioned(SPEC):
        pytest.skip("the session's surveys are partitioned already")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE survey_note (survey_id bigint REFERENCES "
                       "surveys_annualsurvey (id))")
    with pytest.raises(RuntimeError, match="survey_note"):
        partitions.convert(SPEC)
    assert not partitions.is_partitioned(SPEC)
