"""Over-quota employer rewards (超比例安排残疾人就业奖励, Linzi plan 专栏4) end to end:
approved quota declarations over the ratio by at least one whole person are posted for
public notice (公示) set-based, decided only after the notice has run and not by the
poster, and paid once; a fraction of a person over earns nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from canlian.core import clock
from canlian.employment.models import Declaration, Employer
from canlian.programmes import actions, rules
from canlian.programmes.actions import ProgrammeError
from canlian.programmes.models import EmployerReward
from canlian.regions.models import Deployment

TODAY = clock.today()
YEAR = TODAY.year - 1


@pytest.fixture
def linzi(regions):
    Deployment.objects.update(code="linzi")  # Linzi's rule file names the reward


def _declaration(regions, name, code, counted, required, state="approved", standing="over",
                 township=None):
    employer = Employer.objects.create(name=name, credit_code=code, unit_kind="enterprise",
                                       township=township or regions.t1)
    return Declaration.objects.create(
        employer=employer, year=YEAR, staff=Decimal(500), average_wage=Decimal(80000),
        local_average_wage=Decimal(70000), state=state, standing=standing,
        counted=Decimal(counted), required=Decimal(required))


def test_rewards_are_posted_noticed_decided_and_paid(users, regions, linzi):
    over = _declaration(regions, "甲公司", "91370305MA3C000011", "10.00", "7.500")
    _declaration(regions, "乙公司", "91370305MA3C000022", "8.00", "7.500")  # 0.5 over
    _declaration(regions, "丙公司", "91370305MA3C000033", "9.00", "7.500", state="submitted")
    _declaration(regions, "丁公司", "91370305MA3C000044", "60.00", "7.500")  # capped at 20
    made = actions.post_rewards(users.federation, YEAR)
    assert sorted((m.persons, m.amount) for m in made) == [
        (2, Decimal("4000.00")), (20, Decimal("40000.00"))]
    assert actions.post_rewards(users.federation, YEAR) == []  # a re-run posts nothing
    reward = EmployerReward.objects.get(declaration=over)
    assert reward.notice_first <= reward.notice_last and reward.notice_last >= TODAY
    assert reward in actions.on_notice(users.federation, reward.notice_last)
    assert reward not in actions.on_notice(users.township2, reward.notice_last)  # other township
    with pytest.raises(ProgrammeError, match="公示期"):
        actions.decide_reward(users.federation2, reward.pk, approve=True)
    # the notice has run: approval comes the day after its last day, not from the poster
    EmployerReward.objects.filter(pk=reward.pk).update(
        notice_first=TODAY - dt.timedelta(days=12), notice_last=TODAY - dt.timedelta(days=1))
    with pytest.raises(ProgrammeError):
        actions.decide_reward(users.federation, reward.pk, approve=True)
    with pytest.raises(ProgrammeError, match="写明理由"):
        actions.decide_reward(users.federation2, reward.pk, approve=False)
    actions.decide_reward(users.federation2, reward.pk, approve=True)
    paid = actions.pay_reward(users.federation, reward.pk, paid_on=TODAY)
    assert paid.state == "paid"
    with pytest.raises(ProgrammeError, match="只有已批准"):
        actions.pay_reward(users.federation, reward.pk, paid_on=TODAY)


def test_a_deployment_without_the_reward_refuses_to_post(users, regions):
    with pytest.raises(ProgrammeError, match="未设超比例奖励"):
        actions.post_rewards(users.federation, YEAR)


def test_reward_amounts_are_pure():
    reward = rules.OverQuotaReward(effective_from="2024-01-01", name_zh="奖励", basis="依据",
                                   per_person=Decimal("100.00"), max_persons=3)
    assert rules.reward_amount(reward, 2) == (2, Decimal("200.00"))
    assert rules.reward_amount(reward, 9) == (3, Decimal("300.00"))
    assert rules.reward_amount(reward, -1) == (0, Decimal("0.00"))
