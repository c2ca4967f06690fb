"""Writes of the programme engine (“1+X” 项目引擎): offers, applications, the decision chain
and the three settlements (cash ledger, institution bills, rosters with another department).

Every action is one transaction, checks the capability and the region, records the audit
event, and refuses bad input with a ``ProgrammeError`` (a ``DomainError``) that says why —
an ineligible application is refused with the rules' reasons, never silently accepted.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from math import floor
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import get_language, gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action as AuditAction
from canlian.benefits import actions as subsidies
from canlian.benefits.models import SubsidyApplication
from canlian.care.queries import designation
from canlian.core import clock, duties, notice_rules, sheets
from canlian.core.calendar import add_working_days
from canlian.core.domain import DomainError
from canlian.core.duties import Workflow
from canlian.core.rule_text import RuleError
from canlian.employment.models import Declaration
from canlian.indicators import places
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.portal.actions import text_programme_decision
from canlian.services.models import Institution, InstitutionKind
from canlian.todos.actions import open_many
from canlian.todos.models import Todo

from . import facts, rules
from .models import (
    OPEN_STATES,
    Application,
    BillLine,
    Claim,
    EmployerReward,
    InstitutionGrant,
    InstitutionWorker,
    Payment,
    Roster,
    RosterLine,
)

CASH = ("monthly_cash", "yearly_cash", "one_off")
# A programme settled on the subsidy roll (the two national subsidies) keeps no programme
# application: the benefits app's pre-filled application is its offer, and its application,
# public notice, decision and monthly roll are the subsidy's own (``benefits.actions``).
SUBSIDY_ROLL = "subsidy_roll"
# The programme channel → the subsidy application's channel.
SUBSIDY_CHANNEL = {"portal": "online", "offer": "online", "staff": "staff"}
# The approving step (审批) of a claim, a reward and an institution grant (core/duties.py).
DECIDE = "decide"
APPLICANT_ZH = {"person": "本人", "guardian": "监护人", "employer": "用人单位",
                "institution": "服务机构"}


def _chinese() -> bool:
    """The rule file's names and reasons are Chinese; English pages get the codes instead."""
    return not (get_language() or "zh-hans").startswith("en")


class ProgrammeError(DomainError):
    code = "programme_refused"

    def __init__(self, message: str, code: str | None = None, field: str = "__all__") -> None:
        super().__init__(message, code)
        self.field = field


def _catalogue() -> rules.Catalogue:
    found = facts.catalogue()
    if found is None:
        raise ProgrammeError(gettext("This deployment ships no programme file"),
                             "no_programmes")
    return found


def programme(code: str) -> rules.Programme:
    found = _catalogue().get(code)
    if found is None:
        raise ProgrammeError(gettext("No programme “%(code)s”") % {"code": code}, "unknown", "programme")
    return found


def version_on(code: str, on: dt.date) -> rules.Version:
    version = programme(code).on(on)
    if version is None:
        raise ProgrammeError(gettext("Programme “%(code)s” is not in force on %(day)s")
                             % {"code": code, "day": on}, "not_in_force")
    return version


def evaluate(person: Person, on: dt.date | None = None) -> list[rules.Verdict]:
    """Every programme in force for ``person`` on ``on``, each with its reasons."""
    on = on or clock.today()
    catalogue = facts.catalogue()
    if catalogue is None:
        return []
    f = facts.facts_for(person, on)
    return [v for p in catalogue if (v := rules.decide(p, f, on)) is not None]


def _reasons(verdict: rules.Verdict) -> list[dict[str, Any]]:
    return [{"rule": r.rule, "passed": r.passed, "zh": r.text_zh, "en": r.text_en}
            for r in verdict.reasons]


def _person(user: Any, person: Person | int) -> Person:
    pk = person.pk if isinstance(person, Person) else person
    if user is None:  # the engine itself (an event)
        return Person.objects.get(pk=pk)
    found = scoping.people_for(user).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("person outside region")
    return found


def open_offers(person: Person, *, on: dt.date | None = None, source: str = "") -> list[Application]:
    """Open the "X" for a person: an offer (or an automatic enrolment, state applied) for
    each programme they qualify for that lists the channel, unless one is open this year."""
    on = on or clock.today()
    catalogue = facts.catalogue()
    if catalogue is None or person.is_deceased:
        return []
    f = facts.facts_for(person, on)
    open_now = set(Application.objects.filter(person=person, year=on.year,
                                              state__in=OPEN_STATES)
                   .values_list("programme", flat=True))
    made = []
    for p in catalogue:
        verdict = rules.decide(p, f, on)
        version = p.on(on)
        if verdict is None or version is None or not verdict.eligible or p.code in open_now:
            continue
        if version.settlement.kind == SUBSIDY_ROLL:
            continue  # the subsidy's pre-filled application is opened by benefits.subscribers
        automatic = "automatic" in version.channels
        if not automatic and "offer" not in version.channels:
            continue
        app = Application(
            person=person, village_id=person.village_id, programme=p.code, version=verdict.version,
            year=on.year, state="applied" if automatic else "offered", applicant="engine",
            channel="automatic" if automatic else "offer", eligible=True, amount=verdict.amount,
            reasons=_reasons(verdict), applied_on=on if automatic else None,
            due_on=add_working_days(on, version.decision.days) if automatic else None,
            note=source[:300])
        made.append(app)
    if made:
        with transaction.atomic():
            Application.objects.bulk_create(made)
            record(user=None, action=AuditAction.CREATE, person=person,
                   object_type="programmeapplication", object_id=str(person.pk),
                   summary=f"“1+X”项目：为本人开启 {len(made)} 项（{source}）"[:300])
    return made


