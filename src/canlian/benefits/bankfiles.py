"""The bank file of a finalised roll, and reconciliation with the bank's result file.

The bank file lists one row per payment (line id, name, account, amount); whether the
account is written in full or masked is a setting (``CANLIAN_BANK_FILE_FULL_ACCOUNTS``),
because some banks match on the account and others on the line id. The bank returns the
same rows with a result (成功/失败) and a reason; importing it marks each line paid or
failed, reports every row it could not match, and is idempotent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action as AuditAction
from canlian.core import bulk, exports, separation, sheets
from canlian.core.duties import Workflow
from canlian.people.workbooks import _header, _save
from canlian.regions.models import Region

from . import ledger, paid_years
from .models import PAYING_KINDS, LineKind, PaidYear, PaymentStatus, Roll, RollLine, RollStatus
from .rolls import township_summary

HEADERS = ["流水号", "姓名", "银行账号", "金额（元）", "补贴", "所属月份", "类型", "镇（街道）"]
RESULT_OK = {"成功", "success", "paid", "ok", "已支付"}
RESULT_FAILED = {"失败", "failed", "fail", "退回", "returned"}


def mask_account(account: str) -> str:
    if len(account) <= 8:
        return "*" * len(account)
    return account[:4] + "*" * (len(account) - 8) + account[-4:]


def bank_file(roll: Roll, *, full_accounts: bool | None = None,
              progress: Callable[[int, int], None] | None = None) -> Path:
    """The roll's bank file (.xlsx); ``progress(done, total)`` is told every 1,000 rows
    (the background job's progress bar)."""
    if full_accounts is None:
        full_accounts = getattr(settings, "CANLIAN_BANK_FILE_FULL_ACCOUNTS", False)
    townships = dict(Region.objects.filter(level="township").values_list("code", "name"))
    workbook = exports.workbook()
    sheet = workbook.create_sheet("发放明细")
    _header(sheet, HEADERS)
    total = roll.line_count or 0
    for done, line in enumerate(roll.lines.order_by("village_code", "person_id", "period").values(
            "id", "payee", "bank_account", "amount", "subsidy", "period", "kind", "village_code"
    ).iterator(chunk_size=5000)):
        if progress is not None and done % 1000 == 0:
            progress(done, total)
        account = line["bank_account"] if full_accounts else mask_account(line["bank_account"])
        sheet.append([line["id"], line["payee"], account, float(line["amount"]),
                      "生活补贴" if line["subsidy"] == "living" else "护理补贴",
                      f"{line['period']:%Y-%m}", line["kind"],
                      townships.get(line["village_code"][:9] + "000", "")])
    summary = workbook.create_sheet("镇街汇总")
    _header(summary, ["镇（街道）", "人数", "笔数", "生活补贴（元）", "护理补贴（元）", "合计（元）"])
    for t in township_summary(roll):
        summary.append([t["township"], t["persons"], t["lines"], float(t["living"]),
                        float(t["nursing"]), float(t["total"])])
    return _save(workbook)


@dataclass
class Reconciliation:
    """What a bank result file did: rows applied as paid or failed, rows already so, and
    each rejected row with its reason. With rejected rows, nothing is applied unless the
    user chose to apply the valid rows (``applied`` says which happened)."""

    paid: int = 0
    failed: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    applied: bool = True


def reconcile(roll: Roll, stream: IO[bytes] | str, *, user: Any = None,
              request: HttpRequest | None = None, apply_valid: bool = True) -> Reconciliation:
    """Apply the bank's result file; every row is applied, unchanged or reported.

    One transaction with its audit records, under the roll's lock (two files at once are
    applied one after the other). A row that would make a month paid twice (a failed
    payment the bank now reports paid, after it was re-issued) is rejected with the reason,
    as is a recovery reported failed (a recovery is collected, not paid by the bank)."""
    if roll.status != RollStatus.FINALISED:
        raise ValueError(gettext("Reconcile a finalised roll only"))
    try:
        found = sheets.rows(stream)
        first = next(found, None)
    except sheets.SheetError as exc:
        raise ValueError(str(exc)) from None
    header = [sheets.text(c) for c in (first[1] if first else [])]
    try:
        col_id = header.index("流水号")
        col_result = next(i for i, h in enumerate(header) if h in ("结果", "result", "处理结果"))
    except (ValueError, StopIteration):
        raise ValueError(gettext("The result file needs the columns “流水号” and “结果”")) from None
    col_reason = next((i for i, h in enumerate(header) if h in ("原因", "失败原因", "reason")), None)
    col_amount = next((i for i, h in enumerate(header) if h.startswith("金额")), None)
    with transaction.atomic():
        roll = (Roll.objects.select_for_update(of=("self",)).select_related("finalised_by")
                .get(pk=roll.pk))
        # Who finalised the roll does not also confirm what the bank paid (审批分离).
        separation.check(Workflow.BANK_RESULT, "reconcile", reviewer=roll.finalised_by,
                         actor=user)
        result, outcomes, rows_of = _read(roll, found, col_id, col_result, col_reason, col_amount)
        _refuse_second_payments(outcomes, rows_of, result)
        if result.errors and not apply_valid:
            result.applied = False
            result.paid = result.failed = 0
            return result
        changed: list[int] = []
        for (status, reason), ids in outcomes.items():
            for start in range(0, len(ids), 10_000):
                chunk = ids[start:start + 10_000]
                RollLine.objects.filter(pk__in=chunk).update(payment_status=status,
                                                             failure_reason=reason)
                paid_years.recompute(chunk)
                changed.extend(chunk)
        result.errors.sort()
        record(user=user, action=AuditAction.IMPORT, obj=roll, request=request,
               summary=f"银行对账 {roll.month:%Y-%m} #{roll.sequence}：成功 {result.paid} 笔，"
                       f"失败 {result.failed} 笔，未变 {result.unchanged} 笔，"
                       f"拒绝 {len(result.errors)} 行",
               changes={"paid": result.paid, "failed": result.failed,
                        "rejected_rows": [n for n, _ in result.errors][:200]})
        record_many(user=user, action=AuditAction.UPDATE, request=request,
                    people=RollLine.objects.filter(pk__in=changed).values_list(
                        "person_id", "village_code").distinct(),
                    summary=f"银行对账更新发放状态 {roll.month:%Y-%m}")
        bulk.analyze(RollLine, PaidYear, rows=len(changed))
    return result


Outcomes = dict[tuple[str, str], list[int]]


def _read(roll: Roll, found: Any, col_id: int, col_result: int, col_reason: int | None,
          col_amount: int | None) -> tuple[Reconciliation, Outcomes, dict[int, int]]:
    """Check every row against the roll; the outcomes to apply, by (status, reason)."""
    result = Reconciliation()
    lines = {row[0]: row[1:] for row in roll.lines.values_list(
        "id", "amount", "payment_status", "failure_reason", "kind")}
    # (status, reason) -> line ids: written with one UPDATE per distinct outcome.
    outcomes: Outcomes = defaultdict(list)
    rows_of: dict[int, int] = {}
    for number, row in found:
        given_id = sheets.cell(row, col_id)
        try:
            line_id = int(given_id)
            amount, current_status, current_reason, kind = lines[line_id]
        except (ValueError, KeyError):
            result.errors.append((number, f"流水号 {given_id!r} 不属于本花名册"))
            continue
        if line_id in rows_of:
            result.errors.append((number, f"流水号 {line_id} 与第 {rows_of[line_id]} 行重复"))
            continue
        rows_of[line_id] = number
        verdict = sheets.cell(row, col_result).lower()
        given = sheets.cell(row, col_amount)
        if given:
            try:
                if Decimal(given).quantize(Decimal("0.01")) != amount:
                    result.errors.append((number, f"金额 {given} 与发放金额 {amount} 不符"))
                    continue
            except InvalidOperation:
                result.errors.append((number, f"金额 {given!r} 不是数字"))
                continue
        if verdict in RESULT_OK:
            status, reason = PaymentStatus.PAID, ""
        elif verdict in RESULT_FAILED:
            if kind == LineKind.RECOVERY:
                result.errors.append((number, f"流水号 {line_id} 是追回款项，由经办人追缴，"
                                              "不能标记为发放失败"))
                continue
            status = PaymentStatus.FAILED
            reason = sheets.cell(row, col_reason)[:200]
        else:
            result.errors.append((number, f"结果 {verdict!r} 应为 成功 或 失败"))
            continue
        if current_status == status and current_reason == reason:
            result.unchanged += 1
            continue
        outcomes[(status, reason)].append(line_id)
        if status == PaymentStatus.PAID:
            result.paid += 1
        else:
            result.failed += 1
    return result, outcomes, rows_of


def _refuse_second_payments(outcomes: Outcomes, rows_of: dict[int, int],
                            result: Reconciliation) -> None:
    """A failed payment reported paid after all stands again: refuse it where the month has
    been paid since (a re-issue), which would pay the person twice."""
    reviving = RollLine.objects.filter(
        pk__in=[i for (status, _), ids in outcomes.items() if status == PaymentStatus.PAID
                for i in ids], payment_status=PaymentStatus.FAILED, kind__in=PAYING_KINDS)
    for line in reviving.values("id", "person_id", "subsidy", "period"):
        other = (RollLine.objects.filter(ledger.outstanding_q(), person_id=line["person_id"],
                                         subsidy=line["subsidy"], period=line["period"])
                 .exclude(pk=line["id"]).select_related("roll").first())
        if other is None:
            continue
        for key, ids in outcomes.items():
            if line["id"] in ids:
                ids.remove(line["id"])
                if key[0] == PaymentStatus.PAID:
                    result.paid -= 1
        result.errors.append((rows_of[line["id"]], (
            f"流水号 {line['id']}：{line['period']:%Y-%m} 已于 {other.roll.month:%Y-%m} 花名册"
            f"重新发放（流水号 {other.pk}），不能再标记为成功，否则同月重复发放")))


def failed_lines(region: Region | tuple[str, str]) -> Any:
    """Failed payments whose month has not been paid since (the list staff act on)."""
    repaid = RollLine.objects.filter(ledger.outstanding_q(), person_id=OuterRef("person_id"),
                                     subsidy=OuterRef("subsidy"), period=OuterRef("period"))
    return (RollLine.objects.filter(scoping.within(region, "village_code"),
                                    payment_status=PaymentStatus.FAILED, kind__in=PAYING_KINDS)
            .exclude(Exists(repaid)).select_related("roll").order_by("period", "id"))
