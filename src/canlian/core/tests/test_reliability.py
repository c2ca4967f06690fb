"""Reliability: crashes leave nothing half-done, concurrent work does not duplicate, and a
backup restores the district exactly. Real transactions (and real PostgreSQL where set)."""

import datetime as dt
import io
import threading

import pytest
from django.db import connection
from openpyxl import Workbook

from canlian.benefits import rolls
from canlian.benefits.models import Grant, Roll, RollLine
from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.people import roster
from canlian.people.models import Household, Person


def _workbook(rows, village) -> bytes:
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append(["姓名", "公民身份号码", "村（社区）代码", "户编号"])
    for name, rid in rows:
        sheet.append([name, rid, village, f"H{rid}"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("where", ["second chunk", "audit of the new persons"])
def test_a_crash_mid_import_leaves_nothing(users, regions, monkeypatch, where):
    """A crash after the first chunk's households were written, or after every new person
    was written, leaves neither behind."""
    rows = [(f"人{i}", new_resident_id()) for i in range(30)]
    monkeypatch.setattr(roster, "CHUNK", 10)
    calls = {"n": 0, "written": -1}
    name, target = (("chunk", roster._Writer) if where == "second chunk"
                    else ("record_many", roster))
    original = getattr(target, name)

    def failing(*args, **kwargs):
        calls["n"] += 1
        calls["written"] = Household.objects.count()  # inside the import's transaction
        if calls["n"] == 2 or where != "second chunk":
            raise RuntimeError("power cut")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)
    with pytest.raises(RuntimeError, match="power cut"):
        roster.import_persons(users.township, io.BytesIO(_workbook(rows, regions.v1a.code)))
    assert calls["written"] == (10 if where == "second chunk" else 30)
    assert Person.objects.count() == 0
    assert Household.objects.count() == 0


def _grant(make_person, regions):
    person = make_person()
    Certificate.objects.create(person=person, number=person.resident_id + "41", category=4,
                               grade=1, issue_date=dt.date(2020, 1, 1),
                               valid_until=dt.date(2030, 1, 1), issued_by=regions.county)
    person.category, person.grade = 4, 1
    person.save()
    return Grant.objects.create(person=person, subsidy="nursing", start_month=dt.date(2025, 1, 1),
                                needs_long_term_care=True, care_months=12)


def test_a_crash_mid_roll_leaves_nothing(make_person, regions, monkeypatch):
    _grant(make_person, regions)

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    from canlian.core import bulk

    monkeypatch.setattr(bulk, "insert", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        rolls.generate(regions.county, dt.date(2025, 3, 1))
    assert not Roll.objects.exists()
    assert not RollLine.objects.exists()


def _race(target, n=3):
    barrier = threading.Barrier(n)
    outcomes = []

    def run():
        try:
            barrier.wait()
            target()
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_roll_generation_makes_one_roll(make_person, regions):
    for _ in range(3):
        _grant(make_person, regions)
    outcomes = _race(lambda: rolls.generate(regions.county, dt.date(2025, 3, 1)))
    assert "ok" in outcomes
    assert Roll.objects.filter(month=dt.date(2025, 3, 1)).count() == 1
    periods = list(RollLine.objects.values_list("grant_id", "period"))
    assert len(periods) == len(set(periods)) == 3 * 3  # Jan–Mar for three grants, once each


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_one_roster_do_not_duplicate(users, regions):
    data = _workbook([(f"人{i}", new_resident_id()) for i in range(40)], regions.v1a.code)
    outcomes = _race(lambda: roster.import_persons(users.township, io.BytesIO(data)))
    assert "ok" in outcomes
    assert Person.objects.count() == 40


@pytest.mark.django_db(transaction=True)
def test_backup_restores_the_district_exactly(tmp_path, make_person, walk, regions):
    from canlian.core import backup

    for i in range(5):
        walk(make_person(regions.v1a if i % 2 else regions.v1b, name=f"备份{i}"))
    tables = ["people_person", "certificates_certificate", "certificates_application",
              "audit_auditevent", "events_eventrecord", "regions_region"]

    def fingerprint(cursor):
        # Each row as the server renders it (clients may decode JSON differently).
        result = {}
        for table in tables:
            if connection.vendor == "postgresql":
                sql = f"SELECT t::text FROM {table} t ORDER BY 1"  # noqa: S608 - fixed names
            else:
                sql = f"SELECT * FROM {table} ORDER BY 1"  # noqa: S608 - fixed names
            cursor.execute(sql)
            result[table] = [tuple(str(v) for v in row) for row in cursor.fetchall()]
        return result

    with connection.cursor() as cursor:
        before = fingerprint(cursor)
    dump = backup.backup(tmp_path / "district.dump")
    assert dump.stat().st_size > 0
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        base = f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} " \
               f"user={settings['USER'] or 'postgres'}"
        with psycopg.connect(base + " dbname=postgres", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS canlian_restore_check")
            admin.execute("CREATE DATABASE canlian_restore_check")
        try:
            backup.restore(dump, "canlian_restore_check")
            with psycopg.connect(base + " dbname=canlian_restore_check") as copy, \
                    copy.cursor() as cursor:
                after = fingerprint(cursor)
        finally:
            with psycopg.connect(base + " dbname=postgres", autocommit=True) as admin:
                admin.execute("DROP DATABASE IF EXISTS canlian_restore_check WITH (FORCE)")
    else:
        import sqlite3

        with sqlite3.connect(dump) as copy:
            after = fingerprint(copy.cursor())
    assert after == before
