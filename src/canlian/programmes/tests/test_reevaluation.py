"""Re-evaluation when facts other than the certificate change (重新评估): a household
joining or leaving 低保 (published by ``people.actions`` as ``HouseholdTypeChanged``), a
care placement starting or ending (dispatched by ``care.actions``), and a birthday
reaching an age limit (the daily ``programme_ages`` job). Where a person now qualifies an
offer or automatic enrolment opens; where eligibility ends the application ends on the
rule's date with the failed rules as its notice, and the township gets a to-do."""

import datetime as dt

from canlian.care import actions as care
from canlian.core import clock
from canlian.ops.registry import get as scheduled
from canlian.people import actions as people
from canlian.people.models import Person
from canlian.programmes import actions
from canlian.programmes.models import Application
from canlian.services import actions as services
from canlian.todos.models import Todo

TODAY = clock.today()


def _born(years: int, days: int = 40) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=days)


def _with_birth(person, born):
    Person.objects.filter(pk=person.pk).update(birth_date=born)
    person.refresh_from_db()
    return person


def test_joining_and_leaving_dibao_opens_and_ends_the_premium_subsidy(users, regions,
                                                                       make_person, walk):
    person = _with_birth(make_person(regions.v1a, name="钱六", household_type="ordinary"),
                         _born(40))
    walk(person, category=4, grade=3)  # not severe: no premium subsidy in an ordinary household
    assert not Application.objects.filter(person=person, programme="medical_premium").exists()
    person.refresh_from_db()
    assert people.set_household_type(users.federation, person, "dibao", summary="民政推送")
    app = Application.objects.get(person=person, programme="medical_premium")
    assert app.state == "applied" and app.channel == "automatic"  # enrolled automatically
    assert "家庭类型" in app.note
    assert Todo.objects.filter(person=person, kind="programme_offers").count() >= 1
    person.refresh_from_db()
    people.set_household_type(users.federation, person, "ordinary", summary="民政推送")
    app.refresh_from_db()
    assert app.state == "ended" and app.ended_on == TODAY and not app.eligible
    assert "不再符合条件" in app.note and "普通家庭" in app.note
    assert any(not r["passed"] for r in app.reasons)
    assert Todo.objects.filter(person=person, kind="programme_ended").exists()
    # an unchanged type publishes nothing and changes nothing
    person.refresh_from_db()
    assert not people.set_household_type(users.federation, person, "ordinary", summary="民政推送")
    assert Application.objects.filter(person=person, programme="medical_premium").count() == 1


def test_a_care_placement_opens_the_care_subsidy_and_its_end_stops_it(users, regions,
                                                                      make_person, walk):
    person = _with_birth(make_person(regions.v1a, name="孙七"), _born(50))
    walk(person, category=4, grade=3)
    assert not Application.objects.filter(person=person, programme="care_subsidy").exists()
    home = services.register_institution(users.township, {
        "name": "乐成街道残疾人之家", "kind": "home_of_disabled", "township": regions.t1,
        "capacity": 10, "opened_on": TODAY - dt.timedelta(days=400)})
    care.set_places(users.township, home, "day", 5)
    placement = care.place(users.township, person, home, mode="day",
                           start_date=TODAY - dt.timedelta(days=30), reason="白天无人照料",
                           payer="subsidised")
    offer = Application.objects.get(person=person, programme="care_subsidy")
    assert offer.state == "offered" and "托养安置开始" in offer.note
    app = actions.apply(users.township, person, "care_subsidy", channel="staff")
    actions.review(users.township, app.pk)
    actions.decide(users.federation, app.pk, approve=True)
    last_day = TODAY - dt.timedelta(days=1)
    care.end_placement(users.township, placement.pk, end_date=last_day, reason="回家由家属照料")
    app.refresh_from_db()
    assert app.state == "ended" and app.ended_on == TODAY  # the day after the last day
    assert "托养安置结束" in app.note and "没有有效的托养安置记录" in app.note
    # nothing more is paid for the ended application
    assert actions.pay(users.federation, "care_subsidy", TODAY) == 0


def test_the_daily_age_sweep_ends_and_opens_at_the_age_limits(users, regions, make_person,
                                                               walk):
    # Yueqing's child_rehab is for 0–14: a child turning 15 today leaves it;
    # the pension premium is for 16–59: a severe person turning 16 today enters it.
    leaving = _with_birth(make_person(regions.v1a, name="周八"), _born(14, days=200))
    walk(leaving, category=5, grade=3)
    offer = Application.objects.get(person=leaving, programme="child_rehab")
    assert offer.state == "offered"
    entering = _with_birth(make_person(regions.v1a, name="吴九"), _born(15, days=200))
    walk(entering, category=4, grade=1)
    assert not Application.objects.filter(person=entering, programme="pension_premium").exists()
    untouched = _with_birth(make_person(regions.v1a, name="郑十"), _born(30))
    walk(untouched, category=4, grade=1)
    # their birthdays come: today, and yesterday for the sweep that missed a day
    _with_birth(leaving, TODAY.replace(year=TODAY.year - 15))
    _with_birth(entering, TODAY.replace(year=TODAY.year - 16) - dt.timedelta(days=1))
    found = set(actions.birthdays_crossing_limits(TODAY))
    assert {leaving.pk, entering.pk} <= found and untouched.pk not in found
    summary = scheduled("programme_ages").run(clock.now())
    assert summary["ended"] >= 1 and summary["offered"] >= 1
    offer.refresh_from_db()
    assert offer.state == "ended" and "年龄" in offer.note and "周岁" in offer.note
    pension = Application.objects.get(person=entering, programme="pension_premium")
    assert pension.state == "applied" and pension.channel == "automatic"
    # a second run the same day changes nothing
    again = scheduled("programme_ages").run(clock.now())
    assert again["ended"] == 0 and again["offered"] == 0


def test_the_sweep_finds_a_29_february_birthday_on_1_march(regions, make_person):
    # accident insurance is for 0–80: born 29 February 1944, the person turns 81 on
    # 1 March 2025 (no 29 February that year), and is found that day, not the day before
    person = _with_birth(make_person(regions.v1a, name="冯十一"), dt.date(1944, 2, 29))
    assert person.pk in actions.birthdays_crossing_limits(dt.date(2025, 3, 1), days=1)
    assert person.pk not in actions.birthdays_crossing_limits(dt.date(2025, 2, 28), days=1)
