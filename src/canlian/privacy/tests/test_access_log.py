""""Who looked at my record": the portal page shows exactly the audit log's events of the
person, with the office (role and unit, never the staff member's name) and plain purposes."""

import re

from django.test import Client
from django.utils.timezone import localtime

from canlian.accounts.roles import Role
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action, AuditEvent
from canlian.conftest import make_user
from canlian.privacy import queries


def _read_as(user, url):
    c = Client()
    c.force_login(user)
    assert c.get(url).status_code == 200


def test_reads_by_three_roles_appear_exactly_as_in_the_audit_log(signed_in, citizen, users,
                                                                 regions, api_key):
    url = f"/people/{citizen.pk}/"
    _read_as(users.village, url)
    _read_as(users.township, url)
    _read_as(users.federation, url)
    service = make_user("minzheng", Role.FEDERATION_STAFF, regions.county)  # a department's account
    api = Client()
    assert api.get(f"/api/v1/persons/{citizen.pk}", **api_key(service)).status_code == 200
    events = list(AuditEvent.objects.filter(person_id=citizen.pk).order_by("-at", "-id"))
    assert len(events) >= 4
    page = signed_in.get("/portal/privacy/log/")
    body = page.content.decode()
    items = re.findall(r'<li class="card[^"]*">(.*?)</li>', body, re.S)
    assert len(items) == len(events)
    for event, item in zip(events, items, strict=True):
        assert localtime(event.at).strftime("%Y-%m-%d %H:%M") in item
    # the offices, by role and unit, in the log's order (newest first)
    _, lines = queries.access_log_page(citizen)
    assert [line.office for line in lines] == [
        "client-minzheng（部门系统接口）", "乐清市 · 市/区残联工作人员",
        "乐清市乐成街道 · 镇街残联工作人员", "乐成街道东山社区 · 村社专职委员"]
    assert all(line.purpose == f"查看 {citizen.name} 的档案" for line in lines)
    for line in lines:
        assert line.office in body
    # never the staff member's user name
    for name in ("vil1a", "town1", "fed"):
        assert f">{name}<" not in body and f" {name} " not in body


def test_exports_and_reads_outside_the_area_are_explained(citizen, make_person, users, regions):
    other = make_person(regions.v1a, name="李四")
    record_many(user=users.township, action=Action.EXPORT, summary="导出残疾人名单",
                people=[(citizen.pk, citizen.village_id), (other.pk, other.village_id)])
    record(user=users.township2, action=Action.VIEW, object_type="page",
           object_id="people:detail", person=citizen, summary="查看页面 /people/1/")
    _, lines = queries.access_log_page(citizen)
    outside, export = lines
    assert outside.purpose == "查看您的残疾人档案" and "不管辖" in outside.unusual
    assert outside.office == "乐清市柳市镇 · 镇街残联工作人员"
    assert export.action == "导出" and "共 2 人" in export.unusual


def test_the_citizens_own_acts_and_the_systems_are_named_as_such(signed_in, citizen):
    record(user=signed_in.user, action=Action.VIEW, person=citizen, summary="本人查看电子残疾人证 1")
    record(user=None, action=Action.UPDATE, person=citizen, summary="登记死亡（feed）：2026-01-01")
    _, lines = queries.access_log_page(citizen)
    assert [line.office for line in lines] == ["系统自动处理", "您本人或您的监护人"]


def test_a_guardian_sees_the_wards_log_and_nobody_elses(signed_in, citizen, make_person, users,
                                                        regions):
    ward = make_person(regions.v1a, name="小王", guardian_resident_id=citizen.resident_id)
    stranger = make_person(regions.v1a, name="路人")
    record(user=users.village, action=Action.VIEW, person=ward, summary="查看 小王 的档案")
    record(user=users.village, action=Action.VIEW, person=stranger, summary="查看 路人 的档案")
    signed_in.post("/portal/for/", {"person": ward.pk})
    body = signed_in.get("/portal/privacy/log/").content.decode()
    assert "查看 小王 的档案" in body and "路人" not in body


def test_the_log_is_paged_with_a_fixed_number_of_queries(citizen, users,
                                                         django_assert_max_num_queries):
    record_many(user=users.township, action=Action.VIEW, summary="接口读取",
                people=[(citizen.pk, citizen.village_id)])
    for _ in range(queries.PAGE_SIZE + 5):
        record(user=users.village, action=Action.VIEW, person=citizen, summary="查看")
    with django_assert_max_num_queries(5):
        page, lines = queries.access_log_page(citizen)
    assert len(lines) == queries.PAGE_SIZE and page.has_next()
    page, lines = queries.access_log_page(citizen, 2)
    assert len(lines) == 6
