"""The payment-roll ledger partitioned by month on PostgreSQL (docs/scaling.md): converted
live from today's table, then rolls generated, finalised, failed and recovered across
months, with the never-pay-twice guarantee enforced by the database in every month's
partition, also between two connections racing (SQLite keeps a plain table)."""

import datetime as dt
import threading

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from canlian.benefits import actions, ledger, rolls
from canlian.benefits.models import Grant, RollLine
from canlian.core import partitions, schema

from .helpers import D, grant, lines, m

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="partitioning is PostgreSQL only")

SPEC = partitions.ROLL_LINES


def _where():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM benefits_rollline "
                       "GROUP BY 1 ORDER BY 1")
        return dict(cursor.fetchall())


@pytest.fixture
def plain(db):
    """The conversion tests start from today's plain table (a run with
    CANLIAN_TEST_PARTITIONED=1 has partitioned it for the whole session)."""
    if partitions.is_partitioned(SPEC):
        pytest.skip("the session's ledger is partitioned already")


def _second_payment_sql(line, grant_id):
    return ("INSERT INTO benefits_rollline (roll_id, grant_id, person_id, subsidy, period, "
            "kind, amount, rule_version, reason, village_code, payee, bank_account, "
            "payment_status, failure_reason) VALUES (%s, %s, %s, %s, %s, 'arrears', %s, '', "
            "'', %s, 'x', '', 'pending', '')",
            [line.roll_id, grant_id, line.person_id, line.subsidy, line.period, line.amount,
             line.village_code])


def test_the_ledger_is_converted_live_and_never_pays_a_month_twice(plain, users, certified,
                                                                   regions):
    person = certified(grade=1)
    first = grant(users, person, applied=dt.date(2025, 1, 10))
    for month in (1, 2, 3):
        rolls.finalise(rolls.generate(regions.county, m(2025, month)).roll)
    assert not partitions.is_partitioned(SPEC)

    lines_seen = []
    result = partitions.convert(SPEC, batch=1, report=lines_seen.append)
    assert result == {"converted": True, "rows": 3}
    assert any(line.startswith("copied up to id") for line in lines_seen)
    assert partitions.is_partitioned(SPEC) and partitions.convert(SPEC) == {"converted": False}
    assert schema.verify() == []  # (id, period) key, never_pay_twice and indexes in place
    assert _where() == {"benefits_rollline_p202501": 1, "benefits_rollline_p202502": 1,
                        "benefits_rollline_p202503": 1}

    # the roll goes on: April in its partition, a failed payment re-paid, a recovery
    april = rolls.generate(regions.county, m(2025, 4)).roll
    assert lines(april) == [(person.pk, "nursing", m(2025, 4), "regular", D("300.00"))]
    rolls.finalise(april)
    assert _where()["benefits_rollline_p202504"] == 1
    march = RollLine.objects.get(person=person, period=m(2025, 3))
    RollLine.objects.filter(pk=march.pk).update(payment_status="failed",
                                                failure_reason="账户已销户")
    may = rolls.generate(regions.county, m(2025, 5)).roll
    assert (person.pk, "nursing", m(2025, 3), "reissue", D("300.00")) in lines(may)
    rolls.finalise(may)
    assert ledger.double_payments() == []

    # a second outstanding payment of a month is refused, through the ORM and raw SQL, in
    # an old month's partition and in a new one
    actions.stop(users.federation, first.pk, m(2025, 5), "重新申请")
    other = Grant.objects.create(person=person, subsidy="nursing", start_month=m(2025, 3))
    for period in (m(2025, 1), m(2025, 3), m(2025, 5)):
        line = RollLine.objects.get(ledger.outstanding_q(), person=person, period=period)
        with pytest.raises(IntegrityError, match="never_pay_twice"), transaction.atomic():
            RollLine.objects.create(roll=line.roll, grant=other, person=person,
                                    subsidy="nursing", period=period, kind="arrears",
                                    amount=line.amount, village_code=line.village_code,
                                    payee="x")
        sql, params = _second_payment_sql(line, other.pk)
        with pytest.raises(IntegrityError, match="never_pay_twice"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql, params)
    # a month outside every partition goes to the default one, and is guarded there too
    far = RollLine.objects.get(person=person, period=m(2025, 4))
    for _ in range(2):
        far.pk, far.period = None, m(2031, 1)
        if RollLine.objects.filter(period=m(2031, 1)).exists():
            with pytest.raises(IntegrityError, match="never_pay_twice"), transaction.atomic():
                far.save()
        else:
            far.save()
    assert _where()["benefits_rollline_pdefault"] == 1
    assert ledger.double_payments() == []
    # the partitions' indexes are named after the parent's, so a refusal names the rule
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = "
                       "'benefits_rollline_p202503' AND indexname LIKE 'never%'")
        assert cursor.fetchall() == [("never_pay_twice_p202503",)]