def apply(user: Any, person: Person | int, code: str, *, applicant: str = "person",
          channel: str = "staff", institution: Institution | int | None = None,
          on: dt.date | None = None, declared: dict[str, Any] | None = None,
          request: Any = None) -> Application | SubsidyApplication:
    """An application (or the confirmation of an offer) checked against the rules: who may
    apply, by which channel, the eligibility on ``on`` and, where the programme is settled
    with institutions, a designated institution. A programme on the subsidy roll hands the
    application to the subsidy workflow (``benefits.actions.apply``, with ``declared``
    facts) and returns the subsidy application."""
    on = on or clock.today()
    if user is not None and user.role != Role.CITIZEN:
        scoping.require(user, Capability.EDIT_PEOPLE)
    person = _person(user, person)
    version = version_on(code, on)
    verdict = rules.decide_version(code, version, facts.facts_for(person, on), on)
    if not verdict.eligible:
        raise ProgrammeError(gettext("Not eligible for %(programme)s: %(reasons)s")
                             % {"programme": version.name_zh, "reasons": verdict.why_zh()
                                if _chinese() else "; ".join(r.text_en for r in verdict.failed)},
                             "ineligible")
    if applicant not in ("staff", *version.applicants):
        who = "、".join(APPLICANT_ZH.get(a, a) for a in version.applicants)
        raise ProgrammeError(gettext("This programme accepts applications only from: %(who)s")
                             % {"who": who if _chinese() else ", ".join(version.applicants)},
                             "applicant", "applicant")
    if channel not in version.channels and not (channel == "staff" and "automatic"
                                                  in version.channels):
        raise ProgrammeError(gettext("This programme does not accept applications through this channel"),
                             "channel", "channel")
    if version.settlement.kind == SUBSIDY_ROLL:
        return _apply_subsidy(user, person, version, channel, declared, on, request)
    chosen = None
    if version.settlement.kind == "institution":
        if institution is None:
            raise ProgrammeError(gettext("Choose a designated institution"),
                                 "institution", "institution")
        chosen = Institution.objects.filter(
            pk=institution.pk if isinstance(institution, Institution) else institution).first()
        if chosen is None or designation(chosen, version.settlement.designation or "", on) is None:
            raise ProgrammeError(gettext("The institution chosen is not designated for this programme, "
                                         "or its designation has expired"),
                                 "not_designated", "institution")
    try:
        with transaction.atomic():
            app = Application.objects.select_for_update().filter(
                person=person, programme=code, year=on.year, state="offered").first()
            if app is None:
                app = Application(person=person, programme=code, year=on.year)
            app.village_id = person.village_id
            app.version, app.state, app.applicant = verdict.version, "applied", applicant
            app.channel, app.eligible, app.amount = channel, True, verdict.amount
            app.reasons, app.institution = _reasons(verdict), chosen
            app.applied_on = on
            app.due_on = add_working_days(on, version.decision.days)
            app.save()
            record(user=user, action=AuditAction.CREATE, obj=app, person=person, request=request,
                   summary=f"受理{version.name_zh}申请")
    except IntegrityError:
        raise ProgrammeError(gettext("An application is already open this year"),
                             "duplicate") from None
    return app


def _apply_subsidy(user: Any, person: Person, version: rules.Version, channel: str,
                   declared: dict[str, Any] | None, on: dt.date, request: Any
                   ) -> SubsidyApplication:
    """The subsidy's own application (补贴申请): a pre-filled one is confirmed, else one is
    opened with the declared facts (by default those "1+X" assumes for the person's
    certificate, ``benefits.actions.assumed_facts``). Its notice, decision and roll follow
    in the benefits app; its refusals come back as the programme's."""
    subsidy = version.settlement.subsidy or ""
    given = dict(declared or {})
    if not SubsidyApplication.objects.filter(person=person, subsidy=subsidy,
                                             state="prefilled").exists():
        given = {**subsidies.assumed_facts(person.category, person.grade), **given}
    try:
        return subsidies.apply(user, person, subsidy, given,
                               channel=SUBSIDY_CHANNEL.get(channel, "staff"), request=request,
                               today=on)
    except ValidationError as exc:
        raise ProgrammeError("；".join(exc.messages), "subsidy") from None


def withdraw(user: Any, pk: int, *, request: Any = None) -> Application:
    """The applicant (in the portal) or a worker withdraws an application not yet decided;
    the person may apply again later in the year."""
    if user.role != Role.CITIZEN:
        scoping.require(user, Capability.EDIT_PEOPLE)
    with transaction.atomic():
        app = Application.objects.select_for_update().filter(
            pk=pk, person__in=scoping.people_for(user)).first()
        if app is None:
            raise PermissionDenied("application outside region")
        if app.state not in ("offered", "applied"):
            raise ProgrammeError(gettext("Only an application not yet reviewed can be withdrawn"),
                                 "state")
        app.state = "withdrawn"
        app.save(update_fields=["state"])
        record(user=user, action=AuditAction.TRANSITION, obj=app, person=app.person,
               request=request, summary=f"撤回项目申请（{app.programme}）")
    return app


def applications_for(user: Any):
    return Application.objects.filter(scoping.region_q(user, "village__code"))


def _application(user: Any, pk: int, capability: Capability) -> Application:
    scoping.require(user, capability)
    app = applications_for(user).select_for_update().filter(pk=pk).first()
    if app is None:
        raise PermissionDenied("application outside region")
    return app


LEVEL = {"village_worker": 0, "township_staff": 1, "federation_staff": 2}


def _role_may(user: Any, role: str) -> None:
    """The rule file names the role of each step; a higher level may act for a lower one."""
    if LEVEL.get(str(user.role), -1) < LEVEL[role]:
        raise ProgrammeError(gettext("In this programme this step belongs to %(role)s")
                             % {"role": ROLE_ZH[role] if _chinese() else role}, "role")


ROLE_ZH = {"village_worker": "村社专职委员", "township_staff": "镇街残联",
           "federation_staff": "市/区残联"}


