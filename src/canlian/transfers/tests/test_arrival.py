"""The destination's side of a hukou move, in this process: what an arrival registers and
opens, what it refuses, and that confirming the pre-filled subsidy keeps its first month
after the origin's last paid month (never a month paid twice)."""

import datetime as dt
import uuid

import pytest

from canlian.benefits import actions as benefits
from canlian.benefits.models import SubsidyApplication
from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.people.models import Person
from canlian.todos.models import Todo
from canlian.transfers import actions, peers
from canlian.transfers.models import Transfer

LINZI = peers.Peer("linzi", "临淄区残联", "http://127.0.0.1:9", b"k" * 32)


def _message(regions, rid, **extra):
    today = clock.today()
    return {"type": "transfer.request", "id": str(uuid.uuid4()),
            "person": {"resident_id": rid, "name": "刘迁入", "phone": "13600000001"},
            "certificate": {"number": f"{rid}41", "category": 4, "grade": 1,
                            "issue_date": f"{today - dt.timedelta(days=100)}",
                            "valid_until": f"{today + dt.timedelta(days=3000)}"},
            "village_code": regions.v1a.code, "moved_on": f"{today}",
            "paid_through": {"nursing": f"{today:%Y-%m}"}, **extra}


def test_an_arrival_is_registered_and_its_confirmed_subsidy_starts_after_the_origin_paid(
        regions, users, django_capture_on_commit_callbacks):
    rid = new_resident_id()
    with django_capture_on_commit_callbacks(execute=True):
        answer = actions.receive(LINZI, _message(regions, rid))
    assert answer["state"] == "accepted"
    person = Person.objects.get(resident_id=rid)
    assert person.village == regions.v1a and person.certificate_number == f"{rid}41"
    assert Certificate.objects.get(person=person).status == "issued"
    prefilled = SubsidyApplication.objects.get(person=person, subsidy="nursing")
    first = (clock.today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert prefilled.state == "prefilled" and prefilled.applied_on == first
    assert Todo.objects.filter(person=person, kind="transfer_arrived").count() == 1
    confirmed = benefits.apply(users.township, person, "nursing",
                               {"needs_long_term_care": True, "hukou_in_region": True})
    assert confirmed.pk == prefilled.pk and confirmed.applied_on == first


@pytest.mark.parametrize(("change", "reason"), [
    ({"village_code": "370305001201"}, "不在"),
    ({"certificate": {"number": "ANOTHER", "category": 4, "grade": 1,
                      "issue_date": "2020-01-01", "valid_until": "2030-01-01"}}, "不一致"),
    ({"certificate": {"number": "SELF", "category": 4, "grade": 2,
                      "issue_date": "2020-01-01", "valid_until": "2030-01-01"}}, "不一致"),
    ({"moved_on": "yesterday"}, "不是日期"),
])
def test_an_arrival_the_rules_refuse_is_recorded_with_its_reason(regions, change, reason):
    rid = new_resident_id()
    if "certificate" in change:  # another person's number, or the grade disagreeing
        number = {"ANOTHER": f"{new_resident_id()}41", "SELF": f"{rid}41"}
        change = {"certificate": {**change["certificate"],
                                  "number": number[change["certificate"]["number"]]}}
    answer = actions.receive(LINZI, _message(regions, rid, **change))
    assert answer["state"] == "refused" and reason in answer["reason"]
    assert not Person.objects.filter(resident_id=rid).exists()
    assert Transfer.objects.get(uid=answer["id"]).reason == answer["reason"]


def test_a_holder_already_registered_with_a_valid_certificate_is_refused(regions, make_person):
    person = make_person()
    Certificate.objects.create(person=person, number=f"{person.resident_id}41", category=4,
                               grade=1, issue_date="2024-01-01", valid_until="2034-01-01",
                               issued_by=regions.county)
    answer = actions.receive(LINZI, _message(regions, person.resident_id))
    assert answer["state"] == "refused" and "已在本地登记" in answer["reason"]
