"""Write operations of rights casework. Each is one transaction with its step, its audit
entry and its to-dos: a to-do per running time limit (for the township staff), closed when
the step is taken; overdue cases are supervised (督办) by the federation (``escalate_overdue``,
run daily by ``canlian rights escalate``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action
from canlian.core import clock
from canlian.people.models import Person
from canlian.todos.models import Todo

from . import rules
from .models import ConsentHow, Kind, Outcome, Proxy, RightsCase, Satisfaction, State, Step

STEP_LABELS = {
    "intake": "登记", "accept": "受理", "refuse": "不予受理", "assign": "交办",
    "refer": "转办", "extend": "延期", "close": "办结", "reopen": "重新办理（复查）",
    "duplicate": "合并重复件", "satisfaction": "满意度评价", "proxy": "代办",
    "escalate": "督办",
}
TODO_KINDS = ("rights_accept", "rights_assign", "rights_reply", "rights_supervise")
DUPLICATE_WINDOW_DAYS = 90


def cases_for(user: Any):
    """Rights cases a user may see: staff with the registry in their region, citizens
    their own and their wards' (the one scoping layer decides both)."""
    qs = RightsCase.objects.all()
    if user.is_authenticated and user.role == Role.CITIZEN:
        return qs.filter(person__in=scoping.people_for(user))
    return qs.filter(scoping.region_q(user, "village__code"))


def _open_case(user: Any, case_id: int, capability: Capability = Capability.REVIEW
               ) -> RightsCase:
    scoping.require(user, capability)
    case = (cases_for(user).select_for_update().select_related("person").filter(pk=case_id)
            .first())
    if case is None:
        raise RightsCase.DoesNotExist(case_id)
    return case


def _refuse_unless(step: str, case: RightsCase) -> None:
    if not rules.may(step, case.state):
        raise ValidationError(gettext("The case is “%(state)s”: it cannot be %(step)s now")
                              % {"state": case.get_state_display(),
                                 "step": STEP_LABELS.get(step, step)})


def _step(case: RightsCase, user: Any, kind: str, note: str = "") -> None:
    Step.objects.create(case=case, kind=kind, label=STEP_LABELS[kind], note=note,
                        on=clock.today(), by=user if getattr(user, "is_authenticated", False)
                        else None)
    record(user=user, action=Action.CREATE if kind == "intake" else Action.TRANSITION, obj=case,
           person=case.person, summary=f"维权案件 {case.number}：{STEP_LABELS[kind]}")


def _todo(case: RightsCase, kind: str, what: str, due: dt.date | None,
          role: Role = Role.TOWNSHIP_STAFF) -> None:
    Todo.objects.create(person_id=case.person_id, village_id=case.village_id, role=role,
                        kind=kind, title=f"{case.person.name}：维权案件 {case.number} {what}",
                        due=due)


def _done(case: RightsCase, user: Any, *kinds: str) -> None:
    Todo.objects.filter(person_id=case.person_id, kind__in=kinds or TODO_KINDS,
                        title__contains=case.number, done_at__isnull=True).update(
        done_at=clock.now(), done_by=user if getattr(user, "is_authenticated", False) else None)


