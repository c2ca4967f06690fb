"""``core.bulk.create``: COPY with pre-drawn ids on PostgreSQL, bulk_create elsewhere."""

import datetime as dt

import pytest
from django.db import connection, transaction

from canlian.audit.models import AuditEvent
from canlian.conftest import new_resident_id
from canlian.core import bulk
from canlian.people.models import Household, Person

pytestmark = pytest.mark.django_db


def test_create_returns_ids_in_order_and_fills_defaults(regions):
    rows = [{"resident_id": new_resident_id(dt.date(1970 + i, 1, 1)), "name": f"甲{i}",
             "sex": "M", "birth_date": dt.date(1970 + i, 1, 1), "village_id": regions.v1a.code}
            for i in range(3)]
    ids = bulk.create(Person, rows)
    assert len(set(ids)) == 3
    made = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    for pid, row in zip(ids, rows, strict=True):
        person = made[pid]
        assert person.name == row["name"] and person.resident_id == row["resident_id"]
        assert person.ethnicity == "01" and person.life_status == "alive"
        assert person.phone == "" and person.household_id is None
        assert person.created_at is not None and person.updated_at is not None
    # The sequence moved past the drawn ids: an ordinary save gets a fresh one.
    after = Household.objects.create(number="N1", village_id=regions.v1a.code)
    more = bulk.create(Household, [{"number": "N2", "village_id": regions.v1a.code}])
    assert more[0] != after.pk and Household.objects.get(pk=more[0]).household_type == "ordinary"
    nxt = Person.objects.create(resident_id=new_resident_id(), name="乙", sex="F",
                                birth_date=dt.date(1990, 1, 1), village_id=regions.v1a.code)
    assert nxt.pk not in ids


def test_create_writes_json_defaults_and_nothing_for_no_rows():
    assert bulk.create(AuditEvent, []) == []
    [eid] = bulk.create(AuditEvent, [{"actor_name": "system", "action": "import",
                                      "object_type": "person", "object_id": "1"}])
    event = AuditEvent.objects.get(pk=eid)
    assert event.changes == {} and event.ip is None and event.at is not None


def test_a_duplicate_key_fails_the_whole_insert(regions):
    rid = new_resident_id()
    row = {"resident_id": rid, "name": "甲", "sex": "M", "birth_date": dt.date(1980, 1, 1),
           "village_id": regions.v1a.code}
    bulk.create(Person, [row])
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.create(Person, [{**row, "resident_id": new_resident_id()}, row])
    assert Person.objects.filter(resident_id=rid).count() == 1
    assert Person.objects.count() == 1


def _analysed(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                           "WHERE relname = %s", [table])
            return cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_analyze_refreshes_statistics_after_a_large_write_only(regions):
    """A bulk write of many rows leaves the planner's statistics fresh (a server with
    autovacuum off planned a roll over freshly loaded persons as over an empty table)."""
    table = Household._meta.db_table
    bulk.insert(table, ("number", "household_type", "village_id", "updated_at"),
                ((f"A{i}", "ordinary", regions.v1a.code, dt.datetime.now(dt.UTC))
                 for i in range(bulk.ANALYZE_AFTER_ROWS)))
    assert not bulk.analyze(Household, rows=bulk.ANALYZE_AFTER_ROWS - 1)
    assert not _analysed(table)
    with transaction.atomic():
        assert bulk.analyze(Household, rows=bulk.ANALYZE_AFTER_ROWS)
        assert not _analysed(table)  # not inside the transaction: once it commits
    assert _analysed(table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            assert cursor.fetchone()[0] == bulk.ANALYZE_AFTER_ROWS


def _analyze_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s",
                       [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_analyze_leaves_a_table_alone_until_a_tenth_of_it_changed(regions):
    """After a large write the statistics are refreshed only where the write moved them:
    a table changed by under a tenth since its last ANALYZE keeps them (a roll's few
    arrears in past months' partitions used to cost a fresh sample of each)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no change counts: every asked table is analysed")
    table = Household._meta.db_table

    def write(first: int, n: int) -> None:
        bulk.insert(table, ("number", "household_type", "village_id", "updated_at"),
                    ((f"B{i}", "ordinary", regions.v1a.code, dt.datetime.now(dt.UTC))
                     for i in range(first, first + n)))

    before = _analyze_count(table)  # the counts outlive the tables' truncation between tests
    write(0, bulk.ANALYZE_AFTER_ROWS)
    assert bulk.analyze(Household, rows=bulk.ANALYZE_AFTER_ROWS)
    assert _analyze_count(table) == before + 1
    write(bulk.ANALYZE_AFTER_ROWS, 100)  # 1 % of the rows counted at the last ANALYZE
    bulk.analyze(Household, rows=bulk.ANALYZE_AFTER_ROWS)
    assert _analyze_count(table) == before + 1
    write(bulk.ANALYZE_AFTER_ROWS + 100, 1_000)  # 11 % since then, with the 100
    bulk.analyze(Household, rows=bulk.ANALYZE_AFTER_ROWS)
    assert _analyze_count(table) == before + 2
