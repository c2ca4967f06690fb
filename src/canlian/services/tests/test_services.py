"""Service records, renovations, legal cases and the gap lists."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from canlian.audit.models import AuditEvent
from canlian.core import clock
from canlian.core.separation import SameReviewerError
from canlian.services import actions, queries
from canlian.services.models import DeviceType, Institution, Renovation, ServiceType
from canlian.surveys import actions as survey_actions

YEAR = clock.today().year
TODAY = clock.today()
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 20


def need(person, **needs):
    return survey_actions.add_survey(person=person, year=YEAR, village=person.village,
                                       surveyed_on=TODAY, employment_status="not_applicable",
                                       **needs)


def test_service_validation(users, make_person):
    child_type = ServiceType.objects.get(code="children_rehab_training")
    adult = make_person()
    with pytest.raises(ValidationError) as info:
        actions.record_service(users.township, adult, child_type, start_date=TODAY)
    assert "service_type" in info.value.message_dict
    device = ServiceType.objects.get(code="device_fitting")
    with pytest.raises(ValidationError) as info:
        actions.record_service(users.township, adult, device, start_date=TODAY)
    assert "device" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.record_service(users.township, adult, ServiceType.objects.get(code="rehab_training"),
                               start_date=TODAY, cost=Decimal(100), subsidy=Decimal(200))
    assert "subsidy" in info.value.message_dict
    with pytest.raises(ValidationError):
        actions.record_service(users.township, adult,
                               ServiceType.objects.get(code="rehab_training"),
                               start_date=TODAY + dt.timedelta(days=3))


def test_gap_lists_need_minus_delivery(users, make_person, regions):
    served = make_person(name="已康复")
    waiting = make_person(name="待康复")
    no_need = make_person(name="无需求")
    other_township = make_person(regions.v2a, name="外镇")
    for p in (served, waiting, other_township):
        need(p, rehab_need=True, rehab_types=["training"], device_need=True,
             device_types=["mobility"])
    need(no_need)
    actions.record_service(users.township, served, ServiceType.objects.get(code="rehab_training"),
                           start_date=TODAY)
    actions.record_service(users.township, served, ServiceType.objects.get(code="device_fitting"),
                           start_date=TODAY, device=DeviceType.objects.get(code="wheelchair"))
    from canlian.accounts import scoping

    people = scoping.people_for(users.township)
    assert [p.name for p in queries.gap(people, "rehabilitation", YEAR)] == ["待康复"]
    assert [p.name for p in queries.gap(people, "device", YEAR)] == ["待康复"]
    # last year's service does not cover this year's need
    assert {p.name for p in queries.gap(scoping.people_for(users.federation), "rehabilitation",
                                        YEAR)} == {"待康复", "外镇"}


def test_gap_export(client, users, make_person):
    p = make_person(name="待辅具")
    need(p, device_need=True, device_types=["visual"])
    client.force_login(users.township)
    r = client.get(reverse("services:gaps", args=["device"]), {"year": YEAR, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(
        values_only=True))
    assert rows[1][1] == "待辅具"
    assert rows[1][2] == p.masked_id


def test_renovation_workflow(users, make_person):
    person = make_person(household_type="dibao")
    renovation = actions.apply_renovation(users.township, person)
    with pytest.raises(ValidationError):
        actions.apply_renovation(users.township, person)
    with pytest.raises(actions.RenovationError, match="不能"):
        actions.advance_renovation(users.township, renovation.pk, "complete")
    with pytest.raises(ValidationError):
        actions.advance_renovation(users.township, renovation.pk, "assess", items=[])
    # The village worker assesses on site; someone else accepts the works (审批分离).
    actions.advance_renovation(users.village, renovation.pk, "assess", notes="卫生间无扶手",
                               items=[("handrail", 2, Decimal("600")),
                                      ("ramp", 1, Decimal("1500"))])
    with pytest.raises(ValidationError):
        actions.advance_renovation(users.township, renovation.pk, "contract", contractor=" ")
    actions.advance_renovation(users.township, renovation.pk, "contract", contractor="乐清某装饰")
    actions.advance_renovation(users.township, renovation.pk, "complete")
    with pytest.raises(ValidationError, match="完工照片"):
        actions.advance_renovation(users.township, renovation.pk, "accept")
    with pytest.raises(ValidationError):
        actions.add_photo(users.township, renovation.pk, "after",
                          SimpleUploadedFile("x.png", b"GIF89a not allowed"))
    actions.add_photo(users.township, renovation.pk, "after", SimpleUploadedFile("x.png", PNG))
    with pytest.raises(SameReviewerError):
        actions.advance_renovation(users.village, renovation.pk, "accept")
    done = actions.advance_renovation(users.township, renovation.pk, "accept")
    assert done.state == "accepted"
    assert done.assessed_by == users.village
    assert done.cost == Decimal("2100")
    assert done.items.count() == 2
    with pytest.raises(Renovation.DoesNotExist):
        actions.advance_renovation(users.township2, renovation.pk, "reject", notes="x")


def test_renovation_gap_counts_accepted_ones(users, make_person):
    from canlian.accounts import scoping

    a = make_person(name="已改造")
    b = make_person(name="待改造")
    for p in (a, b):
        need(p, home_accessibility_need=True)
    Renovation.objects.create(person=a, village=a.village, applied_on=TODAY, state="accepted",
                              accepted_on=TODAY)
    assert [p.name for p in queries.gap(scoping.people_for(users.township), "renovation",
                                        YEAR)] == ["待改造"]


def test_legal_case_needs_an_outcome_to_close(users, make_person):
    person = make_person()
    case = actions.open_case(users.township, person, "legal_aid", "工伤赔偿", TODAY)
    with pytest.raises(ValidationError):
        actions.update_case(users.township, case.pk, "closed")
    closed = actions.update_case(users.township, case.pk, "closed", "调解成功")
    assert closed.closed_on == TODAY


def test_institutions_are_registered_by_federation_and_township_staff(client, users, regions):
    client.force_login(users.village)
    assert client.post(reverse("services:institutions"), {}).status_code == 403
    client.force_login(users.township)  # its own township only: another is not a choice
    r = client.post(reverse("services:institutions"), {
        "name": "柳市镇残疾人之家", "kind": "home_of_disabled", "township": regions.t2.code,
        "capacity": 30, "opened_on": "2022-05-01"})
    assert r.status_code == 200 and not Institution.objects.filter(name="柳市镇残疾人之家").exists()
    r = client.post(reverse("services:institutions"), {
        "name": "乐成街道如康家园", "kind": "home_of_disabled", "township": regions.t1.code,
        "capacity": 20, "opened_on": "2023-05-01"})
    assert r.status_code == 302 and Institution.objects.filter(name="乐成街道如康家园").exists()
    client.force_login(users.federation)
    r = client.post(reverse("services:institutions"), {
        "name": "乐成街道残疾人之家", "kind": "home_of_disabled", "township": regions.t1.code,
        "capacity": 30, "opened_on": "2022-05-01"})
    assert r.status_code == 302
    client.force_login(users.township)
    assert "乐成街道残疾人之家" in client.get(reverse("services:institutions")).content.decode()
    client.force_login(users.township2)  # another township's institutions are not listed
    assert "乐成街道残疾人之家" not in client.get(reverse("services:institutions")).content.decode()


def test_the_register_holds_operator_villages_staff_premises_and_dated_licences(
        client, users, regions):
    client.force_login(users.township)
    r = client.post(reverse("services:institutions"), {
        "name": "乐成街道如康家园", "kind": "home_of_disabled", "township": regions.t1.code,
        "capacity": 20, "opened_on": "2023-05-01", "operator": "乐清市善爱社会工作服务中心",
        "villages_served": [regions.v1a.pk, regions.v2a.pk], "staff": 6,
        "professional_staff": 2, "accessibility": "partial", "accessibility_note": "无无障碍卫生间"})
    assert r.status_code == 200 and not Institution.objects.exists()  # not a choice here
    with pytest.raises(ValidationError, match="以下不是乐成街道的村（社区）：南塘村"):
        actions.register_institution(users.federation, {
            "name": "乐成街道如康家园", "kind": "home_of_disabled", "township": regions.t1,
            "opened_on": dt.date(2023, 5, 1), "villages_served": [regions.v1a, regions.v2a]})
    assert not Institution.objects.exists()
    r = client.post(reverse("services:institutions"), {
        "name": "乐成街道如康家园", "kind": "home_of_disabled", "township": regions.t1.code,
        "capacity": 20, "opened_on": "2023-05-01", "operator": "乐清市善爱社会工作服务中心",
        "villages_served": [regions.v1a.pk], "staff": 2, "professional_staff": 3})
    assert r.status_code == 200 and "不能多于工作人员" in r.content.decode()
    r = client.post(reverse("services:institutions"), {
        "name": "乐成街道如康家园", "kind": "home_of_disabled", "township": regions.t1.code,
        "capacity": 20, "opened_on": "2023-05-01", "operator": "乐清市善爱社会工作服务中心",
        "villages_served": [regions.v1a.pk], "staff": 6, "professional_staff": 2,
        "accessibility": "partial", "accessibility_note": "无无障碍卫生间"})
    assert r.status_code == 302
    home = Institution.objects.get(name="乐成街道如康家园")
    assert list(home.villages_served.all()) == [regions.v1a] and home.staff == 6
    page = reverse("services:institution", args=[home.pk])
    licence = {"licence-kind": "registration", "licence-name": "民办非企业单位登记证书",
               "licence-number": "52330382MJ0000001", "licence-issuer": "乐清市民政局",
               "licence-issued_on": (TODAY - dt.timedelta(days=700)).isoformat(),
               "licence-expires_on": (TODAY - dt.timedelta(days=800)).isoformat(), "licence": "1"}
    r = client.post(page, licence)
    assert r.status_code == 200 and "有效期早于发证日期" in r.content.decode()
    licence["licence-expires_on"] = (TODAY + dt.timedelta(days=30)).isoformat()
    assert client.post(page, licence).status_code == 302
    assert client.post(page, {"licence-kind": "staff", "licence-name": "康复治疗师",
                              "licence-holder": "王芳", "licence": "1",
                              "licence-issued_on": "2020-03-01"}).status_code == 302
    text = client.get(page).content.decode()
    assert "乐清市善爱社会工作服务中心" in text and "东山社区" in text and "部分无障碍" in text
    assert "6 名工作人员，其中专业人员 2 名" in text and "即将到期" in text and "王芳" in text
    assert list(actions.expiring_licences(Institution.objects.all(), TODAY)
                .values_list("name", flat=True)) == ["民办非企业单位登记证书"]
    registration = home.licences.get(kind="registration")
    assert client.post(page, {"withdraw": registration.pk}).status_code == 302
    assert not actions.expiring_licences(Institution.objects.all(), TODAY).exists()
    assert AuditEvent.objects.filter(object_type="institution", object_id=str(home.pk),
                                     summary__startswith="资质").count() == 3
    client.force_login(users.township2)  # another township's institution: not disclosed
    assert client.post(page, {"withdraw": registration.pk}).status_code == 404
