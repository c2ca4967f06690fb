"""Roster import: good rows in, every bad row reported, a re-import changes nothing."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from canlian.audit.models import AuditEvent
from canlian.conftest import new_resident_id
from canlian.jobs.models import Job
from canlian.people import roster
from canlian.people.models import Household, Person, RosterImport

HEADER = ["姓名", "公民身份号码", "民族", "联系电话", "住址", "村（社区）代码", "户编号", "户类型",
          "监护人姓名", "监护人身份证号", "死亡日期"]


def workbook(rows, header=HEADER) -> bytes:
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def roster_rows(regions, make_person):
    outsider = make_person(regions.v2a, name="外镇人")
    good1 = new_resident_id(dt.date(1960, 1, 1))
    good2 = new_resident_id(dt.date(2015, 7, 7), male=False)
    parent = new_resident_id(dt.date(1985, 3, 3))
    bad_check = good1[:17] + ("0" if good1[17] != "0" else "1")
    return [
        ["甲", good1, "汉族", "13800000001", "东山 1 号", regions.v1a.code, "H1", "低保", "", "", ""],
        ["乙", good2, "回", "", "", regions.v1b.code, "H2", "普通", "乙父", parent, ""],
        ["丙", bad_check, "汉族", "", "", regions.v1a.code, "", "", "", "", ""],  # row 4
        ["", new_resident_id(), "", "", "", regions.v1a.code, "", "", "", "", ""],  # row 5
        ["丁", good1, "", "", "", regions.v1a.code, "", "", "", "", ""],  # row 6: dup of row 2
        ["戊", new_resident_id(), "火星族", "", "", regions.v1a.code, "", "", "", "", ""],  # 7
        ["己", new_resident_id(), "", "", "", regions.v2a.code, "", "", "", "", ""],  # 8: region
        ["庚", new_resident_id(), "", "", "", regions.v1a.code, "", "富裕", "", "", ""],  # 9
        ["辛", new_resident_id(), "", "", "", regions.v1a.code, "", "", "", "", "2099-01-01"],
        ["壬", outsider.resident_id, "", "", "", regions.v1a.code, "", "", "", "", ""],  # 11
        [None] * 11,  # blank row: ignored
        ["癸", "1234", "", "", "", "999999999999", "", "", "", "", ""],  # 13
    ]


def test_import_reports_every_bad_row_and_imports_good_ones(users, roster_rows):
    result = roster.import_persons(users.township, io.BytesIO(workbook(roster_rows)))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    got = {(e.row, e.column) for e in result.errors}
    assert got == {
        (4, "公民身份号码"), (5, "姓名"), (6, "公民身份号码"), (7, "民族"), (8, "村（社区）代码"),
        (9, "户类型"), (10, "死亡日期"), (11, "公民身份号码"), (13, "公民身份号码"),
    }
    reasons = {e.row: e.reason for e in result.errors}
    assert "校验码错误" in reasons[4]
    assert "与第 2 行重复" in reasons[6]
    assert "不在您的管辖范围" in reasons[8]
    assert "柳市镇" not in reasons[11] and "外镇人" not in reasons[11]
    assert "不在您的管辖范围" in reasons[11]
    assert "应为 18 位" in reasons[13]
    child = Person.objects.get(name="乙")
    assert child.ethnicity == "03" and child.guardian_name == "乙父" and child.sex == "F"
    assert Household.objects.get(number="H1").household_type == "dibao"
    assert AuditEvent.objects.filter(action="import", object_type="person").count() == 2


def test_second_import_changes_nothing_then_updates_what_changed(users, roster_rows):
    data = workbook(roster_rows)
    roster.import_persons(users.township, io.BytesIO(data))
    before = list(Person.objects.order_by("pk").values())
    again = roster.import_persons(users.township, io.BytesIO(data))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Person.objects.order_by("pk").values()) == before
    roster_rows[0][3] = "13900000009"
    third = roster.import_persons(users.township, io.BytesIO(workbook(roster_rows)))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Person.objects.get(name="甲").phone == "13900000009"


def test_a_household_type_changed_by_the_roster_reaches_every_member(users, regions,
                                                                     roster_rows, make_person):
    """The roster changes H1 from 低保 to 特困: the member on the roster and the member not
    on it both carry the new type in the list's read model."""
    roster.import_persons(users.township, io.BytesIO(workbook(roster_rows)))
    first = Person.objects.get(name="甲")
    assert first.household_type == "dibao"
    other = make_person(regions.v1a, name="甲妻")
    other.household = first.household
    other.save()
    assert other.household_type == "dibao"
    roster_rows[0][7] = "特困"
    again = roster.import_persons(users.township, io.BytesIO(workbook(roster_rows)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert set(Person.objects.filter(household=first.household).values_list(
        "household_type", flat=True)) == {"tekun"}
    assert Person.objects.get(name="乙").household_type == "ordinary"


def test_new_members_of_one_household_in_different_chunks_take_its_last_type(
        users, regions, monkeypatch):
    """The new persons are written at the end of the file: a member from the first chunk
    carries the type a later row gave the household, as the household does."""
    monkeypatch.setattr(roster, "CHUNK", 2)
    rows = [[name, new_resident_id(), "", "", "", regions.v1a.code, "H9", htype, "", "", ""]
            for name, htype in (("甲", "低保"), ("乙", "低保"), ("丙", "特困"))]
    result = roster.import_persons(users.township, io.BytesIO(workbook(rows)))
    assert (result.created, result.rejected) == (3, 0)
    assert Household.objects.get(number="H9").household_type == "tekun"
    assert set(Person.objects.filter(household__number="H9").values_list(
        "household_type", flat=True)) == {"tekun"}


def test_village_names_instead_of_codes(users, regions):
    header = ["姓名", "身份证号", "镇（街道）", "村（社区）"]
    rows = [["甲", new_resident_id(), "乐成街道", "西岙村"],
            ["乙", new_resident_id(), "乐成街道", "不存在村"]]
    result = roster.import_persons(users.township, io.BytesIO(workbook(rows, header)))
    assert result.created == 1
    assert Person.objects.get(name="甲").village == regions.v1b
    assert [(e.row, e.column) for e in result.errors] == [(3, "村（社区）")]


def test_header_below_a_title_and_numbers_typed_as_numbers(users, regions):
    """Rosters often carry a title above the header; row numbers stay Excel's, and a phone
    typed as a number is read without a decimal point."""
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet["B1"] = "2025 年乐成街道残疾人花名册"
    sheet.append([])
    sheet.append(["姓名", "公民身份号码", "联系电话", "村（社区）代码"])  # row 3
    sheet.append(["甲", new_resident_id(), 13800000001, regions.v1a.code])  # row 4
    sheet.append(["乙", "1234", "", regions.v1a.code])  # row 5
    buffer = io.BytesIO()
    wb.save(buffer)
    result = roster.import_persons(users.township, io.BytesIO(buffer.getvalue()))
    assert result.created == 1
    assert Person.objects.get(name="甲").phone == "13800000001"
    assert [(e.row, e.column) for e in result.errors] == [(5, "公民身份号码")]


def test_an_empty_sheet_is_refused():
    with pytest.raises(roster.RosterError, match="工作表为空"):
        list(roster.read_rows(io.BytesIO(workbook([], header=[]))))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook", "无法读取"),
        (workbook([], header=["姓名", "电话"]), "缺少必填列：公民身份号码"),
        (workbook([], header=["姓名", "公民身份号码"]), "村（社区）"),
    ],
)
def test_unreadable_files_are_refused_whole(users, content, message):
    with pytest.raises(roster.RosterError, match=message):
        roster.import_persons(users.township, io.BytesIO(content))
    assert Person.objects.count() == 0


