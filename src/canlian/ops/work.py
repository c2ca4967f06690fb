"""The scheduled jobs: what runs every night or month without anyone pressing a button.

Each function takes its slot (the moment it was due, local time) and returns a small
summary for the status page (counts only: no names, no resident IDs). Each does its work
through the owning app's functions (``certificates.actions``, ``community.watch.actions``,
``benefits.rolls``), set-based, in their own transactions.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from canlian.accounts import scoping
from canlian.accounts.roles import Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.benefits import rolls, yearfacts
from canlian.certificates.models import Application, Certificate, CertificateStatus
from canlian.certificates.workflow import OPEN_STATES
from canlian.community.models import Problem, Visit
from canlian.core import clock, partitions
from canlian.education.models import DropoutCase
from canlian.indicators import places
from canlian.people.models import Person
from canlian.portal.actions import text_renewal_reminders
from canlian.regions.models import Deployment
from canlian.services.actions import expiring_licences
from canlian.services.models import Institution
from canlian.todos import actions as todos
from canlian.todos.models import Todo

from . import backups, retention, scheduler
from .registry import Scheduled, register

RENEWAL_WINDOW_DAYS = int(os.environ.get("CANLIAN_RENEWAL_REMINDER_DAYS", "90"))
FOLLOW_UP_WINDOW_DAYS = int(os.environ.get("CANLIAN_FOLLOW_UP_REMINDER_DAYS", "3"))


class NothingToDo(Exception):
    """Nothing to do on this installation (no deployment loaded yet): the run is recorded
    as skipped, not failed."""


def _deployment() -> Any:
    deployment = Deployment.current()
    if deployment is None:
        raise NothingToDo("no deployment loaded: run `canlian regions load` or `canlian seed`")
    return deployment


def certificate_expiry(slot: dt.datetime) -> dict[str, Any]:
    """The daily expiry sweep (证件到期): certificates past their validity become expired,
    each announced on the event bus (to-dos for the township follow)."""
    from canlian.certificates import actions

    return {"expired": actions.expire_overdue(clock.today())}


def reminders(slot: dt.datetime) -> dict[str, Any]:
    """Renewal and deadline reminders (到期提醒、办理时限提醒): a to-do for each certificate
    expiring within the window, each open application past its time limit, each visit's
    follow-up (走访跟进事项) due within the window and not done, and each out-of-school case
    (控辍保学) past its deadline (for the federation, 督办), unless one is already open;
    overdue accessibility rectifications are counted for the page."""
    today = clock.today()
    root = _deployment().root
    open_todo = Todo.objects.filter(person=OuterRef("person_id"), done_at__isnull=True)
    renewals = (Certificate.objects.filter(
        scoping.within(root, "person__village__code"),
        status=CertificateStatus.ISSUED, valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=RENEWAL_WINDOW_DAYS), person__life_status="alive")
        .exclude(Exists(open_todo.filter(kind="certificate_renewal")))
        .values_list("person_id", "person__village_id", "person__name", "valid_until"))
    overdue = (Application.objects.filter(scoping.within(root, "village__code"),
                                          state__in=[s.value for s in OPEN_STATES], due__lt=today)
               .exclude(Exists(open_todo.filter(kind="application_overdue")))
               .values_list("person_id", "village_id", "person__name", "due"))
    follow_ups = (Visit.objects.filter(
        scoping.within(root, "person__village__code"), follow_up_due__isnull=False,
        follow_up_done_on__isnull=True,
        follow_up_due__lte=today + dt.timedelta(days=FOLLOW_UP_WINDOW_DAYS),
        person__life_status="alive")
        .exclude(Exists(open_todo.filter(kind="visit_follow_up")))
        .values_list("person_id", "person__village_id", "person__name", "follow_up",
                     "follow_up_due"))
    dropouts = (DropoutCase.objects.filter(scoping.within(root, "village__code"),
                                           closed_on__isnull=True, due__lt=today)
                .exclude(Exists(Todo.objects.filter(person=OuterRef("pupil__person_id"),
                                                    done_at__isnull=True,
                                                    kind="education_dropout_overdue")))
                .values_list("pupil__person_id", "village_id", "pupil__person__name", "due"))
    # The holder is texted once per certificate and expiry date (ReminderText), to-do or not.
    expiring = (Certificate.objects.filter(
        scoping.within(root, "person__village__code"),
        status=CertificateStatus.ISSUED, valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=RENEWAL_WINDOW_DAYS), person__life_status="alive")
        .values_list("person_id", "id", "valid_until"))
    with transaction.atomic():
        texted = text_renewal_reminders(expiring)
        made = todos.open_many(
            [Todo(person_id=p, village_id=v, role=Role.VILLAGE_WORKER, kind="certificate_renewal",
                  title=f"{name}：残疾人证将于 {until:%Y-%m-%d} 到期，请提醒换证", due=until)
             for p, v, name, until in renewals]
            + [Todo(person_id=p, village_id=v, role=Role.TOWNSHIP_STAFF, kind="application_overdue",
                    title=f"{name}：办证申请已超过办理时限（{due:%Y-%m-%d}），请尽快办结", due=today)
               for p, v, name, due in overdue]
            + [Todo(person_id=p, village_id=v, role=Role.VILLAGE_WORKER, kind="visit_follow_up",
                    title=f"{name}：走访跟进事项“{what}”应于 {due:%Y-%m-%d} 前完成", due=due)
               for p, v, name, what, due in follow_ups]
            + [Todo(person_id=p, village_id=v, role=Role.FEDERATION_STAFF,
                    kind="education_dropout_overdue", due=today,
                    title=f"{name}：控辍保学个案已超过跟进期限（{due:%Y-%m-%d}），请督办")
               for p, v, name, due in dropouts])
    kinds = Counter(t.kind for t in made)
    renewal_count = kinds["certificate_renewal"]
    rectifications = Problem.objects.filter(rectified_on__isnull=True, deadline__lt=today).count()
    licences = expiring_licences(Institution.objects.filter(
        scoping.within(root, "township__code")), today).count()
    return {"renewal_reminders": renewal_count, "renewal_texts": texted,
            "overdue_applications": kinds["application_overdue"],
            "follow_up_reminders": kinds["visit_follow_up"],
            "overdue_dropout_cases": kinds["education_dropout_overdue"],
            "overdue_rectifications": rectifications, "expiring_licences": licences}


def poverty_screening(slot: dt.datetime) -> dict[str, Any]:
    """The poverty-return screening (防止返贫动态监测筛查) of the whole deployment."""
    from canlian.community.watch import actions

    root = _deployment().root
    with transaction.atomic():
        result = actions.screen_people(Person.objects.filter(scoping.within(root, "village__code")),
                                       clock.today())
        record(user=None, action=Action.UPDATE, object_type="watchcase",
               summary=f"计划任务 防止返贫监测筛查：{result['flagged']} 人有风险，"
                       f"新纳入 {result['opened']} 人")
    return result


def roll_draft(slot: dt.datetime) -> dict[str, Any]:
    """The month's payment roll as a draft (发放名册草稿), for staff to check and finalise;
    a finalised month is left alone."""
    month = slot.date().replace(day=1)
    outcome = rolls.generate(_deployment().root, month)  # a RollError fails (and retries)
    roll = outcome.roll
    return {"month": f"{month:%Y-%m}", "status": roll.status, "lines": roll.line_count,
            "total": str(roll.total), "changed": outcome.changed}


def subsidy_year_facts(slot: dt.datetime) -> dict[str, Any]:
    """年度应享事实: every year's stored subsidy facts of the plan period, taken again
    (``benefits.yearfacts``), so the coverage indicators and their gap lists read one narrow
    table; after the expiry sweep, so the day's expiries are in."""
    _deployment()
    return yearfacts.refresh_all()