def review(user: Any, pk: int, *, note: str = "", request: Any = None) -> Application:
    """The reviewer's step (审核): re-checks the rules; a reviewer cannot approve later."""
    with transaction.atomic():
        app = _application(user, pk, Capability.REVIEW)
        _role_may(user, version_on(app.programme, clock.today()).decision.review)
        if app.state != "applied":
            raise ProgrammeError(gettext("Only an applied application is reviewed"),
                                 "state")
        app.state, app.reviewed_by, app.reviewed_on = "reviewed", user, clock.today()
        app.note = note[:300]
        app.save(update_fields=["state", "reviewed_by", "reviewed_on", "note"])
        record(user=user, action=AuditAction.TRANSITION, obj=app, person=app.person,
               request=request, summary=f"审核通过（{app.programme}）")
    return app


def decide(user: Any, pk: int, *, approve: bool, note: str = "", request: Any = None
           ) -> Application:
    """Approve (审批) or refuse with a reason. Approval re-checks eligibility on the day,
    the quota and budget of the year, and separation of duties; where the rule asks for a
    public notice (公示) it starts, and nothing is paid before it ends."""
    today = clock.today()
    with transaction.atomic():
        text_programme_decision(pk)  # after commit, as decided (approved or refused)
        app = _application(user, pk, Capability.APPROVE if approve else Capability.REVIEW)
        if app.state not in ("applied", "reviewed"):
            raise ProgrammeError(gettext("The application is already decided"), "state")
        if not approve:
            if not note.strip():
                raise ProgrammeError(gettext("Give the reason for not approving"),
                                     "reason", "note")
            app.state = "refused"
        else:
            if app.state != "reviewed":
                raise ProgrammeError(gettext("Review comes before approval"), "state")
            if app.reviewed_by_id == user.pk:
                raise ProgrammeError(gettext("The reviewer cannot approve"),
                                     "separation")
            version = version_on(app.programme, today)
            _role_may(user, version.decision.approve)
            verdict = rules.decide_version(app.programme, version,
                                           facts.facts_for(app.person, today), today)
            if not verdict.eligible:
                app.state, app.eligible, app.reasons = "refused", False, _reasons(verdict)
                app.note = f"审批时不再符合条件：{verdict.why_zh()}"[:300]
                app.decided_by, app.decided_on = user, today
                app.save()
                record(user=user, action=AuditAction.TRANSITION, obj=app, person=app.person,
                       request=request, summary=f"不予批准（{app.programme}）：不再符合条件")
                return app
            _check_quota(app, version, verdict.amount)
            app.state, app.amount, app.reasons = "approved", verdict.amount, _reasons(verdict)
            app.version = verdict.version
            if version.decision.public_notice_days:
                app.notice_until = today + dt.timedelta(days=version.decision.public_notice_days)
        app.decided_by, app.decided_on = user, today
        if note:
            app.note = note[:300]
        app.save()
        record(user=user, action=AuditAction.TRANSITION, obj=app, person=app.person,
               request=request, summary=f"{'批准' if approve else '不予批准'}（{app.programme}）"
                                        f"{note[:100]}")
    return app


def _check_quota(app: Application, version: rules.Version, amount: Decimal) -> None:
    approved = Application.objects.filter(programme=app.programme, year=app.year,
                                          state="approved")
    if version.quota.yearly_persons is not None and \
            approved.count() >= version.quota.yearly_persons:
        raise ProgrammeError(gettext("The year's quota of %(persons)s persons is full")
                             % {"persons": version.quota.yearly_persons}, "quota")
    if version.quota.yearly_budget is not None:
        committed = sum((rules.yearly_cost(version, a) for a in
                         approved.values_list("amount", flat=True)), Decimal(0))
        if committed + rules.yearly_cost(version, amount) > version.quota.yearly_budget:
            raise ProgrammeError(gettext("The year's budget of %(budget)s yuan is spent")
                                 % {"budget": version.quota.yearly_budget}, "budget")


def end_for_person(person: Person, day: dt.date, why: str) -> int:
    """Eligibility ended (a certificate cancelled or expired, a death): every open or
    approved application ends on ``day``; no later period is paid."""
    with transaction.atomic():
        ended = Application.objects.filter(person=person, state__in=OPEN_STATES).update(
            state="ended", ended_on=day, note=why[:300])
        if ended:
            record(user=None, action=AuditAction.TRANSITION, person=person,
                   object_type="programmeapplication", object_id=str(person.pk),
                   summary=f"“1+X”项目终止 {ended} 项：{why}"[:300])
    return ended


