"""Applying for a “1+X” programme from the portal, end to end: a guardian applies for a
child's rehabilitation assistance in plain steps, the application enters the staff
decision chain (township review, federation approval), and the decision with its reasons
is shown back in the portal. An ineligible person is told why and cannot send an
application that would be refused; a forged one is refused with the reasons."""

import datetime as dt

import pytest

from canlian.care.models import Designation
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.people.models import Person
from canlian.programmes import actions as programmes
from canlian.programmes.models import Application
from canlian.services import actions as services

from .conftest import last_code

TODAY = clock.today()


@pytest.fixture
def rehab(users, regions):
    inst = services.register_institution(users.federation, {
        "name": "乐清市儿童康复中心", "kind": "children_rehab", "township": regions.t1,
        "capacity": 40, "opened_on": TODAY - dt.timedelta(days=800)})
    Designation.objects.create(institution=inst, service="rehabilitation",
                               start_date=TODAY - dt.timedelta(days=300),
                               end_date=TODAY + dt.timedelta(days=365), services="康复训练")
    return inst


@pytest.fixture
def guardian(client, make_person, walk):
    """A guardian signed in and acting for a certified five-year-old ward."""
    from canlian.portal import actions

    guardian_id = new_resident_id(dt.date(1985, 1, 1))
    make_person(name="王芳", resident_id=guardian_id, phone="13900001111")
    born = TODAY.replace(year=TODAY.year - 5) - dt.timedelta(days=40)
    child = make_person(name="小红", resident_id=new_resident_id(born),
                        guardian_resident_id=guardian_id, guardian_phone="13900001111")
    Person.objects.filter(pk=child.pk).update(birth_date=born)
    child.refresh_from_db()
    walk(child, category=5, grade=3)
    actions.request_code(guardian_id)
    user = actions.verify_code(guardian_id, last_code())
    client.force_login(user, backend="canlian.accounts.backends.RegionBackend")
    client.post("/portal/for/", {"person": child.pk})
    assert client.session["portal_person"] == child.pk
    return child


def test_a_guardian_applies_and_sees_the_decision_with_reasons(client, guardian, rehab, users):
    home = client.get("/portal/").content.decode()
    assert "残疾儿童康复救助" in home and "/portal/apply/programme/child_rehab/" in home
    page = client.get("/portal/apply/programme/child_rehab/").content.decode()
    assert "周岁" in page and "乐清市儿童康复中心" in page and 'name="confirm"' in page
    # no institution chosen, no confirmation: both explained beside their fields
    response = client.post("/portal/apply/programme/child_rehab/", {})
    errors = response.context["form"].errors
    assert set(errors) == {"institution", "confirm"}
    assert Application.objects.get(person=guardian, programme="child_rehab").state == "offered"
    response = client.post("/portal/apply/programme/child_rehab/",
                           {"institution": rehab.pk, "confirm": "on"})
    app = Application.objects.get(person=guardian, programme="child_rehab")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/applications/programme/{app.pk}/"
    assert (app.state, app.applicant, app.channel, app.institution) == (
        "applied", "guardian", "portal", rehab)
    # the staff decision chain: it is in the township's queue
    assert app in programmes.applications_for(users.township).filter(state="applied")
    detail = client.get(response["Location"]).content.decode()
    assert "镇（街道）" in detail or "镇街" in detail or "审核" in detail
    # a second application the same year is refused: the page points at the first
    again = client.get("/portal/apply/programme/child_rehab/").content.decode()
    assert f"/portal/applications/programme/{app.pk}/" in again and 'name="confirm"' not in again
    programmes.review(users.township, app.pk)
    programmes.decide(users.federation, app.pk, approve=True)
    detail = client.get(f"/portal/applications/programme/{app.pk}/").content.decode()
    assert "已批准" in detail or "批准" in detail
    assert "持有有效残疾人证" in detail and "周岁" in detail  # the reasons of the decision
    listing = client.get("/portal/applications/").content.decode()
    assert f"/portal/applications/programme/{app.pk}/" in listing


def test_a_refusal_is_shown_with_the_staff_reason(client, guardian, rehab, users):
    client.post("/portal/apply/programme/child_rehab/", {"institution": rehab.pk, "confirm": "on"})
    app = Application.objects.get(person=guardian, programme="child_rehab")
    programmes.decide(users.township, app.pk, approve=False, note="材料不全，请补充康复评估报告")
    detail = client.get(f"/portal/applications/programme/{app.pk}/").content.decode()
    assert "未获批准" in detail or "不予批准" in detail or "没有批准" in detail or "材料不全" in detail
    assert "材料不全，请补充康复评估报告" in detail


def test_a_citizen_may_withdraw_an_application_not_yet_reviewed(client, guardian, rehab):
    client.post("/portal/apply/programme/child_rehab/", {"institution": rehab.pk, "confirm": "on"})
    app = Application.objects.get(person=guardian, programme="child_rehab")
    client.post(f"/portal/applications/programme/{app.pk}/withdraw/")
    app.refresh_from_db()
    assert app.state == "withdrawn"


def test_an_ineligible_person_is_told_why_and_a_forged_application_is_refused(
        signed_in, citizen, walk, rehab):
    walk(citizen, category=4, grade=3)  # an adult: not a child
    page = signed_in.get("/portal/apply/programme/child_rehab/").content.decode()
    assert "不在 0–14 周岁 之内" in page
    assert 'name="confirm"' not in page  # no button that would only be refused
    assert "/portal/privacy/correction/" in page
    response = signed_in.post("/portal/apply/programme/child_rehab/",
                              {"institution": rehab.pk, "confirm": "on"})
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "不符合残疾儿童康复救助条件" in message and "周岁" in message
    assert not Application.objects.filter(person=citizen, programme="child_rehab").exists()
    # the home page does not offer it either
    assert "/portal/apply/programme/child_rehab/" not in signed_in.get("/portal/").content.decode()


def test_an_unknown_programme_is_not_found(signed_in, citizen):
    assert signed_in.get("/portal/apply/programme/nothing/").status_code == 404


def test_a_programme_enrolled_by_staff_is_not_applied_for_online(signed_in, citizen, walk):
    walk(citizen, category=4, grade=1)  # severe: the premium subsidies enrol automatically
    page = signed_in.get("/portal/apply/programme/accident_insurance/").content.decode()
    assert 'name="confirm"' not in page