def test_upload_page_and_error_workbook(client, users, roster_rows):
    """The upload starts a background job (run at once by the tests' task backend); its page
    shows the outcome, links to the full result and offers the rejected rows."""
    client.force_login(users.township)
    upload = io.BytesIO(workbook(roster_rows))
    upload.name = "花名册.xlsx"
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.state, job.owner) == ("people.roster_import", "succeeded", users.township)
    batch = RosterImport.objects.get()
    assert (batch.created, batch.rejected) == (2, 9)
    page = client.get(response["Location"]).content.decode()
    assert reverse("people:import_result", args=[batch.pk]) in page
    assert reverse("jobs:result", args=[job.pk]) in page
    assert "校验码错误" in client.get(reverse("people:import_result", args=[batch.pk])).content.decode()
    for url in (reverse("jobs:result", args=[job.pk]),
                reverse("people:import_errors", args=[batch.pk])):
        errors = client.get(url)
        sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("原行号", "出错列", "原因")
        assert [r[0] for r in rows[1:]] == [4, 5, 6, 7, 8, 9, 10, 11, 13]
        assert rows[1][3] == "丙"  # the original values come back, ready to correct


def test_upload_refuses_other_file_types(client, users):
    client.force_login(users.township)
    fake = io.BytesIO(b"name,id\n")
    fake.name = "roster.csv"
    response = client.post(reverse("people:import"), {"file": fake})
    assert response.status_code == 400
    disguised = io.BytesIO(b"MZ\x90\x00 not a zip")
    disguised.name = "roster.xlsx"
    assert client.post(reverse("people:import"), {"file": disguised}).status_code == 400


def test_another_users_import_result_is_not_visible(client, users, roster_rows):
    batch = RosterImport.objects.create(user=users.township, filename="x.xlsx")
    client.force_login(users.federation)
    assert client.get(reverse("people:import_result", args=[batch.pk])).status_code == 404


def test_template_download(client, users):
    client.force_login(users.township)
    response = client.get(reverse("people:import_template"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = next(sheet.iter_rows(values_only=True))
    assert header[:2] == ("姓名", "公民身份号码")
