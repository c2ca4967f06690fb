"""Monthly payment rolls (月度发放): generate, check, finalise.

Generation is set-based: a handful of queries read every grant with its person,
household, certificate, suspensions and what finalised rolls already paid (``ledger``);
the lines are computed in memory (the pure rules are evaluated once per distinct
combination of facts, not per person) and written with one bulk insert.

For the month M, each person is owed, for each subsidy, across all their grants of it:

- *regular*: M, when a grant pays M and M is not yet paid;
- *arrears*: every earlier month a grant pays and that is not yet paid (a grant approved in
  April that counts from January; a suspension lifted with back pay); a failed payment is
  paid again as a *reissue* line instead. Arrears of more months than the configured limit
  wait for a second approval (``actions.approve_arrears``);
- *recovery*: minus the payment of a month that no grant covers any more (a death or a stop
  recorded after the month was paid).

A grant *covers* a month between its start and end outside every suspension without back
pay; it *pays* a covered month from its first payable month on, unless a suspension is
still open. A finalised roll is never changed again; regenerating a draft with the same
inputs yields the same lines (the roll's digest says so); and the ``never_pay_twice``
unique index holds at most one outstanding payment per person, subsidy and month in the
database itself. ``docs/payments.md`` states each guarantee and how it is enforced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from canlian.accounts import scoping
from canlian.audit.actions import record
from canlian.audit.models import Action as AuditAction
from canlian.certificates.models import Certificate
from canlian.core import bulk, clock, crypto
from canlian.core.domain import DomainError
from canlian.core.months import month_start
from canlian.regions.models import Region

from . import eligibility, ledger, likely, paid_years, standing
from .facts import facts_from_row, ruleset_for
from .models import (
    OPEN_APPLICATION_STATES,
    Grant,
    LineKind,
    PaidYear,
    PaymentStatus,
    Roll,
    RollLine,
    RollStatus,
    SubsidyApplication,
    Suspension,
)


class RollError(DomainError):
    """A roll operation refused (e.g. changing a finalised roll)."""

    code = "roll_refused"



def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    month = month_start(first)
    while month <= last:
        yield month
        month = add_months(month, 1)


# ---- reading the inputs, set-based ---------------------------------------------------------

GRANT_FIELDS = (
    "id", "person_id", "subsidy", "start_month", "first_payable_month", "end_month",
    "arrears_approved_from", "bank_account",
    "needs_long_term_care", "care_months", "institutional_care", "own_income",
    "hukou_in_region", "work_injury_care_allowance", "orphan_basic_living", "other_allowances",
)


def grant_rows(region: Region, up_to: dt.date, *, where: Q | None = None
               ) -> list[dict[str, Any]]:
    """Every grant of the region that may owe something up to ``up_to`` (and matches
    ``where``), with its facts."""
    grants = Grant.objects.filter(scoping.within(region, "person__village__code"),
                                  start_month__lte=up_to)
    if where is not None:
        grants = grants.filter(where)
    rows = list(
        grants.values(*GRANT_FIELDS, "person__name", "person__village_id", "person__birth_date",
                      "person__death_date", "person__household__household_type",
                      "person__household__monthly_income_per_capita")
    )
    latest: dict[int, dict[str, Any]] = {}
    for c in (Certificate.objects.filter(person_id__in=grants.values("person_id"))
              .order_by("person_id", "issue_date", "id")
              .values("person_id", "status", "valid_until", "ended_on", "category", "grade")):
        latest[c["person_id"]] = dict(c)  # ordered ascending: the last one wins
    for r in rows:
        c = latest.get(r["person_id"], {})  # type: ignore[assignment]
        r.update(
            payee=r.pop("person__name"), village_code=r.pop("person__village_id"),
            birth_date=r.pop("person__birth_date"), death_date=r.pop("person__death_date"),
            household_type=r.pop("person__household__household_type"),
            income=r.pop("person__household__monthly_income_per_capita"),
            cert_status=c.get("status"), cert_valid_until=c.get("valid_until"),
            cert_ended_on=c.get("ended_on"), cert_category=c.get("category"),
            cert_grade=c.get("grade"),
        )
    return rows


Suspended = list[tuple[dt.date, dt.date | None, bool]]  # (from, through or open, back pay)


def suspensions(region: Region) -> dict[int, Suspended]:
    """Per grant of the region, its suspensions (from, through, back pay)."""
    result: dict[int, Suspended] = defaultdict(list)
    for s in (Suspension.objects.filter(scoping.within(region, "grant__person__village__code"))
              .values("grant_id", "from_month", "to_month", "back_pay")):
        result[s["grant_id"]].append((s["from_month"], s["to_month"], s["back_pay"]))
    return result


def settled_since(region: Region, month: dt.date) -> dt.datetime | None:
    """When last month's regular roll read its inputs "as of" (less a margin), or None if it
    was not finalised.

    Grants unchanged since then (grant and person), without failed payments, are *settled*:
    that roll paid all they were owed, so only the month itself is checked for them
    (``standing``); every other grant is reviewed month by month for arrears and
    recoveries. The moment is when finalisation read its inputs, or the start of the oldest
    write then still open (``inputs_read_moment``), not the finalisation stamp: a suspension
    committed while the checks ran would otherwise look settled and its overpayment would
    never be recovered. The margin covers app servers whose clocks differ a little from the
    database's."""
    previous = Roll.objects.filter(region=region, month=add_months(month, -1), kind="regular",
                                   status=RollStatus.FINALISED).first()
    if previous is None:
        return None
    read = previous.inputs_read_at or previous.finalised_at
    return None if read is None else read - SETTLE_MARGIN


