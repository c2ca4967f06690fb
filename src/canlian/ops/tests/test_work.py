"""Each scheduled job, run as the scheduler runs it (``runner.run`` of a recorded slot)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from canlian.certificates.models import Application, Certificate, CertificateStatus
from canlian.core import clock
from canlian.core.models import ThrottleHit
from canlian.ops import backups, retention, runner
from canlian.ops.models import Heartbeat, RunState, ScheduledRun
from canlian.todos.models import Todo


def run(code: str, slot: dt.datetime | None = None) -> ScheduledRun:
    created = ScheduledRun.objects.create(job=code, slot=slot or timezone.now())
    row = runner.run(created.pk)
    assert row is not None
    return row


def certificate(person, regions, valid_until):
    return Certificate.objects.create(person=person, number=person.resident_id + "42", category=4,
                                      grade=2, issue_date=valid_until - dt.timedelta(days=3650),
                                      valid_until=valid_until, issued_by=regions.county)


@pytest.mark.django_db
def test_expiry_sweep_expires_the_overdue_certificates(make_person, regions):
    today = clock.today()
    old = certificate(make_person(), regions, today - dt.timedelta(days=1))
    fine = certificate(make_person(), regions, today + dt.timedelta(days=400))
    result = run("certificate_expiry")
    assert result.state == RunState.SUCCEEDED and result.summary == {"expired": 1}
    old.refresh_from_db()
    fine.refresh_from_db()
    assert old.status == CertificateStatus.EXPIRED and fine.status == CertificateStatus.ISSUED


@pytest.mark.django_db
def test_reminders_open_one_todo_per_renewal_and_overdue_application(make_person, regions, users):
    from canlian.certificates import actions
    from canlian.certificates.workflow import Kind

    today = clock.today()
    soon = make_person(name="将到期")
    certificate(soon, regions, today + dt.timedelta(days=30))
    certificate(make_person(name="还早"), regions, today + dt.timedelta(days=400))
    late = make_person(name="超时")
    application = actions.apply(users.township, late, actions.ApplicationInput(kind=Kind.NEW))
    Application.objects.filter(pk=application.pk).update(due=today - dt.timedelta(days=2))
    first = run("reminders")
    assert first.state == RunState.SUCCEEDED, first.error
    assert first.summary["renewal_reminders"] == 1 and first.summary["overdue_applications"] == 1
    assert Todo.objects.get(kind="certificate_renewal").person == soon
    assert Todo.objects.get(kind="application_overdue").person == late
    again = run("reminders", timezone.now() + dt.timedelta(days=1))
    assert again.summary["renewal_reminders"] == 0 and again.summary["overdue_applications"] == 0


@pytest.mark.django_db
def test_reminders_follow_visits_due_and_escalate_late_out_of_school_cases(make_person, regions):
    from canlian.accounts.roles import Role
    from canlian.community.models import Visit
    from canlian.education.models import DropoutCase, Pupil

    today = clock.today()
    due, done, later = make_person(name="待跟进"), make_person(name="已跟进"), make_person(name="下月")
    for person, when, finished in ((due, today + dt.timedelta(days=1), None),
                                   (done, today, today), (later, today + dt.timedelta(days=30), None)):
        Visit.objects.create(person=person, visited_on=today - dt.timedelta(days=7), findings="屋顶漏雨",
                             follow_up="联系危房改造", follow_up_due=when, follow_up_done_on=finished)
    child = make_person(name="失学")
    pupil = Pupil.objects.create(person=child, village=child.village, status="not_enrolled",
                                 since=today - dt.timedelta(days=90),
                                 registered_on=today - dt.timedelta(days=90))
    DropoutCase.objects.create(pupil=pupil, village=child.village,
                               opened_on=today - dt.timedelta(days=60),
                               due=today - dt.timedelta(days=1))
    first = run("reminders")
    assert first.state == RunState.SUCCEEDED, first.error
    assert first.summary["follow_up_reminders"] == 1 and first.summary["overdue_dropout_cases"] == 1
    follow = Todo.objects.get(kind="visit_follow_up")
    assert (follow.person, follow.role, follow.due) == (due, Role.VILLAGE_WORKER,
                                                         today + dt.timedelta(days=1))
    assert "联系危房改造" in follow.title
    late = Todo.objects.get(kind="education_dropout_overdue")
    assert late.person == child and late.role == Role.FEDERATION_STAFF and "督办" in late.title
    again = run("reminders", timezone.now() + dt.timedelta(days=1))
    assert again.summary["follow_up_reminders"] == 0 and again.summary["overdue_dropout_cases"] == 0


@pytest.mark.django_db
def test_poverty_screening_screens_the_whole_deployment(make_person, regions):
    from canlian.community.models import WatchCase
    from canlian.community.watch import queries
    from canlian.people.models import Household

    line = queries.dibao_standard(clock.today())
    assert line is not None
    near = make_person(name="临界", household_type="ordinary")
    Household.objects.filter(pk=near.household_id).update(monthly_income_per_capita=line)
    result = run("poverty_screening")
    assert result.state == RunState.SUCCEEDED, result.error
    assert result.summary["opened"] == 1
    assert WatchCase.objects.get().person == near


@pytest.mark.django_db
def test_roll_draft_makes_the_month_s_draft(regions):
    from canlian.benefits.models import Roll

    slot = timezone.localtime().replace(day=20, hour=5, minute=0, second=0, microsecond=0)
    result = run("roll_draft", slot)
    assert result.state == RunState.SUCCEEDED, result.error
    assert result.summary["status"] == "draft" and result.summary["month"] == f"{slot:%Y-%m}"
    assert Roll.objects.get().month == slot.date().replace(day=1)


@pytest.mark.django_db
def test_a_job_without_a_deployment_is_skipped_not_failed():
    result = run("reminders")
    assert result.state == RunState.SUCCEEDED and "no deployment" in result.summary["skipped"]


@pytest.mark.django_db(transaction=True)
def test_nightly_backup_is_restored_and_compared_table_by_table(make_person, tmp_path, monkeypatch):
    monkeypatch.setenv("CANLIAN_BACKUP_DIR", str(tmp_path))
    make_person(name="备份")
    stale = tmp_path / "canlian-20200101-0200.dump"
    for n in range(4):
        old = tmp_path / f"canlian-2020010{n + 1}-0200.dump"
        old.write_bytes(b"old")
        os.utime(old, (n * 1000, n * 1000))  # long ago, the first oldest
    result = run("backup")
    assert result.state == RunState.SUCCEEDED, result.error
    summary = result.summary
    assert summary["restore_test"] == "identical" and summary["rows"] > 0 and summary["tables"] > 50
    assert (tmp_path / summary["file"]).is_file()
    assert summary["deleted"] == 2 and not stale.exists()  # the newest three always stay


def test_a_restore_that_differs_is_reported_table_by_table():
    source = {"people_person": (10, "123"), "audit_auditevent": (5, "9"), "gone": (1, "1")}
    restored = {"people_person": (9, "120"), "audit_auditevent": (5, "8")}
    assert backups.compare(source, restored) == [
        "audit_auditevent: same row count, different contents (checksum)",
        "gone: missing from the restored copy",
        "people_person: 10 rows, restored 9"]
    assert backups.compare(source, dict(source)) == []


@pytest.mark.django_db
def test_prune_deletes_only_what_is_past_its_retention():
    now = timezone.now()
    ThrottleHit.objects.create(scope="otp", key="a", at=now - dt.timedelta(days=2))
    ThrottleHit.objects.create(scope="otp", key="b", at=now)
    ScheduledRun.objects.create(job="worker_heartbeat", slot=now - dt.timedelta(days=2),
                                state=RunState.SUCCEEDED)
    ScheduledRun.objects.create(job="backup", slot=now - dt.timedelta(days=2), state=RunState.FAILED)
    Heartbeat.objects.create(process="worker", host="old", pid=1, seen_at=now - dt.timedelta(days=30))
    result = run("prune")
    assert result.summary["throttle"] == 1 and result.summary["runs"] == 1
    assert result.summary["heartbeats"] == 1
    assert ThrottleHit.objects.count() == 1
    assert ScheduledRun.objects.filter(job="backup").exists()
    assert retention.prune()["throttle"] == 0


@pytest.mark.django_db
def test_worker_heartbeat():
    run("worker_heartbeat")
    assert Heartbeat.objects.filter(process="worker").exists()


@pytest.mark.django_db
def test_every_registered_job_runs_through_the_scheduler(regions, monkeypatch):
    """Each scheduled job runs as the scheduler runs it (the backup's own tests cover its
    files, so it is left out here), and records its summary."""
    from canlian.ops import registry

    monkeypatch.setattr(backups, "nightly", lambda slot: {"file": "test"})
    for code, job in registry.REGISTRY.items():
        if job.hidden:
            continue
        done = run(code)
        assert done.state == RunState.SUCCEEDED, (code, done.error)
        assert isinstance(done.summary, dict), code
