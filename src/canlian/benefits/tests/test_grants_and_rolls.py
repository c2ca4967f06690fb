"""Subsidy applications, grants and monthly rolls on the database (both rule sets' shapes)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from openpyxl import Workbook, load_workbook

from canlian.benefits import actions, bankfiles, ledger, rolls
from canlian.benefits.models import (
    Grant,
    LineKind,
    PaidYear,
    RollLine,
    SubsidyApplication,
    Suspension,
)
from canlian.certificates.models import Certificate
from canlian.people.actions import record_death
from canlian.todos.models import Todo

from .helpers import NURSING, D, approve, grant, lines, m, settled_long_ago


def test_application_stores_the_rules_reasons_and_approval_starts_the_grant(users, certified):
    person = certified(grade=1)
    g = grant(users, person)
    application = g.application
    assert application.eligible
    assert application.monthly_amount == D("300.00")
    assert any(r["rule"] == "target_group" and r["passed"] for r in application.reasons)
    assert g.start_month == m(2025, 1)
    assert g.changes.get().action == "start"


def test_an_ineligible_application_cannot_be_approved(users, certified):
    person = certified(grade=4, category=4)  # grade 4 physical: no nursing subsidy
    application = actions.apply(users.township, person, "nursing", NURSING)
    assert not application.eligible
    actions.decide_application(users.township, application.pk, "review")
    with pytest.raises(actions.SubsidyError, match="不符合条件"):
        approve(users, application)
    assert not Grant.objects.exists()


def test_roles_and_order_of_steps(users, certified):
    person = certified()
    application = actions.apply(users.township, person, "nursing", NURSING)
    with pytest.raises(actions.SubsidyError, match="不能区残联审批通过"):
        actions.decide_application(users.federation, application.pk, "approve")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.decide_application(users.township, application.pk, "approve")
    with pytest.raises(SubsidyApplication.DoesNotExist):
        actions.decide_application(users.township2, application.pk, "review")


def test_a_second_open_application_is_refused(users, certified):
    person = certified()
    actions.apply(users.township, person, "nursing", NURSING)
    with pytest.raises(ValidationError, match="已有办理中的申请"):
        actions.apply(users.township, person, "nursing", NURSING)


def test_roll_pays_arrears_from_the_application_month(users, certified, regions):
    person = certified(grade=2)
    grant(users, person, applied=dt.date(2025, 1, 20))
    roll = rolls.generate(regions.county, m(2025, 4)).roll
    assert lines(roll) == [
        (person.pk, "nursing", m(2025, 1), "arrears", D("240.00")),
        (person.pk, "nursing", m(2025, 2), "arrears", D("240.00")),
        (person.pk, "nursing", m(2025, 3), "arrears", D("240.00")),
        (person.pk, "nursing", m(2025, 4), "regular", D("240.00")),
    ]
    assert roll.total == D("960.00")


def test_generating_twice_changes_nothing_and_a_finalised_roll_is_frozen(users, certified,
                                                                        regions):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 3, 2))
    first = rolls.generate(regions.county, m(2025, 3))
    ids = list(first.roll.lines.values_list("id", flat=True))
    second = rolls.generate(regions.county, m(2025, 3))
    assert not second.changed
    assert list(second.roll.lines.values_list("id", flat=True)) == ids
    rolls.finalise(first.roll)
    with pytest.raises(rolls.RollError, match="已定稿"):
        rolls.finalise(first.roll)
    again = rolls.generate(regions.county, m(2025, 3))
    assert again.roll.pk == first.roll.pk  # nothing to adjust: no new roll
    assert not again.changed
    assert RollLine.objects.count() == 1


def test_correction_after_finalising_is_an_adjustment_roll(users, certified, make_person,
                                                           regions):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 3, 2))
    rolls.finalise(rolls.generate(regions.county, m(2025, 3)).roll)
    late = certified(grade=2, name="迟批")
    grant(users, late, applied=dt.date(2025, 3, 5))  # approved after March was finalised
    outcome = rolls.generate(regions.county, m(2025, 3))
    assert outcome.roll.kind == "adjustment"
    assert lines(outcome.roll) == [(late.pk, "nursing", m(2025, 3), "regular", D("240.00"))]
    assert RollLine.objects.filter(person=person).count() == 1  # the first roll is untouched


def test_death_mid_month_stops_next_month_and_nothing_is_paid_twice(users, certified, regions):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 1, 5))
    for month in (1, 2, 3):
        rolls.finalise(rolls.generate(regions.county, m(2025, month)).roll)
    record_death(users.township, person, dt.date(2025, 3, 15))
    g = Grant.objects.get(person=person)
    assert (g.status, g.end_month) == ("stopped", m(2025, 3))
    assert Todo.objects.filter(person=person, kind="grant_stopped").exists()
    april = rolls.generate(regions.county, m(2025, 4)).roll
    assert lines(april) == []
    paid = RollLine.objects.filter(person=person).values_list("period", flat=True)
    assert sorted(paid) == [m(2025, 1), m(2025, 2), m(2025, 3)]


def test_a_death_reported_late_recovers_what_was_overpaid(users, certified, regions):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 1, 5))
    for month in (1, 2, 3, 4):
        rolls.finalise(rolls.generate(regions.county, m(2025, month)).roll)
    record_death(users.township, person, dt.date(2025, 2, 10))  # reported in May
    may = rolls.generate(regions.county, m(2025, 5)).roll
    assert lines(may) == [
        (person.pk, "nursing", m(2025, 3), "recovery", D("-300.00")),
        (person.pk, "nursing", m(2025, 4), "recovery", D("-300.00")),
    ]


def test_a_death_before_a_grant_stopped_for_another_reason_recovers_its_months(users, certified,
                                                                               regions):
    """Found by the ledger's property test: a grant already stopped later (here by staff, as the
    certificate's cancellation does when it is recorded first) must still end at a death
    reported afterwards with an earlier date, so the next roll recovers what was paid."""
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 1, 5))
    rolls.finalise(rolls.generate(regions.county, m(2025, 1)).roll)
    running = Grant.objects.get(person=person)
    actions.stop_grant(running, m(2025, 2), "残疾人证已注销")
    record_death(users.township, person, dt.date(2024, 12, 10))  # died before the grant began
    running.refresh_from_db()
    assert running.end_month < running.start_month  # it covers no month at all
    february = rolls.generate(regions.county, m(2025, 2)).roll
    assert lines(february) == [(person.pk, "nursing", m(2025, 1), "recovery", D("-300.00"))]


def test_never_pay_twice_is_enforced_by_the_database(users, certified, regions):
    person = certified()
    grant(users, person, applied=dt.date(2025, 3, 2))
    roll = rolls.generate(regions.county, m(2025, 3)).roll
    line = roll.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RollLine.objects.create(roll=roll, grant=line.grant, person=person, subsidy="nursing",
                                period=line.period, kind=LineKind.ARREARS, amount=line.amount,
                                village_code=line.village_code, payee="x")


def test_amount_follows_a_dibao_change_from_its_date(users, certified, regions):
    person = certified(grade=3, household_type="dibao")
    grant(users, person, "living", applied=dt.date(2025, 6, 3), declared={})
    june = rolls.generate(regions.county, m(2025, 6)).roll
    rolls.finalise(june)
    july = rolls.generate(regions.county, m(2025, 7)).roll
    assert [line.amount for line in june.lines.all()] == [D("360.00")]
    assert [line.amount for line in july.lines.all()] == [D("390.00")]


def test_suspension_without_and_with_back_pay(users, certified, regions):
    person = certified(grade=1)
    g = grant(users, person, applied=dt.date(2025, 1, 5))
    actions.suspend(users.federation, g.pk, m(2025, 2), "待核实", back_pay=False)
    actions.resume(users.federation, g.pk, m(2025, 4))
    assert [line.period for line in rolls.generate(regions.county, m(2025, 4)).roll.lines.all()
            ] == [m(2025, 1), m(2025, 4)]
    other = certified(grade=1, name="补发")
    g2 = grant(users, other, applied=dt.date(2025, 1, 5))
    actions.suspend(users.federation, g2.pk, m(2025, 2), "银行卡待更换", back_pay=True)
    actions.resume(users.federation, g2.pk, m(2025, 4))
    roll = rolls.generate(regions.county, m(2025, 4)).roll
    assert [line.period for line in roll.lines.filter(person=other)] == [
        m(2025, 1), m(2025, 2), m(2025, 3), m(2025, 4)]


def test_precision_checks_block_finalising(users, certified, regions):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 3, 2))
    roll = rolls.generate(regions.county, m(2025, 3)).roll
    # The certificate is cancelled behind the roll's back (e.g. by a bulk correction).
    Certificate.objects.filter(person=person).update(status="cancelled",
                                                     ended_on=dt.date(2025, 1, 1))
    found = rolls.checks(roll)
    assert [x["person_id"] for x in found["certificate"]] == [person.pk]
    with pytest.raises(rolls.RollError):
        rolls.finalise(roll)


def test_gap_list_names_likely_eligible_persons_without_a_grant(users, certified, regions):
    covered = certified(grade=1, name="已享受")
    grant(users, covered, applied=dt.date(2025, 3, 2))
    certified(grade=2, name="未享受")
    certified(grade=4, name="不符合")
    gaps = rolls.gap_list(regions.county, m(2025, 3))
    assert {(g["payee"], g["subsidy"]) for g in gaps} == {("未享受", "nursing")}


def test_the_rolls_gap_check_counts_everyone_without_a_silent_cap(users, certified, regions):
    for i in range(5):
        certified(grade=2, name=f"未享受{i}")
    assert len(rolls.gap_list(regions.county, m(2025, 3), limit=2)) == 2  # only when asked
    roll = rolls.generate(regions.county, m(2025, 3)).roll
    assert len(rolls.checks(roll)["gap"]) == 5


def test_certificate_issued_opens_a_prefilled_application(users, make_person, walk):
    person = make_person(household_type="dibao")
    walk(person, category=4, grade=1)
    prefilled = SubsidyApplication.objects.filter(person=person, state="prefilled")
    assert {a.subsidy for a in prefilled} == {"living", "nursing"}
    assert Todo.objects.filter(person=person, kind="subsidy_prefilled").count() == 2
    # confirming it turns the same application into a submitted one
    application = actions.apply(users.township, person, "nursing", NURSING)
    assert application.pk in {a.pk for a in prefilled}
    assert application.state == "applied"


def test_a_grade_change_that_ends_eligibility_stops_the_grant(users, make_person, walk):
    person = make_person()
    walk(person, category=4, grade=2)
    application = actions.apply(users.township, person, "nursing", NURSING)
    actions.decide_application(users.township, application.pk, "review")
    approve(users, application)
    walk(person, kind="change", category=4, grade=4)  # re-assessed as grade 4
    g = Grant.objects.get(person=person)
    assert g.status == "stopped"
    assert Todo.objects.filter(person=person, kind="grant_stopped").exists()


def _bank_result(rows):
    wb = Workbook()
    sheet = wb.active
    sheet.append(["流水号", "姓名", "金额（元）", "结果", "原因"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_bank_file_and_reconciliation_with_failed_rows(users, certified, regions):
    a = certified(grade=1, name="成功")
    b = certified(grade=2, name="失败")
    grant(users, a, applied=dt.date(2025, 3, 2))
    grant(users, b, applied=dt.date(2025, 3, 2), account="6228480000000000001")
    roll = rolls.finalise(rolls.generate(regions.county, m(2025, 3)).roll)
    assert paid_in(2025) == {(a.pk, "nursing"), (b.pk, "nursing")}
    path = bankfiles.bank_file(roll)
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("流水号", "姓名", "银行账号", "金额（元）")
    assert all("*" in r[2] for r in rows[1:])
    line_a = roll.lines.get(person=a)
    line_b = roll.lines.get(person=b)
    result = bankfiles.reconcile(roll, _bank_result([
        [line_a.id, "成功", 300, "成功", ""],
        [line_b.id, "失败", 240, "失败", "账户已销户"],
        [999999, "谁", 1, "成功", ""],
        [line_b.id, "失败", 240, "成功", ""],
    ]))
    assert (result.paid, result.failed) == (1, 1)
    assert [n for n, _ in result.errors] == [4, 5]
    assert "不属于本花名册" in result.errors[0][1]
    assert "与第 3 行重复" in result.errors[1][1]  # the bank's file names line b twice
    assert roll.lines.get(person=b).failure_reason == "账户已销户"
    assert paid_in(2025) == {(a.pk, "nursing")}  # b's only payment of the year failed
    again = bankfiles.reconcile(roll, _bank_result([[line_a.id, "成功", 300, "成功", ""],
                                                    [line_b.id, "失败", "三百", "成功", ""]]))
    assert (again.paid, again.unchanged) == (0, 1)
    assert again.errors == [(3, "金额 '三百' 不是数字")]
    failed = bankfiles.failed_lines(regions.county)
    assert [f.person_id for f in failed] == [b.pk]
    with pytest.raises(ValueError, match="无法读取"):
        bankfiles.reconcile(roll, io.BytesIO(b"not a workbook"))
    wrong = Workbook()
    wrong.active.append(["姓名", "结果"])
    buffer = io.BytesIO()
    wrong.save(buffer)
    with pytest.raises(ValueError, match="流水号"):
        bankfiles.reconcile(roll, buffer)
    april = rolls.generate(regions.county, m(2025, 4)).roll
    kinds = {(line.person_id, line.period, line.kind) for line in april.lines.all()}
    assert (b.pk, m(2025, 3), "reissue") in kinds
    assert (a.pk, m(2025, 3), "reissue") not in kinds
    rolls.finalise(april)
    assert paid_in(2025) == {(a.pk, "nursing"), (b.pk, "nursing")}  # re-issued and paid
    assert paid_in(2025) == {(p, s) for p, s in ledger.paid_lines(
        m(2025, 1), dt.date(2025, 12, 31)).values_list("person_id", "subsidy")}


def paid_in(year):
    """The per-year summary the indicators read (``PaidYear``)."""
    return set(PaidYear.objects.filter(year=year).values_list("person_id", "subsidy"))


def test_standing_lines_equal_the_reviewed_lines(users, certified, regions):
    """The settled grants' lines computed in the database (``standing``) are the lines the
    month-by-month review computes, including facts that change without touching the grant
    or the person: a certificate that expires, a household that leaves 低保, a grant that
    ended."""
    from canlian.benefits import standing
    from canlian.people.models import Household

    a = certified(grade=1, name="一级")
    b = certified(grade=2, household_type="dibao", name="低保二级")
    c = certified(grade=3, category=5, name="三级智力")
    d = certified(grade=1, name="证将到期")
    e = certified(grade=2, household_type="dibao", name="将退出低保")
    f = certified(grade=1, name="到期停发")
    g = certified(grade=1, name="改名")
    h = certified(grade=1, name="暂停不补发")
    k = certified(grade=1, name="暂停待补发")
    for person in (a, b, c, d, e, f, g, h, k):
        grant(users, person, applied=dt.date(2025, 2, 3))
    for person in (b, e):
        grant(users, person, "living", applied=dt.date(2025, 2, 3), declared={})
    Certificate.objects.filter(person=d).update(valid_until=dt.date(2025, 3, 15))
    Grant.objects.filter(person=f).update(end_month=m(2025, 3))
    # Suspended from April, open, recorded before the settled moment: neither path pays
    # April, with back pay or without (the settled pass reads them as one hashed list).
    for person, back_pay in ((h, False), (k, True)):
        Suspension.objects.create(grant=Grant.objects.get(person=person), from_month=m(2025, 4),
                                  back_pay=back_pay, reason="核查")
    settled_long_ago()
    rolls.finalise(rolls.generate(regions.county, m(2025, 3)).roll)
    Household.objects.filter(pk=e.household_id).update(household_type="ordinary")
    g.name = "改名后"
    g.save()

    computed = rolls.compute_lines(regions.county, m(2025, 4))
    standing.drop()
    assert computed.standing is not None and computed.standing.count == 5  # a, b ×2, c, e (nursing)
    assert {line.payee for line in computed.lines} == {"改名后"}  # reviewed: it changed
    reviewed = rolls.compute_lines(regions.county, m(2025, 4), in_database=False)
    assert reviewed.standing is None
    first = rolls.generate(regions.county, m(2025, 4))
    assert lines(first.roll) == sorted(
        (line.person_id, line.subsidy, line.period, line.kind, line.amount)
        for line in reviewed.lines)
    assert first.roll.line_count == len(reviewed.lines) == 6
    assert first.roll.total == sum(line.amount for line in reviewed.lines)
    ids = list(first.roll.lines.values_list("id", flat=True))
    again = rolls.generate(regions.county, m(2025, 4))
    assert not again.changed and list(again.roll.lines.values_list("id", flat=True)) == ids
    rolls.finalise(first.roll)
    assert RollLine.objects.filter(period=m(2025, 4), roll__status="finalised").count() == 6
    # Generating the finalised month again: the settled grants are already paid for it.
    after = rolls.generate(regions.county, m(2025, 4))
    assert not after.changed and after.roll.pk == first.roll.pk
    assert RollLine.objects.filter(period=m(2025, 4)).count() == 6


def test_a_bank_account_changed_after_generating_is_not_paid_to_the_old_account(
        users, certified, regions):
    person = certified(grade=1)
    g = grant(users, person, applied=dt.date(2025, 2, 3))
    rolls.finalise(rolls.generate(regions.county, m(2025, 3)).roll)
    draft = rolls.generate(regions.county, m(2025, 4)).roll
    assert draft.lines.get().bank_account == "6222021234567890123"
    g.bank_account = "6222029999999999999"
    g.save()
    with pytest.raises(rolls.RollError, match="数据已变化"):
        rolls.finalise(draft)
    again = rolls.generate(regions.county, m(2025, 4))
    assert again.changed and again.roll.lines.get().bank_account == "6222029999999999999"
