"""Property: whatever staff, the bank and the calendar do, nobody is paid twice for a
subsidy and month, and after each finalised roll the money paid is what the rules owe.

Hypothesis drives random sequences of apply-and-approve, stop, suspend (with or without back
pay), resume, death, monthly roll (generate and finalise), bank results (failed payments)
and corrected bank files over a small district, through the real actions and the real
database. The oracle is kept by the test itself from the steps it took: for each person,
subsidy and month, whether some grant covers the month (between its start and end, outside
suspensions without back pay, the person alive), whether it is withheld (a suspension with
back pay still open), and whether its payment failed and awaits a re-issue. The amounts come
from the rules (``eligibility``, the one definition), so the property is about the ledger.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from canlian.benefits import actions, bankfiles, ledger, rolls
from canlian.benefits.models import Grant, Roll, RollLine
from canlian.certificates.models import Certificate
from canlian.core import clock
from canlian.people.actions import record_death

from .helpers import m, noticed
from .test_grants_and_rolls import _bank_result

PERSONS = (  # (grade, household type): who can hold which subsidy
    (1, "dibao"),     # both subsidies
    (2, "ordinary"),  # nursing only
    (3, "dibao"),     # living only
)
SUBSIDIES = ("living", "nursing")
ELIGIBLE = ((0, "living"), (0, "nursing"), (1, "nursing"), (2, "living"))


@dataclass
class GrantModel:
    """The oracle's view of one grant: what the test did to it."""

    pk: int
    start: dt.date
    end: dt.date | None = None
    suspensions: list[list] = field(default_factory=list)  # [from, through or None, back pay]

    def covers(self, month: dt.date) -> bool:
        if month < self.start or (self.end is not None and month > self.end):
            return False
        return not any(f <= month and (t is None or month <= t) and not back
                       for f, t, back in self.suspensions)

    def withholds(self, month: dt.date) -> bool:
        return any(f <= month and t is None for f, t, _ in self.suspensions)


