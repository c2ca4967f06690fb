"""Community actions and queries on the database: rules applied, refusals, atomicity, scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from canlian.accounts import scoping
from canlian.audit.models import AuditEvent
from canlian.community import emergency_rules, shared, visit_rules
from canlian.community.accessibility import actions as accessibility_actions
from canlian.community.accessibility import queries as accessibility_queries
from canlian.community.emergency import actions as emergency_actions
from canlian.community.emergency import queries as emergency_queries
from canlian.community.models import (
    CheckIn,
    Inspection,
    Problem,
    RosterEntry,
    ServiceLog,
    Visit,
    Volunteer,
    WatchCase,
    WatchReview,
)
from canlian.community.visits import actions as visits_actions
from canlian.community.visits import queries as visits_queries
from canlian.community.volunteers import actions as volunteers_actions
from canlian.community.volunteers import queries as volunteers_queries
from canlian.community.watch import actions as watch_actions
from canlian.community.watch import queries as watch_queries
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.people.models import Person

TODAY = clock.today()
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 20


def born(years: int, days: int = 0) -> dt.date:
    return visit_rules.years_before(TODAY, years) - dt.timedelta(days=days)


@pytest.fixture
def person(make_person):
    def make(village=None, *, age=50, grade=None, category=4, **kw):
        p = make_person(village, resident_id=new_resident_id(born(age, 10)), **kw)
        if grade:
            Person.objects.filter(pk=p.pk).update(grade=grade, category=category)
            p.refresh_from_db()
        return p

    return make


def profile(user, p, **kw):
    data = {"lives_alone": False, "mobility": "independent", "assistive_devices": [],
            "powered_devices": []}
    return emergency_actions.save_profile(user, p, **{**data, **kw})


# ---- visits ----------------------------------------------------------------------------------

def test_visit_schedule_in_the_database_agrees_with_the_pure_rules(users, person, make_person):
    policy = shared.rules().visits
    people = [
        person(grade=1, name="独居一级"), person(grade=2, name="二级"),
        person(grade=3, name="三级"), person(age=85, name="高龄独居"),
        person(age=80, name="刚满80独居"), person(grade=1, category=6, name="精神一级"),
        person(grade=3, household_type="tekun", name="特困"),
        person(grade=2, household_type="dibao", name="低保重度"),
        person(grade=4, category=6, name="精神四级"),
    ]
    for p in (people[0], people[3], people[4]):
        profile(users.township, p, lives_alone=True)
    schedule = {p.pk: p.interval for p in visits_queries.visit_schedule(
        scoping.people_for(users.township), policy, TODAY)}
    for p in people:
        p.refresh_from_db()
        facts = visit_rules.VisitFacts(
            age=p.age_on(TODAY), grade=p.grade, category=p.category,
            household_type=p.household.household_type if p.household else "",
            lives_alone=bool(getattr(p, "care_profile", None) and p.care_profile.lives_alone))
        need = visit_rules.requirement(facts, policy)
        assert schedule.get(p.pk) == (need.every_days if need else None), p.name
    assert schedule[people[0].pk] == 14
    assert people[2].pk not in schedule


def test_overdue_list_and_per_worker_counts(users, person, regions):
    never = person(grade=1, name="从未走访")
    late = person(grade=1, name="逾期")
    fresh = person(grade=1, name="按期")
    other = person(regions.v2a, grade=1, name="外镇")
    policy = shared.rules().visits  # grade 1–2: every 90 days (yueqing)
    Visit.objects.create(person=late, visited_on=TODAY - dt.timedelta(days=91), findings="x")
    Visit.objects.create(person=fresh, visited_on=TODAY - dt.timedelta(days=90), findings="x")
    names = [p.name for p in visits_queries.due_visits(users.township, policy, TODAY)]
    assert names == ["从未走访", "逾期"]  # never visited first; the one due today is in time
    soon = [p.name for p in visits_queries.due_visits(users.township, policy, TODAY, "soon")]
    assert soon == ["从未走访", "逾期", "按期"]
    assert other.pk not in [p.pk for p in visits_queries.due_visits(users.township, policy, TODAY, "all")]
    rows = visits_queries.overdue_by_village(users.township, policy, TODAY)
    assert [(r["village"].code, r["required"], r["overdue"], r["never"], r["workers"])
            for r in rows] == [(regions.v1a.code, 3, 2, 1, ["vil1a"])]
    assert never.pk


def test_record_visit_refusals_and_follow_up(users, person, regions):
    p = person(grade=1)
    with pytest.raises(ValidationError) as info:
        visits_actions.record_visit(users.village, p, visited_on=TODAY + dt.timedelta(days=1), kind="home",
                                    findings="x")
    assert "visited_on" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        visits_actions.record_visit(users.village, p, visited_on=TODAY, kind="home", findings=" ")
    assert "findings" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        visits_actions.record_visit(users.village, p, visited_on=TODAY, kind="home", findings="x",
                                    follow_up_due=TODAY)
    assert "follow_up" in info.value.message_dict
    visit = visits_actions.record_visit(users.village, p, visited_on=TODAY, kind="home",
                                        findings="轮椅损坏", follow_up="联系维修",
                                        follow_up_due=TODAY + dt.timedelta(days=7))
    assert list(visits_queries.open_follow_ups(users.village)) == [visit]
    with pytest.raises(ValidationError):
        visits_actions.complete_follow_up(users.village, visit.pk, note="")
    visits_actions.complete_follow_up(users.village, visit.pk, note="已修好")
    assert not visits_queries.open_follow_ups(users.village).exists()
    with pytest.raises(shared.CommunityError, match="后续措施已完成"):
        visits_actions.complete_follow_up(users.village, visit.pk, note="again")
    outsider = person(regions.v2a)
    with pytest.raises(Person.DoesNotExist):
        visits_actions.record_visit(users.village, outsider, visited_on=TODAY, kind="home", findings="x")
    with pytest.raises(PermissionDenied):
        visits_actions.record_visit(users.auditor, p, visited_on=TODAY, kind="home", findings="x")
    assert Visit.objects.count() == 1


# ---- emergency roster ------------------------------------------------------------------------

def test_roster_priority_and_database_order_match_the_rules(users, person):
    a = person(grade=1, age=40, name="甲")
    b = person(grade=3, age=70, name="乙")
    c = person(grade=3, age=30, name="丙")
    d = person(grade=2, age=60, name="丁")
    profile(users.township, a, mobility="bedridden")
    profile(users.township, b, powered_devices=["oxygen"])
    profile(users.township, d, mobility="bedridden", lives_alone=True)
    for p in (a, b, c, d):
        emergency_actions.save_roster_entry(users.township, p, contact_name="邻居", contact_phone="139")
    rules = shared.rules().emergency
    entries = list(emergency_queries.roster(users.township))
    expected = emergency_rules.ordered(
        entries, key=lambda e: (e.priority, e.powered, e.person.birth_date, e.person.name, e.person_id))
    assert [e.person.name for e in entries] == [e.person.name for e in expected]
    assert entries[0].person.name == "丁"  # bedridden, grade 2, alone: 35 + 20 + 20
    b_entry = RosterEntry.objects.get(person=b)
    assert b_entry.powered and b_entry.priority == rules.powered_device + rules.grade[3] + 5
    assert {r["code"] for r in b_entry.reasons} >= {"powered_device", "grade"}
    # the profile changes: the priority follows at once
    profile(users.township, c, mobility="bedridden", powered_devices=["ventilator"])
    assert emergency_queries.roster(users.township).first().person.name == "丙"


def test_roster_entry_refusals_leave_nothing_behind(users, person, regions):
    p = person(grade=1)
    elsewhere = Volunteer.objects.create(name="外镇志愿者", phone="1", village=regions.v2a,
                                         skills=["escort"], registered_on=TODAY)
    with pytest.raises(ValidationError) as info:
        emergency_actions.save_roster_entry(users.township, p, contact_name="", contact_phone="",
                                            paired_volunteer=elsewhere)
    assert set(info.value.message_dict) == {"contact_name", "contact_phone", "paired_volunteer"}
    assert not RosterEntry.objects.exists()
    assert not AuditEvent.objects.filter(object_type="rosterentry").exists()
    entry = emergency_actions.save_roster_entry(users.township, p, contact_name="村干部", contact_phone="139")
    removed = emergency_actions.remove_from_roster(users.township, entry.pk, reason="搬迁")
    assert removed.removed_on == TODAY and not emergency_queries.roster(users.township).exists()
    with pytest.raises(shared.CommunityError):
        emergency_actions.remove_from_roster(users.township, entry.pk, reason="again")
    back = emergency_actions.save_roster_entry(users.township, p, contact_name="村干部", contact_phone="139")
    assert back.pk == entry.pk and back.removed_on is None


def test_recompute_priorities_is_set_based(users, person, django_assert_max_num_queries):
    people = [person(grade=3) for _ in range(6)]
    for p in people:
        emergency_actions.save_roster_entry(users.township, p, contact_name="x", contact_phone="1")
    Person.objects.filter(pk__in=[p.pk for p in people]).update(grade=1)
    # 6, and the chained audit record: savepoint, (PostgreSQL: chain lock), tail, insert,
    # release
    with django_assert_max_num_queries(11):
        changed = emergency_actions.recompute_priorities(users.township)
    assert changed == 6
    assert set(RosterEntry.objects.values_list("priority", flat=True)) == {30}


def test_emergency_check_in_board(users, person, regions):
    first, second, third = (person(grade=g, name=n) for g, n in ((1, "一"), (2, "二"), (3, "三")))
    outside_area = person(regions.v1b, grade=1, name="别村")
    for p in (first, second, third, outside_area):
        emergency_actions.save_roster_entry(users.township, p, contact_name="x", contact_phone="1")
    with pytest.raises(ValidationError):  # a township cannot declare over another township
        emergency_actions.declare_emergency(users.township, name="台风", kind="typhoon", region=regions.t2)
    with pytest.raises(PermissionDenied):
        emergency_actions.declare_emergency(users.village, name="台风", kind="typhoon", region=regions.v1a)
    emergency = emergency_actions.declare_emergency(users.township, name="台风", kind="typhoon",
                                                    region=regions.v1a)
    board = list(emergency_queries.board(users.township, emergency))
    assert [e.person.name for e in board] == ["一", "二", "三"]
    assert emergency_queries.board_counts(users.township, emergency)["pending"] == 3
    # the village worker of v1a checks in; a person outside the area is refused
    emergency_actions.check_in(users.village, emergency.pk, second.pk, state="safe")
    with pytest.raises(ValidationError) as info:
        emergency_actions.check_in(users.township, emergency.pk, outside_area.pk, state="safe")
    assert "person" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        emergency_actions.check_in(users.village, emergency.pk, first.pk, state="unreachable")
    assert "note" in info.value.message_dict
    emergency_actions.check_in(users.village, emergency.pk, first.pk, state="unreachable", note="电话不通")
    board = list(emergency_queries.board(users.township, emergency))
    assert [(e.person.name, e.state) for e in board] == [("三", None), ("一", "unreachable"),
                                                        ("二", "safe")]
    emergency_actions.check_in(users.village, emergency.pk, first.pk, state="evacuated")  # replaces
    assert CheckIn.objects.filter(emergency=emergency).count() == 2
    assert emergency_queries.board_counts(users.township, emergency) == {
        "total": 3, "reached": 2, "pending": 1, "unreachable": 0, "needs_help": 0}
    # another township's staff cannot see or use the board
    with pytest.raises(emergency_actions.Emergency.DoesNotExist):
        emergency_actions.check_in(users.township2, emergency.pk, third.pk, state="safe")
    emergency_actions.close_emergency(users.township, emergency.pk, reason="预警解除", confirm=True)
    with pytest.raises(shared.CommunityError, match="应急响应已结束"):
        emergency_actions.check_in(users.village, emergency.pk, third.pk, state="safe")


def test_a_county_emergency_reaches_the_village_worker_but_only_the_county_closes_it(users, regions):
    emergency = emergency_actions.declare_emergency(users.federation, name="寒潮", kind="heat_cold",
                                                    region=regions.county)
    assert emergency_queries.emergencies_for(users.village).filter(pk=emergency.pk).exists()
    assert emergency_queries.emergencies_for(users.township2).filter(pk=emergency.pk).exists()
    with pytest.raises(PermissionDenied):
        emergency_actions.close_emergency(users.township, emergency.pk)
    assert emergency_queries.emergencies_for(users.auditor).filter(pk=emergency.pk).exists()
    assert not emergency_queries.emergencies_for(users.employer).exists()
    assert not emergency_queries.emergencies_for(users.citizen).exists()


def test_an_emergency_does_not_close_silently_while_people_were_never_contacted(users, person,
                                                                            regions):
    walker, ventilator, reached = (person(grade=g, name=n) for g, n in ((3, "能走"), (3, "呼吸机"),
                                                                       (1, "已联系")))
    profile(users.township, ventilator, mobility="bedridden", powered_devices=["ventilator"])
    for p in (walker, ventilator, reached):
        emergency_actions.save_roster_entry(users.township, p, contact_name="x", contact_phone="1")
    emergency = emergency_actions.declare_emergency(users.township, name="停电", kind="power_cut",
                                                    region=regions.v1a)
    emergency_actions.check_in(users.village, emergency.pk, reached.pk, state="safe")
    # the never contacted, the most vulnerable first (the ventilator user before the walker)
    missing = emergency_queries.uncontacted(users.township, emergency)
    assert [e.person.name for e in missing] == ["呼吸机", "能走"]
    with pytest.raises(ValidationError) as info:
        emergency_actions.close_emergency(users.township, emergency.pk)
    assert set(info.value.message_dict) == {"confirm", "reason"}
    assert "2" in info.value.message_dict["confirm"][0]
    with pytest.raises(ValidationError) as info:
        emergency_actions.close_emergency(users.township, emergency.pk, confirm=True, reason="  ")
    assert set(info.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as info:
        emergency_actions.close_emergency(users.township, emergency.pk, reason="预警解除")
    assert set(info.value.message_dict) == {"confirm"}
    emergency.refresh_from_db()
    assert emergency.closed_at is None
    closed = emergency_actions.close_emergency(users.township, emergency.pk, confirm=True,
                                               reason="预警解除，村委会明日上门")
    closed.refresh_from_db()
    assert closed.closed_at is not None and closed.closed_by == users.township
    assert (closed.uncontacted_at_close, closed.close_reason) == (2, "预警解除，村委会明日上门")
    assert AuditEvent.objects.filter(summary__contains="2 人未联系").exists()
    # after the close a check-in is refused with what to do, until a supervisor reopens it
    with pytest.raises(shared.CommunityError, match="应急响应已结束") as refused:
        emergency_actions.check_in(users.village, emergency.pk, walker.pk, state="safe")
    assert "重新启动" in str(refused.value)
    with pytest.raises(PermissionDenied):
        emergency_actions.reopen_emergency(users.village, emergency.pk)
    reopened = emergency_actions.reopen_emergency(users.township, emergency.pk)
    assert reopened.is_open and reopened.uncontacted_at_close is None and reopened.close_reason == ""
    with pytest.raises(shared.CommunityError):
        emergency_actions.reopen_emergency(users.township, emergency.pk)
    emergency_actions.check_in(users.village, emergency.pk, walker.pk, state="safe")
    emergency_actions.check_in(users.village, emergency.pk, ventilator.pk, state="evacuated")
    # everyone contacted: it closes without a confirmation, and nothing is counted as missing
    closed = emergency_actions.close_emergency(users.township, emergency.pk)
    assert (closed.uncontacted_at_close, closed.close_reason) == (0, "")
    with pytest.raises(shared.CommunityError, match="已结束"):
        emergency_actions.close_emergency(users.township, emergency.pk)


def test_only_who_covers_the_area_reopens_an_emergency(users, regions):
    emergency = emergency_actions.declare_emergency(users.federation, name="寒潮", kind="heat_cold",
                                                    region=regions.county)
    emergency_actions.close_emergency(users.federation, emergency.pk)
    with pytest.raises(PermissionDenied):
        emergency_actions.reopen_emergency(users.township, emergency.pk)
    with pytest.raises(PermissionDenied):
        emergency_actions.reopen_emergency(users.employer, emergency.pk)
    local = emergency_actions.declare_emergency(users.township, name="内涝", kind="flood",
                                                region=regions.t1)
    emergency_actions.close_emergency(users.township, local.pk)
    with pytest.raises(emergency_actions.Emergency.DoesNotExist):  # another township's: unseen
        emergency_actions.reopen_emergency(users.township2, local.pk)


# ---- poverty-return watch --------------------------------------------------------------------

def test_screening_flags_and_is_idempotent(users, person, regions):
    from canlian.certificates.models import Certificate
    from canlian.employment.models import Placement
    from canlian.people.models import Household

    line = watch_queries.dibao_standard(TODAY)
    assert line is not None
    near = person(name="临界", household_type="ordinary")
    Household.objects.filter(pk=near.household_id).update(monthly_income_per_capita=line * 1)
    comfortable = person(name="宽裕", household_type="ordinary")
    Household.objects.filter(pk=comfortable.household_id).update(
        monthly_income_per_capita=line * 2)
    in_dibao = person(name="低保", household_type="dibao")
    Household.objects.filter(pk=in_dibao.household_id).update(monthly_income_per_capita=line / 2)
    jobless = person(name="失业")
    Placement.objects.create(person=jobless, form="flexible", start=TODAY - dt.timedelta(days=400),
                             end=TODAY - dt.timedelta(days=30))
    still_working = person(name="换工作")
    Placement.objects.create(person=still_working, form="flexible",
                             start=TODAY - dt.timedelta(days=400), end=TODAY - dt.timedelta(days=30))
    Placement.objects.create(person=still_working, form="flexible",
                             start=TODAY - dt.timedelta(days=20))
    sick = person(name="大病", household_type="ordinary")
    Household.objects.filter(pk=sick.household_id).update(monthly_income_per_capita=line * 3)
    watch_actions.record_event(users.village, sick, kind="medical_costs",
                               occurred_on=TODAY - dt.timedelta(days=40), amount=Decimal("30000"))
    newly_severe = person(name="新增重度", household_type="ordinary")
    Household.objects.filter(pk=newly_severe.household_id).update(monthly_income_per_capita=line * 3)
    Certificate.objects.create(person=newly_severe, number=newly_severe.resident_id + "11",
                               category=1, grade=1, issue_date=TODAY - dt.timedelta(days=60),
                               valid_until=TODAY + dt.timedelta(days=3000), issued_by=regions.county)
    outside = person(regions.v2a, name="外镇", household_type="ordinary")
    Household.objects.filter(pk=outside.household_id).update(monthly_income_per_capita=line)

    result = watch_actions.screen(users.township)
    flagged = {c.person.name: [f["code"] for f in c.flags]
               for c in WatchCase.objects.select_related("person")}
    assert flagged == {"临界": ["income_near_line"], "失业": ["job_loss"],
                       "大病": ["medical_costs"], "新增重度": ["new_severe_disability"]}
    assert result == {"flagged": 4, "opened": 4, "updated": 0, "cleared": 0}
    assert AuditEvent.objects.filter(summary="纳入防止返贫监测").count() == 4
    # a second screening updates the open cases instead of opening new ones
    Household.objects.filter(pk=near.household_id).update(monthly_income_per_capita=line * 2)
    again = watch_actions.screen(users.township)
    assert again == {"flagged": 3, "opened": 0, "updated": 3, "cleared": 1}
    assert WatchCase.objects.count() == 4
    assert WatchCase.objects.get(person=near).flags == []
    with pytest.raises(PermissionDenied):
        watch_actions.screen(users.village)


def test_monthly_review_and_closing(users, person):
    case = WatchCase.objects.create(person=person(name="对象"), opened_on=TODAY, screened_on=TODAY)
    with pytest.raises(ValidationError) as info:
        watch_actions.review_case(users.village, case.pk, situation="worse", help_kinds=[])
    assert "help_kinds" in info.value.message_dict
    watch_actions.review_case(users.village, case.pk, situation="stable",
                              help_kinds=["temporary_assistance"], help_amount=Decimal("1000"))
    with pytest.raises(shared.CommunityError, match="已研判"):
        watch_actions.review_case(users.village, case.pk, situation="stable", help_kinds=[])
    assert WatchReview.objects.count() == 1
    assert watch_queries.watch_list(users.village, TODAY.replace(day=1)).get().reviewed
    with pytest.raises(PermissionDenied):
        watch_actions.close_case(users.village, case.pk, reason="x")
    with pytest.raises(ValidationError):
        watch_actions.close_case(users.township, case.pk, reason=" ")
    watch_actions.close_case(users.township, case.pk, reason="收入恢复")
    with pytest.raises(shared.CommunityError, match="已解除风险"):
        watch_actions.review_case(users.village, case.pk, situation="stable", help_kinds=[])
    with pytest.raises(WatchCase.DoesNotExist):
        watch_actions.close_case(users.township2, case.pk, reason="x")


def test_medical_costs_need_an_amount(users, person):
    with pytest.raises(ValidationError) as info:
        watch_actions.record_event(users.village, person(), kind="medical_costs", occurred_on=TODAY)
    assert "amount" in info.value.message_dict


# ---- volunteers ------------------------------------------------------------------------------

def volunteer_data(regions, **kw):
    return {"name": "王志愿", "phone": "13800000000", "village": regions.v1a,
            "skills": ["escort", "companionship"], "availability": ["weekend"], **kw}


def test_volunteer_registration_checks(users, regions):
    with pytest.raises(ValidationError) as info:
        volunteers_actions.save_volunteer(users.village, volunteer_data(regions, skills=[], resident_id="123",
                                                             village=regions.v2a))
    assert {"village"} <= set(info.value.message_dict)
    with pytest.raises(ValidationError) as info:
        volunteers_actions.save_volunteer(users.village,
                                          volunteer_data(regions, skills=[], resident_id="123"))
    assert {"skills", "resident_id"} <= set(info.value.message_dict)
    rid = new_resident_id(dt.date(1990, 1, 1))
    v = volunteers_actions.save_volunteer(users.village, volunteer_data(regions, resident_id=rid))
    with pytest.raises(ValidationError, match="已登记为志愿者"):
        volunteers_actions.save_volunteer(users.village, volunteer_data(regions, resident_id=rid))
    changed = volunteers_actions.save_volunteer(users.village, volunteer_data(regions, resident_id=rid,
                                                                   phone="139"), v.pk)
    assert changed.phone == "139" and Volunteer.objects.count() == 1
    with pytest.raises(Volunteer.DoesNotExist):
        volunteers_actions.save_volunteer(users.township2, volunteer_data(regions), v.pk)


def test_request_matching_assignment_hours_and_recognition(users, regions, person):
    p = person(grade=1)
    near = volunteers_actions.save_volunteer(users.township, volunteer_data(regions, name="同村"))
    far = volunteers_actions.save_volunteer(users.township, volunteer_data(regions, name="同镇",
                                                                village=regions.v1b))
    reader = volunteers_actions.save_volunteer(users.township, volunteer_data(regions, name="读报",
                                                                   skills=["reading"]))
    volunteers_actions.save_volunteer(users.federation, volunteer_data(regions, name="外镇",
                                                            village=regions.v2a))
    req = volunteers_actions.create_request(users.village, p, source="person", skill="escort",
                                            description="陪同复查", slot="weekend")
    assert [m.candidate.name for m in volunteers_queries.candidates(users.township, req)] == ["同村", "同镇"]
    with pytest.raises(ValidationError, match="该志愿者没有"):
        volunteers_actions.assign(users.township, req.pk, reader.pk)
    with pytest.raises(shared.CommunityError, match="需求尚未派单"):
        volunteers_actions.log_service(users.township, req.pk, served_on=TODAY, hours="2", description="x")
    volunteers_actions.assign(users.township, req.pk, near.pk)
    with pytest.raises(ValidationError) as info:
        volunteers_actions.log_service(users.township, req.pk, served_on=TODAY, hours="13", description="x")
    assert "hours" in info.value.message_dict
    with pytest.raises(shared.CommunityError, match="完成前请先登记服务记录"):
        volunteers_actions.close_request(users.township, req.pk, "done")
    log = volunteers_actions.log_service(users.township, req.pk, served_on=TODAY, hours="12",
                                         description="陪同")
    with pytest.raises(shared.CommunityError, match="登记人不能自己确认"):
        volunteers_actions.confirm_log(users.township, log.pk, kind="worker")
    with pytest.raises(ValidationError) as info:
        volunteers_actions.confirm_log(users.village, log.pk, kind="person")
    assert "note" in info.value.message_dict
    volunteers_actions.confirm_log(users.village, log.pk, kind="person", note="本人签字")
    pending = volunteers_actions.log_service(users.village, req.pk, served_on=TODAY, hours="4",
                                             description="y")
    with pytest.raises(shared.CommunityError, match="该记录已"):
        volunteers_actions.confirm_log(users.village, log.pk, kind="worker")
    year = TODAY.year
    hours = {v.name: (v.year_hours, v.total_hours)
             for v in volunteers_queries.hours_by_volunteer(users.township, year)}
    assert hours["同村"] == (Decimal("12"), Decimal("12"))  # pending hours do not count
    assert hours["同镇"] == (0, 0)
    volunteers_actions.confirm_log(users.township, pending.pk, kind="worker")
    assert ServiceLog.objects.filter(status="confirmed").count() == 2
    done = volunteers_actions.close_request(users.township, req.pk, "done")
    assert done.status == "done"
    assert far.pk


def test_an_assignment_made_meanwhile_by_someone_else_is_refused(users, regions, person,
                                                                  monkeypatch):
    from canlian.community.models import ServiceRequest

    v = volunteers_actions.save_volunteer(users.township, volunteer_data(regions))
    req = volunteers_actions.create_request(users.village, person(), source="worker", skill="escort",
                                            description="x")
    stale = ServiceRequest.objects.get(pk=req.pk)  # read before another worker's change
    ServiceRequest.objects.filter(pk=req.pk).update(version=1)
    monkeypatch.setattr(volunteers_actions, "_scoped_request", lambda user, request_id: stale)
    with pytest.raises(shared.CommunityError, match="已被他人处理"):
        volunteers_actions.assign(users.township, req.pk, v.pk)
    assert ServiceRequest.objects.get(pk=req.pk).volunteer is None
    assert not AuditEvent.objects.filter(summary__startswith="志愿服务派单").exists()


# ---- accessibility supervision ---------------------------------------------------------------

def _results(place_kind, fail=(), na=()):
    from canlian.community import inspection_rules, ruleset

    items = inspection_rules.items_for(place_kind, ruleset.checklist())
    return {i.code: "fail" if i.code in fail else "na" if i.code in na else "pass" for i in items}


def test_inspection_creates_problems_with_deadlines_by_severity(users, regions):
    rules = shared.rules().inspections
    place = accessibility_actions.register_place(users.township, name="便民服务中心", kind="service_hall",
                                                 village=regions.v1a, manager="街道办")
    found_on = TODAY - dt.timedelta(days=30)
    inspection = accessibility_actions.inspect(users.township, place.pk, inspected_on=found_on,
                                               results=_results("service_hall", fail=("entrance", "parking")),
                                               severities={"parking": "major"},
                                               descriptions={"entrance": "正门有三级台阶"})
    assert (inspection.passed, inspection.failed) == (len(_results("service_hall")) - 2, 2)
    problems = {p.item: p for p in Problem.objects.all()}
    assert problems["entrance"].deadline == found_on + dt.timedelta(days=rules.days["critical"])
    assert problems["entrance"].description == "正门有三级台阶"
    assert problems["parking"].severity == "major"
    assert problems["parking"].deadline == found_on + dt.timedelta(days=rules.days["major"])
    assert set(accessibility_queries.problems_for(users.township).filter(deadline__lt=TODAY)) == {
        problems["entrance"]}
    stats = accessibility_queries.township_stats(users.township, found_on.year, TODAY)
    assert [(r["code"], r["places"], r["found"], r["overdue"], r["rate"]) for r in stats] == [
        (regions.t1.code, 1, 2, 1, 0.0)]
    assert accessibility_queries.township_stats(users.township2, found_on.year, TODAY) == []


def test_inspection_refusals_write_nothing(users, regions):
    place = accessibility_actions.register_place(users.township, name="公园", kind="park",
                                                 village=regions.v1a, manager="园林处")
    incomplete = _results("park")
    incomplete.pop(next(iter(incomplete)))
    with pytest.raises(ValidationError, match="no result for"):
        accessibility_actions.inspect(users.township, place.pk, inspected_on=TODAY, results=incomplete)
    with pytest.raises(ValidationError, match="未知的严重程度"):
        accessibility_actions.inspect(users.township, place.pk, inspected_on=TODAY,
                                      results=_results("park", fail=("toilet",)),
                                      severities={"toilet": "awful"})
    assert not Inspection.objects.exists() and not Problem.objects.exists()
    with pytest.raises(PermissionDenied):
        accessibility_actions.inspect(users.village, place.pk, inspected_on=TODAY, results=_results("park"))
    with pytest.raises(accessibility_actions.Place.DoesNotExist):
        accessibility_actions.inspect(users.township2, place.pk, inspected_on=TODAY, results=_results("park"))


def test_rectification_follow_up(users, regions):
    place = accessibility_actions.register_place(users.township, name="卫生院", kind="hospital",
                                                 village=regions.v1a, manager="卫健局")
    accessibility_actions.inspect(users.township, place.pk, inspected_on=TODAY - dt.timedelta(days=20),
                                  results=_results("hospital", fail=("entrance",)))
    problem = Problem.objects.get()
    before = problem.deadline
    extended = accessibility_actions.extend(users.township, problem.pk, reason="雨季施工困难")
    assert extended.deadline == before + dt.timedelta(days=30) and extended.extensions == 1
    with pytest.raises(shared.CommunityError, match="at most 1"):
        accessibility_actions.extend(users.township, problem.pk, reason="again")
    with pytest.raises(shared.CommunityError, match="尚未整改"):
        accessibility_actions.verify(users.township, problem.pk)
    with pytest.raises(ValidationError):
        accessibility_actions.rectify(users.township, problem.pk, on=TODAY, note="")
    accessibility_actions.rectify(users.township, problem.pk, on=TODAY, note="已建坡道")
    with pytest.raises(ValidationError, match="照片"):
        accessibility_actions.verify(users.township, problem.pk)
    with pytest.raises(ValidationError):  # same checks as renovation photos
        accessibility_actions.add_problem_photo(users.township, problem.pk, "after",
                                                SimpleUploadedFile("x.png", b"GIF89a not allowed"))
    accessibility_actions.add_problem_photo(users.township, problem.pk, "after",
                                            SimpleUploadedFile("x.png", PNG))
    closed = accessibility_actions.verify(users.township, problem.pk)
    assert closed.verified_on == TODAY and closed.verified_by == users.township
    with pytest.raises(shared.CommunityError, match="已整改"):
        accessibility_actions.rectify(users.township, problem.pk, on=TODAY, note="x")


def test_audit_of_person_page_and_roster_print(client, users, person):
    p = person(grade=1)
    emergency_actions.save_roster_entry(users.township, p, contact_name="x", contact_phone="1")
    client.force_login(users.township)
    client.get(f"/community/person/{p.pk}/")
    assert AuditEvent.objects.filter(action="view", person_id=p.pk).exists()
    client.get("/community/roster/print/")
    assert AuditEvent.objects.filter(action="export", person_id=p.pk,
                                     summary="打印应急保护名册").exists()


def test_a_volunteer_id_registered_elsewhere_is_not_disclosed(users, regions):
    """Issue #22: the volunteer form told a township that an ID was a volunteer elsewhere."""
    from canlian.community.models import Volunteer
    from canlian.conftest import new_resident_id

    rid = new_resident_id()
    Volunteer.objects.create(name="外镇志愿者", resident_id=rid, phone="1", village=regions.v2a,
                             registered_on=dt.date(2025, 1, 1), skills=["visit"])
    with pytest.raises(ValidationError) as info:
        volunteers_actions.save_volunteer(users.township, {"name": "甲", "resident_id": rid, "phone": "1",
                                                "village": regions.v1a, "skills": ["visit"]})
    message = " ".join(info.value.message_dict["resident_id"])
    assert "volunteer" not in message and "志愿者" not in message and "外镇" not in message
