"""Care actions: the township's day-care flow end to end, and every refusal with its reason.

A township registers its home of the disabled, places twelve people in day care and three
on the waiting list, ticks a day's attendance, inspects with two problems and sees its
coverage and care gap; over capacity, overlapping placements, a closed institution and
attendance for a person not placed are refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.care import actions, queries
from canlian.care.models import Attendance, Placement, WaitingEntry
from canlian.core import clock
from canlian.indicators.measures import Scope, institution_coverage
from canlian.people.models import Person
from canlian.services import actions as service_actions
from canlian.services.models import Institution
from canlian.surveys import actions as survey_actions

TODAY = clock.today()
START = TODAY - dt.timedelta(days=60)


@pytest.fixture
def home(users, regions):
    home = service_actions.register_institution(users.township, {
        "name": "乐成街道残疾人之家", "kind": "home_of_disabled", "township": regions.t1,
        "capacity": 15, "opened_on": TODAY - dt.timedelta(days=400)})
    actions.set_places(users.township, home, "day", 12)
    actions.designate(users.federation, home, service="care", start_date=home.opened_on,
                      end_date=TODAY + dt.timedelta(days=365), services="日间照料、康复训练",
                      prices={"day": "60", "respite": "150"})
    return home


def _place(users, person, home, **kw):
    return actions.place(users.township, person, home, **{
        "mode": "day", "start_date": START, "reason": "白天无人照料", "payer": "government",
        **kw})


def test_a_township_runs_its_home_of_the_disabled(users, regions, make_person, home):
    people = [make_person(regions.v1a if i % 2 else regions.v1b, name=f"托养{i:02d}", grade=2)
              for i in range(15)]
    for p in people[:12]:
        _place(users, p, home)
    with pytest.raises(ValidationError, match="名额已满（12 个名额，已安置 12 人）"):
        _place(users, people[12], home)
    for i, p in enumerate(people[12:]):
        actions.add_to_waiting_list(users.township, p, home, mode="day",
                                    applied_on=TODAY - dt.timedelta(days=10 - i),
                                    lives_alone=i == 2, carer_age=72 if i == 1 else None)
    order = queries.waiting_list(users.township, home, "day")
    assert [(e.person.name, e.position, e.points) for e in order] == [
        ("托养14", 1, 50), ("托养13", 2, 45), ("托养12", 3, 30)]
    assert order[0].reasons == ["2级残疾 +30", "独居 +20"]

    done = actions.record_attendance(users.township, home, TODAY,
                                     [p.pk for p in people[:10]], scanned=[people[10].pk])
    assert done == {"present": 11, "absent": 1}
    assert Attendance.objects.filter(day=TODAY, present=True).count() == 11
    assert Attendance.objects.get(day=TODAY, placement__person=people[10]).scanned
    # Recording the day again replaces it.
    actions.record_attendance(users.township, home, TODAY, [p.pk for p in people[:12]])
    assert Attendance.objects.filter(day=TODAY, present=True).count() == 12
    report = queries.monthly_attendance(home, TODAY.year, TODAY.month)
    assert (report["days"], report["present"], report["recorded"]) == (1, 12, 12)

    checklist = queries.rules().inspection.checklist
    inspection = actions.inspect(
        users.township, home, inspected_on=TODAY,
        results={i.code: "fail" if i.code in ("fire_safety", "records") else "pass"
                 for i in checklist},
        problems=[("灭火器过期", None), ("个案档案不全", TODAY + dt.timedelta(days=10))])
    assert (inspection.score, inspection.grade) == (75, "qualified")
    problems = list(inspection.problems.order_by("deadline"))
    assert [p.deadline for p in problems] == [TODAY + dt.timedelta(days=10),
                                              TODAY + dt.timedelta(days=30)]
    assert queries.open_problems(users.township).count() == 2
    actions.reinspect(users.township, problems[0].pk, on=TODAY, rectified=True, note="已补齐")
    assert queries.open_problems(users.township).count() == 1

    rows = queries.occupancy(queries.institutions_for(users.federation), TODAY)
    assert [(r.institution.name, r.slots["day"].places, r.slots["day"].occupied,
             r.slots["day"].waiting) for r in rows] == [("乐成街道残疾人之家", 12, 12, 3)]
    coverage = institution_coverage(Scope(regions.county, TODAY.year), "home_of_disabled")
    assert coverage == {regions.t1.code: (1, 1), regions.t2.code: (0, 1)}
    assert AuditEvent.objects.filter(object_type="placement").count() == 12


def test_the_care_gap_lists_the_needing_unplaced_with_the_nearest_free_place(
        users, regions, make_person, home):
    placed, waiting = make_person(name="已托养"), make_person(regions.v2a, name="待托养")
    for p in (placed, waiting):
        survey_actions.add_survey(person=p, year=TODAY.year, village=p.village,
                                    surveyed_on=TODAY, employment_status="not_applicable",
                                    care_need="day")
    _place(users, placed, home)
    gap = list(queries.gap(users.federation, TODAY.year))
    assert [(p.name, p.care_need) for p in gap] == [("待托养", "day")]
    rows = queries.occupancy(queries.institutions_for(users.federation), TODAY)
    # No home in 柳市镇: the nearest free place is the one in 乐成街道.
    assert queries.nearest_free(rows, regions.t2.code, "day") == home
    assert queries.nearest_free(rows, regions.t2.code, "residential") is None
    assert list(queries.gap(users.township, TODAY.year)) == []  # 待托养 is in another township


def test_refusals_give_their_reason(users, regions, make_person, home):
    person, stranger = make_person(name="甲"), make_person(name="乙")
    first = _place(users, person, home)
    with pytest.raises(ValidationError, match="与现有安置重叠"):
        _place(users, person, home, start_date=TODAY)
    # Ended, a new placement from the next day is fine; one starting on the last day is not.
    actions.end_placement(users.township, first.pk, end_date=TODAY - dt.timedelta(days=5),
                          reason="转入集中托养")
    with pytest.raises(ValidationError, match="重叠"):
        _place(users, person, home, start_date=TODAY - dt.timedelta(days=5))
    _place(users, person, home, start_date=TODAY - dt.timedelta(days=4))
    with pytest.raises(ValidationError, match="未在本机构日间照料：乙"):
        actions.record_attendance(users.township, home, TODAY, [person.pk, stranger.pk])
    assert not Attendance.objects.exists()  # nothing written
    with pytest.raises(ValidationError, match="今天"):
        actions.record_attendance(users.township, home, TODAY + dt.timedelta(days=1), [])
    with pytest.raises(ValidationError, match="未设集中托养名额"):
        _place(users, stranger, home, mode="residential")
    with pytest.raises(ValidationError, match="安置原因"):
        _place(users, stranger, home, reason=" ")
    service_actions.close_institution(users.federation, home.pk, TODAY, "场地拆迁")
    with pytest.raises(ValidationError, match=r"机构已于 .* 关闭"):
        _place(users, stranger, Institution.objects.get(pk=home.pk), start_date=TODAY)
    with pytest.raises(ValidationError, match="关闭"):
        actions.add_to_waiting_list(users.township, stranger, home, mode="day",
                                    applied_on=TODAY)


def test_an_override_places_beyond_the_places_and_says_why(users, make_person, home):
    actions.set_places(users.township, home, "day", 1)
    _place(users, make_person(name="甲"), home)
    over = _place(users, make_person(name="乙"), home, over_capacity_reason="监护人突发重病")
    assert over.over_capacity_reason == "监护人突发重病"
    assert "超额安置：监护人突发重病" in AuditEvent.objects.filter(
        object_type="placement", object_id=str(over.pk)).get().summary


def test_placing_from_the_waiting_list_closes_the_entry(users, make_person, home):
    person = make_person()
    entry = actions.add_to_waiting_list(users.township, person, home, mode="day",
                                        applied_on=TODAY)
    with pytest.raises(ValidationError, match="已在该机构的轮候名单中"):
        actions.add_to_waiting_list(users.township, person, home, mode="day", applied_on=TODAY)
    placement = _place(users, person, home)
    entry.refresh_from_db()
    assert (entry.state, entry.placement) == ("placed", placement)
    other = actions.add_to_waiting_list(users.township, make_person(name="丙"), home,
                                        mode="day", applied_on=TODAY)
    with pytest.raises(ValidationError, match="原因"):
        actions.withdraw(users.township, other.pk, reason="")
    actions.withdraw(users.township, other.pk, reason="家属自行照料")
    assert WaitingEntry.objects.get(pk=other.pk).state == "withdrawn"


def test_scoping_and_capabilities(users, regions, make_person, home):
    outsider = make_person(regions.v2a, name="外镇")
    with pytest.raises(Institution.DoesNotExist):  # another township's home: not disclosed
        actions.set_places(users.township2, home, "day", 20)
    with pytest.raises(Person.DoesNotExist):  # a person outside the region: not disclosed
        actions.place(users.township, outsider, home, mode="day", start_date=START,
                      reason="x", payer="government")
    with pytest.raises(PermissionDenied):
        actions.set_places(users.auditor, home, "day", 20)
    with pytest.raises(PermissionDenied):
        actions.inspect(users.village, home, inspected_on=TODAY, results={})
    assert not Placement.objects.exists()


def test_short_stays_need_their_last_day_within_the_rule(users, make_person, home):
    actions.set_places(users.township, home, "respite", 2)
    person = make_person(name="喘息")
    with pytest.raises(ValidationError, match="喘息服务须填写结束日期（最长 30 天）"):
        _place(users, person, home, mode="respite", start_date=TODAY)
    with pytest.raises(ValidationError, match="喘息服务最长 30 天"):
        _place(users, person, home, mode="respite", start_date=TODAY - dt.timedelta(days=30),
               end_date=TODAY)
    stay = _place(users, person, home, mode="respite", start_date=TODAY - dt.timedelta(days=6),
                  end_date=TODAY)
    # A day-care placement may follow the respite stay, not overlap it.
    with pytest.raises(ValidationError, match="重叠"):
        _place(users, person, home, start_date=TODAY)
    assert stay.end_date == TODAY


def test_government_paid_care_needs_a_designated_institution(users, regions, make_person,
                                                             home):
    other = service_actions.register_institution(users.township, {
        "name": "乐成街道托养中心", "kind": "care", "township": regions.t1,
        "capacity": 10, "opened_on": TODAY - dt.timedelta(days=400)})
    actions.set_places(users.township, other, "residential", 10)
    person = make_person(name="集中")
    with pytest.raises(ValidationError, match="不是托养定点机构"):
        _place(users, person, other, mode="residential")
    _place(users, person, other, mode="residential", payer="self")  # own payment: any institution
    with pytest.raises(PermissionDenied):  # designations are the federation's
        actions.designate(users.township, other, service="care", start_date=TODAY,
                          end_date=TODAY, services="x", prices={})
    agreement = home.designations.get()
    with pytest.raises(ValidationError, match="重叠"):
        actions.designate(users.federation, home, service="care", start_date=TODAY,
                          end_date=TODAY + dt.timedelta(days=30), services="x", prices={})
    with pytest.raises(ValidationError, match="价格有误"):
        actions.designate(users.federation, other, service="care", start_date=TODAY,
                          end_date=TODAY, services="x", prices={"residential": "-1"})
    # The dynamic exit: from the day after, no government-paid placement starts there.
    actions.end_designation(users.federation, agreement.pk, on=TODAY - dt.timedelta(days=1),
                            reason="连续两次检查不合格")
    with pytest.raises(ValidationError, match="不是托养定点机构"):
        _place(users, make_person(name="丁"), home, start_date=TODAY)


def test_the_monthly_bill_pays_present_days_and_placed_days(users, make_person, home):
    first = TODAY.replace(day=1)
    day = _place(users, make_person(name="日托"), home, start_date=first)
    actions.set_places(users.township, home, "respite", 2)
    stay_end = min(TODAY, first + dt.timedelta(days=2))
    _place(users, make_person(name="喘息"), home, mode="respite", start_date=first,
           end_date=stay_end)
    _place(users, make_person(name="自费"), home, start_date=first, payer="self")
    actions.record_attendance(users.township, home, first, [day.person_id])
    bill = queries.monthly_bill(home, TODAY.year, TODAY.month)
    rows = {r["placement"].person.name: (r["days"], r["amount"]) for r in bill["rows"]}
    respite_days = (stay_end - first).days + 1
    assert rows == {"日托": (1, 60), "喘息": (respite_days, 150 * respite_days)}
    assert bill["total"] == 60 + 150 * respite_days and bill["unpriced"] == 0


@pytest.mark.parametrize("page", ["care:bill", "care:attendance_month"])
def test_a_township_sees_its_homes_totals_but_not_who_another_area_placed_there(
        client, users, regions, make_person, home, page):
    first = TODAY.replace(day=1)
    ours = _place(users, make_person(regions.v1a, name="本镇托养"), home, start_date=first)
    theirs = actions.place(users.federation, make_person(regions.v2a, name="外镇托养"), home,
                           mode="day", start_date=first, reason="就近托养", payer="government")
    actions.record_attendance(users.federation, home, first, [ours.person_id, theirs.person_id])
    client.force_login(users.township)
    text = client.get(reverse(page, args=[home.pk])).content.decode()
    assert "本镇托养" in text and ours.person.masked_id in text
    assert "外镇托养" not in text and theirs.person.masked_id not in text
    assert "其他辖区人员" in text
    client.force_login(users.federation)
    assert "外镇托养" in client.get(reverse(page, args=[home.pk])).content.decode()


def test_the_nursing_uplift_follows_the_placement_not_the_applicants_word(users, make_person,
                                                                          home):
    from canlian.benefits.facts import facts_for
    from canlian.benefits.models import Grant, GrantChange

    person = make_person(name="机构照护", grade=1)
    grant = Grant.objects.create(person=person, subsidy="nursing",
                                 start_month=TODAY.replace(day=1) - dt.timedelta(days=60))
    declared = {"institutional_care": True}  # what an applicant might tick: not believed
    assert facts_for(person, TODAY, declared).institutional_care is False
    placement = _place(users, person, home, start_date=TODAY - dt.timedelta(days=3))
    grant.refresh_from_db()
    assert grant.institutional_care is True
    assert facts_for(person, TODAY, {"institutional_care": False}).institutional_care is True
    change = GrantChange.objects.get(grant=grant, action="facts")
    assert "托养安置开始" in change.reason
    actions.end_placement(users.township, placement.pk, end_date=TODAY, reason="回家照料")
    grant.refresh_from_db()
    assert grant.institutional_care is False
    assert facts_for(person, TODAY + dt.timedelta(days=1), declared).institutional_care is False
    # home-based care is not institutional care, whoever pays
    other = make_person(name="居家", grade=1)
    actions.set_places(users.township, home, "home", 5)
    _place(users, other, home, mode="home", start_date=TODAY)
    assert facts_for(other, TODAY, declared).institutional_care is False