SETTLE_MARGIN = dt.timedelta(seconds=60)


def review_persons(region: Region, month: dt.date, since: dt.datetime) -> set[int]:
    """Persons whose grants are reviewed month by month: a grant new this month or changed
    since ``since``, a person changed since then, a failed payment, or more than one grant
    of a subsidy (their months are weighed across the grants)."""
    grants = Grant.objects.filter(scoping.within(region, "person__village__code"),
                                  start_month__lte=month)
    changed = grants.filter(standing.unsettled_q(since, month) | Q(
        id__in=ledger.finalised_in(region).filter(
            payment_status=PaymentStatus.FAILED).values("grant_id")))
    # Grouped over the grants alone, not joined to the persons for the region (a third of a
    # second at 200,000 persons): a person of another region among them changes nothing, as
    # every reader of the reviewed persons (``grant_rows``, ``ledger``) keeps to the region.
    several = (Grant.objects.filter(start_month__lte=month).values("person_id", "subsidy")
               .order_by().annotate(n=Count("id")).filter(n__gt=1)
               .values_list("person_id", flat=True))
    return set(changed.values_list("person_id", flat=True)) | set(several)


# ---- computing the lines ------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    grant_id: int
    person_id: int
    subsidy: str
    period: dt.date
    kind: str
    amount: Decimal
    rule_version: str
    reason: str
    village_code: str
    payee: str
    bank_account: str

    def key(self) -> tuple:
        return (self.grant_id, self.period, self.kind, str(self.amount), self.payee,
                self.bank_account, self.village_code)


class _Amounts:
    """Evaluates the pure rules once per distinct combination of the facts that matter.

    Household and own income (and age, for the working-age income test) only matter to the
    living subsidy of a household not already in 低保/特困, so elsewhere they are left out
    of the key: a district's grants then fall into a few hundred combinations.
    """
    def __init__(self) -> None:
        self.ruleset = ruleset_for()
        self.cache: dict[tuple, eligibility.Decision] = {}

    def decide(self, row: dict[str, Any], period: dt.date) -> eligibility.Decision:
        key = _key(row, period)
        decision = self.cache.get(key)
        if decision is None:
            decision = eligibility.decide(self.ruleset, row["subsidy"],
                                          facts_from_row(row, period), period)
            self.cache[key] = decision
        return decision


def _key(row: dict[str, Any], period: dt.date) -> tuple:
    valid_until, status, ended = row["cert_valid_until"], row["cert_status"] or "none", \
        row.get("cert_ended_on")
    if status == "issued" and valid_until is not None and valid_until < period:
        status = "expired"
    if status in ("cancelled", "expired", "replaced") and ended and ended > period:
        status = "issued"
    alive = row["death_date"] is None or row["death_date"] > period
    household = row["household_type"] or "ordinary"
    income_matters = row["subsidy"] == "living" and household not in ("dibao", "tekun")
    return (row["subsidy"], period, status, row["cert_category"], row["cert_grade"], household,
            alive, row["needs_long_term_care"], row["care_months"], row["institutional_care"],
            row["hukou_in_region"], row["work_injury_care_allowance"],
            row["orphan_basic_living"], tuple(sorted((row["other_allowances"] or {}).items())),
            (row["income"], row["own_income"], row["birth_date"]) if income_matters else None)


