"""The background-job framework: kinds, progress, results, failures, scoping, audit and
retention (with the tests' immediate task backend), and one run by a real worker process.
"""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from canlian.audit.models import AuditEvent
from canlian.conftest import new_resident_id
from canlian.core.tests import processes
from canlian.jobs import actions, kinds, runner, storage
from canlian.jobs.models import Job, JobState


def _echo(context):
    """A test kind: counts to three, writes a result file, says so."""
    for i in range(1, 4):
        context.progress(i, total=3, note=f"step {i}")
    path = context.folder / "made.txt"
    path.write_text(context.input("in.txt").read_text() + " — done")
    context.result_file(path, "结果.txt")
    context.message("三步完成")
    return {"steps": 3}


def _refuse(context):
    raise kinds.JobError("文件第 3 行有误")


def _crash(context):
    raise RuntimeError("a bug")


@pytest.fixture
def test_kinds(monkeypatch):
    from canlian.accounts.roles import Capability

    for code, run in (("test.echo", _echo), ("test.refuse", _refuse), ("test.crash", _crash)):
        monkeypatch.setitem(kinds.REGISTRY, code, kinds.Kind(
            code, "测试任务", Capability.IMPORT_PEOPLE, run=run))


@pytest.mark.django_db
def test_a_job_runs_reports_and_offers_its_result(client, users, test_kinds):
    job = actions.start(users.township, "test.echo", params={"filename": "in.txt"},
                        files={"in.txt": io.BytesIO(b"hello")})
    assert job.state == JobState.SUCCEEDED and job.owner == users.township
    assert (job.done, job.total, job.result) == (3, 3, {"steps": 3})
    assert [m["text"] for m in job.messages] == ["三步完成"]
    assert job.region_code == users.township.region.code and job.task_id
    assert AuditEvent.objects.filter(action="create", object_type="job",
                                     object_id=str(job.pk)).exists()
    client.force_login(users.township)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "结果.txt" in page and "三步完成" in page and 'data-finished="1"' in page
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (status["state"], status["percent"], status["finished"]) == ("succeeded", 100, True)
    download = client.get(reverse("jobs:result", args=[job.pk]))
    assert b"".join(download.streaming_content).decode() == "hello — done"
    assert AuditEvent.objects.filter(action="export", object_type="job", actor=users.township,
                                     object_id=str(job.pk)).exists()
    assert "三步完成" not in json.dumps(job.params)


@pytest.mark.django_db
def test_live_progress_is_read_while_the_job_runs(client, users, test_kinds):
    job = Job.objects.create(kind="test.echo", owner=users.township, state=JobState.RUNNING,
                             region_code=users.township.region.code)
    context = runner.Context(job)
    context.progress(1200, total=4800, note="第 1200 行")
    client.force_login(users.township)
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (status["done"], status["total"], status["percent"]) == (1200, 4800, 25)
    assert status["note"] == "第 1200 行" and not status["finished"]
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'value="25"' in page and "4800" in page.replace(",", "")
    assert "canlian/jobs.js" in page and "<script>" not in page  # no inline script (CSP)


@pytest.mark.django_db
def test_a_job_that_cannot_be_done_says_why(client, users, test_kinds):
    job = actions.start(users.township, "test.refuse")
    assert (job.state, job.error) == (JobState.FAILED, "文件第 3 行有误")
    client.force_login(users.township)
    assert "文件第 3 行有误" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


@pytest.mark.django_db
def test_a_fault_fails_the_job_with_a_plain_message(users, test_kinds):
    job = actions.start(users.township, "test.crash")
    assert job.state == JobState.FAILED
    assert "fault in the system" in job.error or "系统" in job.error
    assert "a bug" not in job.error


@pytest.mark.django_db
def test_a_waiting_job_says_when_no_worker_seems_to_run(client, users, test_kinds):
    job = Job.objects.create(kind="test.echo", owner=users.township,
                             region_code=users.township.region.code)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=2))
    client.force_login(users.township)
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["state"] == "queued" and status["note"]


@pytest.mark.django_db
def test_jobs_are_seen_by_their_owner_and_staff_over_their_region(client, users, test_kinds):
    job = actions.start(users.township, "test.echo", files={"in.txt": io.BytesIO(b"x")})
    for user, expected in ((users.township, 200), (users.federation, 200),
                           (users.township2, 404), (users.village, 404)):
        client.force_login(user)
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == expected, user
        listed = f'href="{reverse("jobs:detail", args=[job.pk])}"' in client.get(
            reverse("jobs:list")).content.decode()
        assert listed == (expected == 200), user


@pytest.mark.django_db
def test_result_files_expire_after_the_retention(client, users, test_kinds, settings):
    settings.CANLIAN_JOB_RETENTION_DAYS = 7
    job = actions.start(users.township, "test.echo", files={"in.txt": io.BytesIO(b"x")})
    assert storage.result_path(job) is not None
    assert storage.prune(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert storage.prune(now=timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert storage.result_path(job) is None and not storage.folder(job).exists()
    assert job.result == {"steps": 3}  # the record and its summary stay
    client.force_login(users.township)
    assert client.get(reverse("jobs:result", args=[job.pk])).status_code == 404


def _roster(rows: int, village: str) -> bytes:
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append(["姓名", "公民身份号码", "村（社区）代码"])
    for i in range(rows):
        sheet.append([f"工{i}", new_resident_id(), village])
    sheet.append(["坏行", "330382197005170000", village])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_runs_a_roster_import(tmp_path, settings, users, regions):
    """The database task backend and `canlian db_worker`, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = actions.start(users.township, "people.roster_import", params={"filename": "花名册.xlsx"},
                        files={"roster.xlsx": io.BytesIO(_roster(30, regions.v1a.code))})
    assert job.state == JobState.QUEUED  # waiting for the worker
    db = processes.SharedDatabase(tmp_path)
    worker = processes.run("db_worker", "--batch", "--no-startup-delay", "--no-reload",
                           env=db.env)
    assert worker.returncode == 0, worker.stdout + worker.stderr
    state, done, result = db.rows("SELECT state, done, result FROM jobs_job WHERE id = %s",
                                  (job.pk,))[0]
    summary = result if isinstance(result, dict) else json.loads(result)
    assert state == "succeeded", summary
    assert (summary["created"], summary["rejected"]) == (30, 1)
    assert done == 32  # the last row of the sheet
    assert db.scalar("SELECT count(*) FROM people_person") == 30
    assert db.scalar("SELECT status FROM django_tasks_database_dbtaskresult") == "SUCCESSFUL"
    assert (storage.folder(job) / "result.xlsx").is_file()  # the rejected row's workbook
