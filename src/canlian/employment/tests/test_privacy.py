"""An employer learns nothing from the registry it did not already know (issue #22).

It supplies the name and resident ID of an employee; the declaration answers "matches" or
"does not match" (one message whatever the reason), every lookup is audited and misses
are rate-limited. Amounts and counts on a declaration are bounded to what is plausible.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.core import clock
from canlian.employment import actions, uscc
from canlian.employment.models import DeclaredEmployee

from .test_employment import certified

YEAR = clock.today().year


@pytest.fixture
def draft(users, regions):
    unit = actions.register_employer(users.federation, name="乐清电器有限公司",
                                     credit_code=uscc.make("91330382MA2XXXXX1"[:17]),
                                     unit_kind="enterprise", township=regions.t1)
    unit.users.add(users.employer)
    return actions.file_declaration(users.employer, unit, year=YEAR, staff=Decimal(200),
                                    average_wage=Decimal(120000),
                                    local_average_wage=Decimal(90000))


def _post(client, draft, resident_id, name):
    return client.post(reverse("employment:declaration", args=[draft.pk]),
                       {"resident_id": resident_id, "name": name, "contract_ok": "on",
                        "wage_ok": "on", "insurance_ok": "on"})


def test_an_employer_cannot_read_names_or_grades_from_the_registry(client, users, draft,
                                                                   make_person, regions):
    stranger = certified(make_person, grade=1, name="李秘密", village=regions.v2b)
    client.force_login(users.employer)
    page = _post(client, draft, stranger.resident_id, "王五").content.decode()
    assert "李秘密" not in page
    assert "does not match" in page or "不符" in page
    assert not DeclaredEmployee.objects.exists()
    event = AuditEvent.objects.filter(actor_name="emp", object_type="declaration").latest("id")
    assert "不符" in event.summary and stranger.resident_id not in event.summary


def test_every_refusal_reads_the_same(client, users, draft, make_person, regions):
    """Unknown ID, no certificate, deceased, declared by another employer: one answer."""
    other = actions.register_employer(users.federation, name="别家公司",
                                      credit_code=uscc.make("91330382MA2YYYYY1"[:17]),
                                      unit_kind="enterprise", township=regions.t1)
    elsewhere = certified(make_person, name="赵六")
    theirs = actions.file_declaration(users.federation, other, year=YEAR, staff=Decimal(50),
                                      average_wage=Decimal(1), local_average_wage=Decimal(1))
    actions.add_employee(users.federation, theirs.pk, elsewhere.resident_id, "赵六")
    dead = certified(make_person, name="钱七")
    dead.life_status, dead.death_date = "deceased", dt.date(2024, 1, 1)
    dead.save()
    uncertified = make_person(name="孙八")
    from canlian.conftest import new_resident_id

    client.force_login(users.employer)
    answers = set()
    for rid, name in ((new_resident_id(), "周九"), (uncertified.resident_id, "孙八"),
                      (dead.resident_id, "钱七"), (elsewhere.resident_id, "赵六")):
        page = _post(client, draft, rid, name).content.decode()
        errors = page.split('class="error-summary"')[1].split("</div>")[0]
        answers.add(errors)
        assert "已故" not in page and "别家公司" not in page
    assert len(answers) == 1


def test_a_matching_name_and_id_is_added(client, users, draft, make_person):
    worker = certified(make_person, grade=2, name="张工")
    client.force_login(users.employer)
    response = _post(client, draft, worker.resident_id, "张工")
    assert response.status_code == 302
    assert DeclaredEmployee.objects.filter(person=worker).exists()
    assert AuditEvent.objects.filter(actor_name="emp", person_id=worker.pk).exists()


def test_misses_are_rate_limited(client, users, draft, make_person):
    from canlian.conftest import new_resident_id

    worker = certified(make_person, name="张工")
    client.force_login(users.employer)
    for _ in range(actions.LOOKUP_MISSES_PER_HOUR):
        _post(client, draft, new_resident_id(), "某某")
    page = _post(client, draft, worker.resident_id, "张工").content.decode()
    assert "too many" in page or "过于频繁" in page
    assert not DeclaredEmployee.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("staff", "99999999.99"), ("average_wage", "9999999999.99"), ("local_average_wage", "1e10"),
    ("staff", "-1"),
])
def test_implausible_amounts_are_refused_with_the_field(client, users, draft, field, value):
    data = {"staff": "200", "average_wage": "120000", "local_average_wage": "90000", field: value}
    client.force_login(users.employer)
    client.post(reverse("employment:file", args=[draft.employer_id]), data)
    draft.refresh_from_db()
    assert draft.staff == Decimal(200) and draft.average_wage == Decimal(120000)
    assert draft.local_average_wage == Decimal(90000)


def test_the_action_bounds_amounts_too(users, draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        actions.file_declaration(users.employer, draft.employer, year=YEAR,
                                 staff=Decimal("99999999.99"), average_wage=Decimal(1),
                                 local_average_wage=Decimal(1))
    assert "staff" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.file_declaration(users.employer, draft.employer, year=YEAR, staff=Decimal(10),
                                 average_wage=Decimal("1e10"), local_average_wage=Decimal(1))
    assert "average_wage" in info.value.message_dict


@pytest.mark.parametrize("year", ["-1", "0", "9999999999", "abc"])
def test_odd_years_do_not_break_the_employment_page(client, users, year):
    client.force_login(users.federation)
    assert client.get(reverse("employment:index"), {"year": year}).status_code in (200, 400)
