"""The certificate lifecycle through ``actions``: every kind, refusals, events, audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canlian.audit.models import AuditEvent
from canlian.certificates import actions
from canlian.certificates.models import Application, Certificate, Step
from canlian.certificates.tests.walk import assessment, noticed
from canlian.certificates.workflow import Action, IllegalTransition, Kind
from canlian.core import clock
from canlian.events.models import EventRecord
from canlian.people.models import Person
from canlian.todos.models import Todo


def test_new_certificate_walks_every_step(users, make_person, walk):
    person = make_person(name="王五")
    application = walk(person, category=4, grade=2)
    assert application.state == "issued"
    certificate = Certificate.objects.get(person=person)
    assert certificate.number == person.resident_id + "42"
    assert certificate.status == "issued"
    assert certificate.valid_until == certificate.issue_date.replace(
        year=certificate.issue_date.year + 10)
    person.refresh_from_db()
    assert (person.category, person.grade, person.certificate_number) == (4, 2, certificate.number)
    assert [s.action for s in Step.objects.filter(application=application)] == [
        "apply", "assess", "review", "approve", "issue"]
    audited = AuditEvent.objects.filter(person_id=person.pk).values_list("actor_name", flat=True)
    # the five steps and the public notice after the review, then the programme engine
    # opening the "1+X" offers the issue allows
    assert list(audited.order_by("id")) == ["town1", "doc", "town1", "town1", "fed", "fed",
                                            "system"]
    assert AuditEvent.objects.filter(person_id=person.pk, actor_name="system").get().summary \
        .startswith("“1+X”项目：为本人开启")
    assert EventRecord.objects.filter(name="certificate.issued", person_id=person.pk).count() == 1
    todo = Todo.objects.get(person=person, kind="check_eligibility")
    assert todo.kind == "check_eligibility"
    assert todo.role == "township_staff"
    assert "肢体残疾二级" in todo.title


def test_multiple_disability_takes_the_most_severe_component(make_person, walk):
    person = make_person()
    walk(person, category=7, grade=4, components=[{"category": 1, "grade": 3},
                                                   {"category": 4, "grade": 2}])
    certificate = Certificate.objects.get(person=person)
    assert (certificate.category, certificate.grade) == (7, 2)
    assert certificate.number.endswith("72")


def test_multiple_needs_two_components(users, make_person):
    person = make_person()
    application = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    with pytest.raises(ValidationError, match="至少两类"):
        actions.assess(users.assessor, application.pk,
                       assessment(7, 2, [{"category": 1, "grade": 2}]))
    application.refresh_from_db()
    assert application.state == "applied"


def test_change_gives_a_new_number_and_replaces_the_old(make_person, walk):
    person = make_person()
    walk(person, category=4, grade=3)
    walk(person, kind=Kind.CHANGE, category=4, grade=1)
    old, new = Certificate.objects.filter(person=person).order_by("id")
    assert old.status == "replaced"
    assert new.status == "issued"
    assert new.number == person.resident_id + "41"
    person.refresh_from_db()
    assert person.grade == 1


def test_reissue_appends_bn_and_keeps_validity(make_person, walk):
    person = make_person()
    walk(person, category=2, grade=3)
    first = Certificate.objects.get(person=person)
    walk(person, kind=Kind.REISSUE, reason="遗失")
    walk(person, kind=Kind.REISSUE, reason="再次遗失")
    numbers = list(Certificate.objects.filter(person=person).order_by("id").values_list(
        "number", "status", "valid_until"))
    assert numbers == [
        (first.number, "replaced", first.valid_until),
        (first.number + "B1", "replaced", first.valid_until),
        (first.number + "B2", "issued", first.valid_until),
    ]


def test_renewal_works_for_an_expired_certificate(make_person, walk):
    person = make_person()
    walk(person, category=1, grade=2)
    Certificate.objects.filter(person=person).update(valid_until=dt.date(2020, 1, 1),
                                                     issue_date=dt.date(2010, 1, 1))
    assert actions.expire_overdue() == 1
    walk(person, kind=Kind.RENEWAL)
    old, new = Certificate.objects.filter(person=person).order_by("id")
    assert (old.status, new.status) == ("replaced", "issued")
    assert new.number == old.number
    assert new.valid_until > clock.today()


def test_transfer_moves_the_person_and_keeps_the_number(users, make_person, walk, regions):
    person = make_person(regions.v1a)
    walk(person)
    number = Certificate.objects.get(person=person).number
    application = actions.apply(users.federation, person, actions.ApplicationInput(
        kind=Kind.TRANSFER, target_village=regions.v2a))
    actions.advance(users.township, application.pk, Action.REVIEW)
    actions.advance(users.federation, application.pk, Action.APPROVE)
    actions.issue(users.federation, application.pk)
    person.refresh_from_db()
    assert person.village == regions.v2a
    assert Certificate.objects.get(person=person, status="issued").number == number
    assert EventRecord.objects.filter(name="person.transferred").count() == 1


def test_cancellation_clears_the_read_model_and_bars_reapplying(users, make_person, walk):
    person = make_person()
    walk(person)
    walk(person, kind=Kind.CANCELLATION, cancel_reason="recovered")
    certificate = Certificate.objects.get(person=person)
    assert (certificate.status, certificate.cancel_reason) == ("cancelled", "recovered")
    person.refresh_from_db()
    assert person.certificate_number is None
    assert Todo.objects.filter(person=person, kind="stop_benefits").count() == 1
    with pytest.raises(ValidationError, match="一年内不能重新申请"):
        actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))


@pytest.mark.parametrize("kind", [Kind.RENEWAL, Kind.CHANGE, Kind.REISSUE, Kind.TRANSFER,
                                  Kind.CANCELLATION])
def test_kinds_needing_a_certificate_are_refused_without_one(users, make_person, kind):
    person = make_person()
    with pytest.raises(ValidationError, match="没有有效的残疾人证"):
        actions.apply(users.township, person, actions.ApplicationInput(
            kind=kind, cancel_reason="voluntary"))


def test_new_is_refused_when_a_certificate_is_held(users, make_person, walk):
    person = make_person()
    walk(person)
    with pytest.raises(ValidationError, match="已持有有效残疾人证"):
        actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))


def test_only_one_open_application(users, make_person):
    person = make_person()
    actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    with pytest.raises(ValidationError, match="已有办理中的申请"):
        actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))


def test_illegal_transitions_are_refused_and_change_nothing(users, make_person):
    person = make_person()
    application = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    with pytest.raises(IllegalTransition, match="不能执行"):
        actions.advance(users.federation, application.pk, Action.APPROVE)
    with pytest.raises(IllegalTransition, match="不能执行"):
        actions.issue(users.federation, application.pk)
    application.refresh_from_db()
    assert application.state == "applied"
    assert application.steps.count() == 1


def test_roles_are_checked_for_each_step(users, make_person):
    person = make_person()
    application = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    with pytest.raises(PermissionDenied):
        actions.assess(users.township, application.pk, assessment())
    actions.assess(users.assessor, application.pk, assessment())
    with pytest.raises(PermissionDenied):
        actions.advance(users.assessor, application.pk, Action.REVIEW)
    actions.advance(users.township, application.pk, Action.REVIEW)
    with pytest.raises(PermissionDenied):
        actions.advance(users.township, application.pk, Action.APPROVE)
    with pytest.raises(Application.DoesNotExist):  # other township: not even visible
        actions.advance(users.township2, application.pk, Action.REJECT, note="x")


def test_reject_needs_a_reason(users, make_person):
    person = make_person()
    application = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    with pytest.raises(ValidationError, match="说明理由"):
        actions.advance(users.township, application.pk, Action.REJECT, note=" ")
    actions.advance(users.township, application.pk, Action.REJECT, note="材料不全")
    application.refresh_from_db()
    assert application.state == "rejected"


def test_a_stale_copy_cannot_approve_twice(users, make_person):
    person = make_person()
    application = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    actions.assess(users.assessor, application.pk, assessment())
    actions.advance(users.township, application.pk, Action.REVIEW)
    noticed(users.township, application)
    stale = Application.objects.get(pk=application.pk)
    actions.advance(users.federation, application.pk, Action.APPROVE)
    with pytest.raises(IllegalTransition, match="已被他人处理"):
        actions._move(users.federation, stale, Action.APPROVE)
    assert Step.objects.filter(application=application, action="approve").count() == 1


def test_death_cancels_the_certificate_and_fires_once(users, make_person, walk):
    from canlian.people.actions import record_death

    person = make_person()
    walk(person)
    change = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.CHANGE))
    assert record_death(users.township, person, clock.today()) is True
    assert record_death(users.township, person, clock.today()) is False
    certificate = Certificate.objects.get(person=person)
    assert (certificate.status, certificate.cancel_reason) == ("cancelled", "death")
    assert EventRecord.objects.filter(name="person.died", person_id=person.pk).count() == 1
    assert EventRecord.objects.filter(name="certificate.cancelled", person_id=person.pk).count() == 1
    change.refresh_from_db()
    assert change.state == "withdrawn"
    assert Todo.objects.filter(person=person, kind="death_followup").count() == 1
    person.refresh_from_db()
    assert person.life_status == "deceased"
    assert person.certificate_number is None


def test_death_entered_on_the_person_form_fires_the_event(client, users, make_person, walk,
                                                          regions):
    person = make_person(regions.v1a)
    walk(person)
    client.force_login(users.township)
    client.post(f"/people/{person.pk}/edit/", {
        "resident_id": person.resident_id, "name": person.name, "ethnicity": "01",
        "village": regions.v1a.code, "household_type": "ordinary",
        "death_date": clock.today().isoformat()})
    assert Certificate.objects.get(person=person).status == "cancelled"
    assert EventRecord.objects.filter(name="person.died").count() == 1


def test_deceased_persons_cannot_apply(users, make_person):
    person = make_person(death_date=dt.date(2024, 1, 1), life_status="deceased")
    with pytest.raises(ValidationError, match="本人已故"):
        actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))


def test_expiring_lists_the_window(make_person, walk):
    person = make_person()
    walk(person)
    Certificate.objects.filter(person=person).update(
        valid_until=clock.today() + dt.timedelta(days=30))
    assert actions.expiring(Certificate.objects.all(), 29).count() == 0
    assert actions.expiring(Certificate.objects.all(), 30).count() == 1
    assert Person.objects.get(pk=person.pk).certificate_number