def entitled(row: dict[str, Any], period: dt.date, suspended: Suspended) -> bool:
    """The grant covers the month: within its start and end, and not in a suspension
    without back pay (暂停不补发). A month paid that is not covered by any of the person's
    grants of the subsidy is recovered."""
    if period < row["start_month"]:
        return False
    if row["end_month"] is not None and period > row["end_month"]:
        return False
    return not any(f <= period and (t is None or period <= t) and not back
                   for f, t, back in suspended)


def payable(row: dict[str, Any], period: dt.date, suspended: Suspended) -> bool:
    """The grant pays the month now: covered, paid by this system (from its first payable
    month) and not withheld by a suspension still open (with back pay: paid when lifted)."""
    return (entitled(row, period, suspended) and period >= row["first_payable_month"]
            and not any(f <= period and t is None for f, t, _ in suspended))


@dataclass(frozen=True)
class Held:
    """Arrears beyond the limit, waiting for a second approval (not in the roll)."""
    grant_id: int
    person_id: int
    payee: str
    subsidy: str
    first: dt.date
    months: int
    amount: Decimal

    def as_json(self) -> dict[str, Any]:
        return {"grant_id": self.grant_id, "person_id": self.person_id, "payee": self.payee,
                "subsidy": self.subsidy, "first": f"{self.first:%Y-%m}", "months": self.months,
                "amount": str(self.amount)}


@dataclass
class Computed:
    """A month's lines: those reviewed one by one here, and the settled grants' regular
    lines computed in the database (``standing``; held in a temp table until written)."""

    lines: list[Line]
    standing: standing.Standing | None = None
    held: list[Held] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lines) + (self.standing.count if self.standing else 0)

    @property
    def total(self) -> Decimal:
        return (sum((line.amount for line in self.lines), Decimal(0))
                + (self.standing.total if self.standing else Decimal(0)))

    def digest(self) -> str:
        """What the lines pay, to whom and where, independent of their order."""
        h = hashlib.sha256("\n".join(sorted(repr(line.key()) for line in self.lines)).encode())
        if self.standing:
            h.update(self.standing.digest_text().encode())
        return h.hexdigest()


def arrears_limit() -> int:
    return int(getattr(settings, "CANLIAN_ARREARS_LIMIT_MONTHS", 6))


def compute_lines(region: Region, month: dt.date, *, in_database: bool = True) -> Computed:
    """The lines ``month`` owes. ``in_database=False`` reviews every grant month by month
    (the slow path, kept for the test that holds both paths to the same answer)."""
    month = month_start(month)
    since = settled_since(region, month) if in_database else None
    amounts = _Amounts()
    settled = None
    persons: Any = None
    if since is not None:
        standing.mark_review(review_persons(region, month, since))
        settled = standing.gather(region, month, amounts.decide)
        persons = standing.review_subquery()
    rows = grant_rows(region, month,
                      where=None if persons is None else Q(person_id__in=persons))
    held_back = suspensions(region)
    paid = ledger.outstanding(region, persons)
    failed = ledger.failed(region, persons)
    by_person: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_person[(row["person_id"], row["subsidy"])].append(row)
    lines: list[Line] = []
    held: list[Held] = []
    for (person_id, subsidy), grants in by_person.items():
        grants.sort(key=lambda r: (r["start_month"], r["id"]))
        owed = _owed(person_id, subsidy, grants, month, held_back, paid, failed, amounts)
        arrears = [line for line in owed if line.kind == LineKind.ARREARS]
        if len(arrears) > arrears_limit() and not _arrears_approved(grants, arrears):
            first = min(line.period for line in arrears)
            held.append(Held(arrears[0].grant_id, person_id, arrears[0].payee, subsidy, first,
                             len(arrears), sum((line.amount for line in arrears), Decimal(0))))
            owed = [line for line in owed if line.kind != LineKind.ARREARS]
        lines.extend(owed)
    return Computed(lines, settled, held)


