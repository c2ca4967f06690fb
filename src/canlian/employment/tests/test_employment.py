"""Employers, declarations with the levy, placements and training, on the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from canlian.core import clock
from canlian.core.separation import SameReviewerError
from canlian.employment import actions, levy, queries, uscc
from canlian.employment.models import Course, Declaration, Employer, Enrolment

YEAR = clock.today().year


@pytest.fixture
def employer(users, regions):
    unit = actions.register_employer(users.federation, name="乐清电器有限公司",
                                     credit_code=uscc.make("91330382MA2XXXXX1"[:17]),
                                     unit_kind="enterprise", township=regions.t1)
    unit.users.add(users.employer)
    return unit


def certified(make_person, grade=4, **kwargs):
    person = make_person(**kwargs)
    person.category, person.grade = 4, grade
    person.certificate_number = person.resident_id + f"4{grade}"
    person.save()
    return person


def test_credit_code_errors_are_specific(users, regions):
    with pytest.raises(ValidationError) as info:
        actions.register_employer(users.federation, name="x", credit_code="91330382MA2XXXXX10",
                                  unit_kind="enterprise", township=regions.t1)
    assert "credit_code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.register_employer(users.federation, name="x", credit_code="123",
                                  unit_kind="enterprise", township=regions.t1)
    assert "credit_code" in info.value.message_dict
    with pytest.raises(ValidationError):
        actions.register_employer(users.township2, name="x",
                                  credit_code=uscc.make("91330382MA2WWWWW1"[:17]),
                                  unit_kind="enterprise", township=regions.t1)


def test_declaration_workflow_freezes_the_levy(users, employer, make_person):
    worker = certified(make_person, grade=2)
    declaration = actions.file_declaration(users.employer, employer, year=YEAR,
                                           staff=Decimal(200), average_wage=Decimal(120000),
                                           local_average_wage=Decimal(90000))
    actions.add_employee(users.employer, declaration.pk, worker.resident_id, worker.name)
    uncertified = make_person()
    with pytest.raises(ValidationError, match="不符"):
        actions.add_employee(users.employer, declaration.pk, uncertified.resident_id,
                             uncertified.name)
    actions.submit(users.employer, declaration.pk)
    late = certified(make_person)
    with pytest.raises(ValidationError):
        actions.add_employee(users.employer, declaration.pk, late.resident_id, late.name)
    with pytest.raises(PermissionDenied):
        actions.review(users.township, declaration.pk, "approve")
    with pytest.raises(ValidationError, match="初审"):  # approval comes after the first check
        actions.review(users.federation, declaration.pk, "approve")
    checked = actions.review(users.federation, declaration.pk, "check")
    assert (checked.state, checked.checked_by) == ("checked", users.federation)
    with pytest.raises(SameReviewerError):  # the checker does not approve (审批分离)
        actions.review(users.federation, declaration.pk, "approve")
    approved = actions.review(users.federation2, declaration.pk, "approve")
    # Worked example 2 of docs/domain.md §5: A = 2 (grade 2 counts double) → 60 000.
    assert approved.payable == Decimal("60000.00")
    assert approved.standing == "short"
    assert any("60000" in str(line[2]).replace(",", "") for line in approved.breakdown)
    with pytest.raises(ValidationError):
        actions.review(users.federation2, declaration.pk, "approve")


def test_more_counted_employees_than_staff_is_refused(users, employer, make_person):
    declaration = actions.file_declaration(users.employer, employer, year=YEAR,
                                           staff=Decimal(1), average_wage=Decimal(50000),
                                           local_average_wage=Decimal(60000))
    first = certified(make_person)
    actions.add_employee(users.employer, declaration.pk, first.resident_id, first.name)
    late = certified(make_person)
    with pytest.raises(ValidationError):
        actions.add_employee(users.employer, declaration.pk, late.resident_id, late.name)
    with pytest.raises(ValidationError):
        actions.file_declaration(users.employer, employer, year=YEAR + 1, staff=Decimal(-3),
                                 average_wage=Decimal(1), local_average_wage=Decimal(1))


def test_employers_see_only_their_own(client, users, employer, regions):
    other = Employer.objects.create(name="别家", credit_code=uscc.make("91330382MA2YYYYY2"[:17]),
                                    unit_kind="enterprise", township=regions.t1)
    client.force_login(users.employer)
    assert client.get(reverse("employment:employer", args=[employer.pk])).status_code == 200
    assert client.get(reverse("employment:employer", args=[other.pk])).status_code == 404


def test_public_units_in_breach(users, regions, settings):
    for name, kind, posts, school in (("区政府办", "government", 60, False),
                                      ("小机关", "government", 30, False),
                                      ("区医院", "public_institution", 80, False),
                                      ("实验小学", "public_institution", 90, True)):
        Employer.objects.create(name=name, credit_code=uscc.make(f"11330382{len(name)}{posts:08d}"[:17]),
                                unit_kind=kind, posts=posts, is_school_or_kindergarten=school,
                                township=regions.t1)
    # Yueqing has no such local rule (rule data): nothing is listed under Linzi's.
    assert queries.public_units_in_breach(regions.county, YEAR) == []
    from canlian.regions.models import Deployment

    Deployment.objects.filter(code="yueqing").update(code="linzi")
    settings.CANLIAN_DEPLOYMENT = "linzi"
    names = {b["employer"].name for b in queries.public_units_in_breach(regions.county, YEAR)}
    assert names == {"区政府办", "区医院"}


def test_training_person_times_and_placements(users, regions, make_person):
    a, b = make_person(), make_person(regions.v2a)
    course = Course.objects.create(name="电商培训", provider="职校", township=regions.t1,
                                   start=dt.date(2024, 3, 1), end=dt.date(2024, 4, 1), hours=40)
    second = Course.objects.create(name="手工培训", provider="职校", township=regions.t1,
                                   start=dt.date(2024, 9, 1), end=dt.date(2024, 9, 30), hours=20)
    first = actions.enrol(users.federation, course, a)
    again = actions.enrol(users.federation, second, a)
    other = actions.enrol(users.federation, course, b)
    no_show = actions.enrol(users.federation, course, make_person(regions.v2a))
    with pytest.raises(ValidationError):
        actions.enrol(users.federation, course, a)
    for enrolment in (first, again, other):
        actions.record_attendance(users.federation, enrolment.pk, attended_hours=20,
                                  completed=True)
    actions.record_attendance(users.federation, no_show.pk, attended_hours=0, completed=False)
    # 2.8: completed trainings only: a's two courses are two person-times, b's one; the
    # no-show enrolled in 柳市镇 does not count
    per = queries.training_person_times_by_township(regions.county, dt.date(2024, 1, 1),
                                                    dt.date(2024, 12, 31))
    assert per == {regions.t1.code: 2, regions.t2.code: 1}
    # dated by the course's end: the September course ended in the period, March's did not
    assert queries.training_person_times_by_township(
        regions.county, dt.date(2024, 5, 1), dt.date(2024, 12, 31)) == {regions.t1.code: 1}
    assert Enrolment.objects.count() == 4
    actions.place(users.federation, a, form="flexible", start=dt.date(2024, 5, 1))
    assert list(queries.employed_person_ids(regions.county, 2024).values_list(
        "person_id", flat=True)) == [a.pk]
    assert not queries.employed_person_ids(regions.county, 2023).exists()


def test_levy_unit_kinds_match_the_model():
    assert set(levy.UNIT_KINDS) == {c[0] for c in Employer._meta.get_field("unit_kind").choices}
    assert Declaration._meta.get_field("state").default == "draft"


def test_job_seeker_registration(client, users, make_person, regions):
    person = make_person(regions.v1a, name="求职者")
    client.force_login(users.township)
    r = client.post(reverse("employment:job_seeker", args=[person.pk]),
                    {"skills": "电脑打字", "limits": "需无障碍工位", "wanted": "文员"})
    assert r.status_code == 302
    assert "求职者" in client.get(reverse("employment:job_seekers")).content.decode()
    client.force_login(users.township2)
    assert "求职者" not in client.get(reverse("employment:job_seekers")).content.decode()
    assert client.get(reverse("employment:job_seeker", args=[person.pk])).status_code == 404


def test_read_only_roles_cannot_change_declarations(client, users, employer, make_person):
    """An auditor sees declarations but can neither submit nor add employees to one."""
    declaration = actions.file_declaration(users.employer, employer, year=YEAR,
                                           staff=Decimal(200), average_wage=Decimal(1),
                                           local_average_wage=Decimal(1))
    worker = certified(make_person)
    client.force_login(users.auditor)
    assert client.post(reverse("employment:act", args=[declaration.pk, "submit"])
                       ).status_code == 403
    assert client.post(reverse("employment:declaration", args=[declaration.pk]),
                       {"resident_id": worker.resident_id, "name": worker.name}).status_code == 403
    declaration.refresh_from_db()
    assert declaration.state == "draft"
    assert not declaration.employees.exists()
    with pytest.raises(PermissionDenied):
        actions.file_declaration(users.auditor, employer, year=YEAR, staff=Decimal(1),
                                 average_wage=Decimal(1), local_average_wage=Decimal(1))


def test_courses_enrolment_attendance_and_ending_a_placement(client, users, regions,
                                                             make_person):
    person = make_person(regions.v1a, name="学员")
    client.force_login(users.township)
    r = client.post(reverse("employment:course_new"), {
        "name": "电商培训", "provider": "职校", "township": regions.t1.code,
        "start": "2025-03-01", "end": "2025-03-20", "hours": 40})
    course = Course.objects.get()
    assert r["Location"] == reverse("employment:course", args=[course.pk])
    client.post(r["Location"], {"resident_id": person.resident_id})
    enrolment = Enrolment.objects.get()
    bad = client.post(r["Location"], {"enrolment": enrolment.pk, "attended_hours": 99})
    assert "0–40" in bad.content.decode()
    client.post(r["Location"], {"enrolment": enrolment.pk, "attended_hours": 38,
                                "completed": "on"})
    enrolment.refresh_from_db()
    assert (enrolment.attended_hours, enrolment.completed) == (38, True)
    placement = actions.place(users.township, person, form="flexible",
                              start=dt.date(2024, 1, 1))
    client.post(reverse("employment:placement_end", args=[placement.pk]), {"end": "2025-06-30"})
    placement.refresh_from_db()
    assert placement.end == dt.date(2025, 6, 30)
    assert not queries.employed_person_ids(regions.county, 2026).exists()


def test_a_new_years_declaration_keeps_last_years_disabled_staff(users, employer, make_person):
    stays, died = certified(make_person, grade=2), certified(make_person, grade=3)
    last = actions.file_declaration(users.employer, employer, year=YEAR - 1, staff=Decimal(200),
                                    average_wage=Decimal(120000),
                                    local_average_wage=Decimal(90000))
    for p in (stays, died):
        actions.add_employee(users.employer, last.pk, p.resident_id, p.name)
    from canlian.people.models import Person

    Person.objects.filter(pk=died.pk).update(life_status="deceased",
                                             death_date=dt.date(YEAR - 1, 6, 1))
    new = actions.file_declaration(users.employer, employer, year=YEAR, staff=Decimal(210),
                                   average_wage=Decimal(125000),
                                   local_average_wage=Decimal(95000))
    assert [e.person_id for e in new.employees.all()] == [stays.pk]
    # Filing again (editing the draft) does not add them twice.
    again = actions.file_declaration(users.employer, employer, year=YEAR, staff=Decimal(211),
                                     average_wage=Decimal(125000),
                                     local_average_wage=Decimal(95000))
    assert again.employees.count() == 1


def test_the_declaration_form_is_not_offered_again_after_submitting(client, users, employer):
    with clock.frozen(dt.date(YEAR, 3, 1)):
        client.force_login(users.employer)
        url = reverse("employment:employer", args=[employer.pk])
        assert f'action="{reverse("employment:file", args=[employer.pk])}"' in \
            client.get(url).content.decode()
        declaration = actions.file_declaration(users.employer, employer, year=YEAR,
                                               staff=Decimal(10), average_wage=Decimal(80000),
                                               local_average_wage=Decimal(90000))
        actions.submit(users.employer, declaration.pk)
        page = client.get(url).content.decode()
        assert f'action="{reverse("employment:file", args=[employer.pk])}"' not in page
        assert reverse("employment:declaration", args=[declaration.pk]) in page

