"""Write operations on subsidy applications and grants. Views, the portal, the "1+X"
subscribers and the API call these; each is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action as AuditAction
from canlian.certificates.rules import is_severe
from canlian.core import clock, notice_rules, separation
from canlian.core.domain import DomainError
from canlian.core.duties import Workflow
from canlian.people.models import Person
from canlian.portal.actions import text_subsidy_decision

from . import eligibility, ledger, rolls
from .facts import facts_for, institutional_care, ruleset_for
from .models import (
    OPEN_APPLICATION_STATES,
    ApplicationState,
    DeclaredFacts,
    Grant,
    GrantChange,
    GrantStatus,
    PublicNotice,
    Roll,
    RollLine,
    Subsidy,
    SubsidyApplication,
    Suspension,
    YearFactSet,
)


class SubsidyError(DomainError):
    """A refused operation, with a message for the user."""

    code = "subsidy_refused"


def _today() -> dt.date:
    return clock.today()


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def evaluate(person: Person, subsidy: str, source: Any = None, on: dt.date | None = None
             ) -> eligibility.Decision:
    """The rules' decision for a person (declared facts from an application or grant)."""
    on = on or _today()
    return eligibility.decide(ruleset_for(), subsidy, facts_for(person, on, source), on)


def _reasons_json(decision: eligibility.Decision) -> list[dict[str, Any]]:
    return [{"rule": r.rule, "passed": r.passed, "zh": r.text_zh, "en": r.text_en}
            for r in decision.reasons]


def _store_decision(application: SubsidyApplication, decision: eligibility.Decision) -> None:
    application.eligible = decision.eligible
    application.monthly_amount = decision.monthly_amount
    application.reasons = _reasons_json(decision)
    application.rule_version = decision.rule_version


# ---- applications ------------------------------------------------------------------------

def apply(user: Any, person: Person, subsidy: str, declared: dict[str, Any], *,
          bank_name: str = "", bank_account: str = "", channel: str = "staff",
          request: HttpRequest | None = None, today: dt.date | None = None
          ) -> SubsidyApplication:
    """Open (or confirm a pre-filled) application; the rules' verdict is stored with it."""
    today = today or _today()
    Subsidy(subsidy)
    if user is not None and user.role != Role.CITIZEN:
        scoping.require(user, Capability.EDIT_PEOPLE)
    if user is not None and not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    if person.is_deceased:
        raise ValidationError(gettext("The person is deceased and cannot apply"))
    if Grant.objects.filter(person=person, subsidy=subsidy).exclude(status="stopped").exists():
        raise ValidationError(gettext("Already receiving this subsidy"))
    fields = {k: declared[k] for k in DeclaredFacts.FACT_FIELDS if k in declared}
    try:
        with transaction.atomic():
            prefilled = SubsidyApplication.objects.select_for_update().filter(
                person=person, subsidy=subsidy, state=ApplicationState.PREFILLED).first()
            application = prefilled or SubsidyApplication(person=person, subsidy=subsidy)
            for key, value in fields.items():
                setattr(application, key, value)
            # from the care placement record, not the applicant's word
            application.institutional_care = institutional_care(person.pk, today)
            application.state = ApplicationState.APPLIED
            application.village_id = person.village_id
            application.channel = channel if prefilled is None else application.channel
            # A pre-filled application counted from a later month (a person who moved in:
            # the origin pays the month of the move, transfers/rules.py) keeps that month.
            application.applied_on = max(today, prefilled.applied_on) if prefilled else today
            application.bank_name = bank_name
            application.bank_account = bank_account
            application.created_by = user if getattr(user, "pk", None) else None
            _store_decision(application, evaluate(person, subsidy, application, today))
            application.save()
            record(user=user, action=AuditAction.CREATE, obj=application, person=person,
                   request=request, summary=f"受理{Subsidy(subsidy).label}申请")
    except IntegrityError:
        raise ValidationError(gettext("An application for this subsidy is already open")) from None
    return application


def assumed_facts(category: int | None, grade: int | None) -> dict[str, Any]:
    """The declared facts "1+X" assumes for a newly certified person until they answer: a
    long-term care need (长期照护) for a severe grade or a mental or intellectual disability,
    hukou in the region. The pre-filled application stores these same facts, so its verdict
    and the to-do that announces it come from one evaluation."""
    severe = grade is not None and is_severe(grade)
    return {"needs_long_term_care": severe or category in (5, 6), "hukou_in_region": True}


