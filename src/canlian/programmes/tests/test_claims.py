"""Accident insurance claims (意外伤害保险理赔) end to end: a person on the year's policy
roster confirmed by the insurer has an accident; staff file the claim, another person
decides it up to the rule file's most paid for the kind, and the payment is recorded once.
Bad claims are refused with every reason."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from canlian.core import clock
from canlian.programmes import actions, rules
from canlian.programmes.actions import ProgrammeError
from canlian.programmes.models import Application, Claim

TODAY = clock.today()


def _confirmation(rows):
    book = openpyxl.Workbook()
    book.active.append(["身份证号", "结果", "说明"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def insured(users, regions, make_person, walk):
    person = make_person(regions.v1a, name="钱一")
    walk(person, category=4, grade=3)
    app = Application.objects.get(person=person, programme="accident_insurance")
    actions.review(users.township, app.pk)
    actions.decide(users.federation, app.pk, approve=True)
    roster = actions.make_roster(users.federation, "accident_insurance", TODAY.year)
    actions.read_confirmation(users.federation, roster.pk,
                              _confirmation([[person.resident_id, "成功", ""]]))
    return person


def test_a_claim_is_filed_decided_by_another_person_and_paid_once(users, insured):
    accident = TODAY - dt.timedelta(days=3) if TODAY.timetuple().tm_yday > 3 else TODAY
    claim = actions.file_claim(users.township, insured, "accident_insurance", kind="medical",
                               accident_on=accident, claimed=Decimal("12500.00"))
    # cut at the most paid for accident medical costs (demo value 10,000)
    assert claim.payable == Decimal("10000.00") and "核减 2500.00 元" in claim.note
    with pytest.raises(ProgrammeError, match="已受理"):
        actions.file_claim(users.township, insured, "accident_insurance", kind="medical",
                           accident_on=accident, claimed=Decimal("100"))
    with pytest.raises(ProgrammeError, match="只有已核定"):
        actions.pay_claim(users.federation, claim.pk, paid_on=TODAY)
    with pytest.raises(ProgrammeError, match="写明理由"):
        actions.decide_claim(users.federation, claim.pk, approve=False)
    actions.decide_claim(users.federation, claim.pk, approve=True)
    with pytest.raises(ProgrammeError):
        actions.decide_claim(users.federation2, claim.pk, approve=True)  # decided already
    with pytest.raises(ProgrammeError, match="赔付日期"):
        actions.pay_claim(users.federation, claim.pk, paid_on=TODAY + dt.timedelta(days=1))
    paid = actions.pay_claim(users.federation, claim.pk, paid_on=TODAY)
    assert paid.state == "paid" and paid.paid_on == TODAY
    with pytest.raises(ProgrammeError):
        actions.pay_claim(users.federation, claim.pk, paid_on=TODAY)  # never twice


def test_the_filer_cannot_decide(users, insured):
    claim = actions.file_claim(users.federation, insured, "accident_insurance", kind="death",
                               accident_on=TODAY, claimed=Decimal("100000"))
    with pytest.raises(ProgrammeError):
        actions.decide_claim(users.federation, claim.pk, approve=True)
    actions.decide_claim(users.federation2, claim.pk, approve=True)


def test_bad_claims_are_refused_with_every_reason(users, regions, make_person, walk, insured):
    with pytest.raises(ProgrammeError) as exc:
        actions.file_claim(users.township, insured, "accident_insurance", kind="theft",
                           accident_on=TODAY + dt.timedelta(days=2), claimed=Decimal("0"))
    assert "无法识别" in exc.value.message and "大于零" in exc.value.message
    assert "晚于报案日期" in exc.value.message
    uninsured = make_person(regions.v1a, name="孙二")
    with pytest.raises(ProgrammeError, match="不在承保公司确认的投保名单上"):
        actions.file_claim(users.township, uninsured, "accident_insurance", kind="medical",
                           accident_on=TODAY, claimed=Decimal("100"))
    with pytest.raises(ProgrammeError, match="不受理理赔"):
        actions.file_claim(users.township, insured, "medical_premium", kind="medical",
                           accident_on=TODAY, claimed=Decimal("100"))
    assert not Claim.objects.exists()


def test_claim_rules_are_pure():
    claims = rules.Claims(medical=Decimal("10"), disability=Decimal("20"), death=Decimal("30"),
                          report_within_days=10)
    day = dt.date(2025, 5, 1)
    assert rules.check_claim(claims, "medical", Decimal("5"), day, day, True) == []
    late = rules.check_claim(claims, "medical", Decimal("5"), day, day + dt.timedelta(days=11),
                             True)
    assert late and "报案时限" in late[0]
    assert rules.claim_payable(claims, "death", Decimal("31"))[0] == Decimal("30")
    with pytest.raises(ValueError, match="claims are paid by an insurance"):
        rules.Settlement(kind="ledger", claims=claims)