def _connect() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(dbname=s["NAME"], user=s["USER"] or None, host=s["HOST"] or None,
                           port=s["PORT"] or None, password=s["PASSWORD"] or None)


@pytest.mark.django_db(transaction=True)
def test_two_connections_paying_the_same_month_one_is_refused(users, certified, regions):
    """Two transactions insert the same person's payment of a month at once: the second
    waits for the first at the unique index and fails when it commits. (On the session's
    table: partitioned with CANLIAN_TEST_PARTITIONED=1, else plain.)"""
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 1, 10))
    rolls.finalise(rolls.generate(regions.county, m(2025, 1)).roll)
    line = RollLine.objects.get(person=person)
    RollLine.objects.filter(pk=line.pk).update(payment_status="failed")  # owed again
    sql, params = _second_payment_sql(line, line.grant_id)
    first, second = _connect(), _connect()
    outcome: dict[str, str] = {}
    try:
        first.execute(sql, params)  # not yet committed

        def race():
            try:
                second.execute(sql, params)
                second.commit()
                outcome["second"] = "committed"
            except psycopg.errors.UniqueViolation as exc:
                second.rollback()
                outcome["second"] = str(exc)

        thread = threading.Thread(target=race)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive()  # waiting for the first transaction
        first.commit()
        thread.join(10)
        assert "never_pay_twice" in outcome["second"]
    finally:
        first.close()
        second.close()
    assert RollLine.objects.filter(person=person, period=m(2025, 1),
                                   payment_status="pending").count() == 1
    assert ledger.double_payments() == []


def test_writes_during_the_copy_reach_the_partitioned_table(plain, users, certified, regions):
    """The site keeps writing while the rows are copied: lines inserted, updated (a bank
    result) and deleted (a draft roll generated again) between batches are all in the new
    table at the swap."""
    people = [certified(grade=1, name=f"周{i}") for i in range(3)]
    for person in people:
        grant(users, person, applied=dt.date(2025, 1, 10))
    for month in (1, 2):
        rolls.finalise(rolls.generate(regions.county, m(2025, month)).roll)
    done = []

    def meanwhile(line):
        if not line.startswith("copied up to id") or done:
            return
        done.append(line)
        with connection.cursor() as cursor:  # already-copied and not-yet-copied rows
            cursor.execute("UPDATE benefits_rollline SET payment_status = 'failed', "
                           "failure_reason = '户名不符'")
        rolls.generate(regions.county, m(2025, 3))  # inserted
        rolls.generate(regions.county, m(2025, 3))  # deleted and inserted again

    assert partitions.convert(SPEC, batch=2, report=meanwhile)["converted"]
    before = RollLine.objects.filter(roll__month__lt=m(2025, 3))
    assert before.count() == 6
    assert set(before.values_list("payment_status", "failure_reason")) == {("failed", "户名不符")}
    march = RollLine.objects.filter(roll__month=m(2025, 3))
    assert march.count() == 9  # January and February again (reissued), and March
    assert ledger.double_payments() == []
    # the mirror triggers went with the old table
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname LIKE 'partition_mirror%'")
        assert cursor.fetchone()[0] == 0