def survey_places(slot: dt.datetime) -> dict[str, Any]:
    """调查指标归属: every survey row's place in the survey indicators of the plan years,
    taken again (``indicators.places``); the actions keep them during the day, this picks up
    bulk imports and a new 低保 standard."""
    _deployment()
    return places.refresh_all()


def rights_escalation(slot: dt.datetime) -> dict[str, Any]:
    """督办: rights cases (信访, legal aid) past a statutory time limit go to the federation."""
    from canlian.rights import actions

    return {"escalated": actions.escalate_overdue(clock.today())}


def nightly_backup(slot: dt.datetime) -> dict[str, Any]:
    return backups.nightly(slot)


def prune(slot: dt.datetime) -> dict[str, Any]:
    return retention.prune()


def privacy_retention(slot: dt.datetime) -> dict[str, Any]:
    """保存期限: anonymise personal data past its period (privacy/data/retention.yaml)."""
    from canlian.privacy import actions

    return actions.apply_retention(clock.today())


def partitions_ahead(slot: dt.datetime) -> dict[str, Any]:
    """Time partitions (PostgreSQL, of each table once it is partitioned: the audit log and
    the roll ledger by month, the surveys by year): this period's and the next three are
    made before any row needs them (``core/partitions.py``)."""
    return {name: partitions.ensure_ahead(spec) for name, spec in partitions.TABLES.items()}


def worker_heartbeat(slot: dt.datetime) -> dict[str, Any]:
    """Runs every minute in the worker: the health check sees the worker is alive and
    taking tasks off the queue."""
    scheduler.beat("worker")
    return {}


def _roll_day() -> int:
    day = int(os.environ.get("CANLIAN_ROLL_DRAFT_DAY", "20"))
    if not 1 <= day <= 28:
        raise ValueError(f"CANLIAN_ROLL_DRAFT_DAY must be 1–28, not {day}")
    return day


register(Scheduled("certificate_expiry", _("Certificate expiry sweep"), certificate_expiry,
                   "10 1 * * *"))
register(Scheduled("reminders", _("Renewal and deadline reminders"), reminders, "30 6 * * *"))
register(Scheduled("poverty_screening", _("Poverty-return screening"), poverty_screening,
                   "0 4 * * *"))
register(Scheduled("subsidy_year_facts", _("Subsidy facts of the plan years"),
                   subsidy_year_facts, "40 1 * * *"))
register(Scheduled("survey_places", _("Survey indicator places of the plan years"),
                   survey_places, "50 1 * * *"))
register(Scheduled("rights_escalation", _("Rights cases past their time limit"),
                   rights_escalation, "20 1 * * *"))
register(Scheduled("roll_draft", _("Monthly payment roll draft"), roll_draft,
                   f"0 5 {_roll_day()} * *", catch_up=dt.timedelta(days=3)))
register(Scheduled("backup", _("Nightly backup and restore test"), nightly_backup, "0 2 * * *",
                   retries=1, retry_delay=dt.timedelta(minutes=30)))
register(Scheduled("prune", _("Retention: prune old rows and files"), prune, "30 3 * * *"))
register(Scheduled("privacy_retention", _("Retention: anonymise personal data past its period"),
                   privacy_retention, "45 3 * * *"))
register(Scheduled("partitions_ahead", _("Monthly partitions made ahead"), partitions_ahead,
                   "50 3 * * *"))
register(Scheduled("worker_heartbeat", _("Worker heartbeat"), worker_heartbeat, "* * * * *",
                   retries=0, catch_up=dt.timedelta(minutes=2), hidden=True))
