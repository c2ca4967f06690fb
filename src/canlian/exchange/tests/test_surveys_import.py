"""Importing a village's annual surveys done on paper or in another tool: every row checked
with the survey form's own rules, an error per row with its column, nothing twice."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from canlian.audit.models import AuditEvent
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.exchange import actions, workbooks
from canlian.surveys import actions as survey_actions
from canlian.surveys.models import AnnualSurvey

HEADER = [c.header for c in actions.SURVEY_COLUMNS]
KEYS = [c.key for c in actions.SURVEY_COLUMNS]


def row(**values):
    return [values.get(k, "") for k in KEYS]


def workbook(rows) -> io.BytesIO:
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append(["某村2025年度残疾人动态更新调查"])  # a title above the header
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_survey_records_import(users, regions, make_person):
    today = clock.today()
    year, day = today.year, today.replace(day=1)
    adult = make_person(regions.v1a, name="甲", resident_id=new_resident_id(dt.date(1980, 3, 3)))
    child = make_person(regions.v1a, name="乙", resident_id=new_resident_id(dt.date(today.year - 8, 1, 1)))
    done = make_person(regions.v1a, name="丙")
    survey_actions.add_survey(person=done, year=year, surveyed_on=day, village=done.village)
    outside = make_person(regions.v2a, name="丁")
    rows = [
        row(name="甲", resident_id=adult.resident_id, year=year, surveyed_on=day,  # 3: created
            pension_insured="是", medical_insured="是", employment_status="已就业",
            employment_form="灵活就业", able_to_work="是", rehab_need="是",
            rehab_types="康复训练、医疗康复", care_need="无"),
        row(name="乙", resident_id=child.resident_id, year=year, surveyed_on=day,  # 4: created
            employment_status="不适用", education_status="普通学校", device_need="是",
            device_types="助行类"),
        row(name="丙", resident_id=done.resident_id, year=year, surveyed_on=day,  # 5: unchanged
            employment_status="退休"),
        row(name="甲", resident_id=adult.resident_id, year=year, surveyed_on=day,  # 6: repeated
            employment_status="已就业", employment_form="灵活就业"),
        row(name="乙", resident_id=child.resident_id, year=year - 1,  # 7: rules (pension at 7)
            surveyed_on=day.replace(year=year - 1), employment_status="不适用",
            education_status="普通学校", pension_insured="是"),
        row(resident_id=adult.resident_id, year=year - 1,  # 8: unknown answer
            surveyed_on=day.replace(year=year - 1), employment_status="上班"),
        row(resident_id=adult.resident_id, year=year - 1,  # 9: date outside the year
            surveyed_on=day, employment_status="退休"),
        row(resident_id=outside.resident_id, year=year, surveyed_on=day,  # 10: region
            employment_status="退休"),
        row(resident_id=adult.resident_id, year=year - 2,  # 11: yes/no
            surveyed_on=day.replace(year=year - 2), employment_status="未就业",
            not_working_reason="无合适工作", rehab_need="也许"),
    ]
    batch = actions.run_import(users.township, "surveys", workbook(rows), filename="调查.xlsx")
    assert (batch.created, batch.unchanged, batch.rejected) == (2, 1, 6), batch.errors
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (6, "公民身份号码"), (7, "参加养老保险"), (8, "就业状况"), (9, "调查日期"),
        (10, "公民身份号码"), (11, "康复需求")}
    survey = AnnualSurvey.objects.get(person=adult, year=year)
    assert (survey.employment_status, survey.employment_form, survey.pension_insured) == (
        "employed", "flexible", True)
    assert sorted(survey.rehab_types) == ["medical", "training"] and survey.able_to_work
    assert survey.birth_date == adult.birth_date and survey.surveyor == users.township
    young = AnnualSurvey.objects.get(person=child, year=year)
    assert (young.education_status, young.device_types) == ("compulsory_school", ["mobility"])
    assert AnnualSurvey.objects.get(person=done, year=year).employment_status == ""  # untouched
    # the reconciliation: surveys of the year per township, before and after
    (t1,) = [r for r in actions.counts_table(batch) if r["code"] == regions.t1.code[:9]]
    assert t1["total"] == (1, 3)
    # the error workbook: row, column, reason, then the row's own values
    result = load_workbook(workbooks.result_workbook(batch))
    errors = list(result["未导入的行"].values)
    assert errors[0][:3] == ("原行号", "出错列", "原因")
    assert (errors[2][0], errors[2][1]) == (7, "参加养老保险") and "16" in errors[2][2]
    assert AuditEvent.objects.filter(summary="迁移导入：调查记录").count() == 2

    again = actions.run_import(users.township, "surveys", workbook(rows), filename="调查.xlsx")
    assert (again.created, again.unchanged) == (0, 3)
    assert AnnualSurvey.objects.count() == 3


def test_a_file_without_the_required_columns_writes_nothing(users, db):
    wb = Workbook()
    wb.worksheets[0].append(["姓名", "公民身份号码"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(actions.ImportFileError, match="调查年度"):
        actions.run_import(users.township, "surveys", out, filename="x.xlsx")
    assert not AnnualSurvey.objects.exists()
