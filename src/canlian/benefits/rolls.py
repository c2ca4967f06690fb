"""Monthly payment rolls (月度发放): generate, check, finalise, pay, reconcile.

Generation is set-based: a handful of queries read every grant with its person,
household, certificate, suspensions and what finalised rolls already paid; the lines
are computed in memory (the pure rules are evaluated once per distinct combination of
facts, not per person) and written with one bulk insert.

For the month M, each grant owes:

- *regular*: M, when M is due and not yet paid;
- *arrears*: every earlier due month not yet paid (a grant approved in April that counts
  from January; a suspension lifted with back pay; a failed payment is re-issued as a
  *reissue* line instead);
- *recovery*: minus what was paid for a month that is no longer due (a death recorded
  after the month was paid).

A month is due when it lies between the grant's start and end and outside every
suspension that is still open or has no back pay. A finalised roll is never changed
again; regenerating a draft with the same inputs yields the same lines (the roll's
digest says so), and the ``never_pay_twice`` constraint makes a double payment
impossible in the database itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from canlian.certificates.models import Certificate
from canlian.core import bulk
from canlian.regions.models import Region

from . import eligibility, paid_years, standing
from .facts import facts_from_row, ruleset_for
from .models import Grant, LineKind, PaymentStatus, Roll, RollLine, RollStatus


class RollError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


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
    "id", "person_id", "subsidy", "start_month", "end_month", "bank_account",
    "needs_long_term_care", "care_months", "institutional_care", "own_income",
    "hukou_in_region", "work_injury_care_allowance", "orphan_basic_living", "other_allowances",
)


def grant_rows(region: Region, up_to: dt.date, *, where: Q | None = None
               ) -> list[dict[str, Any]]:
    """Every grant of the region that may owe something up to ``up_to`` (and matches
    ``where``), with its facts."""
    grants = Grant.objects.filter(person__village__code__range=region.code_range,
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
        latest[c["person_id"]] = c  # ordered ascending: the last one wins
    for r in rows:
        c = latest.get(r["person_id"], {})
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


def unpaid_suspensions(region: Region) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
    """Per grant of the region, the (from, to) month ranges that are not payable (open, or
    lifted without back pay)."""
    from .models import Suspension

    result: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for s in (Suspension.objects.filter(grant__person__village__code__range=region.code_range)
              .filter(Q(to_month=None) | Q(back_pay=False))
              .values("grant_id", "from_month", "to_month")):
        result[s["grant_id"]].append((s["from_month"], s["to_month"]))
    return result


def _finalised_lines(region: Region):  # type: ignore[no-untyped-def]
    return RollLine.objects.filter(village_code__range=region.code_range,
                                   roll__status=RollStatus.FINALISED)


def paid_lines(first: dt.date, last: dt.date):  # type: ignore[no-untyped-def]
    """Payments made for the months ``first``–``last``: finalised, positive, not failed.
    The one definition of "paid"; the indicators read its per-year summary
    (``paid_years``)."""
    return RollLine.objects.filter(period__range=(first, last), roll__status=RollStatus.FINALISED,
                                   amount__gt=0).exclude(payment_status=PaymentStatus.FAILED)


def paid_so_far(region: Region, grant_ids: list[int]) -> dict[tuple[int, dt.date], Decimal]:
    """Net amount paid per (grant, month) by finalised rolls (failed payments excluded)."""
    lines = _finalised_lines(region).exclude(payment_status=PaymentStatus.FAILED)
    if len(grant_ids) <= 5000:
        lines = lines.filter(grant_id__in=grant_ids)
    totals: dict[tuple[int, dt.date], Decimal] = {}
    for row in lines.values("grant_id", "period").annotate(total=Sum("amount")):
        totals[(row["grant_id"], row["period"])] = row["total"]
    return totals


def failed_unreissued(region: Region) -> set[tuple[int, dt.date]]:
    return set(_finalised_lines(region).filter(payment_status=PaymentStatus.FAILED)
               .values_list("grant_id", "period"))


def settled_since(region: Region, month: dt.date) -> dt.datetime | None:
    """When last month's regular roll was finalised, or None if it was not.

    Grants unchanged since then (grant and person), without failed payments, are *settled*:
    that roll paid all they were owed, so only the month itself is checked for them
    (``standing``); every other grant is reviewed month by month for arrears and
    recoveries."""
    previous = Roll.objects.filter(region=region, month=add_months(month, -1), kind="regular",
                                   status=RollStatus.FINALISED).first()
    return None if previous is None else previous.finalised_at


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


def _due(row: dict[str, Any], period: dt.date,
         suspended: list[tuple[dt.date, dt.date | None]]) -> bool:
    if period < row["start_month"]:
        return False
    if row["end_month"] is not None and period > row["end_month"]:
        return False
    return not any(f <= period and (t is None or period <= t) for f, t in suspended)


@dataclass
class Computed:
    """A month's lines: those reviewed one by one here, and the settled grants' regular
    lines computed in the database (``standing``; held in a temp table until written)."""

    lines: list[Line]
    standing: standing.Standing | None = None

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


def compute_lines(region: Region, month: dt.date, *, in_database: bool = True) -> Computed:
    """The lines ``month`` owes. ``in_database=False`` reviews every grant month by month
    (the slow path, kept for the test that holds both paths to the same answer)."""
    month = month_start(month)
    since = settled_since(region, month) if in_database else None
    amounts = _Amounts()
    settled = None
    review = None
    if since is not None:
        settled = standing.gather(region, month, since, amounts.decide)
        review = standing.unsettled_q(since, month) | Q(
            id__in=_finalised_lines(region).filter(payment_status=PaymentStatus.FAILED)
            .values("grant_id"))
    rows = grant_rows(region, month, where=review)
    suspended = unpaid_suspensions(region)
    paid = paid_so_far(region, [r["id"] for r in rows])
    failed = failed_unreissued(region)
    lines: list[Line] = []
    for row in rows:
        base = {"grant_id": row["id"], "person_id": row["person_id"], "subsidy": row["subsidy"],
                "village_code": row["village_code"], "payee": row["payee"],
                "bank_account": row["bank_account"]}
        for period in months(row["start_month"], month):
            net = paid.get((row["id"], period))
            if _due(row, period, suspended.get(row["id"], [])):
                if net is not None and net > 0:
                    continue
                decision = amounts.decide(row, period)
                if not decision.eligible or decision.monthly_amount <= 0:
                    continue
                kind = (LineKind.REISSUE if (row["id"], period) in failed
                        else LineKind.REGULAR if period == month else LineKind.ARREARS)
                reason = {
                    LineKind.REGULAR: standing.REASON,
                    LineKind.ARREARS: f"补发 {period:%Y-%m}",
                    LineKind.REISSUE: f"重发 {period:%Y-%m}（上次发放失败）",
                }[kind]
                lines.append(Line(**base, period=period, kind=kind,
                                  amount=decision.monthly_amount,
                                  rule_version=decision.rule_version, reason=reason))
            elif net is not None and net > 0:
                lines.append(Line(**base, period=period, kind=LineKind.RECOVERY, amount=-net,
                                  rule_version="", reason=f"追回 {period:%Y-%m}（该月不应发放）"))
    return Computed(lines, settled)


# ---- the roll's life ----------------------------------------------------------------------

@dataclass
class Outcome:
    roll: Roll
    changed: bool
    message: str


def generate(region: Region, month: dt.date, *, user: Any = None) -> Outcome:
    """Create or refresh the draft roll for ``month``; a finalised month is left alone.

    Two generations at once cannot both write: the second waits on the roll's row lock or
    hits the one-draft/one-regular-roll constraints and is refused with a message."""
    try:
        return _generate(region, month, user=user)
    except IntegrityError:
        raise RollError("另一个生成任务正在进行，请稍后刷新 (another generation is running; "
                        "reload shortly)") from None


def _generate(region: Region, month: dt.date, *, user: Any = None) -> Outcome:
    month = month_start(month)
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
                                           created_by=user)
        elif draft is not None and draft.month != month:
            raise RollError(f"{draft.month:%Y-%m} 的草稿尚未定稿，请先定稿或删除 "
                            f"(finalise or delete the draft of {draft.month:%Y-%m} first)")
        else:
            roll = regular or Roll.objects.create(region=region, month=month, kind="regular",
                                                  sequence=_next_sequence(region, month),
                                                  created_by=user)
        computed = compute_lines(region, month)
        try:
            return _write(roll, regular, computed)
        finally:
            standing.drop()


def _write(roll: Roll, regular: Roll | None, computed: Computed) -> Outcome:
    new_digest = computed.digest()
    count = computed.count
    if roll.digest == new_digest and roll.line_count == count:
        return Outcome(roll, False, "与上次生成相同，未作改动 (unchanged)")
    RollLine.objects.filter(roll=roll).delete()
    bulk.insert(RollLine._meta.db_table, LINE_COLUMNS,
                ((roll.pk, line.grant_id, line.person_id, line.subsidy, line.period, line.kind,
                  line.amount, line.rule_version, line.reason, line.village_code, line.payee,
                  line.bank_account, PaymentStatus.PENDING, "") for line in computed.lines))
    if computed.standing:
        computed.standing.write(roll.pk)
    roll.digest = new_digest
    roll.line_count = count
    roll.total = computed.total
    roll.save(update_fields=["digest", "line_count", "total"])
    if roll.kind == "adjustment" and not count:
        roll.delete()
        return Outcome(regular or roll, False, "本月已定稿，且没有需要调整的款项 (nothing to adjust)")
    return Outcome(roll, True, f"已生成 {count} 条 (generated {count} lines)")


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
    "duplicate": "同一人同月重复发放",
    "amount": "金额与规则不符",
    "gap": "可能符合条件但未享受（应享未享）",
}
BLOCKING = ("deceased", "certificate", "duplicate", "amount")


def checks(roll: Roll) -> dict[str, list[dict[str, Any]]]:
    """Each precision check with the persons it finds; the first four block finalising."""
    lines = list(roll.lines.exclude(kind=LineKind.RECOVERY).values(
        "id", "grant_id", "person_id", "subsidy", "period", "amount", "payee", "village_code"))
    found: dict[str, list[dict[str, Any]]] = {k: [] for k in CHECKS}
    if not lines:
        found["gap"] = gap_list(roll.region, roll.month)
        return found
    rows = {r["id"]: r for r in grant_rows(roll.region, roll.month)}
    amounts = _Amounts()
    seen: dict[tuple, int] = {}
    for line in lines:
        row = rows.get(line["grant_id"])
        key = (line["person_id"], line["subsidy"], line["period"])
        if key in seen:
            found["duplicate"].append(line)
        seen[key] = line["id"]
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
    found["gap"] = gap_list(roll.region, roll.month)
    return found


def gap_list(region: Region, month: dt.date, limit: int = 2000) -> list[dict[str, Any]]:
    """Certified, living persons whom the registry facts make likely eligible for a subsidy
    they neither receive nor have applied for (应享未享). "Likely eligible" is the one
    definition in ``likely`` (also the plan's subsidy coverage)."""
    from . import likely
    from .models import OPEN_APPLICATION_STATES, SubsidyApplication

    covered = set(Grant.objects.filter(person__village__code__range=region.code_range)
                  .exclude(status="stopped").values_list("person_id", "subsidy"))
    covered |= set(SubsidyApplication.objects.filter(
        person__village__code__range=region.code_range, state__in=OPEN_APPLICATION_STATES)
        .values_list("person_id", "subsidy"))
    result = []
    for p, subsidy in likely.candidates(region, month):
        if (p["id"], subsidy) in covered:
            continue
        result.append({"person_id": p["id"], "payee": p["name"], "subsidy": subsidy,
                       "village_code": p["village_id"]})
        if len(result) >= limit:
            break
    return result


def finalise(roll: Roll, *, user: Any = None, override: bool = False) -> Roll:
    with transaction.atomic():
        roll = Roll.objects.select_for_update().get(pk=roll.pk)
        if roll.status == RollStatus.FINALISED:
            raise RollError("该月花名册已定稿，不能再改动 (already finalised)")
        try:
            fresh = compute_lines(roll.region, roll.month).digest()
        finally:
            standing.drop()
        if fresh != roll.digest:
            raise RollError("数据已变化，请重新生成后再定稿 (inputs changed: regenerate first)")
        if not override:
            found = checks(roll)
            blocking = {k: len(found[k]) for k in BLOCKING if found[k]}
            if blocking:
                summary = "，".join(f"{CHECKS[k]} {n} 人" for k, n in blocking.items())
                raise RollError(f"核查未通过：{summary} (precision checks failed)")
        roll.status = RollStatus.FINALISED
        roll.finalised_by = user if getattr(user, "pk", None) else None
        roll.finalised_at = timezone.now()
        roll.save(update_fields=["status", "finalised_by", "finalised_at"])
        paid_years.add_roll(roll.pk)
    return roll


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
