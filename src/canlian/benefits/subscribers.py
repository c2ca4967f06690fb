"""The subsidies' "X" of "1+X": react to certificate and death events.

- A certificate issued (new, changed, renewed, reissued) that makes the person likely
  eligible opens a pre-filled application and tells the township worker; a change that
  makes a running grant ineligible stops it after the event month.
- A death, a cancelled or expired certificate stops every running grant after the event
  month (the event month is still paid: docs/domain.md §4) and tells the worker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from canlian.accounts.models import User
from canlian.certificates.events import CertificateCancelled, CertificateIssued
from canlian.core import clock
from canlian.people.events import PersonDied
from canlian.people.models import Person
from canlian.todos.actions import open_todo

from . import actions
from .facts import has_ruleset
from .models import Grant, GrantStatus, Subsidy


def _tell(person: Person, kind: str, title: str) -> None:
    open_todo(person, kind=kind, title=title, days=5)


def _user(actor_id: Any) -> Any:
    """Who caused the event (the audit names them beside the system's stop)."""
    return None if actor_id is None else User.objects.filter(pk=actor_id).first()


def _stop_all(person: Person, event_day: dt.date, why: str, actor_id: Any = None) -> None:
    stopped = []
    user = _user(actor_id)
    # Stopped grants too: one stopped later (e.g. on the certificate's cancellation, recorded
    # before the death was) must end at the earlier event, so the roll recovers what was paid
    # after it; ``stop_grant`` leaves a grant that already ends by then as it is.
    for grant in Grant.objects.filter(person=person):
        if actions.stop_grant(grant, event_day, why, user=user):
            stopped.append(grant.get_subsidy_display().split("(")[0].strip())
    if stopped:
        next_month = (event_day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        _tell(person, "grant_stopped",
              f"{why}，已自 {next_month:%Y-%m} 起停发：{'、'.join(stopped)}；请核对是否有多发需追回")


def on_certificate_issued(event: CertificateIssued) -> None:
    if not has_ruleset():
        return  # this deployment pays no subsidies through Canlian (no rule set)
    person = Person.objects.select_related("household").get(pk=event.person_id)
    today = clock.today()
    for subsidy in Subsidy.values:
        running = Grant.objects.filter(person=person, subsidy=subsidy).exclude(
            status=GrantStatus.STOPPED).first()
        if running is not None:
            decision = actions.evaluate(person, subsidy, running, today)
            if not decision.eligible:
                _stop_all_one(person, running, today, decision)
            continue
        # One evaluation: the pre-filled application stores the verdict the to-do announces,
        # and the to-do links to that application.
        application = actions.prefill(
            person, subsidy, source_event="新发残疾人证", on=today,
            declared=actions.assumed_facts(event.category, event.grade))
        if application is not None and application.eligible:
            open_todo(person, kind="subsidy_prefilled", days=5, subject=application,
                      title=f"可能符合{Subsidy(subsidy).label}条件，已预填申请，请核实后提交")


def _stop_all_one(person: Person, grant: Grant, day: dt.date, decision: Any) -> None:
    why = "；".join(r.text_zh for r in decision.failed)[:150] or "不再符合条件"
    if actions.stop_grant(grant, day, why):
        _tell(person, "grant_stopped", f"证件变更后不再符合{grant.get_subsidy_display()}条件"
                                       f"（{why}），已自下月起停发")


def on_certificate_ended(event: Any) -> None:
    person = Person.objects.get(pk=event.person_id)
    if person.is_deceased:
        return  # the death handler stops the grants, with the death as the reason
    why = "残疾人证已注销" if isinstance(event, CertificateCancelled) else "残疾人证已过期"
    _stop_all(person, clock.today(), why, event.actor_id)


def on_person_died(event: PersonDied) -> None:
    person = Person.objects.get(pk=event.person_id)
    _stop_all(person, event.death_date, f"本人于 {event.death_date} 去世", event.actor_id)