def prefill(person: Person, subsidy: str, *, source_event: str = "",
            declared: dict[str, Any] | None = None, on: dt.date | None = None
            ) -> SubsidyApplication | None:
    """Open a pre-filled application for a likely-eligible person ("1+X").

    ``declared`` (default: ``assumed_facts`` of the person's category and grade) is stored
    on the application and evaluated once on ``on``: the application is opened only when
    that evaluation admits the person, so a to-do saying "likely eligible" never points to
    an application saying "not eligible". None if one is open already, or not eligible.
    """
    on = on or _today()
    if SubsidyApplication.objects.filter(person=person, subsidy=subsidy,
                                         state__in=OPEN_APPLICATION_STATES).exists():
        return None
    if Grant.objects.filter(person=person, subsidy=subsidy).exclude(status="stopped").exists():
        return None
    if declared is None:
        declared = assumed_facts(person.category, person.grade)
    application = SubsidyApplication(person=person, subsidy=subsidy,
                                     state=ApplicationState.PREFILLED, village_id=person.village_id,
                                     channel="auto", applied_on=on,
                                     note=f"由{source_event}自动生成，请核实后提交")
    for key in DeclaredFacts.FACT_FIELDS:
        if key in declared:
            setattr(application, key, declared[key])
    application.institutional_care = institutional_care(person.pk, on)
    decision = evaluate(person, subsidy, application, on)
    if not decision.eligible:
        return None
    _store_decision(application, decision)
    with transaction.atomic():
        application.save()
    return application


_MOVES = {
    "review": ([ApplicationState.APPLIED], ApplicationState.REVIEWED, Capability.REVIEW),
    "approve": ([ApplicationState.REVIEWED], ApplicationState.APPROVED, Capability.APPROVE),
    "reject": ([ApplicationState.APPLIED, ApplicationState.REVIEWED, ApplicationState.PREFILLED],
               ApplicationState.REJECTED, Capability.REVIEW),
    "withdraw": ([ApplicationState.APPLIED, ApplicationState.PREFILLED], ApplicationState.WITHDRAWN,
                 Capability.EDIT_PEOPLE),
}
MOVE_LABELS = {"review": "镇街审核通过", "approve": "区残联审批通过", "reject": "不予通过",
               "withdraw": "撤回"}


def applications_for(user: Any):
    return SubsidyApplication.objects.filter(person__in=scoping.people_for(user))


@transaction.atomic
def decide_application(user: Any, application_id: int, move: str, *, note: str = "",
                       start_month: dt.date | None = None, request: HttpRequest | None = None,
                       today: dt.date | None = None) -> SubsidyApplication:
    """Review, approve (creating the grant), reject or withdraw an application."""
    today = today or _today()
    if move not in _MOVES:
        raise SubsidyError(f"未知操作 {move!r}")
    sources, target, capability = _MOVES[move]
    if not (move == "withdraw" and user.role == Role.CITIZEN):
        scoping.require(user, capability)
    application = (applications_for(user).select_related("person", "reviewed_by", "notice")
                   .filter(pk=application_id).first())
    if application is None:
        raise SubsidyApplication.DoesNotExist(application_id)
    if application.state not in sources:
        raise SubsidyError(gettext("The application is “%(state)s”: it cannot be %(step)s now")
                           % {"state": application.get_state_display(), "step": MOVE_LABELS[move]})
    if move == "reject" and not note.strip():
        raise ValidationError({"note": gettext("Give the reason for rejecting")})
    if move == "approve":
        separation.check(Workflow.SUBSIDY, move, reviewer=application.reviewed_by, actor=user)
    if move == "approve":
        check_notice_has_run(application, today)
    if move == "approve":
        decision = evaluate(application.person, application.subsidy, application, today)
        if not decision.eligible:
            failed = "；".join(r.text_zh for r in decision.failed)
            raise SubsidyError(f"按现行规则不符合条件，不能批准：{failed}")
    moved = SubsidyApplication.objects.filter(
        pk=application.pk, state=application.state, version=application.version
    ).update(state=target, version=F("version") + 1, note=note or application.note,
             **({"reviewed_by": user} if move == "review" else {}))
    if moved != 1:
        raise SubsidyError(gettext("This application was changed by someone else; reload"))
    application.refresh_from_db()
    record(user=user, action=AuditAction.TRANSITION, obj=application, person=application.person,
           request=request, summary=f"{application.get_subsidy_display()}：{MOVE_LABELS[move]}",
           changes={"state": [sources[0], target]})
    if move == "approve":
        _start_grant(user, application, start_month, request)
    text_subsidy_decision(application.pk)
    return application