def reevaluate(person_ids: Any, *, source: str, on: dt.date | None = None) -> dict[str, int]:
    """Re-evaluate every programme for the persons whose facts changed (a household joined
    or left 低保, a birthday crossed an age limit, a care placement started or ended, a
    certificate expired), set-based: one ``facts_many`` read (six queries) and bulk writes.

    Where a person now qualifies and has nothing open or decided this year, an offer (or an
    automatic enrolment) opens as on a certificate issue. Where an open or approved
    application no longer meets the rules, it ends on ``on`` — the day the fact changed,
    so no later period is paid — with the failed rules as its reasons and note (the notice
    the person reads in the portal), and the township gets a to-do to tell them."""
    on = on or clock.today()
    catalogue = facts.catalogue()
    ids = sorted(set(person_ids))
    result = {"persons": len(ids), "offered": 0, "ended": 0}
    if catalogue is None or not ids:
        return result
    people = facts.facts_many(Person.objects.filter(pk__in=ids), on)
    current = {(a.person_id, a.programme): a for a in Application.objects.filter(
        person_id__in=ids, state__in=OPEN_STATES)}
    decided = set(Application.objects.filter(
        person_id__in=ids, year=on.year, state__in=("refused", "withdrawn"))
        .values_list("person_id", "programme"))
    made: list[Application] = []
    ended: list[Application] = []
    for pid, (row, f) in people.items():
        for p in catalogue:
            version = p.on(on)
            app = current.get((pid, p.code))
            if version is None:
                continue
            if version.settlement.kind == SUBSIDY_ROLL:
                continue  # the benefits app's grants and rolls follow the subsidy's facts
            verdict = rules.decide_version(p.code, version, f, on)
            if app is not None and not verdict.eligible:
                app.state, app.ended_on, app.eligible = "ended", on, False
                app.reasons = _reasons(verdict)
                app.note = f"{source}：不再符合条件（{verdict.why_zh()}）"[:300]
                ended.append(app)
            elif (app is None and verdict.eligible and (pid, p.code) not in decided
                  and not (row["death_date"] and row["death_date"] <= on)
                  and ({"offer", "automatic"} & set(version.channels))):
                automatic = "automatic" in version.channels
                made.append(Application(
                    person_id=pid, village_id=row["village_id"], programme=p.code,
                    version=verdict.version, year=on.year,
                    state="applied" if automatic else "offered", applicant="engine",
                    channel="automatic" if automatic else "offer", eligible=True,
                    amount=verdict.amount, reasons=_reasons(verdict),
                    applied_on=on if automatic else None,
                    due_on=add_working_days(on, version.decision.days) if automatic else None,
                    note=source[:300]))
    if not (made or ended):
        return result
    names = {p.code: p.latest.name_zh for p in catalogue}
    with transaction.atomic():
        Application.objects.bulk_create(made)
        Application.objects.bulk_update(ended, ["state", "ended_on", "eligible", "reasons",
                                                "note"], batch_size=500)
        persons = {p.pk: p for p in Person.objects.filter(
            pk__in={a.person_id for a in [*made, *ended]}).only("pk", "name", "village_id")}
        todos = []
        for pid in {a.person_id for a in ended}:
            which = "、".join(names.get(a.programme, a.programme) for a in ended
                             if a.person_id == pid)
            todos.append(Todo(person_id=pid, village_id=persons[pid].village_id,
                              role=Role.TOWNSHIP_STAFF, kind="programme_ended",
                              title=f"{persons[pid].name}：{source}，{which}已终止，请告知本人并核对是否需追回"[:200],
                              due=add_working_days(on, 5)))
        for pid in {a.person_id for a in made}:
            which = "、".join(names.get(a.programme, a.programme) for a in made
                             if a.person_id == pid)
            todos.append(Todo(person_id=pid, village_id=persons[pid].village_id,
                              role=Role.TOWNSHIP_STAFF, kind="programme_offers",
                              title=f"{persons[pid].name}：{source}，可能符合{which}，请核实并告知本人"[:200],
                              due=add_working_days(on, 5)))
        open_many(todos)
        record(user=None, action=AuditAction.TRANSITION, object_type="programmeapplication",
               object_id=f"reevaluate:{on}",
               summary=f"“1+X”重新评估（{source}）：{len(ids)} 人，开启 {len(made)} 项，"
                       f"终止 {len(ended)} 项"[:300])
    result["offered"], result["ended"] = len(made), len(ended)
    return result


def birthdays_crossing_limits(on: dt.date, days: int = 3) -> list[int]:
    """Persons alive whose birthday in the last ``days`` days (today included, so a missed
    run catches up) made them reach an age limit of a programme in force: the lower bound
    (``min``) opens, the upper bound plus one (``max + 1``) ends. One query."""
    catalogue = facts.catalogue()
    if catalogue is None:
        return []
    ages: set[int] = set()
    for p in catalogue:
        version = p.on(on)
        if version is None:
            continue
        for rule in version.eligibility:
            inner = rule.rules if isinstance(rule, rules.AnyOf) else [rule]
            for r in inner:
                if isinstance(r, rules.Age):
                    ages.update(a for a in (r.min, r.max + 1) if 0 < a <= 120)
    born = []
    for back in range(days):
        day = on - dt.timedelta(days=back)
        for age in ages:
            year = day.year - age
            if (day.month, day.day) != (2, 29) or calendar.isleap(year):
                born.append(day.replace(year=year))
            if (day.month, day.day) == (3, 1) and calendar.isleap(year) \
                    and not calendar.isleap(day.year):
                born.append(dt.date(year, 2, 29))  # a 29 February birthday falls on 1 March
    return list(Person.objects.filter(birth_date__in=born, death_date__isnull=True)
                .values_list("pk", flat=True))


# ---- settlement 1: the cash ledger ------------------------------------------------------------

def period_of(kind: str, day: dt.date) -> dt.date:
    return day.replace(day=1) if kind == "monthly_cash" else day.replace(month=1, day=1)


def pay(user: Any, code: str, day: dt.date, *, request: Any = None) -> int:
    """Put the period containing ``day`` on the ledger for every approved application of a
    cash programme in the user's region, set-based. A re-run adds nothing: what is already
    on the ledger for the period (or, for a one-off, ever) is left out, and the unique index
    ``programmes_never_pay_twice`` refuses a second payment whatever the path."""
    scoping.require(user, Capability.APPROVE)
    version = version_on(code, day)
    if version.benefit.kind not in CASH:
        raise ProgrammeError(gettext("Not a cash programme"), "not_cash")
    if version.settlement.kind == SUBSIDY_ROLL:
        raise ProgrammeError(gettext("This subsidy is paid by the monthly subsidy roll"),
                             "subsidy_roll")
    if day > clock.today():
        raise ProgrammeError(gettext("The period has not begun"), "future")
    period = period_of(version.benefit.kind, day)
    paid = Payment.objects.filter(application=OuterRef("pk")).exclude(status="failed")
    if version.benefit.kind != "one_off":
        paid = paid.filter(period=period)
    due = (applications_for(user).filter(programme=code, state="approved")
           .filter(Q(notice_until__isnull=True) | Q(notice_until__lt=day))
           .exclude(Exists(paid)))
    if version.benefit.kind == "monthly_cash":
        due = due.filter(applied_on__lt=period + dt.timedelta(days=32), year__lte=period.year)
    else:
        due = due.filter(year=period.year)
    rows = [Payment(application_id=a["id"], person_id=a["person_id"], village_id=a["village_id"],
                    programme=code, period=period, amount=a["amount"])
            for a in due.values("id", "person_id", "village_id", "amount")]
    with transaction.atomic():
        Payment.objects.bulk_create(rows)
        record(user=user, action=AuditAction.CREATE, object_type="programmepayment",
               object_id=f"{code}:{period}", request=request,
               summary=f"{version.name_zh} {period:%Y-%m} 发放 {len(rows)} 人，"
                       f"{sum((r.amount for r in rows), Decimal(0))} 元")
    return len(rows)


