"""Plan tasks through the actions and pages: a department reports its tasks (and only
its own), corrections replace, refusals name the field, reminders go out once, the
federation sees overdue and lagging tasks by department and prints the bulletin."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.audit.models import AuditEvent
from canlian.conftest import PASSWORD
from canlian.core import clock
from canlian.plantasks import actions, queries, rules, schedule, tasks
from canlian.plantasks.models import ProgressReport, Reminder

pytestmark = pytest.mark.django_db

PLAN = tasks.load("yueqing-14th")


def _department(regions, name="市民政局", username="minzheng"):
    return User.objects.create_user(username=username, password=PASSWORD,
                                    role=Role.DEPARTMENT, region=regions.county,
                                    organisation=name)


def test_department_reports_its_own_tasks_only(regions, users):
    dept = _department(regions)
    with clock.frozen(dt.date(2024, 4, 5)):
        report = actions.submit_report(dept, PLAN, task="2.1.1", year=2024, quarter=1,
                                       percent=60, text="低保单人户政策已落实",
                                       figures={"纳入低保人数": 35},
                                       evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
        assert report.evidence.name.endswith(".pdf")
        # a correction of the same quarter replaces the report
        actions.submit_report(dept, PLAN, task="2.1.1", year=2024, quarter=1, percent=65,
                              text="更正")
        assert ProgressReport.objects.get().percent == 65
        assert AuditEvent.objects.filter(object_type="progressreport").count() == 2
        with pytest.raises(actions.PlanTaskError) as err:  # 2.2.1 is led by 市人力社保局
            actions.submit_report(dept, PLAN, task="2.2.1", year=2024, quarter=1, percent=10,
                                  text="x")
        assert err.value.code == "not_yours"
        with pytest.raises(ValidationError) as bad:
            actions.submit_report(dept, PLAN, task="2.1.1", year=2024, quarter=3, percent=101,
                                  text=" ", evidence=SimpleUploadedFile("a.exe", b"MZ"))
        assert set(bad.value.message_dict) == {"quarter", "percent", "text", "evidence"}
        with pytest.raises(ValidationError) as bad:
            actions.submit_report(dept, PLAN, task="2.1.1", year=2020, quarter=4, percent=1,
                                  text="x")
        assert set(bad.value.message_dict) == {"year"}
        with pytest.raises(PermissionDenied):
            actions.submit_report(users.township, PLAN, task="2.1.1", year=2024, quarter=1,
                                  percent=1, text="x")
    stranger = _department(regions, name="市外星局", username="alien")
    with pytest.raises(actions.PlanTaskError):
        actions.department_of(stranger, PLAN)


def test_reminders_go_out_once_before_the_deadline(regions):
    dept = _department(regions)
    led = len(PLAN.tasks_of("市民政局", lead_only=True))
    assert actions.remind(PLAN, dt.date(2024, 3, 20)) == 0  # Q4 2023 past due, Q1 not yet
    with clock.frozen(dt.date(2024, 4, 2)):
        actions.submit_report(dept, PLAN, task="2.1.1", year=2024, quarter=1, percent=20,
                              text="启动")
    made = actions.remind(PLAN, dt.date(2024, 4, 3))
    assert made == len({d for t in PLAN.tasks for d in t.lead})
    mine = Reminder.objects.get(department="市民政局")
    assert (mine.year, mine.quarter, mine.due, mine.missing) == (2024, 1, dt.date(2024, 4, 10),
                                                                 led - 1)
    assert actions.remind(PLAN, dt.date(2024, 4, 4)) == 0  # never twice
    with clock.frozen(dt.date(2024, 4, 4)):
        assert schedule.plan_task_reminders(None)["reminders"] == 0


def test_supervision_and_bulletin(client, regions, users):
    dept = _department(regions)
    with clock.frozen(dt.date(2024, 4, 5)):
        actions.submit_report(dept, PLAN, task="2.1.1", year=2024, quarter=1, percent=20,
                              text="按计划推进")  # 13 of 20 quarters elapsed: 65 % expected
        actions.submit_report(dept, PLAN, task="2.1.3", year=2024, quarter=1, percent=70,
                              text="按计划推进")
    with clock.frozen(dt.date(2024, 4, 20)):
        summaries = queries.supervision(PLAN, clock.today())
        mz = next(s for s in summaries if s.department == "市民政局")
        status = {r.task.code: r.standing.status for r in mz.rows}
        assert status["2.1.1"] == rules.LAGGING and status["2.1.3"] == rules.ON_TRACK
        assert status["2.1.2"] == rules.OVERDUE
        total = queries.totals(summaries)
        assert total["tasks"] == sum(len(t.lead) for t in PLAN.tasks)
        assert (total["lagging"], total["on_track"]) == (1, 1)
        client.force_login(users.federation)
        page = client.get(reverse("plantasks:supervision"))
        assert page.status_code == 200 and "完善残疾人基本生活保障制度" in page.content.decode()
        html = client.get(reverse("plantasks:bulletin")).content.decode()
        assert "督查通报" in html and "逾期未报" in html and "进度滞后 1 项" in html
        pdf = client.get(reverse("plantasks:bulletin_pdf"))
        assert pdf.content.startswith(b"%PDF")
        assert AuditEvent.objects.filter(object_type="bulletin").count() == 2


def test_department_pages(client, regions):
    client.force_login(_department(regions))
    with clock.frozen(dt.date(2024, 4, 5)):
        assert client.get("/").url == reverse("plantasks:mine")
        page = client.get(reverse("plantasks:mine")).content.decode()
        assert "完善残疾人基本生活保障制度" in page and "健全多元化残疾人社会保险制度" in page
        assert "促进残疾人按比例就业" not in page  # another department's
        url = reverse("plantasks:report", args=["2.1.1"])
        assert client.get(url).status_code == 200
        assert client.get(reverse("plantasks:report", args=["2.2.2"])).status_code == 404
        assert client.get(reverse("plantasks:supervision")).status_code == 403
        bad = client.post(url, {"year": 2024, "quarter": 1, "percent": 30, "text": "x",
                                "figures": "培训人次 52"})
        assert bad.status_code == 400 and "名称 = 数字" in bad.content.decode()
        ok = client.post(url, {"year": 2024, "quarter": 1, "percent": 30, "text": "已部署",
                               "figures": "走访户数 = 1,200",
                               "evidence": SimpleUploadedFile("photo.jpg", b"\xff\xd8")})
        assert ok.status_code == 302
        report = ProgressReport.objects.get()
        assert report.figures == {"走访户数": 1200} and report.evidence
        future = client.post(url, {"year": 2024, "quarter": 3, "percent": 30, "text": "x"})
        assert future.status_code == 400


def test_the_midterm_report_shows_the_tasks_beside_the_indicators(regions):
    from canlian.indicators import report

    dept = _department(regions)
    with clock.frozen(dt.date(2023, 12, 20)):
        actions.submit_report(dept, PLAN, task="2.1.1", year=2023, quarter=4, percent=60,
                              text="按计划推进")
    with clock.frozen(dt.date(2024, 3, 1)):
        section = queries.report_section("yueqing-14th", 2023)
        assert section["on"] == dt.date(2024, 1, 11)
        assert section["totals"]["on_track"] == 1 and section["reports"] == 1
        html = report.html({"plan": "yueqing-14th", "title": PLAN.title, "year": 2023,
                            "region_name": "乐清市", "indicators": []}, "midterm")
    assert "四、规划重点任务实施情况" in html and "市民政局" in html and "按进度推进 1 项" in html