def notice_needed(application: SubsidyApplication) -> Any:
    """The public notice (公示) the rule data requires for ``application``, or None."""
    return ruleset_for().notice_on(application.subsidy, application.applied_on)


def check_notice_has_run(application: SubsidyApplication, today: dt.date) -> None:
    needed = notice_needed(application)
    notice = application.notice
    refused = notice_rules.refusal(needed.working_days if needed else None,
                                   notice.ends_on if notice else None, today)
    if refused is not None:
        raise SubsidyError(refused.message, code=refused.code)


@transaction.atomic
def post_notice(user: Any, village_code: str, application_ids: list[int], starts_on: dt.date,
                *, request: HttpRequest | None = None,
                today: dt.date | None = None) -> PublicNotice:
    """Post the reviewed applications of one village on a public notice (公示) from
    ``starts_on`` for the working days the rule data sets."""
    scoping.require(user, Capability.REVIEW)
    today = today or _today()
    if starts_on < today:
        raise ValidationError({"starts_on": gettext("The notice cannot start in the past")})
    chosen = list(applications_for(user).select_for_update().filter(
        pk__in=application_ids, village_id=village_code).select_related("person"))
    if not chosen or len(chosen) != len(set(application_ids)):
        raise ValidationError({"applications": gettext(
            "Choose reviewed applications of this village")})
    days = set()
    for application in chosen:
        needed = notice_needed(application)
        if application.state != ApplicationState.REVIEWED or application.notice_id is not None:
            raise ValidationError({"applications": gettext(
                "The application of %(name)s is not awaiting a public notice")
                % {"name": application.person.name}})
        if needed is None:
            raise ValidationError({"applications": gettext(
                "The subsidy of %(name)s needs no public notice")
                % {"name": application.person.name}})
        days.add(needed.working_days)
    working_days = max(days)
    span = notice_rules.period(starts_on, working_days)
    notice = PublicNotice.objects.create(village_id=village_code, starts_on=span.first,
                                         ends_on=span.last, working_days=working_days,
                                         posted_by=_actor(user))
    SubsidyApplication.objects.filter(pk__in=[a.pk for a in chosen]).update(notice=notice)
    record(user=user, action=AuditAction.CREATE, obj=notice, request=request,
           summary=f"两项补贴公示 {span.first:%Y-%m-%d}–{span.last:%Y-%m-%d}，{len(chosen)} 人")
    return notice


def notices_for(user: Any) -> Any:
    """The notices of the user's region (scoped through the village)."""
    return PublicNotice.objects.filter(scoping.region_q(user, "village__code"))


def _start_grant(user: Any, application: SubsidyApplication, requested: dt.date | None,
                 request: HttpRequest | None = None) -> Grant:
    """Start paying from the application month (or a later month the approver gives), never
    from a month already paid or owed under an earlier grant of the person."""
    applied = month_of(application.applied_on)
    start = month_of(requested) if requested else applied
    if start < applied:
        raise SubsidyError(f"起始月份不能早于申请月份 {applied:%Y-%m}（补贴自申请当月起计发）"
                           f"(the start cannot be before the month of application)")
    if start > month_of(_today()) + dt.timedelta(days=62):
        raise SubsidyError(gettext("Start month too far ahead"))
    covered = covered_through(application.person_id, application.subsidy)
    note = "审批通过"
    if covered is not None and start <= covered:
        after = rolls.add_months(covered, 1)
        if requested:
            raise SubsidyError(
                gettext("%(subsidy)s is already paid or due up to %(covered)s by an earlier "
                        "grant: the first month can be %(after)s at the earliest")
                % {"subsidy": Subsidy(application.subsidy).label, "covered": f"{covered:%Y-%m}",
                   "after": f"{after:%Y-%m}"})
        note = f"审批通过；{covered:%Y-%m} 及以前已由原发放资格覆盖，自 {after:%Y-%m} 起发放"
        start = after
    grant = Grant(person=application.person, subsidy=application.subsidy, application=application,
                  start_month=start, first_payable_month=start,
                  bank_name=application.bank_name, bank_account=application.bank_account)
    for key in DeclaredFacts.FACT_FIELDS:
        setattr(grant, key, getattr(application, key))
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:
        raise SubsidyError(gettext("A grant already exists")) from None
    GrantChange.objects.create(grant=grant, action="start", month=start, actor=_actor(user),
                               reason=note)
    record(user=user, action=AuditAction.CREATE, obj=grant, person=application.person,
           request=request, summary=f"{grant.get_subsidy_display()}自 {start:%Y-%m} 起发放",
           changes={"start_month": [None, f"{start:%Y-%m}"]})
    return grant


