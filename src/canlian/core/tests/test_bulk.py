"""``core.bulk.create``: COPY with pre-drawn ids on PostgreSQL, bulk_create elsewhere."""

import datetime as dt

import pytest

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