# ---- settlement 2: institution bills against the per-person yearly ceiling ---------------------

def bill(user: Any, pk: int, *, month: dt.date, claimed: Decimal, request: Any = None
         ) -> BillLine:
    """One month of an institution's bill for one approved child (or person), accepted up to
    the programme's per-person yearly ceiling; the cut is recorded with its reason."""
    month = month.replace(day=1)
    with transaction.atomic():
        app = _application(user, pk, Capability.REVIEW)
        version = version_on(app.programme, month)
        if version.settlement.kind != "institution":
            raise ProgrammeError(gettext("Not settled with institutions"), "kind")
        if app.state != "approved" or app.institution is None:
            raise ProgrammeError(gettext("Only an approved application is billed"),
                                 "state")
        if month.year != app.year or month > clock.today():
            raise ProgrammeError(gettext("The month must be in the year approved "
                                         "and have begun"), "month", "month")
        try:
            claimed = Decimal(claimed)
        except ArithmeticError:
            raise ProgrammeError(gettext("Not an amount"), "amount", "claimed") from None
        settled = BillLine.objects.filter(application=app).aggregate(
            s=Sum("accepted"))["s"] or Decimal(0)
        try:
            accepted, cut = rules.accept_bill(claimed.quantize(rules.FEN), app.amount, settled)
        except RuleError as exc:
            raise ProgrammeError(exc.message, "amount", "claimed") from None
        try:
            line = BillLine.objects.create(
                application=app, institution=app.institution, village_id=app.village_id,
                month=month, claimed=claimed, accepted=accepted, cut_reason=cut,
                recorded_by=user)
        except IntegrityError:
            raise ProgrammeError(gettext("The bill for %(month)s is already settled")
                                 % {"month": f"{month:%Y-%m}"},
                                 "duplicate", "month") from None
        places.refresh_persons([app.person_id])  # settled: children's rehabilitation
        record(user=user, action=AuditAction.CREATE, obj=line, person=app.person, request=request,
               summary=f"机构结算 {month:%Y-%m}：申报 {claimed} 元，核定 {accepted} 元")
    return line


# ---- settlement 3: a roster exchanged with another department ---------------------------------

def make_roster(user: Any, code: str, year: int, *, request: Any = None) -> Roster:
    """The year's roster of approved applications of a roster programme, for the user's
    region (one a year; a second call answers the first)."""
    scoping.require(user, Capability.APPROVE)
    version = version_on(code, dt.date(year, 12, 31) if year < clock.today().year
                         else clock.today())
    if version.settlement.kind != "roster":
        raise ProgrammeError(gettext("Not a roster programme"), "kind")
    region = scoping.region_of(user)
    with transaction.atomic():
        roster, made = Roster.objects.get_or_create(
            programme=code, year=year, region=region,
            defaults={"department": version.settlement.department_zh, "made_by": user,
                      "made_on": clock.today()})
        if made:
            lines = [RosterLine(roster=roster, application_id=a["id"], person_id=a["person_id"],
                                village_id=a["village_id"], amount=a["amount"])
                     for a in applications_for(user).filter(programme=code, year=year,
                                                             state="approved")
                     .values("id", "person_id", "village_id", "amount")]
            RosterLine.objects.bulk_create(lines)
            record(user=user, action=AuditAction.EXPORT, obj=roster, request=request,
                   summary=f"{version.name_zh} {year} 年名单 {len(lines)} 人报"
                           f"{version.settlement.department_zh}")
    return roster


ANSWERS = {"成功": True, "已参保": True, "确认": True, "失败": False, "不予确认": False}


def read_confirmation(user: Any, roster_id: int, stream: IO[bytes] | str, *,
                      request: Any = None) -> dict[str, Any]:
    """Read back the department's confirmation (.xlsx: 身份证号, 结果, 说明): every row is
    applied or rejected with its row number and reason; applied rows are one transaction."""
    scoping.require(user, Capability.APPROVE)
    region = scoping.region_of(user)
    roster = Roster.objects.filter(pk=roster_id, region=region).first()
    if roster is None:
        raise PermissionDenied("roster outside region")
    try:
        cols, rows = sheets.table(stream, ["身份证号", "结果", "说明"], max_bytes=20_000_000,
                                  max_rows=200_000)
    except sheets.SheetError as exc:
        raise ProgrammeError(str(exc), "file", "file") from None
    lines = {ln.person.resident_id: ln for ln in roster.lines.select_related("person")}
    seen: set[str] = set()
    rejected, changed = [], []
    for number, row in rows:
        rid = sheets.cell(row, cols["身份证号"]).upper()
        answer = sheets.cell(row, cols["结果"])
        line = lines.get(rid)
        if line is None:
            rejected.append({"row": number, "reason": gettext("Resident ID %(id)s… is not on this roster")
                                                   % {"id": rid[:6]}})
        elif rid in seen:
            rejected.append({"row": number, "reason": gettext("The person is named twice")})
        elif answer not in ANSWERS:
            rejected.append({"row": number, "reason": gettext("Result “%(answer)s” is not "
                                                           "recognised; write 成功 or 失败")
                                                   % {"answer": answer}})
        else:
            seen.add(rid)
            line.confirmed = ANSWERS[answer]
            line.answer = sheets.cell(row, cols["说明"])[:200]
            changed.append(line)
    with transaction.atomic():
        RosterLine.objects.bulk_update(changed, ["confirmed", "answer"])
        places.refresh_persons(ln.person_id for ln in changed)  # insurance premiums settled
        roster.confirmed_on = clock.today()
        roster.rejected_rows = rejected
        roster.save(update_fields=["confirmed_on", "rejected_rows"])
        record(user=user, action=AuditAction.IMPORT, obj=roster, request=request,
               summary=f"{roster.department}确认：{len(changed)} 行已读入，{len(rejected)} 行退回")
    return {"applied": len(changed), "rejected": rejected,
            "confirmed": sum(1 for ln in changed if ln.confirmed)}


