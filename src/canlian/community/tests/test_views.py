"""Community pages: flows through the forms, region scoping, masking and pagination."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from canlian.community import inspection_rules, ruleset
from canlian.community.accessibility import actions as accessibility_actions
from canlian.community.emergency import actions as emergency_actions
from canlian.community.models import (
    CheckIn,
    Emergency,
    Inspection,
    Problem,
    RosterEntry,
    Volunteer,
    WatchCase,
)
from canlian.community.visits import actions as visits_actions
from canlian.community.volunteers import actions as volunteers_actions
from canlian.core import clock
from canlian.people.models import Person

TODAY = clock.today()


def severe(make_person, village=None, name="张三", grade=1):
    p = make_person(village, name=name)
    Person.objects.filter(pk=p.pk).update(grade=grade, category=4)
    p.refresh_from_db()
    return p


@pytest.fixture
def two_townships(users, regions, make_person):
    """A severe person on the roster and under watch in each township."""
    mine = severe(make_person, regions.v1a, "本镇人")
    theirs = severe(make_person, regions.v2a, "外镇人")
    for user, p in ((users.township, mine), (users.township2, theirs)):
        emergency_actions.save_roster_entry(user, p, contact_name="联系人", contact_phone="139")
        WatchCase.objects.create(person=p, opened_on=TODAY, screened_on=TODAY)
        volunteers_actions.save_volunteer(user, {"name": f"{p.name}志愿者", "phone": "1",
                                                 "village": p.village, "skills": ["escort"]})
        volunteers_actions.create_request(user, p, source="worker", skill="escort", description="陪同")
        accessibility_actions.register_place(user, name=f"{p.name}公园", kind="park", village=p.village,
                                             manager="园林")
    return mine, theirs


@pytest.mark.parametrize("url", ["/community/visits/?state=all", "/community/roster/",
                                 "/community/roster/print/", "/community/watch/",
                                 "/community/requests/?status=open", "/community/volunteers/",
                                 "/community/places/", "/community/find/"])
def test_lists_show_only_the_region_and_mask_ids(client, users, two_townships, url):
    mine, _ = two_townships
    client.force_login(users.township)
    if url == "/community/find/":  # a search is POSTed and kept out of the URL
        response = client.post(url, {"q": "本镇人"}, follow=True)
        assert response.redirect_chain[-1][0].startswith("/community/find/?s=")
        html = response.content.decode()
    else:
        html = client.get(url).content.decode()
    assert "本镇人" in html
    assert "外镇人" not in html
    assert mine.resident_id not in html
    if "volunteers" not in url and "places" not in url:
        assert mine.masked_id in html


def test_other_townships_records_are_not_found(client, users, two_townships):
    mine, _ = two_townships
    client.force_login(users.township2)
    assert client.get(reverse("community:person", args=[mine.pk])).status_code == 404
    entry = RosterEntry.objects.get(person=mine)
    assert client.post(reverse("community:roster_remove", args=[entry.pk]),
                       {"reason": "x"}).status_code == 404
    assert RosterEntry.objects.get(pk=entry.pk).removed_on is None
    case = WatchCase.objects.get(person=mine)
    assert client.get(reverse("community:watch_case", args=[case.pk])).status_code == 404


def test_the_auditor_reads_but_cannot_write(client, users, two_townships):
    mine, _ = two_townships
    client.force_login(users.auditor)
    assert client.get(reverse("community:person", args=[mine.pk])).status_code == 200
    assert client.post(reverse("community:emergencies"), {"name": "x", "kind": "typhoon",
                                                          "region": users.auditor.region_id}
                       ).status_code == 403
    assert client.post(reverse("community:watch_screen")).status_code == 403
    assert not Emergency.objects.exists()


def test_emergency_flow_through_the_pages(client, users, regions, two_townships):
    mine, _ = two_townships
    client.force_login(users.township)
    r = client.post(reverse("community:emergencies"), {"name": "台风防御", "kind": "typhoon",
                                                       "region": regions.t1.code})
    emergency = Emergency.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("community:emergency",
                                                             args=[emergency.pk])
    board = client.get(r["Location"]).content.decode()
    assert "本镇人" in board and "外镇人" not in board
    client.force_login(users.village)
    client.post(reverse("community:checkin", args=[emergency.pk]),
                {"person": mine.pk, "state": "safe"})
    assert CheckIn.objects.get().state == "safe"
    html = client.get(reverse("community:emergency", args=[emergency.pk])).content.decode()
    assert "本镇人" in html and "不能" not in html
    # the township worker of another township does not see the township emergency
    client.force_login(users.township2)
    assert client.get(reverse("community:emergency", args=[emergency.pk])).status_code == 404


def test_closing_an_emergency_lists_the_never_contacted_and_needs_a_reason(client, users, regions,
                                                                          two_townships):
    mine, _ = two_townships
    client.force_login(users.township)
    emergency = emergency_actions.declare_emergency(users.township, name="台风防御", kind="typhoon",
                                                    region=regions.t1)
    board = client.get(reverse("community:emergency", args=[emergency.pk])).content.decode()
    assert reverse("community:emergency_close", args=[emergency.pk]) in board
    url = reverse("community:emergency_close", args=[emergency.pk])
    page = client.get(url).content.decode()
    assert "本镇人" in page and "外镇人" not in page and 'name="confirm"' in page
    r = client.post(url, {"reason": ""})
    assert r.status_code == 200 and 'id="id_confirm_error"' in r.content.decode()
    assert Emergency.objects.get().is_open
    r = client.post(url, {"reason": "预警解除", "confirm": "on"})
    assert r.status_code == 302 and r["Location"] == reverse("community:emergency",
                                                             args=[emergency.pk])
    closed = Emergency.objects.get()
    assert not closed.is_open and closed.uncontacted_at_close == 1
    board = client.get(r["Location"]).content.decode()
    assert "预警解除" in board and reverse("community:emergency_reopen", args=[emergency.pk]) in board
    # a check-in after the close is refused with a message, and nothing is recorded
    client.force_login(users.village)
    r = client.post(reverse("community:checkin", args=[emergency.pk]),
                    {"person": mine.pk, "state": "safe"}, follow=True)
    assert "应急响应已结束" in r.content.decode() and not CheckIn.objects.exists()
    assert client.post(reverse("community:emergency_reopen", args=[emergency.pk])).status_code == 403
    client.force_login(users.township)
    client.post(reverse("community:emergency_reopen", args=[emergency.pk]))
    assert Emergency.objects.get().is_open


def test_volunteer_form_errors_are_shown_beside_the_fields(client, users, regions):
    client.force_login(users.village)
    r = client.post(reverse("community:volunteer_new"), {"name": "李四", "phone": "",
                                                         "village": regions.v1a.code,
                                                         "registered_on": TODAY.isoformat()})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="id_phone_error"' in html and 'id="id_skills_error"' in html
    assert "<legend>" in html  # the skills checkboxes are a labelled group
    r = client.post(reverse("community:volunteer_new"), {
        "name": "李四", "phone": "138", "village": regions.v1a.code, "skills": ["escort", "reading"],
        "availability": ["weekend"], "registered_on": TODAY.isoformat(), "active": "on"})
    volunteer = Volunteer.objects.get()
    assert r["Location"] == reverse("community:volunteer", args=[volunteer.pk])
    assert volunteer.skills == ["escort", "reading"]


def test_inspection_form_creates_problems(client, users, regions):
    place = accessibility_actions.register_place(users.township, name="公交站", kind="transport",
                                                 village=regions.v1a, manager="交通局")
    items = inspection_rules.items_for("transport", ruleset.checklist())
    client.force_login(users.township)
    assert client.get(reverse("community:inspect", args=[place.pk])).status_code == 200
    data = {"inspected_on": TODAY.isoformat(), "note": ""}
    for item in items:
        data[f"result_{item.code}"] = "fail" if item.code == "boarding" else "pass"
        data[f"severity_{item.code}"] = item.severity
        data[f"description_{item.code}"] = "无低地板公交" if item.code == "boarding" else ""
    r = client.post(reverse("community:inspect", args=[place.pk]), data)
    assert r.status_code == 302
    problem = Problem.objects.get()
    assert (problem.item, problem.description) == ("boarding", "无低地板公交")
    assert Inspection.objects.get().failed == 1
    html = client.get(reverse("community:problem", args=[problem.pk])).content.decode()
    assert "无低地板公交" in html
    stats = client.get(reverse("community:statistics")).content.decode()
    assert regions.t1.name in stats


def test_lists_are_paginated(client, users, make_person):
    for n in range(55):
        severe(make_person, name=f"人{n:02d}")
    client.force_login(users.village)
    html = client.get(reverse("community:visits")).content.decode()
    assert 'rel="next"' in html
    assert html.count("/community/visits/new/") == 50


def test_person_page_in_english(client, users, make_person):
    p = severe(make_person)
    visits_actions.record_visit(users.village, p, visited_on=TODAY - dt.timedelta(days=3), kind="home",
                                findings="一切正常")
    client.force_login(users.village)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("community:person", args=[p.pk])).content.decode()
    assert "Visit history" in html and "一切正常" in html
    assert "Up to date" in html


def test_find_keeps_a_typed_id_out_of_every_url(client, users, two_townships):
    mine, _ = two_townships
    client.force_login(users.township)
    response = client.post("/community/find/", {"q": mine.resident_id}, follow=True)
    assert [url for url, _ in response.redirect_chain] and mine.name in response.content.decode()
    assert all(mine.resident_id not in url for url, _ in response.redirect_chain)
    assert mine.masked_id in response.content.decode()
    token = response.redirect_chain[-1][0].split("?s=")[1]
    elsewhere = Client()  # another session of the same user: the token finds nothing
    elsewhere.force_login(users.township)
    other = elsewhere.get("/community/find/", {"s": token})
    assert other.status_code == 200 and mine.name not in other.content.decode()
    assert [m.level_tag for m in other.context["messages"]] == ["error"]