def covered_through(person_id: int, subsidy: str) -> dt.date | None:
    """The last month of ``subsidy`` that the person's earlier grants pay or still owe:
    the end of a stopped grant, or the last month paid (a grant is never started inside
    it, so no month is paid twice across grants)."""
    grants = Grant.objects.filter(person_id=person_id, subsidy=subsidy)
    ends = [g.end_month or month_of(_today()) for g in grants]
    last_paid = (RollLine.objects.filter(ledger.outstanding_q(),
                                         grant_id__in=[g.pk for g in grants])
                 .order_by("-period").values_list("period", flat=True).first())
    months = [m for m in [*ends, last_paid] if m is not None]
    return max(months) if months else None


def _actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


# ---- running grants ----------------------------------------------------------------------

def grants_for(user: Any):
    return Grant.objects.filter(person__in=scoping.people_for(user))


def _grant(user: Any, grant_id: int) -> Grant:
    scoping.require(user, Capability.APPROVE)
    grant = grants_for(user).select_for_update().filter(pk=grant_id).first()
    if grant is None:
        raise Grant.DoesNotExist(grant_id)
    return grant


@transaction.atomic
def suspend(user: Any, grant_id: int, from_month: dt.date, reason: str, *,
            back_pay: bool = False, request: HttpRequest | None = None) -> Grant:
    grant = _grant(user, grant_id)
    if grant.status != GrantStatus.ACTIVE:
        raise SubsidyError(gettext("Only an active grant can be suspended"))
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give the reason for suspending")})
    month = month_of(from_month)
    Suspension.objects.create(grant=grant, from_month=month, back_pay=back_pay, reason=reason)
    grant.status = GrantStatus.SUSPENDED
    grant.save(update_fields=["status", "updated_at"])
    GrantChange.objects.create(grant=grant, action="suspend", month=month, reason=reason,
                               actor=_actor(user))
    record(user=user, action=AuditAction.UPDATE, obj=grant, person=grant.person, request=request,
           summary=f"暂停{grant.get_subsidy_display()}：{reason}")
    return grant


@transaction.atomic
def resume(user: Any, grant_id: int, from_month: dt.date, reason: str = "", *,
           request: HttpRequest | None = None) -> Grant:
    grant = _grant(user, grant_id)
    if grant.status != GrantStatus.SUSPENDED:
        raise SubsidyError(gettext("The grant is not suspended"))
    month = month_of(from_month)
    open_suspension = grant.suspensions.filter(to_month=None).first()
    if open_suspension and month <= open_suspension.from_month:
        raise SubsidyError(gettext("Resume after the suspension started"))
    if open_suspension:
        last = month - dt.timedelta(days=1)
        open_suspension.to_month = month_of(last)
        open_suspension.save(update_fields=["to_month"])
    grant.status = GrantStatus.ACTIVE
    grant.save(update_fields=["status", "updated_at"])
    GrantChange.objects.create(grant=grant, action="resume", month=month, reason=reason,
                               actor=_actor(user))
    record(user=user, action=AuditAction.UPDATE, obj=grant, person=grant.person, request=request,
           summary=f"恢复{grant.get_subsidy_display()}")
    return grant


def stop_grant(grant: Grant, last_month: dt.date, reason: str, *, user: Any = None,
               request: HttpRequest | None = None) -> bool:
    """Stop paying after ``last_month`` (its 1st); False if already stopped by then. Audited
    (``user`` None: stopped by the system on a death or a certificate event)."""
    last = month_of(last_month)
    if grant.status == GrantStatus.STOPPED and grant.end_month and grant.end_month <= last:
        return False
    if last < grant.start_month:
        last = grant.start_month - dt.timedelta(days=1)
        last = month_of(last)
    Grant.objects.filter(pk=grant.pk).update(status=GrantStatus.STOPPED, end_month=last,
                                             stop_reason=reason[:200], updated_at=timezone.now())
    grant.suspensions.filter(to_month=None).update(to_month=last)
    GrantChange.objects.create(grant=grant, action="stop", month=last, reason=reason[:200],
                               actor=_actor(user))
    record(user=user, action=AuditAction.UPDATE, obj=grant, person=grant.person, request=request,
           summary=f"停发{grant.get_subsidy_display()}（发放至 {last:%Y-%m}）：{reason}"[:300],
           changes={"status": [grant.status, "stopped"], "end_month": f"{last:%Y-%m}"})
    return True


