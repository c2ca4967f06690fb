"""Importing service records done elsewhere (rehabilitation, devices, culture): checked as
one recorded on the page, written set-based, nothing twice, the survey's served flags kept."""

import datetime as dt
import io

from openpyxl import Workbook

from canlian.core import clock
from canlian.exchange import actions
from canlian.services.models import Institution, ServiceRecord
from canlian.surveys import actions as survey_actions

HEADER = ["姓名", "公民身份号码", "服务项目", "服务日期", "结束日期", "服务机构", "服务提供方",
          "辅助器具", "服务结果", "费用", "补助金额"]


def workbook(rows) -> io.BytesIO:
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_service_records_import(users, regions, make_person):
    today = clock.today()
    adult = make_person(regions.v1a, name="甲")
    other = make_person(regions.v2a, name="乙")
    home = Institution.objects.create(name="乐成街道残疾人之家", kind="home_of_disabled",
                                      township=regions.t1, opened_on=dt.date(2020, 1, 1))
    day = today - dt.timedelta(days=3)
    survey = survey_actions.add_survey(person=adult, year=day.year, surveyed_on=day,
                                         village=adult.village)
    rows = [
        ["甲", adult.resident_id, "康复训练", day, "", home.name, "", "", "好转", 300, 200],  # 2
        ["甲", adult.resident_id, "device_fitting", day, "", "", "辅具中心", "轮椅", "", 800,
         800],  # 3
        ["甲", adult.resident_id, "文化活动", day, "", "", "", "", "", "", ""],  # 4
        ["甲", adult.resident_id, "残疾儿童康复训练（救助）", day, "", "", "", "", "", "", ""],  # 5: age
        ["甲", adult.resident_id, "辅助器具适配", day, "", "", "", "", "", "", ""],  # 6: no device
        ["甲", adult.resident_id, "火星旅行", day, "", "", "", "", "", "", ""],  # 7: catalogue
        ["甲", adult.resident_id, "康复训练", day, "", "不存在的机构", "", "", "", "", ""],  # 8
        ["甲", adult.resident_id, "康复训练", day, "", "", "", "", "", 100, 200],  # 9: subsidy
        ["乙", other.resident_id, "康复训练", day, "", "", "", "", "", "", ""],  # 10: region
        ["甲", adult.resident_id, "康复训练", today + dt.timedelta(days=1), "", "", "", "", "",
         "", ""],  # 11: future
    ]
    batch = actions.run_import(users.township, "services", workbook(rows), filename="s.xlsx")
    assert (batch.created, batch.rejected) == (3, 7), batch.errors
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (5, "服务项目"), (6, "辅助器具"), (7, "服务项目"), (8, "服务机构"), (9, "补助金额"),
        (10, "公民身份号码"), (11, "服务日期")}
    rehab = ServiceRecord.objects.get(person=adult, service_type__code="rehab_training")
    assert (rehab.institution, rehab.cost, rehab.subsidy, rehab.village_id) == (
        home, 300, 200, adult.village_id)
    survey.refresh_from_db()
    assert (survey.served_rehab, survey.served_device, survey.served_culture) == (True, True, True)
    township = regions.t1.code[:9]
    assert batch.after[township] == {"rehabilitation": 1, "device": 1, "culture_sports": 1}
    again = actions.run_import(users.township, "services", workbook(rows))
    assert (again.created, again.unchanged) == (0, 3)
    assert ServiceRecord.objects.count() == 3