def _owed(person_id: int, subsidy: str, grants: list[dict[str, Any]], month: dt.date,
          held_back: dict[int, Suspended], paid: dict[ledger.Key, ledger.Payment],
          failed: set[ledger.Key], amounts: _Amounts) -> list[Line]:
    """What one person is owed (or owes back) for one subsidy up to ``month``, weighing every
    month across all their grants of it: a month is paid once if any grant pays it, and
    recovered only if no grant covers it."""
    rows = {row["id"]: row for row in grants}
    result: list[Line] = []
    # Payments exist only from a grant's first payable month (this system's first payment).
    first = min(row["first_payable_month"] for row in grants)
    for period in months(first, month):
        covering = [row for row in grants if entitled(row, period, held_back.get(row["id"], []))]
        payment = paid.get((person_id, subsidy, period))
        if payment is not None:
            if not covering:
                row = rows.get(payment.grant_id, grants[-1])
                result.append(_line(row, period, LineKind.RECOVERY, -payment.amount, "",
                                    f"追回 {period:%Y-%m}（该月不应发放）",
                                    grant_id=payment.grant_id))
            continue
        row = next((r for r in covering if payable(r, period, held_back.get(r["id"], []))), None)  # type: ignore[arg-type]
        if row is None:
            continue
        decision = amounts.decide(row, period)
        if not decision.eligible or decision.monthly_amount <= 0:
            continue
        kind = (LineKind.REISSUE if (person_id, subsidy, period) in failed
                else LineKind.REGULAR if period == month else LineKind.ARREARS)
        reason = {
            LineKind.REGULAR: standing.REASON,
            LineKind.ARREARS: f"补发 {period:%Y-%m}",
            LineKind.REISSUE: f"重发 {period:%Y-%m}（上次发放失败）",
        }[kind]
        result.append(_line(row, period, kind, decision.monthly_amount, decision.rule_version,
                            reason))
    return result


def _line(row: dict[str, Any], period: dt.date, kind: str, amount: Decimal, rule_version: str,
          reason: str, *, grant_id: int | None = None) -> Line:
    return Line(grant_id=grant_id or row["id"], person_id=row["person_id"],
                subsidy=row["subsidy"], period=period, kind=kind, amount=amount,
                rule_version=rule_version, reason=reason, village_code=row["village_code"],
                payee=row["payee"], bank_account=row["bank_account"])


def _arrears_approved(grants: list[dict[str, Any]], arrears: list[Line]) -> bool:
    """A second approval (补发审批) on the grant covers arrears from its month on."""
    approved = {row["id"]: row["arrears_approved_from"] for row in grants}
    return all(approved.get(line.grant_id) is not None
               and approved[line.grant_id] <= line.period for line in arrears)


# ---- the roll's life ----------------------------------------------------------------------

@dataclass
class Outcome:
    roll: Roll
    changed: bool
    message: str


def generate(region: Region, month: dt.date, *, user: Any = None,
             request: HttpRequest | None = None) -> Outcome:
    """Create or refresh the draft roll for ``month``; a finalised month is left alone.
    Audited with the roll, in the same transaction (``user`` None: the command line).

    Two generations at once cannot both write: the second waits on the roll's row lock or
    hits the one-draft/one-regular-roll constraints and is refused with a message."""
    try:
        return _generate(region, month, user=user, request=request)
    except IntegrityError as exc:
        if "never_pay_twice" in str(exc):
            raise RollError(gettext("A second payment of a month was refused")) from exc
        raise RollError(gettext("Another generation is running; reload shortly")) from None


def not_in_the_future(month: dt.date) -> None:
    """A roll pays a month that has begun: none is made or finalised ahead of it."""
    if month_start(month) > clock.this_month():
        raise RollError(gettext("%(month)s has not begun: its roll cannot be made or finalised yet")
                         % {"month": f"{month:%Y-%m}"})


def _generate(region: Region, month: dt.date, *, user: Any = None,
              request: HttpRequest | None = None) -> Outcome:
    month = month_start(month)
    not_in_the_future(month)
    with transaction.atomic():
        regular = Roll.objects.select_for_update().filter(region=region, month=month,
                                                          kind="regular").first()
        draft = Roll.objects.select_for_update().filter(region=region,
                                                        status=RollStatus.DRAFT).first()
        if regular is not None and regular.status == RollStatus.FINALISED:
            if draft is not None and draft.month == month:
                roll = draft  # an adjustment roll in progress for this month
            else:
                roll = Roll.objects.create(region=region, month=month, kind="adjustment",
                                           sequence=_next_sequence(region, month),
                                           created_by=_actor(user))
        elif draft is not None and draft.month != month:
            raise RollError(gettext("Finalise or delete the draft of %(month)s first")
                             % {"month": f"{draft.month:%Y-%m}"})
        else:
            roll = regular or Roll.objects.create(region=region, month=month, kind="regular",
                                                  sequence=_next_sequence(region, month),
                                                  created_by=_actor(user))
        computed = compute_lines(region, month)
        try:
            outcome = _write(roll, regular, computed)
        finally:
            standing.drop()
        record(user=user, action=AuditAction.UPDATE if outcome.changed else AuditAction.VIEW,
               obj=outcome.roll, request=request,
               summary=f"生成花名册 {month:%Y-%m}：{outcome.roll.line_count} 笔，"
                       f"{outcome.roll.total} 元{_via(user)}")
        if outcome.changed:  # after commit: the next roll and the checks plan on fresh statistics
            bulk.analyze(RollLine, rows=outcome.roll.line_count)
    return outcome


