"""The third-party evaluator: aggregates and a reproducible, anonymised sample, every read
audited; findings it records appear in the evaluation report beside the indicators, the
plan tasks and the satisfaction results."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.audit.models import AuditEvent
from canlian.core import clock
from canlian.evaluation import actions
from canlian.evaluation.models import Finding, Rating

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluator(regions):
    return User.objects.create_user(username="eval", password="x", role=Role.EVALUATOR,
                                    region=regions.county, organisation="某评估公司")


@pytest.fixture
def persons(make_person, regions):
    made = []
    for n in range(12):
        village = regions.v1a if n % 2 else regions.v2a
        made.append(make_person(village, name=f"样本人{n}", phone=f"1390000{n:04d}",
                                certificate_number=f"C{n:04d}", category=1 + n % 7,
                                grade=1 + n % 4))
    return made


def test_the_sample_is_reproducible_anonymised_and_audited(client, evaluator, persons, serve):
    serve(persons[0])
    client.force_login(evaluator)
    url = reverse("evaluation:sample")
    assert client.get(url).status_code == 200  # the form only, nothing drawn or audited
    assert not AuditEvent.objects.filter(object_type="evaluation_sample").exists()
    with clock.frozen(TODAY):
        first = client.get(url, {"seed": 7, "size": 5})
        second = client.get(url, {"seed": 7, "size": 5})
        other = client.get(url, {"seed": 8, "size": 5})
    assert first.status_code == 200
    rows = first.context["rows"]
    assert len(rows) == 5
    assert [r["pseudonym"] for r in rows] == [r["pseudonym"] for r in second.context["rows"]]
    assert [r["pseudonym"] for r in rows] != [r["pseudonym"] for r in other.context["rows"]]
    page = first.content.decode()
    for p in persons:
        assert p.name not in page and p.resident_id not in page and p.phone not in page
    assert all("_id" not in r and "name" not in r for r in rows)
    assert {"乐成街道", "柳市镇"} >= {r["township"] for r in rows}
    # one event per draw, and one per person drawn (their own access log shows it)
    draws = AuditEvent.objects.filter(object_type="evaluation_sample", actor=evaluator)
    assert draws.count() == 3 and draws.filter(object_id="7:5").count() == 2
    assert AuditEvent.objects.filter(actor=evaluator, action="view",
                                     person_id__isnull=False).count() == 15
    with clock.frozen(TODAY):
        csv = client.get(url, {"seed": 7, "size": 5, "format": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv") and rows[0]["pseudonym"] in text
    assert client.get(url, {"seed": 7, "size": 501}).status_code == 400
    assert client.get(url, {"seed": "x", "size": 5}).status_code == 400


def test_the_evaluator_sees_aggregates_never_the_registry(client, evaluator, persons, users):
    client.force_login(evaluator)
    assert client.get("/").status_code == 302
    home = client.get(reverse("evaluation:home"))
    assert home.status_code == 200 and "第三方评估" in home.content.decode()
    assert AuditEvent.objects.filter(actor=evaluator, object_type="evaluation").exists()
    assert client.get(reverse("evaluation:results")).status_code == 200
    for name, args in (("people:list", []), ("people:detail", [persons[0].pk]),
                       ("people:export", []), ("audit:list", []),
                       ("plantasks:supervision", [])):
        assert client.get(reverse(name, args=args)).status_code in (403, 404), name
    # staff and auditors have no evaluator pages
    for role in ("federation", "auditor", "township"):
        client.force_login(getattr(users, role))
        assert client.get(reverse("evaluation:sample"), {"seed": 1, "size": 5}).status_code == 403
        assert client.get(reverse("evaluation:findings")).status_code == 403


def test_findings_are_recorded_with_reasons_for_refusal(client, evaluator, users):
    client.force_login(evaluator)
    url = reverse("evaluation:findings")
    bad = client.post(url, {"year": 2023, "area": "tasks", "title": "进度", "text": "太短"})
    assert bad.status_code == 400 and "至少10个字" in bad.content.decode()
    assert not Finding.objects.exists()
    good = client.post(url, {"year": 2023, "area": "tasks", "title": "部分部门报送不及时",
                             "text": "区住建局连续两个季度未报送进展情况。", "recommendation": "限期报送"})
    assert good.status_code == 302
    finding = Finding.objects.get()
    assert (finding.plan, finding.organisation, finding.recorded_by) == ("yueqing-14th", "某评估公司",
                                                                       evaluator)
    assert AuditEvent.objects.filter(object_type="finding", actor=evaluator).exists()
    with pytest.raises(PermissionDenied):
        actions.record_finding(users.federation, plan="yueqing-14th", year=2023, area="tasks",
                               title="x", text="xxxxxxxxxxxx")


def test_the_midterm_report_shows_indicators_tasks_satisfaction_and_findings(
        regions, evaluator, persons, serve):
    from canlian.indicators import plans, report
    from canlian.indicators.views import figures_for

    year = 2023
    with clock.frozen(dt.date(year, 6, 1)):
        for p in persons[:6]:
            record = serve(p, day=dt.date(year, 5, 20))
            Rating.objects.create(kind="service", object_id=record.pk, person=p,
                                  village=p.village, institution=record.institution,
                                  topic="rehabilitation", closed_on=record.start_date,
                                  score=4 if p.pk % 2 else 2, channel="sms",
                                  rated_at=clock.now())
        actions.record_finding(evaluator, plan="yueqing-14th", year=year, area="satisfaction",
                               title="康复服务满意度有待提高", text="部分服务对象反映上门次数偏少。")
    plan = plans.load("yueqing-14th")
    data = figures_for(plan, year, regions.county)["data"]
    html = report.html(data, "midterm")
    assert "一、主要指标完成情况" in html and "四、规划重点任务实施情况" in html
    assert "五、社会满意度" in html and "共评价 6 次" in html and "乐成康复中心" in html
    assert "六、第三方评估发现" in html and "康复服务满意度有待提高" in html
    assert "基本康复" in html
    from openpyxl import load_workbook

    book = load_workbook(report.workbook(data, "midterm"))
    assert {"规划重点任务", "满意度", "第三方评估发现"} <= set(book.sheetnames)
    sheet = book["满意度"]
    assert any(row[0] == "合计" and row[2] == 6 for row in sheet.iter_rows(values_only=True))
    assert book["第三方评估发现"]["B2"].value == "康复服务满意度有待提高"
    # another year's report has neither
    other = report.html(figures_for(plan, 2022, regions.county)["data"], "midterm")
    assert "2022 年尚无满意度评价" in other and "尚未提交 2022 年" in other
