"""The audit log partitioned by month on PostgreSQL: converted live from today's table,
then written and read across months (SQLite keeps plain tables: nothing to test there)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from canlian.audit import chain
from canlian.audit.actions import record
from canlian.audit.models import Action, AuditEvent
from canlian.core import partitions, schema

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="partitioning is PostgreSQL only")

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _at(*args):
    return dt.datetime(*args, tzinfo=BEIJING)


def _event(user, when, person):
    with time_machine.travel(when, tick=False), transaction.atomic():
        return record(user=user, action=Action.VIEW, object_type="person",
                      object_id=str(person), summary=f"查看 {person}")


def _where():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM audit_auditevent "
                       "GROUP BY 1 ORDER BY 1")
        return dict(cursor.fetchall())


def _chain_intact():
    rows = AuditEvent.objects.order_by("id").values("id", "hash", *chain.FIELDS)
    checked, broken, _ = chain.first_break(rows)
    return broken is None and checked == AuditEvent.objects.count()


def test_the_audit_log_is_converted_live_and_works_across_months(db, users):
    before = AuditEvent.objects.count()
    # October and November 2026, before the conversion; the last second of October in
    # Beijing is still October's partition, the first of November is November's
    for when, person in ((_at(2026, 10, 3, 9), 1), (_at(2026, 10, 31, 23, 59, 59), 2),
                         (_at(2026, 11, 1, 0, 0, 0), 3), (_at(2026, 11, 20, 15), 1),
                         (_at(2026, 11, 21, 8), 2)):
        _event(users.federation, when, person)
    assert not partitions.is_partitioned(partitions.AUDIT)

    with time_machine.travel(_at(2026, 11, 25, 10), tick=False):
        lines = []
        result = partitions.convert(batch=2, report=lines.append)
    assert result == {"converted": True, "rows": before + 5}
    assert any("copied up to id" in line for line in lines)  # in batches
    assert partitions.is_partitioned(partitions.AUDIT)
    assert partitions.convert() == {"converted": False}  # once
    assert schema.verify() == []  # the schema check accepts the (id, at) key
    placed = _where()
    assert placed["audit_auditevent_p202610"] == 2
    assert placed["audit_auditevent_p202611"] == 3

    # after: December and January (made ahead), and one far in the future (the default)
    _event(users.federation, _at(2026, 12, 1, 0, 0, 1), 3)
    _event(users.federation, _at(2027, 1, 15, 12), 1)
    late = _event(users.federation, _at(2030, 5, 1, 12), 1)
    placed = _where()
    assert placed["audit_auditevent_p202612"] == 1 + before  # the fixtures' own, today
    assert placed["audit_auditevent_p202701"] == 1
    assert placed["audit_auditevent_pdefault"] == 1
    assert late.pk > max(AuditEvent.objects.exclude(pk=late.pk).values_list("id", flat=True))

    # reads across months: a person's history, a month's range, newest first
    history = list(AuditEvent.objects.filter(object_id="1").order_by("-at")
                   .values_list("at", flat=True))
    assert [a.astimezone(BEIJING).date() for a in history] == [
        dt.date(2030, 5, 1), dt.date(2027, 1, 15), dt.date(2026, 11, 20), dt.date(2026, 10, 3)]
    november = AuditEvent.objects.filter(at__gte=_at(2026, 11, 1), at__lt=_at(2026, 12, 1))
    assert november.count() == 3
    assert _chain_intact()

    # still append-only, in every partition
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'x' WHERE object_id = '1'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent_p202610")

    # the scheduled job: the months ahead are made; a month already in the default is not
    with time_machine.travel(_at(2027, 2, 10, 3), tick=False):
        made = partitions.ensure_months()
    # made at the conversion: October 2026 (the oldest row) to February 2027
    assert made["created"] == ["audit_auditevent_p202703", "audit_auditevent_p202704",
                               "audit_auditevent_p202705"]
    assert partitions.ensure_months(ahead=0)["created"] == []
    with time_machine.travel(_at(2030, 5, 2, 3), tick=False):
        blocked = partitions.ensure_months(ahead=0)
    assert blocked["created"] == [] and blocked["blocked"][0].startswith("2030-05")
    _event(users.federation, _at(2027, 3, 1, 9), 2)
    assert _where()["audit_auditevent_p202703"] == 1 and _chain_intact()


def test_the_command_says_what_the_table_is(db, capsys):
    call_command("partitions", "status")
    out = capsys.readouterr().out
    ledger = "partitioned" if partitions.is_partitioned(partitions.ROLL_LINES) else "plain"
    assert "audit_auditevent: plain" in out and f"benefits_rollline: {ledger}" in out


def test_a_row_committed_late_into_a_copied_range_is_not_lost(db, users):
    """A transaction that took its id before a batch was copied and committed after it
    (simulated by a row written with a low id while the copy runs) is caught at the swap."""
    for day in (3, 4, 5, 6):
        _event(users.federation, _at(2026, 11, day, 9), day)
    first = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()

    def late_commit(line):
        if line.startswith("copied up to id") and not AuditEvent.objects.filter(
                pk=first - 1).exists():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO audit_auditevent (id, at, actor_name, action, object_type, "
                    "object_id, region_code, summary, changes, user_agent, hash) VALUES "
                    "(%s, now(), '', 'view', 'person', '9', '', '', '{}', '', '')", [first - 1])

    with time_machine.travel(_at(2026, 11, 25, 10), tick=False):
        result = partitions.convert(batch=2, report=late_commit)
    assert result["converted"] and AuditEvent.objects.filter(pk=first - 1).exists()


def test_the_nightly_job_leaves_a_plain_table_alone(db):
    from canlian.ops import work

    done = work.partitions_ahead(dt.datetime.now(dt.UTC))
    assert done["audit"] == {"partitioned": False, "created": []}
    for name in ("rolllines", "surveys"):  # partitioned with CANLIAN_TEST_PARTITIONED=1
        assert done[name]["partitioned"] == partitions.is_partitioned(partitions.TABLES[name])