def _actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _via(user: Any) -> str:
    return "" if _actor(user) else "（命令行或系统任务）"


def _write(roll: Roll, regular: Roll | None, computed: Computed) -> Outcome:
    new_digest = computed.digest()
    count = computed.count
    held = [h.as_json() for h in computed.held]
    if roll.digest == new_digest and roll.line_count == count and roll.held_arrears == held:
        return Outcome(roll, False, gettext("Unchanged"))
    RollLine.objects.filter(roll=roll).delete()
    bulk.insert(RollLine._meta.db_table, LINE_COLUMNS,
                ((roll.pk, line.grant_id, line.person_id, line.subsidy, line.period, line.kind,
                  line.amount, line.rule_version, line.reason, line.village_code, line.payee,
                  crypto.encrypt(line.bank_account), PaymentStatus.PENDING, "")
                 for line in computed.lines))
    if computed.standing:
        computed.standing.write(roll.pk)
    roll.digest = new_digest
    roll.line_count = count
    roll.total = computed.total
    roll.held_arrears = held
    roll.save(update_fields=["digest", "line_count", "total", "held_arrears"])
    if roll.kind == "adjustment" and not count:
        roll.delete()
        return Outcome(regular or roll, False, gettext("Nothing to adjust"))
    return Outcome(roll, True, ngettext("Generated %(n)s line", "Generated %(n)s lines", count)
                                % {"n": f"{count:,}"})


LINE_COLUMNS = ("roll_id", "grant_id", "person_id", "subsidy", "period", "kind", "amount",
                "rule_version", "reason", "village_code", "payee", "bank_account",
                "payment_status", "failure_reason")


def _next_sequence(region: Region, month: dt.date) -> int:
    last = Roll.objects.filter(region=region, month=month).order_by("-sequence").first()
    return (last.sequence + 1) if last else 1


# ---- precision checks (精准发放核查) --------------------------------------------------------

CHECKS = {
    "deceased": "已故人员",
    "certificate": "残疾人证已注销或过期",
    "duplicate": "同一人同月重复发放（含以往各月已发放）",
    "amount": "金额与规则不符",
    "held": "补发超过期限，待第二人审批（本次未列入）",
    "gap": "可能符合条件但未享受（应享未享）",
}
BLOCKING = ("deceased", "certificate", "duplicate", "amount")


def checks(roll: Roll) -> dict[str, list[dict[str, Any]]]:
    """Each precision check with the persons it finds; the first four block finalising.
    "Paid twice" looks across the person's whole payment history, not only this roll."""
    lines = list(roll.lines.exclude(kind=LineKind.RECOVERY).values(
        "id", "grant_id", "person_id", "subsidy", "period", "amount", "payee", "village_code"))
    found: dict[str, list[dict[str, Any]]] = {k: [] for k in CHECKS}
    found["held"] = list(roll.held_arrears)
    found["gap"] = gap_list(roll.region, roll.month)
    if not lines:
        return found
    found["duplicate"] = ledger.paid_twice_by(roll.pk)
    rows = {r["id"]: r for r in grant_rows(roll.region, roll.month)}
    amounts = _Amounts()
    for line in lines:
        row = rows.get(line["grant_id"])
        if row is None:
            continue
        death = row["death_date"]
        if death is not None and month_start(death) < line["period"]:
            found["deceased"].append({**line, "detail": f"{death} 去世"})
            continue
        facts = facts_from_row(row, line["period"])
        if facts.certificate_status != "issued":
            found["certificate"].append({**line, "detail": facts.certificate_status})
            continue
        decision = amounts.decide(row, line["period"])
        if decision.monthly_amount != line["amount"]:
            found["amount"].append({**line, "detail": f"规则金额 {decision.monthly_amount}"})
    return found