# ---- the decision shared by claims, rewards and institution grants ----------------------------

def _locked(user: Any, objects: Any, pk: int, *, what: str, where: Callable[[], Q],
            capability: Capability = Capability.APPROVE) -> Any:
    """The record ``pk`` of ``objects``, locked for the decision or payment, when ``user``
    has ``capability`` and the record lies in their region (``where``, from the scoping
    layer); ``PermissionDenied`` otherwise, the same for a missing record."""
    scoping.require(user, capability)
    found = objects.select_for_update().filter(where(), pk=pk).first()
    if found is None:
        raise PermissionDenied(f"{what} outside region")
    return found


def _decide_guarded(user: Any, item: Any, *, approve: bool, note: str, request: Any,
                    workflow: Workflow, open_state: str, filer_id: int | None, no_reason: str,
                    summary: str, person: Person | None = None,
                    check: Callable[[Any], None] | None = None,
                    replace_note: bool = False) -> None:
    """The one decision (审批) of a claim, a reward or an institution grant, inside the
    caller's transaction on the locked ``item``: refused once decided (its state is no
    longer ``open_state``), refused by the record's own ``check`` (a reward's public
    notice still running), refused to whoever filed, posted or applied (``filer_id``;
    separation of duties, ``core/duties.py``), a refusal without a reason refused
    (``no_reason``); then the state, the decider and the day, the note (``replace_note``:
    even when blank), and the audit event ``summary``."""
    if item.state != open_state:
        raise ProgrammeError(gettext("The application is already decided"), "state")
    if check is not None:
        check(item)
    if duties.conflicts(workflow, DECIDE, reviewer_id=filer_id, actor_id=user.pk):
        raise ProgrammeError(gettext("The reviewer cannot approve"), "separation")
    if not approve and not note.strip():
        raise ProgrammeError(no_reason, "reason", "note")
    item.state = "approved" if approve else "refused"
    item.decided_by, item.decided_on = user, clock.today()
    if note.strip() or replace_note:
        item.note = note.strip()[:300]
    item.save(update_fields=["state", "decided_by", "decided_on", "note"])
    record(user=user, action=AuditAction.TRANSITION, obj=item, person=person, request=request,
           summary=summary)


# ---- accident insurance claims (意外伤害保险理赔) ------------------------------------------------

