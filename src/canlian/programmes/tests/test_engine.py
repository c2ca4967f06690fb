"""The programme engine end to end on the database: a certificate opens the "X" offers;
children's rehabilitation goes guardian → township review → federation approval →
monthly institution bills cut at the ceiling; the care subsidy rests on the placement and
is paid once per month; the premium roster goes to 医保 and its confirmation is read back;
bad input is refused with its reason."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from canlian.care import actions as care
from canlian.care.models import Designation
from canlian.certificates import actions as certificates
from canlian.core import clock
from canlian.people.models import Person
from canlian.programmes import actions
from canlian.programmes.actions import ProgrammeError
from canlian.programmes.models import Application, BillLine, Payment, RosterLine
from canlian.services import actions as services
from canlian.todos.models import Todo

TODAY = clock.today()


def _born(years: int) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=40)


@pytest.fixture
def rehab(users, regions):
    inst = services.register_institution(users.federation, {
        "name": "乐清市儿童康复中心", "kind": "children_rehab", "township": regions.t1,
        "capacity": 40, "opened_on": TODAY - dt.timedelta(days=800)})
    # care.actions.designate covers care institutions only; the agreement itself is the same.
    Designation.objects.create(institution=inst, service="rehabilitation",
                               start_date=TODAY - dt.timedelta(days=300),
                               end_date=TODAY + dt.timedelta(days=365), services="康复训练")
    return inst


def test_a_certificate_opens_offers_with_reasons(users, regions, make_person, walk):
    child = make_person(regions.v1a, name="小明", birth_date=_born(4),
                        resident_id=None, guardian_name="王芳")
    Person.objects.filter(pk=child.pk).update(birth_date=_born(4))
    child.refresh_from_db()
    walk(child, category=5, grade=2)
    offered = {a.programme: a for a in Application.objects.filter(person=child)}
    assert offered["child_rehab"].state == "offered"
    assert offered["transport_concession"].state == "offered"
    assert offered["medical_premium"].state == "applied"  # automatic enrolment: grade 2
    assert "pension_premium" not in offered  # four years old
    assert any("周岁" in r["zh"] and r["passed"] for r in offered["child_rehab"].reasons)
    assert Todo.objects.filter(person=child, kind="programme_offers").exists()
    # A second certificate event opens nothing twice.
    assert actions.open_offers(child) == []


def test_children_rehabilitation_end_to_end(users, regions, make_person, walk, rehab):
    child = make_person(regions.v1a, name="小红")
    Person.objects.filter(pk=child.pk).update(birth_date=_born(5))
    child.refresh_from_db()
    walk(child, category=5, grade=3)
    with pytest.raises(ProgrammeError, match="申请人只能是"):
        actions.apply(users.township, child, "child_rehab", applicant="person", channel="staff")
    with pytest.raises(ProgrammeError, match="定点机构"):
        actions.apply(users.township, child, "child_rehab", applicant="guardian", channel="staff")
    other = services.register_institution(users.federation, {
        "name": "未定点机构", "kind": "rehabilitation", "township": regions.t1, "capacity": 5,
        "opened_on": TODAY - dt.timedelta(days=100)})
    with pytest.raises(ProgrammeError, match="不是本项目的定点机构"):
        actions.apply(users.township, child, "child_rehab", applicant="guardian",
                      channel="staff", institution=other)
    app = actions.apply(users.township, child, "child_rehab", applicant="guardian",
                        channel="staff", institution=rehab)
    assert app.state == "applied" and app.amount == Decimal("24000.00")
    with pytest.raises(ProgrammeError, match="须先经审核"):
        actions.decide(users.federation, app.pk, approve=True)
    actions.review(users.federation, app.pk, note="材料齐全")
    with pytest.raises(ProgrammeError, match="审核人不能审批"):
        actions.decide(users.federation, app.pk, approve=True)
    Application.objects.filter(pk=app.pk).update(state="applied", reviewed_by=None)
    with pytest.raises(PermissionDenied):
        actions.review(users.township2, app.pk)  # another township: outside the region
    actions.review(users.township, app.pk)
    with pytest.raises(PermissionDenied):
        actions.decide(users.township, app.pk, approve=True)  # township cannot approve
    app = actions.decide(users.federation, app.pk, approve=True)
    assert app.state == "approved"
    month = TODAY.replace(day=1)
    line = actions.bill(users.township, app.pk, month=month, claimed=Decimal("23000"))
    assert line.accepted == Decimal("23000") and not line.cut_reason
    with pytest.raises(ProgrammeError, match="已结算"):
        actions.bill(users.township, app.pk, month=month, claimed=Decimal("10"))
    if month.month > 1:
        earlier = month.replace(month=month.month - 1)
        cut = actions.bill(users.township, app.pk, month=earlier, claimed=Decimal("3000"))
        assert cut.accepted == Decimal("1000") and "核减 2000" in cut.cut_reason
    with pytest.raises(ProgrammeError, match="大于零"):
        actions.bill(users.township, app.pk, month=month.replace(month=1) if month.month > 2
                     else month, claimed=Decimal("0"))
    assert BillLine.objects.filter(application=app).count() == (2 if month.month > 1 else 1)


def test_an_ineligible_application_is_refused_with_its_reasons(users, regions, make_person,
                                                              walk, rehab):
    adult = make_person(regions.v1a, name="李四")
    walk(adult, category=4, grade=3)
    with pytest.raises(ProgrammeError, match=r"不符合残疾儿童康复救助条件：.*周岁，不在 0–14 周岁 之内"):
        actions.apply(users.township, adult, "child_rehab", applicant="guardian",
                      channel="staff", institution=rehab)
    with pytest.raises(ProgrammeError, match="没有有效的托养安置记录"):
        actions.apply(users.township, adult, "care_subsidy", applicant="person", channel="staff")
    assert not Application.objects.filter(person=adult, programme="child_rehab").exists()
    app = actions.apply(users.township, adult, "transport_concession", channel="offer")
    with pytest.raises(ProgrammeError, match="不予批准须写明理由"):
        actions.decide(users.township, app.pk, approve=False)


def test_care_subsidy_from_the_placement_paid_once(users, regions, make_person, walk):
    person = make_person(regions.v1a, name="赵五")
    walk(person, category=4, grade=1)
    home = services.register_institution(users.township, {
        "name": "乐成街道残疾人之家", "kind": "home_of_disabled", "township": regions.t1,
        "capacity": 10, "opened_on": TODAY - dt.timedelta(days=400)})
    care.set_places(users.township, home, "day", 5)
    care.place(users.township, person, home, mode="day", start_date=TODAY - dt.timedelta(days=30),
               reason="白天无人照料", payer="subsidised")
    app = actions.apply(users.township, person, "care_subsidy", channel="staff")
    assert app.amount == Decimal("200.00")
    actions.review(users.township, app.pk)
    actions.decide(users.federation, app.pk, approve=True)
    assert actions.pay(users.federation, "care_subsidy", TODAY) == 1
    assert actions.pay(users.federation, "care_subsidy", TODAY) == 0  # a re-run pays nothing
    assert Payment.objects.get().amount == Decimal("200.00")
    with pytest.raises(ProgrammeError, match="尚未开始"):
        actions.pay(users.federation, "care_subsidy", TODAY + dt.timedelta(days=40))
    with pytest.raises(ProgrammeError, match="不是现金发放"):
        actions.pay(users.federation, "child_rehab", TODAY)
    # The certificate cancelled: the application ends, nothing more is paid.
    cert = person.certificates.get(status="issued")
    certificates.cancel(cert, "other", today=TODAY)
    app.refresh_from_db()
    assert app.state == "ended"


def _confirmation(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["身份证号", "结果", "说明"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_premium_roster_and_confirmation(users, regions, make_person, walk):
    a = make_person(regions.v1a, name="钱一")
    b = make_person(regions.v1b, name="孙二")
    for p in (a, b):
        walk(p, category=4, grade=1)
    apps = Application.objects.filter(programme="medical_premium", state="applied")
    assert apps.count() == 2  # automatic enrolments
    mine = {app.person_id: app.pk for app in apps}
    actions.review(users.township, mine[a.pk])
    actions.review(users.federation, mine[b.pk])
    actions.decide(users.federation, mine[a.pk], approve=True)
    # b was reviewed by the federation: another federation user approves
    actions.decide(users.federation2, mine[b.pk], approve=True)
    roster = actions.make_roster(users.federation, "medical_premium", TODAY.year)
    assert roster.lines.count() == 2 and roster.department == "乐清市医疗保障局"
    assert actions.make_roster(users.federation, "medical_premium", TODAY.year) == roster
    result = actions.read_confirmation(users.federation, roster.pk, _confirmation([
        [a.resident_id, "成功", ""], [b.resident_id, "失败", "已在外地参保"],
        [a.resident_id, "成功", ""], ["110101199001011234", "成功", ""],
        [b.resident_id.lower(), "也许", ""]]))
    assert result["applied"] == 2 and result["confirmed"] == 1
    assert [r["row"] for r in result["rejected"]] == [4, 5, 6]
    assert RosterLine.objects.get(person=b).answer == "已在外地参保"
    with pytest.raises(ProgrammeError, match="缺少列"):
        actions.read_confirmation(users.federation, roster.pk, _bad_header())
    with pytest.raises(ProgrammeError, match="不以名单交换"):
        actions.make_roster(users.federation, "care_subsidy", TODAY.year)


def _bad_header():
    book = openpyxl.Workbook()
    book.active.append(["姓名", "结果"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