def gap_list(region: Region, month: dt.date, limit: int | None = None) -> list[dict[str, Any]]:
    """Certified, living persons whom the registry facts make likely eligible for a subsidy
    they neither receive nor have applied for (应享未享). "Likely eligible" is the one
    definition in ``likely`` (also the plan's subsidy coverage). No cap by default: the
    roll's check reports the whole count (a cap of 2000 once showed "2000" for 2,794)."""
    covered = set(Grant.objects.filter(scoping.within(region, "person__village__code"))
                  .exclude(status="stopped").values_list("person_id", "subsidy"))
    covered |= set(SubsidyApplication.objects.filter(
        scoping.within(region, "person__village__code"), state__in=OPEN_APPLICATION_STATES)
        .values_list("person_id", "subsidy"))
    result = []
    for p, subsidy in likely.candidates(region, month):
        if (p["id"], subsidy) in covered:
            continue
        result.append({"person_id": p["id"], "payee": p["name"], "subsidy": subsidy,
                       "village_code": p["village_id"]})
        if limit is not None and len(result) >= limit:
            break
    return result


def finalise(roll: Roll, *, user: Any = None, override: bool = False,
             request: HttpRequest | None = None) -> Roll:
    """Freeze the roll: its inputs are read again and must give the draft's lines; the
    precision checks must pass; recoveries take back their payments; the paid persons'
    summary grows; the act is audited in the same transaction."""
    not_in_the_future(roll.month)
    with transaction.atomic():
        roll = Roll.objects.select_for_update().get(pk=roll.pk)
        if roll.status == RollStatus.FINALISED:
            raise RollError(gettext("Already finalised"))
        read_at = inputs_read_moment()
        try:
            fresh = compute_lines(roll.region, roll.month).digest()
        finally:
            standing.drop()
        if fresh != roll.digest:
            raise RollError(gettext("Inputs changed: regenerate first"))
        if not override:
            found = checks(roll)
            blocking = {k: len(found[k]) for k in BLOCKING if found[k]}
            if blocking:
                summary = "，".join(f"{CHECKS[k]} {n} 人" for k, n in blocking.items())
                raise RollError(gettext("The checks failed: %(summary)s") % {"summary": summary})
        roll.status = RollStatus.FINALISED
        roll.finalised_by = _actor(user)
        roll.finalised_at = timezone.now()
        roll.inputs_read_at = read_at
        roll.save(update_fields=["status", "finalised_by", "finalised_at", "inputs_read_at"])
        paid_years.add_roll(roll.pk)
        paid_years.recompute(ledger.settle_recoveries(roll.pk))
        record(user=user, action=AuditAction.TRANSITION, obj=roll, request=request,
               summary=f"花名册 {roll.month:%Y-%m} 定稿，{roll.line_count} 笔，{roll.total} 元"
                       f"{'（跳过核查）' if override else ''}{_via(user)}",
               changes={"status": ["draft", "finalised"]})
        bulk.analyze(RollLine, PaidYear, rows=roll.line_count)
    return roll


def inputs_read_moment() -> dt.datetime:
    """The moment finalisation reads its inputs "as of": now, or, on PostgreSQL, when the
    oldest other transaction that has written and not yet committed began, if earlier.

    Such a transaction may have changed a grant (stamped before this read) that this read
    does not see, and commit afterwards; next month's roll treats as settled only grants
    unchanged since this moment, so it reviews that grant. Nothing is locked: approvals,
    deaths and imports go on while a roll is finalised. SQLite needs no such care: it has
    one writer at a time, and finalisation's transaction is that writer from its start."""
    read = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("""SELECT min(xact_start) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND backend_xid IS NOT NULL""")
            oldest = cursor.fetchone()[0]
        if oldest is not None and oldest < read:
            return oldest
    return read


def township_summary(roll: Roll) -> list[dict[str, Any]]:
    names = dict(Region.objects.filter(level="township").values_list("code", "name"))
    totals: dict[str, dict[str, Any]] = {}
    for line in roll.lines.values("village_code", "subsidy", "amount", "person_id"):
        code = line["village_code"][:9] + "000"
        t = totals.setdefault(code, {"township": names.get(code, code), "code": code,
                                     "living": Decimal(0), "nursing": Decimal(0),
                                     "persons": set(), "lines": 0})
        t[line["subsidy"]] += line["amount"]
        t["persons"].add(line["person_id"])
        t["lines"] += 1
    return [{**t, "persons": len(t["persons"]), "total": t["living"] + t["nursing"]}
            for _, t in sorted(totals.items())]