def make_machine(users, regions, make_person, region):
    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.month = m(2025, 1)
            self.finalised: dt.date | None = None
            self.persons = []
            for i, (grade, household) in enumerate(PERSONS):
                person = make_person(regions.v1a, name="甲乙丙"[i], household_type=household)
                number = person.resident_id + f"4{grade}"
                Certificate.objects.create(person=person, number=number, category=4,
                                           grade=grade, issue_date=dt.date(2020, 1, 1),
                                           valid_until=dt.date(2030, 1, 1),
                                           issued_by=regions.county)
                person.category, person.grade, person.certificate_number = 4, grade, number
                person.save()
                self.persons.append(person)
            self.grants: dict[tuple[int, str], list[GrantModel]] = {}
            self.deaths: dict[int, dt.date] = {}
            self.owed: dict[tuple, Decimal] = {}
            for i, subsidy in ELIGIBLE:  # a running district: everyone eligible is paid
                self.apply_and_approve(i, subsidy, later_start=False)

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        # ---- helpers ---------------------------------------------------------------------
        def today(self) -> dt.date:
            return self.month.replace(day=15)

        def running(self, i: int, subsidy: str) -> GrantModel | None:
            models = self.grants.get((self.persons[i].pk, subsidy), [])
            if models and Grant.objects.get(pk=models[-1].pk).status != "stopped":
                return models[-1]
            return None

        def back(self, months: int) -> dt.date:
            return rolls.add_months(self.month, -months)

        # ---- steps -----------------------------------------------------------------------
        @rule(i=st.integers(0, 2), subsidy=st.sampled_from(SUBSIDIES),
              later_start=st.booleans())
        def apply_and_approve(self, i, subsidy, later_start):
            person = self.persons[i]
            if person.pk in self.deaths:
                return
            with clock.frozen(self.today()):
                try:
                    application = actions.apply(users.township, person, subsidy,
                                                {"needs_long_term_care": True,
                                                 "care_months": 12}, today=self.today())
                    actions.decide_application(users.township, application.pk, "review")
                    day = noticed(users, application, self.today())  # 公示 first
                    with clock.frozen(day):
                        actions.decide_application(
                            users.federation, application.pk, "approve", today=day,
                            start_month=rolls.add_months(self.month, 1) if later_start else None)
                except (actions.SubsidyError, ValidationError):
                    return  # refused with a reason (ineligible, overlapping, already held)
            g = Grant.objects.get(application=application)
            self.grants.setdefault((person.pk, subsidy), []).append(GrantModel(g.pk, g.start_month))

        @rule(i=st.integers(0, 2), subsidy=st.sampled_from(SUBSIDIES), back=st.integers(0, 2))
        def stop(self, i, subsidy, back):
            model = self.running(i, subsidy)
            if model is None:
                return
            with clock.frozen(self.today()):
                g = actions.stop(users.federation, model.pk, self.back(back), "核实后停发")
            model.end = g.end_month
            for s in model.suspensions:
                if s[1] is None:
                    s[1] = g.end_month

        @rule(i=st.integers(0, 2), subsidy=st.sampled_from(SUBSIDIES), back=st.integers(0, 2),
              back_pay=st.booleans())
        def suspend(self, i, subsidy, back, back_pay):
            model = self.running(i, subsidy)
            if model is None or Grant.objects.get(pk=model.pk).status != "active":
                return
            with clock.frozen(self.today()):
                actions.suspend(users.federation, model.pk, self.back(back), "待核实",
                                back_pay=back_pay)
            model.suspensions.append([self.back(back), None, back_pay])

        @rule(i=st.integers(0, 2), subsidy=st.sampled_from(SUBSIDIES))
        def resume(self, i, subsidy):
            model = self.running(i, subsidy)
            if model is None or Grant.objects.get(pk=model.pk).status != "suspended":
                return
            open_ = next(s for s in model.suspensions if s[1] is None)
            with clock.frozen(self.today()):
                try:
                    actions.resume(users.federation, model.pk, self.month)
                except actions.SubsidyError:
                    return  # resumed in the month it was suspended from: refused
            open_[1] = rolls.add_months(self.month, -1)

        @rule(i=st.integers(0, 2), back=st.integers(0, 2))
        def death(self, i, back):
            person = self.persons[i]
            if person.pk in self.deaths:
                return
            day = self.back(back).replace(day=10)
            with clock.frozen(self.today()):
                record_death(users.township, person, day)
            self.deaths[person.pk] = day
            for subsidy in SUBSIDIES:
                for model in self.grants.get((person.pk, subsidy), []):
                    g = Grant.objects.get(pk=model.pk)
                    model.end = g.end_month
                    for s in model.suspensions:
                        if s[1] is None:
                            s[1] = g.end_month

        @rule(times=st.integers(1, 2))
        def roll(self, times):
            for _ in range(times):
                self.roll_one()

        def roll_one(self):
            with clock.frozen(self.today()):
                outcome = rolls.generate(region, self.month)
                if outcome.roll.status == "draft":
                    rolls.finalise(outcome.roll)
            self.finalised = self.month
            self.month = rolls.add_months(self.month, 1)
            self.check_owed()

        @precondition(lambda self: self.finalised is not None)
        @rule(data=st.data())
        def bank_fails_some(self, data):
            last = RollLine.objects.filter(roll__month=self.finalised, roll__status="finalised",
                                           kind__in=["regular", "arrears", "reissue"],
                                           payment_status="pending")
            ids = list(last.values_list("id", flat=True))
            if not ids:
                return
            chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
            for roll_id in set(last.filter(id__in=chosen).values_list("roll_id", flat=True)):
                bankfiles.reconcile(Roll.objects.get(pk=roll_id), _bank_result(
                    [[i, "", "", "失败", "账户异常"] for i in chosen]))

        @precondition(lambda self: self.finalised is not None)
        @rule(data=st.data())
        def corrected_bank_file(self, data):
            """The bank says a failed payment went through after all (may come after its
            re-issue: then the row is refused)."""
            failed = list(RollLine.objects.filter(payment_status="failed").values_list(
                "id", "roll_id"))
            if not failed:
                return
            line_id, roll_id = data.draw(st.sampled_from(failed))
            bankfiles.reconcile(Roll.objects.get(pk=roll_id),
                                _bank_result([[line_id, "", "", "成功", ""]]))

        # ---- what must always hold -------------------------------------------------------
        @invariant()
        def never_paid_twice(self):
            assert ledger.double_payments() == []

        def owed_by_rules(self, person, subsidy, grant_id, month) -> Decimal:
            key = (person.pk, subsidy, grant_id, month, self.deaths.get(person.pk))
            if key not in self.owed:
                decision = actions.evaluate(person, subsidy, Grant.objects.get(pk=grant_id),
                                            on=month)
                self.owed[key] = decision.monthly_amount if decision.eligible else Decimal(0)
            return self.owed[key]

        def check_owed(self):
            """After a roll is finalised, every earlier month is paid exactly as owed."""
            net: dict[tuple, Decimal] = {}
            failed_last: dict[tuple, bool] = {}
            for line in RollLine.objects.filter(roll__status="finalised").order_by("id"):
                key = (line.person_id, line.subsidy, line.period)
                if line.payment_status != "failed":
                    net[key] = net.get(key, Decimal(0)) + line.amount
                if line.kind != "recovery":
                    failed_last[key] = line.payment_status == "failed"
            for person in self.persons:
                person.refresh_from_db()
                for subsidy in SUBSIDIES:
                    models = self.grants.get((person.pk, subsidy), [])
                    for month in rolls.months(m(2025, 1), self.finalised):
                        key = (person.pk, subsidy, month)
                        paid = net.get(key, Decimal(0))
                        assert paid >= 0, key
                        covering = [g for g in models if g.covers(month)]
                        if not covering:
                            assert paid == 0, (key, "paid a month no grant covers")
                            continue
                        owed = self.owed_by_rules(person, subsidy, covering[0].pk, month)
                        if owed == 0:
                            assert paid == 0, (key, "paid a month the rules do not owe")
                        elif failed_last.get(key) and paid == 0:
                            continue  # failed at the bank; re-issued by the next roll
                        elif all(g.withholds(month) for g in covering):
                            assert paid in (0, owed), (key, paid, owed)
                        else:
                            assert paid == owed, (key, paid, owed)

    return Ledger


@pytest.mark.django_db
def test_nobody_is_paid_twice_and_everyone_is_paid_what_is_owed(users, regions, make_person,
                                                                  settings):
    settings.CANLIAN_ARREARS_LIMIT_MONTHS = 100  # the limit has a test of its own
    machine = make_machine(users, regions, make_person, regions.county)
    run_state_machine_as_test(machine, settings=hypothesis_settings(
        max_examples=30, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
