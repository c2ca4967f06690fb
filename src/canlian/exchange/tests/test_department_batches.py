"""Other departments' batches (部门数据交换): the education bureau's schooling status, civil
affairs' dated 低保 changes, 人社/医保's insurance enrolment confirmations. Each file is
produced as the department would, read back through the import, every kind of bad row is
reported with its row and column, a re-run changes nothing, and the facts change as dated."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from canlian.audit.models import AuditEvent
from canlian.benefits.models import Grant, GrantStatus
from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.education.models import DropoutCase, Pupil, StatusChange
from canlian.exchange import actions, holders, workbooks
from canlian.exchange.models import HouseholdTypeChange, ImportKind
from canlian.jobs.models import Job
from canlian.people.models import Household, Person
from canlian.programmes import actions as programmes
from canlian.programmes.models import Application, RosterLine
from canlian.surveys import actions as survey_actions
from canlian.surveys.models import AnnualSurvey
from canlian.todos.models import Todo

TODAY = clock.today()
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=15)


def book(kind: str, rows: list[dict[str, str]]) -> io.BytesIO:
    """A department's file as the template gives it: the format's title row, the header."""
    columns = actions.COLUMNS[ImportKind(kind)]
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append([f"格式 {actions.FORMATS[ImportKind(kind)]}"])
    sheet.append([c.header for c in columns])
    for r in rows:
        sheet.append([r.get(c.key, "") for c in columns])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _born(years: int) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=40)


def _person(make_person, village, name, years, **extra):
    return make_person(village, name=name, resident_id=new_resident_id(_born(years)), **extra)


# ---- education-status/1 -------------------------------------------------------------------

def test_schooling_status_batch(users, regions, make_person):
    pupil = _person(make_person, regions.v1a, "小甲", 10)
    dropout = _person(make_person, regions.v1a, "小乙", 12)
    small = _person(make_person, regions.v1a, "小丙", 3)
    outside = _person(make_person, regions.v2a, "小丁", 9)
    misnamed = _person(make_person, regions.v1a, "小己", 9)
    day = (TODAY - dt.timedelta(days=30)).isoformat()
    rows = [
        {"name": "小甲", "resident_id": pupil.resident_id, "status": "随班就读",  # 3: created
         "school": "乐成第一小学", "highest_level": "无", "since": day},
        {"name": "小乙", "resident_id": dropout.resident_id, "status": "失学",  # 4: created, case
         "highest_level": "小学", "reason": "因病", "since": day},
        {"resident_id": small.resident_id, "status": "普通学校", "school": "某小学",  # 5: age 3
         "since": day},
        {"resident_id": outside.resident_id, "status": "普通学校", "school": "某小学",  # 6
         "since": day},
        {"resident_id": pupil.resident_id, "status": "普通学校", "school": "x",  # 7: repeated
         "since": day},
        {"resident_id": small.resident_id, "status": "在家", "since": day},  # 8: unknown status
        {"resident_id": small.resident_id, "status": "学前教育",  # 9: future date
         "since": (TODAY + dt.timedelta(days=3)).isoformat()},
        {"name": "别人", "resident_id": misnamed.resident_id, "status": "普通学校",  # 10: name
         "school": "某小学", "since": day},
        {"resident_id": "330382201501011234", "status": "学前教育", "since": day},  # 11: bad ID
        {"resident_id": small.resident_id, "status": "学前教育", "since": "2025-13-01"},  # 12
    ]
    batch = actions.run_import(users.township, "education", book("education", rows),
                               filename="学籍.xlsx")
    assert (batch.created, batch.unchanged, batch.rejected) == (2, 0, 8), batch.errors
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (5, "就学状况"), (6, "公民身份号码"), (7, "公民身份号码"), (8, "就学状况"), (9, "变更日期"),
        (10, "姓名"), (11, "公民身份号码"), (12, "变更日期")}
    registered = Pupil.objects.get(person=pupil)
    assert (registered.status, registered.school) == ("compulsory_school", "乐成第一小学")
    assert StatusChange.objects.get(pupil=registered).source == "education_batch"
    case = DropoutCase.objects.get(pupil__person=dropout, closed_on__isnull=True)
    assert case.reason == "illness"
    assert Todo.objects.filter(person=dropout, kind="education_dropout").exists()
    # the reconciliation counts pupils per township and status
    assert batch.after[regions.t1.code[:9]]["not_enrolled"] == 1
    # re-run: nothing twice
    again = actions.run_import(users.township, "education", book("education", rows[:2]))
    assert (again.created, again.unchanged) == (0, 2)
    assert StatusChange.objects.filter(pupil__person__in=[pupil, dropout]).count() == 2
    assert DropoutCase.objects.filter(pupil__person=dropout).count() == 1
    # the child back in school closes the case
    back = actions.run_import(users.township, "education", book("education", [
        {"resident_id": dropout.resident_id, "status": "特教学校", "school": "乐清市特殊教育学校",
         "highest_level": "小学", "since": TODAY.isoformat()}]))
    assert back.created == 1
    case.refresh_from_db()
    assert case.outcome == "returned" and case.closed_on == TODAY


# ---- dibao-changes/1 ----------------------------------------------------------------------

def test_a_dibao_change_dated_last_month_changes_eligibility_from_that_date(
        users, regions, make_person, walk):
    """Leaving 低保 last month ends the premium subsidy on that date and stops the living
    subsidy after that month; joining 低保 enrols a not-severe person in the premium subsidy."""
    leaving = _person(make_person, regions.v1a, "钱一", 40, household_type="dibao")
    spouse = make_person(regions.v1a, name="钱一之妻")  # same household, not disabled
    Person.objects.filter(pk=spouse.pk).update(household=leaving.household,
                                               household_type="dibao")
    joining = _person(make_person, regions.v1a, "孙二", 45, household_type="ordinary")
    alone = _person(make_person, regions.v1b, "李三", 50)  # no household at all
    for p in (leaving, joining, alone):
        walk(p, category=4, grade=3)
    # certificates held since before the change (the rules read them on the effective date)
    Certificate.objects.filter(person__in=[leaving, joining, alone]).update(
        issue_date=TODAY - dt.timedelta(days=400))
    premium = Application.objects.get(person=leaving, programme="medical_premium")
    assert premium.state in ("applied", "approved")
    assert not Application.objects.filter(person=joining, programme="medical_premium").exists()
    start = TODAY.replace(day=1).replace(year=TODAY.year - 1)
    grant = Grant.objects.create(person=leaving, subsidy="living", start_month=start,
                                 first_payable_month=start, status=GrantStatus.ACTIVE,
                                 bank_account="6228480012345678")
    rows = [
        {"name": "钱一", "resident_id": leaving.resident_id, "household_type": "一般户",  # 3
         "effective": LAST_MONTH.isoformat(), "income": "2100", "note": "收入超标退出"},
        {"resident_id": joining.resident_id, "household_type": "低保",  # 4
         "effective": LAST_MONTH.isoformat(), "income": "480.50"},
        {"resident_id": alone.resident_id, "household_type": "特困",  # 5: own household
         "effective": LAST_MONTH.isoformat()},
        {"resident_id": joining.resident_id, "household_type": "低保",  # 6: repeated
         "effective": LAST_MONTH.isoformat()},
        {"resident_id": spouse.resident_id, "household_type": "低保",  # 7: same household
         "effective": LAST_MONTH.isoformat()},
        {"resident_id": new_resident_id(), "household_type": "低保",  # 8: not in registry
         "effective": LAST_MONTH.isoformat()},
    ]
    batch = actions.run_import(users.township, "allowance", book("allowance", rows),
                               filename="低保变更.xlsx")
    assert (batch.created, batch.unchanged, batch.rejected) == (3, 0, 3), batch.errors
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (6, "公民身份号码"), (7, "变更后户类型"), (8, "公民身份号码")}
    # the register: the household (every member's read model), its income, a dated history
    leaving.refresh_from_db()
    spouse.refresh_from_db()
    assert leaving.household.household_type == "ordinary" and spouse.household_type == "ordinary"
    assert str(leaving.household.monthly_income_per_capita) == "2100.00"
    assert set(HouseholdTypeChange.objects.filter(effective=LAST_MONTH).values_list(
        "person_id", "previous", "household_type")) == {
        (leaving.pk, "dibao", "ordinary"), (spouse.pk, "dibao", "ordinary"),
        (joining.pk, "ordinary", "dibao"), (alone.pk, "ordinary", "tekun")}
    alone.refresh_from_db()
    assert alone.household.number == f"P{alone.pk}" and alone.household_type == "tekun"
    # eligibility changes from the effective date, not from today
    premium.refresh_from_db()
    assert premium.state == "ended" and premium.ended_on == LAST_MONTH
    assert "民政低保变更" in premium.note
    grant.refresh_from_db()
    assert grant.status == GrantStatus.STOPPED and grant.end_month == LAST_MONTH.replace(day=1)
    assert Todo.objects.filter(person=leaving, kind="grant_stopped").exists()
    enrolled = Application.objects.get(person=joining, programme="medical_premium")
    assert enrolled.year == LAST_MONTH.year and enrolled.state == "applied"
    # every member whose household changed is audited, and the batch
    assert AuditEvent.objects.filter(
        summary="部门数据导入（dibao-changes/1）：低保变更（民政部门）").count() == 4
    # the reconciliation: 低保 members per township before and after
    t1 = regions.t1.code[:9]
    assert batch.before[t1]["dibao"] == 2 and batch.after[t1]["dibao"] == 1
    # re-run: nothing twice
    again = actions.run_import(users.township, "allowance", book("allowance", rows[:3]))
    assert (again.created, again.unchanged, again.rejected) == (0, 3, 0)
    assert HouseholdTypeChange.objects.count() == 4
    # an older change arriving after a newer one is refused; a future one too
    late = actions.run_import(users.township, "allowance", book("allowance", [
        {"resident_id": joining.resident_id, "household_type": "低保边缘",
         "effective": (LAST_MONTH - dt.timedelta(days=40)).isoformat()},
        {"resident_id": joining.resident_id, "household_type": "一般户",
         "effective": (TODAY + dt.timedelta(days=1)).isoformat()},
    ]))
    assert [(e["row"], e["column"]) for e in late.errors] == [(3, "生效日期"), (4, "生效日期")]
    assert "已记录" in late.errors[0]["reason"] or "later" in late.errors[0]["reason"]
    assert Household.objects.get(pk=joining.household_id).household_type == "dibao"


def test_allowance_rows_are_checked(users, regions, make_person):
    person = make_person(regions.v1a, name="周四")
    rows = [{"resident_id": person.resident_id, "household_type": "富裕户",
             "effective": LAST_MONTH.isoformat()},
            {"resident_id": person.resident_id, "household_type": "低保", "effective": ""},
            {"resident_id": person.resident_id, "household_type": "低保",
             "effective": LAST_MONTH.isoformat(), "income": "很多"}]
    batch = actions.run_import(users.township, "allowance", book("allowance", rows))
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (3, "变更后户类型"), (4, "生效日期"), (5, "家庭月人均收入")]
    assert batch.created == 0 and not HouseholdTypeChange.objects.exists()
    with pytest.raises(holders.RowRefused):
        holders.allowance({"resident_id": person.resident_id, "household_type": "低保",
                           "effective": "1999-01-01"}, today=TODAY)


# ---- insurance-enrolment/1 ----------------------------------------------------------------

def test_insurance_confirmations_read_back_into_the_roster_and_survey(
        users, regions, make_person, walk):
    a = _person(make_person, regions.v1a, "吴一", 40)
    b = _person(make_person, regions.v1b, "郑二", 45)
    surveyed = _person(make_person, regions.v1a, "王三", 50)
    nothing = _person(make_person, regions.v1a, "冯四", 30)
    for p in (a, b):
        walk(p, category=4, grade=1)  # severe: automatic medical premium enrolment
    for app in Application.objects.filter(programme="medical_premium", person__in=[a, b]):
        programmes.review(users.township if app.person_id == a.pk else users.federation2, app.pk)
        programmes.decide(users.federation, app.pk, approve=True)
    roster = programmes.make_roster(users.federation, "medical_premium", TODAY.year)
    assert roster.lines.count() == 2
    survey_actions.add_survey(person=surveyed, year=TODAY.year, surveyed_on=TODAY.replace(day=1),
                                village=surveyed.village, pension_insured=False)
    rows = [
        {"name": "吴一", "resident_id": a.resident_id, "kind": "医疗保险", "year": str(TODAY.year),
         "result": "已参保", "enrolled_on": TODAY.replace(month=1, day=1).isoformat()},  # 3
        {"resident_id": b.resident_id, "kind": "医保", "year": str(TODAY.year),  # 4
         "result": "未参保", "note": "已在外地参保"},
        {"resident_id": surveyed.resident_id, "kind": "养老保险", "year": str(TODAY.year),  # 5
         "result": "成功"},
        {"resident_id": nothing.resident_id, "kind": "养老保险", "year": str(TODAY.year),  # 6
         "result": "成功"},
        {"resident_id": a.resident_id, "kind": "工伤保险", "year": str(TODAY.year),  # 7
         "result": "成功"},
        {"resident_id": a.resident_id, "kind": "养老保险", "year": str(TODAY.year + 1),  # 8
         "result": "成功"},
        {"resident_id": a.resident_id, "kind": "养老保险", "year": str(TODAY.year),  # 9
         "result": "也许"},
        {"resident_id": a.resident_id, "kind": "医疗", "year": str(TODAY.year),  # 10: repeated
         "result": "成功"},
    ]
    batch = actions.run_import(users.federation, "insurance", book("insurance", rows),
                               filename="医保确认.xlsx")
    assert (batch.created, batch.unchanged, batch.rejected) == (3, 0, 5), batch.errors
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (6, "参保年度"), (7, "险种"), (8, "参保年度"), (9, "参保结果"), (10, "公民身份号码")}
    line_a = RosterLine.objects.get(person=a)
    line_b = RosterLine.objects.get(person=b)
    assert line_a.confirmed is True and "参保日期" in line_a.answer
    assert line_b.confirmed is False and "已在外地参保" in line_b.answer
    roster.refresh_from_db()
    assert roster.confirmed_on == TODAY
    assert AnnualSurvey.objects.get(person=surveyed).pension_insured is True
    assert batch.after[regions.t1.code[:9]] == {"medical_premium": 1}
    again = actions.run_import(users.federation, "insurance", book("insurance", rows[:3]))
    assert (again.created, again.unchanged) == (0, 3)
    # the township may not read a confirmation back (the federation settles the roster)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.run_import(users.township, "insurance", book("insurance", rows[:1]))


# ---- the page, the job, the files ---------------------------------------------------------

def test_department_uploads_run_as_jobs_with_versioned_templates(client, users, regions,
                                                                 make_person):
    person = _person(make_person, regions.v1a, "小戊", 9)
    client.force_login(users.township)
    page = client.get(reverse("exchange:index")).content.decode()
    assert "education-status/1" in page and "dibao-changes/1" in page
    assert "insurance-enrolment/1" not in page  # township staff do not settle the roster
    for kind in ("education", "allowance"):
        template = client.get(reverse("exchange:template", args=[kind]))
        rows = list(load_workbook(io.BytesIO(b"".join(template.streaming_content))).active
                    .iter_rows(values_only=True))
        assert actions.FORMATS[ImportKind(kind)] in rows[0][0]
        assert list(rows[1]) == [c.header for c in actions.COLUMNS[ImportKind(kind)]]
    upload = book("education", [
        {"resident_id": person.resident_id, "status": "普通学校", "school": "乐成小学",
         "since": TODAY.isoformat()},
        {"resident_id": person.resident_id, "status": "在家", "since": TODAY.isoformat()}])
    upload.name = "学籍.xlsx"
    response = client.post(reverse("exchange:index"), {"kind": "education", "file": upload})
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.state) == ("exchange.education_import", "succeeded")
    got = client.get(reverse("jobs:result", args=[job.pk]))
    errors = list(load_workbook(io.BytesIO(b"".join(got.streaming_content)))["未导入的行"]
                  .iter_rows(values_only=True))
    assert errors[1][:2] == (4, "就学状况")
    result = client.get(reverse("exchange:result", args=[job.result["detail_pk"]])).content.decode()
    assert "义务教育·普通学校（随班就读）" in result
    upload = book("insurance", [])
    upload.name = "x.xlsx"
    assert client.post(reverse("exchange:index"), {"kind": "insurance", "file": upload}
                       ).status_code == 403


def test_result_workbook_of_an_allowance_batch(users, regions, make_person):
    person = make_person(regions.v1a, name="陈五")
    batch = actions.run_import(users.township, "allowance", book("allowance", [
        {"resident_id": person.resident_id, "household_type": "低保", "effective": "昨天"}]))
    sheets = load_workbook(workbooks.result_workbook(batch))
    errors = list(sheets["未导入的行"].iter_rows(values_only=True))
    assert errors[1][:2] == (3, "生效日期") and errors[1][5] == "低保"
    assert next(sheets["核对表"].iter_rows(values_only=True))[2] == "低保（导入前）"
