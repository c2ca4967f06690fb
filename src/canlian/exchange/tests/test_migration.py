"""Migration import (迁移导入): certificates and running grants from the earlier systems,
every bad row reported, nothing created twice, the reconciliation counts before and after."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from canlian.benefits import eligibility
from canlian.benefits.facts import facts_for, ruleset_for
from canlian.benefits.models import Grant, GrantChange, Suspension
from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.exchange import actions
from canlian.exchange.models import MigrationImport
from canlian.jobs.models import Job
from canlian.people.models import Person

CERT_HEADER = ["姓名", "公民身份号码", "残疾人证号", "残疾类别", "残疾等级", "多重残疾组成",
               "发证日期", "有效期至", "证件状态", "注销日期"]
GRANT_HEADER = ["姓名", "公民身份号码", "补贴项目", "起始月份", "月发放金额", "开户银行", "银行账号",
                "已发放至", "需长期照护"]


def workbook(header, rows, title=None) -> bytes:
    wb = Workbook()
    sheet = wb.worksheets[0]
    if title:
        sheet.append([title])
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def people(regions, make_person):
    class P:
        pass

    p = P()
    p.one = make_person(regions.v1a, name="甲", resident_id=new_resident_id(dt.date(1960, 1, 1)))
    p.two = make_person(regions.v1b, name="乙")
    p.multi = make_person(regions.v1a, name="丙")
    p.outside = make_person(regions.v2a, name="丁")
    return p


def certificate_rows(p):
    stranger = new_resident_id()
    return [
        ["甲", p.one.resident_id, f"{p.one.resident_id}42", "肢体残疾", "二级", "", "2021-04-01",
         "", "有效", ""],  # row 3
        ["丙", p.multi.resident_id, f"{p.multi.resident_id}71", "多重残疾", "一级",
         "视力残疾:1;言语残疾:3", "2019-09-09", "2029-09-09", "", ""],  # 4
        ["乙", p.two.resident_id, f"{p.two.resident_id}42", "视力残疾", "二级", "", "2021-04-01",
         "", "", ""],  # 5: category disagrees with the number
        ["戊", stranger, f"{stranger}43", "4", "3", "", "2021-04-01", "", "", ""],  # 6: unknown
        ["丁", p.outside.resident_id, f"{p.outside.resident_id}43", "4", "3", "", "2021-04-01",
         "", "", ""],  # 7: outside the township's region
        ["甲", p.one.resident_id, f"{p.one.resident_id}42", "肢体残疾", "二级", "", "2021-04-01",
         "", "有效", ""],  # 8: same as row 3
        ["乙", p.two.resident_id, f"{p.two.resident_id}52", "5", "2", "", "2021-02-30", "",
         "", ""],  # 9: no such day
        ["错名", p.two.resident_id, f"{p.two.resident_id}52", "5", "2", "", "2021-02-03", "",
         "", ""],  # 10: the name disagrees with the registry
    ]


def test_certificates_import_checks_every_row_and_reconciles(users, people, regions):
    data = workbook(CERT_HEADER, certificate_rows(people), title="全国残疾人人口基础库导出")
    batch = actions.run_import(users.township, "certificates", io.BytesIO(data), filename="c.xlsx")
    assert (batch.rows, batch.created, batch.unchanged) == (8, 2, 0), batch.errors
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (5, "残疾类别"), (6, "公民身份号码"), (7, "公民身份号码"), (8, "公民身份号码"),
        (9, "发证日期"), (10, "姓名")}
    one = Person.objects.get(pk=people.one.pk)
    assert (one.category, one.grade, one.certificate_number) == (
        4, 2, f"{people.one.resident_id}42")
    multi = Certificate.objects.get(person=people.multi)
    assert multi.components == [{"category": 1, "grade": 1}, {"category": 3, "grade": 3}]
    assert multi.issued_by_id == regions.county.code
    township = regions.t1.code[:9]
    assert batch.before == {}
    assert batch.after == {township: {"4": 1, "7": 1}}
    assert actions.counts_table(batch)[0]["name"] == regions.t1.name

    again = actions.run_import(users.township, "certificates", io.BytesIO(data))
    assert (again.created, again.unchanged, again.rejected) == (0, 2, 6)
    assert Certificate.objects.count() == 2
    assert again.before == again.after == batch.after


def test_a_second_valid_certificate_is_refused(users, people):
    first = [["", people.one.resident_id, f"{people.one.resident_id}42", "4", "2", "",
              "2021-04-01", "", "", ""]]
    actions.run_import(users.township, "certificates", io.BytesIO(workbook(CERT_HEADER, first)))
    other = [["", people.one.resident_id, f"{people.one.resident_id}43", "4", "3", "",
              "2022-04-01", "", "", ""],
             ["", people.one.resident_id, f"{people.one.resident_id}44", "4", "4", "",
              "2011-04-01", "", "注销", "2016-01-01"]]  # an ended one is history: kept
    batch = actions.run_import(users.township, "certificates",
                               io.BytesIO(workbook(CERT_HEADER, other)))
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "残疾人证号")]
    assert batch.created == 1
    assert Person.objects.get(pk=people.one.pk).grade == 2


def test_unreadable_files_are_refused_whole(users):
    with pytest.raises(actions.ImportFileError, match="表头缺少必填列"):
        actions.run_import(users.township, "certificates",
                           io.BytesIO(workbook(["姓名", "备注"], [["甲", "x"]])))
    with pytest.raises(actions.ImportFileError):
        actions.run_import(users.township, "certificates", io.BytesIO(b"not a workbook"))
    assert MigrationImport.objects.count() == 0


def test_grants_are_checked_against_the_rules(users, people):
    certs = [["", people.one.resident_id, f"{people.one.resident_id}42", "4", "2", "",
              "2021-04-01", "", "", ""],
             ["", people.multi.resident_id, f"{people.multi.resident_id}41", "4", "1", "",
              "2021-04-01", "", "", ""]]
    actions.run_import(users.federation, "certificates", io.BytesIO(workbook(CERT_HEADER, certs)))
    today = clock.today()
    one = Person.objects.get(pk=people.one.pk)
    rule = eligibility.decide(ruleset_for(), "nursing",
                              facts_for(one, today, {"needs_long_term_care": True}), today)
    assert rule.eligible
    month = today.replace(day=1)
    last = (month - dt.timedelta(days=1)).replace(day=1)
    rows = [
        ["甲", one.resident_id, "护理补贴", "2022-01", str(rule.monthly_amount), "农商银行",
         "6228480012345678", f"{last:%Y-%m}", "是"],  # 2: as the rules say
        ["丙", people.multi.resident_id, "护理补贴", "2022-01", "999", "", "6228480012345679",
         "", ""],  # 3: another amount: flagged
        ["乙", people.two.resident_id, "生活补贴", "2022-01", "100", "", "6228480012345670", "",
         ""],  # 4: no certificate: flagged
        ["", new_resident_id(), "生活补贴", "2022-01", "100", "", "6228480012345671", "", ""],
        ["甲", one.resident_id, "护理", "2022-01", "100", "", "6228480012345678", "", ""],  # 6
    ]
    data = workbook(GRANT_HEADER, rows)
    batch = actions.run_import(users.federation, "grants", io.BytesIO(data), filename="g.xlsx")
    assert (batch.created, batch.flagged) == (3, 2)
    assert {(e["row"], e["column"]) for e in batch.errors} == {(5, "公民身份号码"), (6, "补贴项目")}
    assert [f["row"] for f in batch.flags] == [3, 4]
    good = Grant.objects.get(person=one)
    assert (good.status, good.first_payable_month, good.start_month) == (
        "active", month, dt.date(2022, 1, 1))
    held = Grant.objects.get(person=people.multi)
    assert held.status == "suspended"
    assert Suspension.objects.get(grant=held).back_pay
    assert GrantChange.objects.filter(grant=held).count() == 2
    township = people.one.village_id[:9]
    assert batch.after[township] == {"nursing": 2, "living": 1}
    again = actions.run_import(users.federation, "grants", io.BytesIO(data))
    assert (again.created, again.unchanged) == (0, 3)
    assert Grant.objects.count() == 3


def test_township_staff_may_not_import_grants(users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.run_import(users.township, "grants", io.BytesIO(workbook(GRANT_HEADER, [])))


def test_upload_runs_a_job_and_the_result_reads_back(client, users, people):
    client.force_login(users.township)
    assert client.get(reverse("exchange:index")).status_code == 200
    upload = io.BytesIO(workbook(CERT_HEADER, certificate_rows(people)))
    upload.name = "持证人员.xlsx"
    response = client.post(reverse("exchange:index"), {"kind": "certificates", "file": upload})
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.state) == ("exchange.certificate_import", "succeeded")
    batch = MigrationImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert reverse("exchange:result", args=[batch.pk]) in page
    result = client.get(reverse("exchange:result", args=[batch.pk])).content.decode()
    assert "乐成街道" in result and "证号前 18 位" not in result
    got = client.get(reverse("jobs:result", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(got.streaming_content)))
    errors = list(book["未导入的行"].iter_rows(values_only=True))
    assert errors[0][:3] == ("原行号", "出错列", "原因")
    assert [r[0] for r in errors[1:]] == [4, 5, 6, 7, 8, 9]
    report = list(book["核对表"].iter_rows(values_only=True))
    assert report[1][:2] == (users.township.region.code[:9], "乐成街道")
    grants = io.BytesIO(workbook(GRANT_HEADER, []))
    grants.name = "g.xlsx"
    assert client.post(reverse("exchange:index"), {"kind": "grants", "file": grants}
                       ).status_code == 403
    bad = io.BytesIO(b"plain text")
    bad.name = "x.csv"
    assert client.post(reverse("exchange:index"), {"kind": "certificates", "file": bad}
                       ).status_code == 400
    template = client.get(reverse("exchange:template", args=["grants"]))
    header = next(load_workbook(io.BytesIO(b"".join(template.streaming_content))).active
                  .iter_rows(values_only=True))
    assert list(header) == GRANT_HEADER
    client.force_login(users.township2)
    assert client.get(reverse("exchange:result", args=[batch.pk])).status_code == 404


@pytest.mark.parametrize("deployment", ["yueqing", "linzi"])
def test_both_deployments_seed_demo_migration_imports(db, settings, deployment):
    """The demo federation login finds a certificates import (with refused rows) and a
    grants import (with one grant flagged for review) on both deployments."""
    from django.core.management import call_command

    settings.CANLIAN_DEPLOYMENT = deployment
    call_command("seed", "--deployment", deployment, "--persons", "200", stdout=io.StringIO())
    kinds = {b.kind: b for b in MigrationImport.objects.all()}
    assert kinds["certificates"].created >= 3 and kinds["certificates"].rejected == 2
    assert kinds["grants"].created == 4 and kinds["grants"].flagged >= 1
    assert kinds["certificates"].after != kinds["certificates"].before
    # a village's paper surveys imported (one unknown answer refused), two departments' keys
    assert kinds["surveys"].created >= 1 and kinds["surveys"].rejected == 1
    # other departments' batches: schooling status, dated 低保 changes, 医保's confirmation
    assert kinds["education"].rows >= 2 and kinds["education"].rejected == 1
    assert kinds["allowance"].created == 2 and kinds["allowance"].rejected == 1
    assert kinds["insurance"].rejected == 1 and kinds["insurance"].rows >= 2
    from canlian.api.models import ApiClient

    assert ApiClient.objects.filter(user__username__startswith="verify-").count() == 2
