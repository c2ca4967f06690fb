"""The demo seeder: valid IDs, certificates consistent with persons, applications in every
state, logins for every role; a second run with --if-empty adds nothing."""

import io
import textwrap

import pytest
from django.core.management import call_command

from canlian.accounts.models import User
from canlian.certificates.models import Application, Certificate
from canlian.certificates.numbers import parse_certificate_number
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.regions import loader
from canlian.regions.models import Region
from canlian.transfers.models import Direction, Kind, Transfer

TINY = textwrap.dedent("""
    deployment: {code: yueqing, name: 测试残联, root: "330382000000"}
    chain:
      - {code: "330000000000", name: 浙江省, level: province}
      - {code: "330300000000", name: 温州市, level: city}
      - {code: "330382000000", name: 乐清市, level: county}
    townships:
      - {code: "330382002000", name: 乐成街道, kind: street}
      - {code: "330382114000", name: 柳市镇, kind: town,
         villages: [{code: "330382114201", name: 柳市村}]}
""")


@pytest.fixture
def tiny(tmp_path, monkeypatch, db):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    return "tiny"


def test_seed_builds_a_consistent_district(tiny):
    out = io.StringIO()
    call_command("seed", "--deployment", "tiny", "--persons", "1500", stdout=out)
    assert registered() == 1500
    for person in Person.objects.all():
        parsed = idnumber.validate(person.resident_id)
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex)
        if person.certificate_number:
            number = parse_certificate_number(person.certificate_number)
            assert (number.category, number.grade) == (person.category, person.grade)
    # The person's read model names a certificate that exists and is valid or expired.
    numbers = dict(Certificate.objects.filter(status__in=["issued", "expired"]).values_list(
        "number", "person_id"))
    for pid, number in Person.objects.exclude(certificate_number=None).values_list(
            "id", "certificate_number"):
        assert numbers[number] == pid
    assert set(Certificate.objects.values_list("status", flat=True)) >= {
        "issued", "expired", "cancelled", "replaced"}
    assert not Certificate.objects.filter(status="issued", person__life_status="deceased").exists()
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {"applied", "assessed", "reviewed", "approved", "issued", "rejected",
                      "withdrawn"}
    kinds = set(Application.objects.values_list("kind", flat=True))
    assert kinds == {"new", "renewal", "change", "reissue", "transfer", "cancellation"}
    assert User.objects.filter(username="federation", role="federation_staff").exists()
    assert "Canlian-demo-2026" in out.getvalue()
    # the demo citizen can sign in to the portal: a phone on file, a certificate, and the
    # nursing subsidy pre-filled for the "1+X" view
    from canlian.benefits.models import SubsidyApplication
    from canlian.portal import actions as portal

    printed = out.getvalue().split("sign in with resident ID ")[1][:18]
    citizen = Person.objects.get(resident_id=printed)
    assert citizen.certificate_number and citizen.phone and citizen.grade in (1, 2)
    assert SubsidyApplication.objects.filter(person=citizen, subsidy="nursing",
                                             state="prefilled").exists()
    portal.request_code(citizen.resident_id)
    from canlian.portal.models import OutboxMessage

    assert OutboxMessage.objects.latest("id").to == citizen.phone
    # the listed village is kept with its real name; townships got synthetic ones beside it
    assert Region.objects.get(code="330382114201").name == "柳市村"
    assert Region.objects.filter(parent_id="330382002000", level="village").count() == 8

    again = io.StringIO()
    call_command("seed", "--deployment", "tiny", "--persons", "1500", "--if-empty", stdout=again)
    assert registered() == 1500
    assert "nothing generated" in again.getvalue()


def test_seed_refuses_unknown_deployment(tiny):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("seed", "--deployment", "nowhere", "--persons", "1")


def test_a_multiple_disability_is_reassessed_with_its_components(users, make_person):
    """The demo walked a 多重 certificate holder's application with no components, which
    the assessment refuses: `canlian seed --deployment linzi` failed on it."""
    import datetime as dt
    import random

    from canlian.certificates import actions
    from canlian.certificates.workflow import Kind, State
    from canlian.demo.applications import _walk_to

    person = make_person()
    Certificate.objects.create(
        person=person, number=person.resident_id + "71", category=7, grade=2,
        components=[{"category": 1, "grade": 2}, {"category": 4, "grade": 3}],
        issue_date=dt.date(2020, 1, 1), valid_until=dt.date(2030, 1, 1),
        issued_by=person.village.parent.parent, status="issued")
    application = actions.apply(users.township, person,
                                actions.ApplicationInput(kind=Kind.CHANGE))
    _walk_to(application, Kind.CHANGE, State.APPROVED, users.township, users.federation,
             users.assessor, random.Random(1))
    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert (application.assessment.category, len(application.assessment.components)) == (7, 2)


def registered() -> int:
    """The persons the seed registered, not counting those the transfer demo moved in from the
    partner deployment (跨省通办, transfers/demo.py)."""
    arrived = Transfer.objects.filter(direction=Direction.IN, kind=Kind.HUKOU).exclude(person=None)
    return Person.objects.exclude(pk__in=arrived.values("person_id")).count()
