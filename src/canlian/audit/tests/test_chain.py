"""The audit log's hash chain: every event chained to the one before; ``canlian audit
verify`` names the first broken link (issue #22)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from canlian.audit import chain
from canlian.audit.actions import record, record_many
from canlian.audit.models import AuditEvent


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _bypass(sql: str, params: list) -> None:
    """What an attacker with database access does: lift the trigger, write, restore it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
            cursor.execute(sql, params)
            cursor.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent "
                           "BEGIN SELECT RAISE(ABORT, 'append-only'); END")
            cursor.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent "
                           "BEGIN SELECT RAISE(ABORT, 'append-only'); END")


@pytest.fixture
def events(users, make_person):
    person = make_person()
    made = [record(user=users.federation, action="view", person=person, obj=person,
                   summary=f"查看 {i}", changes={"n": [i, 0.1 + 0.2], "名": "张三"})
            for i in range(3)]
    record_many(user=users.township, action="export", summary="导出",
                people=[(person.pk, person.village_id), (person.pk + 1000, "330382002201")])
    made.append(record(user=None, action="login_failed", summary="x"))
    return [e.pk for e in made]


def test_every_event_carries_a_hash_chained_to_the_one_before(events):
    rows = list(AuditEvent.objects.order_by("id").values("id", "hash", *chain.FIELDS))
    assert len(rows) == 6 and all(len(r["hash"]) == 64 for r in rows)
    assert chain.first_break(rows) == (6, None, rows[-1]["hash"])
    assert "intact: 6 events" in verify()


def test_a_changed_event_is_reported_as_the_first_broken_link(events):
    _bypass("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["改过", events[1]])
    with pytest.raises(CommandError, match=f"broken at event #{events[1]}"):
        verify()


def test_a_removed_event_breaks_the_chain_at_the_next(events):
    _bypass("DELETE FROM audit_auditevent WHERE id = %s", [events[0]])
    with pytest.raises(CommandError, match=f"broken at event #{events[1]}"):
        verify()


def test_an_event_inserted_behind_the_chain_is_reported(events):
    _bypass("UPDATE audit_auditevent SET hash = '' WHERE id = %s", [events[-1]])
    with pytest.raises(CommandError, match=f"broken at event #{events[-1]}"):
        verify()


def test_bulk_hashes_equal_the_generic_canonical_form():
    import datetime as dt

    fixed = {"at": dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC), "actor_id": 7,
             "actor_name": "甲", "action": "export", "object_type": "person", "summary": 's"\\',
             "changes": {}, "ip": "::1", "user_agent": "ua"}
    bulk = list(chain.person_rows("p", fixed, [(1, "330382002201"), (22, "")]))
    generic = list(chain.seal("p", [{**fixed, "object_id": "1", "person_id": 1,
                                     "region_code": "330382002201"},
                                    {**fixed, "object_id": "22", "person_id": 22,
                                     "region_code": ""}]))
    assert [h for _, _, h in bulk] == generic