def _save(case: RightsCase, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version"])


@transaction.atomic
def intake(user: Any, person: Person, *, kind: str, channel: str, subject: str,
           description: str, submitter_name: str = "", submitter_relation: str = "",
           received_on: dt.date | None = None, proxy_consent: bool = False) -> RightsCase:
    """Register a case from the portal (the citizen or guardian), the hotline, a walk-in
    or a letter (staff). Starts the acceptance limit with its to-do."""
    if user.role == Role.CITIZEN:
        channel = "portal"
    else:
        scoping.require(user, Capability.EDIT_PEOPLE)
        if channel == "portal":
            raise ValidationError({"channel": gettext("Staff record hotline, walk-in or letter cases")})
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside scope")
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = gettext("Choose the kind of request")
    if not subject.strip():
        errors["subject"] = gettext("Say what it is about")
    if len(description.strip()) < 10:
        errors["description"] = gettext("Describe it in at least 10 characters")
    today = clock.today()
    received_on = received_on or today
    if received_on > today:
        errors["received_on"] = gettext("Received in the future")
    if errors:
        raise ValidationError(errors)
    if user.role == Role.CITIZEN:
        submitter_name = submitter_name or person.name
        submitter_relation = "本人" if user.resident_id == person.resident_id else "监护人"
    accept = rules.limit(kind, "accept")
    assert accept is not None
    case = RightsCase.objects.create(
        person=person, village_id=person.village_id, kind=kind, channel=channel,
        subject=subject.strip(), description=description.strip(),
        submitter_name=submitter_name, submitter_relation=submitter_relation,
        submitted_by=user, received_on=received_on, accept_due=accept.due(received_on))
    _step(case, user, "intake", f"{case.get_channel_display()}：{subject.strip()}")
    _todo(case, "rights_accept", f"请在 {case.accept_due} 前决定是否受理（{accept.label}）",
          case.accept_due)
    if proxy_consent:
        Proxy.objects.create(case=case, consent_how=ConsentHow.PORTAL if channel == "portal"
                             else ConsentHow.SIGNED, consent_on=today,
                             consent_by=submitter_name or person.name,
                             scope="代为反映诉求、跟进办理")
        _step(case, user, "proxy", "本人（或监护人）同意由残联工作人员代办")
    return case


def possible_duplicates(case: RightsCase):
    """Other cases of the same person and kind received within 90 days: candidates for
    linking as duplicates (重复件), for staff to judge."""
    window = dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    return (RightsCase.objects.filter(person_id=case.person_id, kind=case.kind,
                                      received_on__range=(case.received_on - window,
                                                          case.received_on + window),
                                      duplicate_of__isnull=True)
            .exclude(pk=case.pk).exclude(outcome=Outcome.DUPLICATE))


@transaction.atomic
def accept(user: Any, case_id: int, note: str = "") -> RightsCase:
    case = _open_case(user, case_id)
    _refuse_unless("accept", case)
    today = clock.today()
    reply = rules.limit(case.kind, "reply")
    assert reply is not None
    case.state, case.accepted_on = State.ACCEPTED, today
    case.reply_due = reply.due(today)
    assign = rules.limit(case.kind, "assign")
    case.assign_due = assign.due(today) if assign else None
    _save(case, "state", "accepted_on", "reply_due", "assign_due")
    _done(case, user, "rights_accept")
    _step(case, user, "accept", note)
    if case.assign_due and assign is not None:
        _todo(case, "rights_assign", f"请在 {case.assign_due} 前指派或转办（{assign.label}）",
              case.assign_due)
    _todo(case, "rights_reply", f"请在 {case.reply_due} 前办结答复（{reply.label}）",
          case.reply_due)
    return case


@transaction.atomic
def refuse(user: Any, case_id: int, reason: str) -> RightsCase:
    """不予受理, with the reason the person is told (and may appeal)."""
    if not reason.strip():
        raise ValidationError({"note": gettext("Give the reason for not accepting")})
    case = _open_case(user, case_id)
    _refuse_unless("refuse", case)
    case.state, case.outcome_note, case.closed_on = State.NOT_ACCEPTED, reason, clock.today()
    _save(case, "state", "outcome_note", "closed_on")
    _done(case, user)
    _step(case, user, "refuse", reason)
    return case


@transaction.atomic
def link_duplicate(user: Any, case_id: int, original_id: int) -> RightsCase:
    """Close ``case`` as a duplicate (重复件) of ``original``: same person, still the one
    followed; the person is answered through the original."""
    case = _open_case(user, case_id)
    _refuse_unless("link_duplicate", case)
    original = cases_for(user).filter(pk=original_id).first()
    if original is None or original.pk == case.pk:
        raise ValidationError({"original": gettext("No such other case")})
    if original.person_id != case.person_id:
        raise ValidationError({"original": gettext("The other case is about another person")})
    if original.duplicate_of_id:
        raise ValidationError({"original": (gettext("That case is itself a duplicate of %(number)s: link to "
                                                    "the first case")
                                            % {"number": original.duplicate_of.number})})
    case.duplicate_of, case.state = original, State.CLOSED
    case.outcome, case.closed_on = Outcome.DUPLICATE, clock.today()
    case.outcome_note = f"与 {original.number} 为同一事项，合并办理"
    _save(case, "duplicate_of", "state", "outcome", "closed_on", "outcome_note")
    _done(case, user)
    _step(case, user, "duplicate", case.outcome_note)
    return case


def _staff_in_scope(case: RightsCase, worker: Any) -> None:
    if (not isinstance(worker, User) or not worker.is_active or not worker.is_staff_role
            or not worker.can(Capability.EDIT_PEOPLE) or worker.region is None
            or not worker.region.contains(case.village_id)):
        raise ValidationError({"assignee": gettext("Assign to staff covering the person's village")})


@transaction.atomic
def assign(user: Any, case_id: int, assignee: Any, note: str = "") -> RightsCase:
    case = _open_case(user, case_id)
    _refuse_unless("assign", case)
    _staff_in_scope(case, assignee)
    case.assignee, case.state = assignee, State.ASSIGNED
    _save(case, "assignee", "state")
    _done(case, user, "rights_assign")
    _step(case, user, "assign", f"交办给 {assignee.get_full_name() or assignee.username}"
                                f"{'：' + note if note else ''}")
    return case


@transaction.atomic
def refer(user: Any, case_id: int, to: str, note: str = "") -> RightsCase:
    """转办: to the legal-aid centre (法律援助中心) or another department; the federation
    still follows the case to its reply."""
    if not to.strip():
        raise ValidationError({"to": gettext("Say where it goes")})
    case = _open_case(user, case_id)
    _refuse_unless("refer", case)
    case.referred_to, case.state = to.strip(), State.REFERRED
    _save(case, "referred_to", "state")
    _done(case, user, "rights_assign")
    _step(case, user, "refer", f"转 {to.strip()}{'：' + note if note else ''}")
    return case


@transaction.atomic
def extend(user: Any, case_id: int, reason: str) -> RightsCase:
    """延期: once, by the limit in the rules, with the reason the person is told; approved
    by the head of the unit (a role with approval)."""
    if not reason.strip():
        raise ValidationError({"note": gettext("Give the reason for the extension and tell the petitioner")})
    case = _open_case(user, case_id, Capability.APPROVE)
    _refuse_unless("extend", case)
    if not rules.can_extend(case.kind, case.extensions):
        raise ValidationError(gettext("No further extension allowed"))
    extension = rules.limit(case.kind, "extension")
    assert extension is not None and case.reply_due is not None
    case.reply_due = extension.due(case.reply_due)
    case.extensions += 1
    _save(case, "reply_due", "extensions")
    Todo.objects.filter(person_id=case.person_id, kind="rights_reply",
                        title__contains=case.number, done_at__isnull=True).update(
        due=case.reply_due)
    _step(case, user, "extend", f"延长{extension.label}至 {case.reply_due}：{reason}")
    return case


@transaction.atomic
def close(user: Any, case_id: int, outcome: str, note: str) -> RightsCase:
    if outcome not in Outcome.values or outcome == Outcome.DUPLICATE:
        raise ValidationError({"outcome": gettext("Choose the outcome")})
    if not note.strip():
        raise ValidationError({"note": gettext("Write the reply to the person")})
    case = _open_case(user, case_id)
    _refuse_unless("close", case)
    case.state, case.outcome, case.outcome_note = State.CLOSED, outcome, note.strip()
    case.closed_on = clock.today()
    _save(case, "state", "outcome", "outcome_note", "closed_on")
    _done(case, user)
    _step(case, user, "close", f"{case.get_outcome_display()}：{note.strip()}")
    return case


@transaction.atomic
def record_satisfaction(user: Any, case_id: int, satisfaction: str) -> RightsCase:
    """The person's satisfaction: on the portal (the citizen or guardian) or by phone
    (staff record it)."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": gettext("Choose an answer")})
    citizen = user.is_authenticated and user.role == Role.CITIZEN
    case = _open_case(user, case_id, Capability.VIEW_PEOPLE) if not citizen else (
        cases_for(user).select_for_update().select_related("person").filter(pk=case_id).first())
    if case is None:
        raise RightsCase.DoesNotExist(case_id)
    if not citizen:
        scoping.require(user, Capability.EDIT_PEOPLE)
    _refuse_unless("satisfaction", case)
    if case.outcome == Outcome.DUPLICATE:
        raise ValidationError(gettext("Rate the original case"))
    case.satisfaction = satisfaction
    case.satisfaction_channel = "portal" if citizen else "phone"
    _save(case, "satisfaction", "satisfaction_channel")
    _step(case, user, "satisfaction", f"{case.get_satisfaction_display()}"
                                      f"（{'网上评价' if citizen else '电话回访'}）")
    return case


@transaction.atomic
def reopen(user: Any, case_id: int, reason: str, appealed_on: dt.date | None = None
           ) -> RightsCase:
    """Reopen on appeal (复查/重新办理): within the appeal limit of the reply, the case is
    accepted again with the review limit."""
    if not reason.strip():
        raise ValidationError({"note": gettext("Give the grounds of the appeal")})
    case = _open_case(user, case_id)
    _refuse_unless("reopen", case)
    if case.outcome == Outcome.DUPLICATE:
        raise ValidationError(gettext("Appeal the original case"))
    today = clock.today()
    appealed_on = appealed_on or today
    if appealed_on > today:
        raise ValidationError({"appealed_on": gettext("The review request date is in the future")})
    appeal = rules.limit(case.kind, "appeal")
    review = rules.limit(case.kind, "review")
    assert appeal is not None and review is not None and case.closed_on is not None
    if appealed_on > appeal.due(case.closed_on):
        raise ValidationError({"appealed_on": (gettext("The time to ask for a review has passed (%(limit)s "
                                                       "after the answer, until %(date)s)")
                                               % {"limit": appeal.label,
                                                  "date": appeal.due(case.closed_on)})})
    case.state, case.accepted_on = State.ACCEPTED, appealed_on
    case.reply_due = review.due(appealed_on)
    case.reopened += 1
    case.outcome, case.closed_on, case.satisfaction, case.satisfaction_channel = "", None, "", ""
    case.escalated_on = None
    _save(case, "state", "accepted_on", "reply_due", "reopened", "outcome", "closed_on",
          "satisfaction", "satisfaction_channel", "escalated_on")
    _step(case, user, "reopen", reason)
    _todo(case, "rights_reply", f"复查：请在 {case.reply_due} 前答复（{review.label}）",
          case.reply_due)
    return case


@transaction.atomic
def appoint_proxy(user: Any, case_id: int, *, worker: Any, consent_how: str,
                  consent_on: dt.date, consent_by: str, scope: str = "") -> Proxy:
    """代办: a worker acts for the person, only with consent recorded (how, when, by whom)."""
    case = _open_case(user, case_id, Capability.EDIT_PEOPLE)
    if case.state in (State.CLOSED, State.NOT_ACCEPTED):
        raise ValidationError(gettext("A closed case cannot be given a proxy"))
    errors = {}
    if consent_how not in ConsentHow.values:
        errors["consent_how"] = gettext("Record how consent was given")
    if not consent_by.strip():
        errors["consent_by"] = gettext("Who consented")
    if consent_on > clock.today() or consent_on < case.received_on - dt.timedelta(days=30):
        errors["consent_on"] = gettext("Consent date out of range")
    if errors:
        raise ValidationError(errors)
    try:
        _staff_in_scope(case, worker)
    except ValidationError:
        raise ValidationError({"worker": gettext("The worker must cover the person's village")}) from None
    proxy, _ = Proxy.objects.update_or_create(case=case, defaults={
        "worker": worker, "consent_how": consent_how, "consent_on": consent_on,
        "consent_by": consent_by.strip(), "scope": scope, "withdrawn_on": None})
    _step(case, user, "proxy", f"代办员 {worker.get_full_name() or worker.username}，"
                               f"{proxy.get_consent_how_display()}（{consent_by.strip()}，{consent_on}）")
    return proxy


def overdue_q(today: dt.date) -> Q:
    return (Q(state=State.RECEIVED, accept_due__lt=today)
            | Q(state__in=[State.ACCEPTED, State.ASSIGNED, State.REFERRED], reply_due__lt=today))


@transaction.atomic
def escalate_overdue(today: dt.date | None = None) -> int:
    """督办: every open case past a time limit and not yet supervised goes to the
    federation (a to-do for the federation staff, a step on the case). Set-based."""
    today = today or clock.today()
    cases = list(RightsCase.objects.select_for_update().filter(overdue_q(today),
                                                               escalated_on__isnull=True)
                 .select_related("person"))
    if not cases:
        return 0
    RightsCase.objects.filter(pk__in=[c.pk for c in cases]).update(escalated_on=today)
    Step.objects.bulk_create([Step(case=c, kind="escalate", label=STEP_LABELS["escalate"],
                                   note=f"逾期未{'受理' if c.state == State.RECEIVED else '办结'}，"
                                        "报市（区）残联督办", on=today) for c in cases])
    Todo.objects.bulk_create([Todo(
        person_id=c.person_id, village_id=c.village_id, role=Role.FEDERATION_STAFF,
        kind="rights_supervise", due=today,
        title=f"{c.person.name}：维权案件 {c.number} 已逾期（期限 {c.next_due}），请督办")
        for c in cases])

    record_many(user=None, action=Action.TRANSITION,
                people=[(c.person_id, c.village_id) for c in cases],
                summary="维权案件逾期，报残联督办")
    return len(cases)