def file_claim(user: Any, person: Person | int, code: str, *, kind: str, accident_on: dt.date,
               claimed: Decimal, note: str = "", request: Any = None) -> Claim:
    """File a claim for a person covered in the accident's year: on that year's roster and
    confirmed by the insurer. Refused, with every reason, for an unknown kind, an amount not
    above zero, an accident after the report or reported too late, no cover."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    person = _person(user, person)
    today = clock.today()
    version = version_on(code, accident_on if accident_on <= today else today)
    claims = version.settlement.claims
    if claims is None:
        raise ProgrammeError(gettext("This programme pays no claims"), "no_claims")
    try:
        claimed = Decimal(claimed).quantize(rules.FEN)
    except ArithmeticError:
        raise ProgrammeError(gettext("Not an amount"), "amount", "claimed") from None
    line = (RosterLine.objects.filter(person=person, roster__programme=code,
                                      roster__year=accident_on.year, confirmed=True)
            .order_by("-id").first())
    problems = rules.check_claim(claims, kind, claimed, accident_on, today, line is not None)
    if problems:
        raise ProgrammeError(gettext("The claim cannot be accepted: %(problems)s")
                             % {"problems": "；".join(problems)}, "claim")
    assert line is not None  # check_claim refused a claim without cover
    payable, cut = rules.claim_payable(claims, kind, claimed)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                person=person, village_id=person.village_id, programme=code, roster_line=line,
                kind=kind, accident_on=accident_on, reported_on=today, claimed=claimed,
                payable=payable, note=(cut or note)[:300], filed_by=user)
            record(user=user, action=AuditAction.CREATE, obj=claim, person=person,
                   request=request, summary=f"意外伤害保险报案：{rules.CLAIM_KINDS_ZH[kind]}，"
                                            f"申请 {claimed} 元" + (f"；{cut}" if cut else ""))
    except IntegrityError:
        raise ProgrammeError(gettext("This kind of loss from this accident is already claimed"),
                             "duplicate") from None
    return claim


def _claim(user: Any, pk: int, capability: Capability) -> Claim:
    return _locked(user, Claim.objects, pk, capability=capability, what="claim",
                   where=lambda: scoping.region_q(user, "village__code"))


def decide_claim(user: Any, pk: int, *, approve: bool, note: str = "", request: Any = None
                 ) -> Claim:
    """Approve the payable amount or refuse with a reason; never by the person who filed."""
    with transaction.atomic():
        claim = _claim(user, pk, Capability.APPROVE)
        _decide_guarded(
            user, claim, approve=approve, note=note, request=request,
            workflow=Workflow.INSURANCE_CLAIM, open_state="filed", filer_id=claim.filed_by_id,
            no_reason=gettext("Give the reason for refusing the claim"), person=claim.person,
            summary=f"理赔核定赔付 {claim.payable} 元" if approve else "理赔不予赔付")
    return claim


def pay_claim(user: Any, pk: int, *, paid_on: dt.date, request: Any = None) -> Claim:
    """The insurer paid an approved claim (its payment advice read by staff): once."""
    with transaction.atomic():
        claim = _claim(user, pk, Capability.APPROVE)
        if claim.state != "approved":
            raise ProgrammeError(gettext("Only an approved claim is paid"), "state")
        if paid_on > clock.today() or paid_on < (claim.decided_on or paid_on):
            raise ProgrammeError(gettext("The payment date must be after the decision and not "
                                         "in the future"), "date", "paid_on")
        claim.state, claim.paid_on = "paid", paid_on
        claim.save(update_fields=["state", "paid_on"])
        record(user=user, action=AuditAction.TRANSITION, obj=claim, person=claim.person,
               request=request, summary=f"理赔已赔付 {claim.payable} 元（{paid_on}）")
    return claim


# ---- over-quota employer rewards (超比例安排残疾人就业奖励) ------------------------------------

def post_rewards(user: Any, year: int, *, request: Any = None) -> list[EmployerReward]:
    """Post for public notice (公示) a reward for every employer in the user's region whose
    approved declaration of ``year`` counts at least one whole disabled person above the
    quota, set-based; a declaration already posted is left out, so a re-run posts nothing."""
    scoping.require(user, Capability.APPROVE)
    today = clock.today()
    reward = _catalogue().reward_on(today)
    if reward is None:
        raise ProgrammeError(gettext("The rule file sets no over-quota reward for this area"),
                             "no_reward")
    posted = EmployerReward.objects.filter(declaration=OuterRef("pk"))
    rows = (Declaration.objects.filter(scoping.region_q(user, "employer__township__code"),
                                       year=year, state="approved", standing="over")
            .exclude(Exists(posted))
            .values("id", "employer_id", "employer__township_id", "counted", "required"))
    notice = notice_rules.period(today, reward.public_notice_days)
    made = []
    for r in rows:
        persons, amount = rules.reward_amount(
            reward, floor((r["counted"] or 0) - (r["required"] or 0)))
        if persons < 1:
            continue  # over by a fraction of a person: no whole person to reward
        made.append(EmployerReward(
            declaration_id=r["id"], employer_id=r["employer_id"],
            township_id=r["employer__township_id"], year=year, persons=persons, amount=amount,
            notice_first=notice.first, notice_last=notice.last, posted_by=user))
    with transaction.atomic():
        EmployerReward.objects.bulk_create(made)
        record(user=user, action=AuditAction.CREATE, object_type="employerreward",
               object_id=str(year), request=request,
               summary=f"{reward.name_zh} {year} 年公示 {len(made)} 家，"
                       f"{sum((m.amount for m in made), Decimal(0))} 元，"
                       f"{notice.first}–{notice.last}")
    return made


def on_notice(user: Any, day: dt.date | None = None) -> Any:
    """The rewards on public notice on ``day`` in the user's region (the notice list)."""
    day = day or clock.today()
    return (EmployerReward.objects.filter(scoping.region_q(user, "township__code"),
                                          notice_first__lte=day, notice_last__gte=day)
            .select_related("employer").order_by("employer__name"))


def _reward(user: Any, pk: int) -> EmployerReward:
    return _locked(user, EmployerReward.objects, pk, what="reward",
                   where=lambda: scoping.region_q(user, "township__code"))


def decide_reward(user: Any, pk: int, *, approve: bool, note: str = "", request: Any = None
                  ) -> EmployerReward:
    """Approve after the public notice has run (objections may come until its last day),
    never by the person who posted it; a refusal (an objection upheld) needs a reason."""

    def notice_has_run(reward: EmployerReward) -> None:
        if not notice_rules.has_run(reward.notice_last, clock.today()):
            raise ProgrammeError(gettext("The public notice runs until %(day)s; decide after it")
                                 % {"day": reward.notice_last}, "notice")

    with transaction.atomic():
        reward = _reward(user, pk)
        _decide_guarded(
            user, reward, approve=approve, note=note, request=request,
            workflow=Workflow.EMPLOYER_REWARD, open_state="notice",
            filer_id=reward.posted_by_id, check=notice_has_run, replace_note=True,
            no_reason=gettext("Give the reason for refusing the reward"),
            summary=f"超比例奖励{'批准' if approve else '不予批准'} {reward.amount} 元")
    return reward


def pay_reward(user: Any, pk: int, *, paid_on: dt.date, request: Any = None) -> EmployerReward:
    """Record the payment of an approved reward, once."""
    with transaction.atomic():
        reward = _reward(user, pk)
        if reward.state != "approved":
            raise ProgrammeError(gettext("Only an approved reward is paid"), "state")
        if paid_on > clock.today() or paid_on < (reward.decided_on or paid_on):
            raise ProgrammeError(gettext("The payment date must be after the decision and not "
                                         "in the future"), "date", "paid_on")
        reward.state, reward.paid_on = "paid", paid_on
        reward.save(update_fields=["state", "paid_on"])
        record(user=user, action=AuditAction.TRANSITION, obj=reward, request=request,
               summary=f"超比例奖励已发放 {reward.amount} 元（{paid_on}）")
    return reward


# ---- institution support: 辅助性就业机构 / 盲人按摩机构 -------------------------------------

