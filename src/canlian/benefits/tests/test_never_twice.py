"""Never paid twice, never missed: the guarantees of the payment ledger (docs/payments.md).

Each test reproduces a way a person could be paid twice or an overpayment could go
unrecovered, and checks what now prevents it.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from canlian.audit.models import AuditEvent
from canlian.benefits import actions, bankfiles, ledger, rolls
from canlian.benefits.models import Grant, GrantChange, PaidYear, Roll, RollLine
from canlian.core import clock
from canlian.people.actions import record_death

from .helpers import D, grant, lines, m, noticed
from .test_grants_and_rolls import _bank_result


def finalise_months(region, *months):
    for month in months:
        rolls.finalise(rolls.generate(region, month).roll)


# ---- one payment per person, subsidy and month, whatever the grants ---------------------------

def test_a_new_grant_after_a_stopped_one_does_not_pay_its_last_month_again(users, certified,
                                                                           regions):
    """The issue's reproduction: stop grant 1 with its last month, apply again, approve with
    the default start month (the application month, already paid): that month is paid once."""
    person = certified(grade=1)
    first = grant(users, person, applied=dt.date(2025, 1, 10))
    finalise_months(regions.county, m(2025, 1), m(2025, 2), m(2025, 3))
    actions.stop(users.federation, first.pk, m(2025, 3), "迁出后又迁回")
    second = grant(users, person, applied=dt.date(2025, 3, 20))  # default start: 2025-03
    assert second.start_month == m(2025, 4)  # clipped after the months grant 1 covered
    assert "2025-03 及以前已由原发放资格覆盖" in second.changes.get(action="start").reason
    finalise_months(regions.county, m(2025, 4))
    paid = sorted(RollLine.objects.filter(person=person).values_list("period", flat=True))
    assert paid == [m(2025, 1), m(2025, 2), m(2025, 3), m(2025, 4)]
    assert ledger.double_payments() == []


def test_a_back_dated_or_overlapping_start_is_refused_with_the_reason(users, certified, regions):
    person = certified(grade=1)
    first = grant(users, person, applied=dt.date(2025, 1, 10))
    finalise_months(regions.county, m(2025, 1), m(2025, 2))
    actions.stop(users.federation, first.pk, m(2025, 3), "核实中")
    application = actions.apply(users.township, person, "nursing",
                                {"needs_long_term_care": True}, today=dt.date(2025, 3, 5))
    actions.decide_application(users.township, application.pk, "review")
    day = noticed(users, application, dt.date(2025, 3, 5))
    with clock.frozen(day), pytest.raises(actions.SubsidyError,
                                          match="不能早于申请月份 2025-03"):
        actions.decide_application(users.federation, application.pk, "approve",
                                   start_month=m(2025, 1), today=day)
    with clock.frozen(day), pytest.raises(
            actions.SubsidyError, match="已发放或应发放至 2025-03，起始月份最早为 2025-04"):
        actions.decide_application(users.federation, application.pk, "approve",
                                   start_month=m(2025, 3), today=day)
    assert Grant.objects.filter(person=person).count() == 1  # nothing half-done
    with clock.frozen(day):
        actions.decide_application(users.federation, application.pk, "approve",
                                   start_month=m(2025, 4), today=day)
    assert Grant.objects.get(application=application).start_month == m(2025, 4)


def test_the_database_refuses_a_second_payment_of_a_month_under_another_grant(users, certified,
                                                                              regions):
    person = certified(grade=1)
    first = grant(users, person, applied=dt.date(2025, 3, 2))
    roll = rolls.generate(regions.county, m(2025, 3)).roll
    line = roll.lines.get()
    actions.stop(users.federation, first.pk, m(2025, 3), "重新申请")
    other = Grant.objects.create(person=person, subsidy="nursing", start_month=m(2025, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        RollLine.objects.create(roll=roll, grant=other, person=person, subsidy="nursing",
                                period=line.period, kind="arrears", amount=line.amount,
                                village_code=line.village_code, payee="x")


def test_overlapping_grants_from_before_the_guarantee_pay_each_month_once(users, certified,
                                                                          regions):
    """Two grants of one subsidy covering the same months (carried over from before the
    start-month rule): the roll weighs the months across both and pays each once."""
    person = certified(grade=1)
    first = grant(users, person, applied=dt.date(2025, 1, 10))
    finalise_months(regions.county, m(2025, 1), m(2025, 2))
    actions.stop(users.federation, first.pk, m(2025, 6), "发放至六月")
    Grant.objects.create(person=person, subsidy="nursing", start_month=m(2025, 1),
                         needs_long_term_care=True, care_months=12)
    april = rolls.generate(regions.county, m(2025, 4)).roll
    assert [(p, k) for _, _, p, k, _ in lines(april)] == [
        (m(2025, 3), "arrears"), (m(2025, 4), "regular")]


def test_a_month_taken_back_by_a_recovery_may_be_paid_again(users, certified, regions):
    person = certified(grade=1)
    g = grant(users, person, applied=dt.date(2025, 1, 5))
    finalise_months(regions.county, m(2025, 1), m(2025, 2), m(2025, 3), m(2025, 4))
    actions.stop(users.federation, g.pk, m(2025, 2), "误报迁出")
    may = rolls.generate(regions.county, m(2025, 5)).roll
    assert lines(may) == [(person.pk, "nursing", m(2025, 3), "recovery", D("-300.00")),
                          (person.pk, "nursing", m(2025, 4), "recovery", D("-300.00"))]
    rolls.finalise(may)
    recovered = RollLine.objects.filter(person=person, recovered_by__isnull=False)
    assert sorted(recovered.values_list("period", flat=True)) == [m(2025, 3), m(2025, 4)]
    # The stop was a mistake, corrected in the record: March and April are owed again.
    Grant.objects.filter(pk=g.pk).update(status="active", end_month=None, stop_reason="")
    june = rolls.generate(regions.county, m(2025, 6)).roll
    assert lines(june) == [(person.pk, "nursing", m(2025, 3), "arrears", D("300.00")),
                           (person.pk, "nursing", m(2025, 4), "arrears", D("300.00")),
                           (person.pk, "nursing", m(2025, 5), "arrears", D("300.00")),
                           (person.pk, "nursing", m(2025, 6), "regular", D("300.00"))]
    rolls.finalise(june)
    assert ledger.double_payments() == []
    net = {}
    for line in RollLine.objects.filter(person=person):
        net[line.period] = net.get(line.period, 0) + line.amount
    assert all(v == D("300.00") for v in net.values()) and len(net) == 6


def test_a_suspension_with_back_pay_withholds_and_does_not_recover(users, certified, regions):
    person = certified(grade=1)
    g = grant(users, person, applied=dt.date(2025, 1, 5))
    finalise_months(regions.county, m(2025, 1), m(2025, 2))
    actions.suspend(users.federation, g.pk, m(2025, 2), "银行卡待更换", back_pay=True)
    march = rolls.generate(regions.county, m(2025, 3)).roll
    assert lines(march) == []  # February stays paid; March is withheld
    rolls.finalise(march)
    actions.resume(users.federation, g.pk, m(2025, 4))
    april = rolls.generate(regions.county, m(2025, 4)).roll
    assert [(p, k) for _, _, p, k, _ in lines(april)] == [(m(2025, 3), "arrears"),
                                                         (m(2025, 4), "regular")]


# ---- the precision checks look across the whole history ---------------------------------------

def test_the_duplicate_check_finds_a_month_paid_in_an_earlier_roll(users, certified, regions):
    """A ledger restored without its unique index (or written around it): the check finds
    the earlier payment, and finalising is blocked."""
    person = certified(grade=1)
    g = grant(users, person, applied=dt.date(2025, 3, 2))
    finalise_months(regions.county, m(2025, 3))
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX never_pay_twice")
    draft = rolls.generate(regions.county, m(2025, 4)).roll
    RollLine.objects.create(roll=draft, grant=g, person=person, subsidy="nursing",
                            period=m(2025, 3), kind="arrears", amount=D("300.00"),
                            village_code=person.village_id, payee=person.name)
    found = rolls.checks(draft)["duplicate"]
    paid_in_march = RollLine.objects.get(roll__month=m(2025, 3), person=person)
    assert [(f["person_id"], f["period"], f["others"]) for f in found] == [
        (person.pk, m(2025, 3), [paid_in_march.pk])]
    Roll.objects.filter(pk=draft.pk).update(digest=rolls.compute_lines(
        regions.county, m(2025, 4)).digest())
    rolls.standing.drop()
    with pytest.raises(rolls.RollError, match="同一人同月重复发放"):
        rolls.finalise(draft)
    assert [(d["person_id"], d["n"]) for d in ledger.double_payments()] == [(person.pk, 2)]


# ---- every money action audited, in its transaction -------------------------------------------

def test_roll_generation_and_finalisation_from_the_command_line_are_audited(users, certified,
                                                                             regions, capsys):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 3, 2))
    call_command("subsidies", "roll", "--month", "2025-03", "--finalise")
    roll = Roll.objects.get(month=m(2025, 3))
    events = AuditEvent.objects.filter(object_type="roll", object_id=str(roll.pk))
    summaries = sorted(e.summary for e in events)
    assert any(s.startswith("生成花名册 2025-03：1 笔") and "命令行" in s for s in summaries)
    assert any(s.startswith("花名册 2025-03 定稿，1 笔") and "命令行" in s for s in summaries)
    call_command("subsidies", "audit")
    assert "no month paid twice" in capsys.readouterr().out


def test_a_failure_after_finalising_leaves_no_unaudited_roll(users, certified, regions,
                                                             monkeypatch):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 3, 2))
    draft = rolls.generate(regions.county, m(2025, 3)).roll

    def audit_fails(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(rolls, "record", audit_fails)
    with pytest.raises(RuntimeError):
        rolls.finalise(draft, user=users.federation)
    draft.refresh_from_db()
    assert draft.status == "draft" and not PaidYear.objects.exists()


def test_reconciliation_is_audited_with_the_persons_whose_payments_changed(users, certified,
                                                                           regions):
    a = certified(grade=1, name="成功")
    b = certified(grade=2, name="失败")
    grant(users, a, applied=dt.date(2025, 3, 2))
    grant(users, b, applied=dt.date(2025, 3, 2))
    roll = rolls.finalise(rolls.generate(regions.county, m(2025, 3)).roll)
    bankfiles.reconcile(roll, _bank_result([
        [roll.lines.get(person=a).id, "成功", 300, "成功", ""],
        [roll.lines.get(person=b).id, "失败", 240, "失败", "账户冻结"]]), user=users.federation)
    summary = AuditEvent.objects.get(action="import", object_type="roll")
    assert summary.actor == users.federation and "成功 1 笔，失败 1 笔" in summary.summary
    assert set(AuditEvent.objects.filter(action="update", object_type="person")
               .values_list("person_id", flat=True)) == {a.pk, b.pk}


# ---- bank results that would pay twice ------------------------------------------------------------

def test_a_corrected_bank_file_cannot_revive_a_payment_that_was_reissued(users, certified,
                                                                         regions, client):
    a = certified(grade=1, name="甲")
    b = certified(grade=2, name="乙")
    grant(users, a, applied=dt.date(2025, 3, 2))
    grant(users, b, applied=dt.date(2025, 3, 2), account="6228480000000000001")
    march = rolls.finalise(rolls.generate(regions.county, m(2025, 3)).roll)
    line_a, line_b = march.lines.get(person=a), march.lines.get(person=b)
    bankfiles.reconcile(march, _bank_result([[line_b.id, "乙", 240, "失败", "账户已销户"]]))
    april = rolls.finalise(rolls.generate(regions.county, m(2025, 4)).roll)
    reissue = april.lines.get(person=b, period=m(2025, 3))
    assert reissue.kind == "reissue"
    corrected = [[line_a.id, "甲", 300, "成功", ""], [line_b.id, "乙", 240, "成功", ""]]
    # Apply nothing when a row is rejected: the user asked so.
    none = bankfiles.reconcile(march, _bank_result(corrected), apply_valid=False)
    assert not none.applied and none.paid == 0
    assert [n for n, _ in none.errors] == [3]
    assert f"已于 2025-04 花名册重新发放（流水号 {reissue.pk}）" in none.errors[0][1]
    line_a.refresh_from_db()
    assert line_a.payment_status == "pending"
    # Apply the rest: line a is paid, line b stays failed, and the row is reported.
    rest = bankfiles.reconcile(march, _bank_result(corrected))
    assert rest.applied and rest.paid == 1 and [n for n, _ in rest.errors] == [3]
    line_a.refresh_from_db()
    line_b.refresh_from_db()
    assert (line_a.payment_status, line_b.payment_status) == ("paid", "failed")
    # Through the web: a message per row, never a server error.
    client.force_login(users.federation)
    upload = _bank_result(corrected)
    upload.name = "result.xlsx"
    response = client.post(f"/subsidies/rolls/{march.pk}/reconcile/", {"file": upload},
                           follow=True)
    assert response.status_code == 200
    assert "重新发放" in response.content.decode()
    assert ledger.double_payments() == []


def test_a_recovery_cannot_be_marked_failed_by_the_bank(users, certified, regions):
    person = certified(grade=1)
    g = grant(users, person, applied=dt.date(2025, 1, 5))
    finalise_months(regions.county, m(2025, 1), m(2025, 2))
    actions.stop(users.federation, g.pk, m(2025, 1), "核实")
    march = rolls.finalise(rolls.generate(regions.county, m(2025, 3)).roll)
    recovery = march.lines.get(kind="recovery")
    result = bankfiles.reconcile(march, _bank_result([[recovery.id, "周一", -300, "失败", "余额不足"]]))
    assert result.failed == 0 and "追回款项" in result.errors[0][1]


# ---- first payable month, arrears and future months ---------------------------------------------

def test_a_carried_over_grant_is_paid_from_its_first_payable_month_only(users, certified,
                                                                        regions):
    """A grant from 2018 migrated with its payments up to 2024 made elsewhere: this system
    pays from 2025-01, not 84 months of arrears."""
    person = certified(grade=1)
    Grant.objects.create(person=person, subsidy="nursing", start_month=m(2018, 1),
                         first_payable_month=m(2025, 3), needs_long_term_care=True,
                         care_months=12)
    march = rolls.generate(regions.county, m(2025, 3)).roll
    assert lines(march) == [(person.pk, "nursing", m(2025, 3), "regular", D("300.00"))]


def test_arrears_beyond_the_limit_wait_for_a_second_person(users, certified, regions, settings):
    settings.CANLIAN_ARREARS_LIMIT_MONTHS = 3

    second = users.federation2
    person = certified(grade=1)
    g = Grant.objects.create(person=person, subsidy="nursing", start_month=m(2024, 9),
                             needs_long_term_care=True, care_months=12)
    GrantChange.objects.create(grant=g, action="start", month=m(2024, 9), actor=users.federation)
    march = rolls.generate(regions.county, m(2025, 3)).roll
    assert lines(march) == [(person.pk, "nursing", m(2025, 3), "regular", D("300.00"))]
    assert march.held_arrears == [{"grant_id": g.pk, "person_id": person.pk, "payee": "周一",
                                   "subsidy": "nursing", "first": "2024-09", "months": 6,
                                   "amount": "1800.00"}]
    assert rolls.checks(march)["held"][0]["months"] == 6
    with pytest.raises(actions.SubsidyError, match="另一人审批"):
        actions.approve_arrears(users.federation, g.pk)
    actions.approve_arrears(second, g.pk)
    assert actions.held_arrears_of(Grant.objects.get(pk=g.pk)) is None
    again = rolls.generate(regions.county, m(2025, 3)).roll
    assert len(lines(again)) == 7 and again.held_arrears == []
    assert AuditEvent.objects.filter(actor=second, summary__startswith="审批补发").exists()
    with pytest.raises(actions.SubsidyError, match="没有待审批的补发"):
        actions.approve_arrears(second, g.pk)


def test_rolls_for_months_that_have_not_begun_are_refused(users, certified, regions):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 3, 2))
    with clock.frozen(dt.date(2025, 3, 31)):
        draft = rolls.generate(regions.county, m(2025, 3)).roll
        with pytest.raises(rolls.RollError, match="2025-04 尚未开始"):
            rolls.generate(regions.county, m(2025, 4))
    with clock.frozen(dt.date(2025, 2, 28)), pytest.raises(rolls.RollError, match="尚未开始"):
        rolls.finalise(draft)
    assert not Roll.objects.filter(month=m(2025, 4)).exists()


def test_a_death_recorded_late_is_recovered_once(users, certified, regions):
    person = certified(grade=1)
    grant(users, person, applied=dt.date(2025, 1, 5))
    finalise_months(regions.county, m(2025, 1), m(2025, 2), m(2025, 3))
    record_death(users.township, person, dt.date(2025, 1, 20))
    finalise_months(regions.county, m(2025, 4))
    finalise_months(regions.county, m(2025, 5))
    recoveries = RollLine.objects.filter(person=person, kind="recovery")
    assert sorted(recoveries.values_list("period", "amount")) == [
        (m(2025, 2), D("-300.00")), (m(2025, 3), D("-300.00"))]
    assert AuditEvent.objects.filter(object_type="grant", summary__startswith="停发").exists()


def test_the_grant_page_offers_the_second_approval_and_says_who_cannot_give_it(
        users, certified, regions, client, settings):
    settings.CANLIAN_ARREARS_LIMIT_MONTHS = 2

    second = users.federation2
    person = certified(grade=1)
    g = Grant.objects.create(person=person, subsidy="nursing", start_month=m(2024, 12),
                             needs_long_term_care=True, care_months=12)
    GrantChange.objects.create(grant=g, action="start", month=m(2024, 12), actor=users.federation)
    roll = rolls.generate(regions.county, m(2025, 3)).roll
    client.force_login(users.federation)
    page = client.get(f"/subsidies/rolls/{roll.pk}/").content.decode()
    assert "待第二人审批" in page and "重度残疾人护理补贴" in page
    page = client.get(f"/subsidies/grants/{g.pk}/").content.decode()
    assert "自 2024-12 起共 3 个月、900.00 元" in page
    refused = client.post(f"/subsidies/grants/{g.pk}/arrears/", follow=True).content.decode()
    assert "另一人审批" in refused
    client.force_login(second)
    client.post(f"/subsidies/grants/{g.pk}/arrears/")
    assert Grant.objects.get(pk=g.pk).arrears_approved_by == second
    assert len(lines(rolls.generate(regions.county, m(2025, 3)).roll)) == 4