@transaction.atomic
def stop(user: Any, grant_id: int, last_month: dt.date, reason: str, *,
         request: HttpRequest | None = None) -> Grant:
    grant = _grant(user, grant_id)
    if grant.status == GrantStatus.STOPPED:
        raise SubsidyError(gettext("Already stopped"))
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give the reason for stopping payment")})
    stop_grant(grant, last_month, reason, user=user, request=request)
    grant.refresh_from_db()
    return grant


@transaction.atomic
def approve_arrears(user: Any, grant_id: int, *, request: HttpRequest | None = None) -> Grant:
    """The second approval (补发审批) of arrears beyond the limit: from the first month the
    latest roll held, they may be paid. The person who approved the grant may not give it."""
    grant = _grant(user, grant_id)
    held = held_arrears_of(grant)
    if held is None:
        raise SubsidyError(gettext("No arrears wait for approval"))
    starter = grant.changes.filter(action="start").values_list("actor_id", flat=True).first()
    if starter is not None and starter == getattr(user, "pk", None):
        raise SubsidyError(gettext("A second person must approve the arrears"))
    first = dt.date.fromisoformat(held["first"] + "-01")
    grant.arrears_approved_from = first
    grant.arrears_approved_by = user
    grant.save(update_fields=["arrears_approved_from", "arrears_approved_by", "updated_at"])
    GrantChange.objects.create(grant=grant, action="arrears", month=first, actor=_actor(user),
                               reason=f"补发 {held['months']} 个月，{held['amount']} 元")
    record(user=user, action=AuditAction.UPDATE, obj=grant, person=grant.person, request=request,
           summary=f"审批补发{grant.get_subsidy_display()}：自 {first:%Y-%m} 起 "
                   f"{held['months']} 个月，{held['amount']} 元")
    return grant


def held_arrears_of(grant: Grant) -> dict[str, Any] | None:
    """The arrears of the grant that the latest roll held for a second approval, if any."""
    latest = Roll.objects.order_by("-month", "-sequence")[:3]
    held = next((h for roll in latest for h in roll.held_arrears if h["grant_id"] == grant.pk),
                None)
    approved = grant.arrears_approved_from
    if held is None or (approved is not None and f"{approved:%Y-%m}" <= held["first"]):
        return None  # none held, or approved since: the next generation pays them
    return held


def monthly_amount_now(grant: Grant) -> Decimal:
    return evaluate(grant.person, grant.subsidy, grant).monthly_amount


@transaction.atomic
def follow_care_placement(person_id: int, on: dt.date, *, user: Any = None,
                          request: HttpRequest | None = None) -> int:
    """A care placement started or ended (care app): the person's running grants take the
    institutional-care fact (机构照护, the nursing subsidy's uplift) from the placement record
    as it stands on ``on``; the rolls from that month follow. Returns the grants changed."""
    value = institutional_care(person_id, on)
    changed = list(Grant.objects.select_for_update().filter(person_id=person_id)
                   .exclude(status="stopped").exclude(institutional_care=value))
    for grant in changed:  # a person holds at most one grant of each subsidy
        grant.institutional_care = value
        grant.save(update_fields=["institutional_care"])
        GrantChange.objects.create(
            grant=grant, action="facts", month=on.replace(day=1), actor=_actor(user),
            reason="托养安置开始：由经认定的机构照护" if value else "托养安置结束：不再由机构照护")
        record(user=user, action=AuditAction.UPDATE, obj=grant, person=grant.person,
               request=request, changes={"institutional_care": [not value, value]},
               summary=f"{grant.get_subsidy_display()}：机构照护"
                       f"{'开始' if value else '结束'}（依据托养安置记录）")
    return len(changed)


def record_year_facts(year: int, on: dt.date, persons: int) -> None:
    """The year's stored subsidy facts (``yearfacts.refresh``) were taken now, on ``on``."""
    YearFactSet.objects.update_or_create(
        year=year, defaults={"on": on, "refreshed_at": timezone.now(), "persons": persons})


def forget_year_facts(years: list[int] | None) -> None:
    """The paid persons of these years (None: every year) changed: stop reading their
    stored facts until the next refresh (``yearfacts.forget``)."""
    sets = YearFactSet.objects.all()
    (sets if years is None else sets.filter(year__in=years)).delete()