def apply_support(user: Any, institution: Institution | int, code: str, year: int,
                  resident_ids: list[str], *, request: Any = None) -> InstitutionGrant:
    """Apply for the year's support of an institution (supported-employment unit or
    blind-massage institution) with the disabled workers it employs. Every worker is
    checked by the rule file's ``workers`` rules on the day (today for this year, 31
    December for a past year) and recorded with the reasons; the grant is ``per_person``
    for each worker who counts. Refused as a whole, every line's problem named, when a
    resident ID is malformed, unknown in the user's area, named twice or already counted
    by another institution that year; refused when no rule is in force, the institution is
    of another kind, closed, or too few workers count."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    today = clock.today()
    if year > today.year or year < today.year - 1:
        raise ProgrammeError(gettext("Apply for this year or last year"), "year", "year")
    on = today if year == today.year else dt.date(year, 12, 31)
    support = _catalogue().support_on(code, on)
    if support is None:
        raise ProgrammeError(gettext("The rule file of this area sets no such institution "
                                     "support"), "no_support")
    pk = institution.pk if isinstance(institution, Institution) else institution
    found = Institution.objects.filter(scoping.region_range_q(user, "township__code"),
                                       pk=pk).first()
    if found is None:
        raise PermissionDenied("institution outside region")
    if found.kind != support.institution_kind:
        raise ProgrammeError(gettext("%(name)s is not a %(kind)s")
                             % {"name": found.name,
                                "kind": InstitutionKind(support.institution_kind).label},
                             "kind", "institution")
    if found.opened_on > on or (found.closed_on and found.closed_on < dt.date(year, 1, 1)):
        raise ProgrammeError(gettext("The institution was not open in %(year)s")
                             % {"year": year}, "closed", "institution")
    ids = [r.strip().upper() for r in resident_ids if r.strip()]
    if not ids:
        raise ProgrammeError(gettext("Name the disabled workers (one resident ID a line)"),
                             "empty", "workers")
    persons = {p.resident_id: p for p in scoping.people_for(user).filter(resident_id__in=ids)}
    taken = set(InstitutionWorker.objects.filter(
        grant__support=code, grant__year=year, counts=True,
        person__resident_id__in=ids).exclude(grant__state="refused")
        .exclude(grant__institution=found).values_list("person__resident_id", flat=True))
    problems, seen = [], set()
    for line, rid in enumerate(ids, start=1):
        if not idnumber.is_valid(rid):
            problems.append(gettext("line %(line)s: %(id)s is not a valid resident ID")
                            % {"line": line, "id": rid[:18]})
        elif rid in seen:
            problems.append(gettext("line %(line)s: the worker is named twice") % {"line": line})
        elif rid not in persons:
            problems.append(gettext("line %(line)s: no person with resident ID %(id)s in your "
                                    "area (ask the federation)")
                            % {"line": line, "id": idnumber.mask(rid)})
        elif rid in taken:
            problems.append(gettext("line %(line)s: %(id)s already counts for another "
                                    "institution in %(year)s")
                            % {"line": line, "id": idnumber.mask(rid), "year": year})
        seen.add(rid)
    if problems:
        raise ProgrammeError(gettext("The worker list cannot be accepted: %(problems)s")
                             % {"problems": "；".join(problems)}, "workers", "workers")
    found_facts = facts.facts_many(Person.objects.filter(pk__in=[p.pk for p in persons.values()]),
                                   on)
    verdicts = {pid: rules.worker_verdict(support, f, on) for pid, (_r, f) in found_facts.items()}
    counted = sum(1 for ok, _reasons in verdicts.values() if ok)
    persons_paid, amount, why = rules.support_amount(support, counted)
    if persons_paid < 1:
        raise ProgrammeError(gettext("Not enough workers count for %(name)s: %(why)s")
                             % {"name": support.name_zh, "why": why}, "too_few", "workers")
    try:
        with transaction.atomic():
            grant = InstitutionGrant.objects.create(
                institution=found, township_id=found.township_id, support=code,
                version=support.effective_from.isoformat(), year=year, named=len(ids),
                counted=counted, persons=persons_paid, amount=amount, note=why,
                applied_by=user, applied_on=today)
            InstitutionWorker.objects.bulk_create([
                InstitutionWorker(grant=grant, person_id=pid,
                                  village_id=found_facts[pid][0]["village_id"], counts=ok,
                                  reasons=[{"rule": r.rule, "passed": r.passed, "zh": r.text_zh,
                                            "en": r.text_en} for r in reasons])
                for pid, (ok, reasons) in verdicts.items()])
            record(user=user, action=AuditAction.CREATE, obj=grant, request=request,
                   summary=f"{support.name_zh} {year} 年申请：{found.name}，申报 {len(ids)} 人，"
                           f"符合 {counted} 人，{amount} 元")
    except IntegrityError:
        raise ProgrammeError(gettext("%(name)s already applied for %(year)s")
                             % {"name": found.name, "year": year}, "duplicate") from None
    return grant


def _grant(user: Any, pk: int) -> InstitutionGrant:
    return _locked(user, InstitutionGrant.objects, pk, what="grant",
                   where=lambda: scoping.region_range_q(user, "township__code"))


def decide_support(user: Any, pk: int, *, approve: bool, note: str = "", request: Any = None
                   ) -> InstitutionGrant:
    """Approve the grant or refuse it with a reason; never by the person who applied."""
    with transaction.atomic():
        grant = _grant(user, pk)
        _decide_guarded(
            user, grant, approve=approve, note=note, request=request,
            workflow=Workflow.INSTITUTION_SUPPORT, open_state="applied",
            filer_id=grant.applied_by_id,
            no_reason=gettext("Give the reason for refusing the support"),
            summary=f"机构扶持{'批准' if approve else '不予批准'} {grant.amount} 元")
    return grant


def pay_support(user: Any, pk: int, *, paid_on: dt.date, request: Any = None
                ) -> InstitutionGrant:
    """Record the payment of an approved grant to the institution, once."""
    with transaction.atomic():
        grant = _grant(user, pk)
        if grant.state != "approved":
            raise ProgrammeError(gettext("Only an approved grant is paid"), "state")
        if paid_on > clock.today() or paid_on < (grant.decided_on or paid_on):
            raise ProgrammeError(gettext("The payment date must be after the decision and not "
                                         "in the future"), "date", "paid_on")
        grant.state, grant.paid_on = "paid", paid_on
        grant.save(update_fields=["state", "paid_on"])
        record(user=user, action=AuditAction.TRANSITION, obj=grant, request=request,
               summary=f"机构扶持资金已拨付 {grant.amount} 元（{paid_on}）")
    return grant
