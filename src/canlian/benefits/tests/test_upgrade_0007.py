"""The upgrade to per-person never-pay-twice (migration 0007) on a ledger written before it."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from canlian.benefits.models import Grant, Roll, RollLine

from .helpers import D, m

upgrade = importlib.import_module("canlian.benefits.migrations.0007_never_pay_twice_per_person")
EDITOR = SimpleNamespace(connection=connection)


MONTHLY = D("300.00")


def _line(roll, grant, period, kind="regular", amount=MONTHLY):
    return RollLine.objects.create(roll=roll, grant=grant, person=grant.person, subsidy="nursing",
                                   period=period, kind=kind, amount=amount,
                                   village_code=grant.person.village_id, payee="周一")


def _roll(region, month, status="finalised"):
    return Roll.objects.create(region=region, month=month, status=status,
                               kind="regular", sequence=1)


def test_carried_over_grants_are_paid_from_their_first_line(certified, regions):
    old = Grant.objects.create(person=certified(grade=1), subsidy="nursing",
                               start_month=m(2018, 3))
    fresh = Grant.objects.create(person=certified(grade=2, name="新"), subsidy="nursing",
                                 start_month=m(2025, 2))
    _line(_roll(regions.county, m(2021, 1)), old, m(2021, 1))
    Grant.objects.update(first_payable_month=m(1900, 1))  # as the added column starts
    upgrade.first_payable(None, EDITOR)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.first_payable_month, fresh.first_payable_month) == (m(2021, 1), m(2025, 2))


def test_old_recoveries_are_linked_to_the_payment_they_took_back(certified, regions):
    g = Grant.objects.create(person=certified(grade=1), subsidy="nursing", start_month=m(2025, 1))
    paid = _line(_roll(regions.county, m(2025, 3)), g, m(2025, 3))
    recovery = _line(_roll(regions.county, m(2025, 5)), g, m(2025, 3), "recovery", D("-300.00"))
    untouched = _line(_roll(regions.county, m(2025, 4)), g, m(2025, 4))
    upgrade.link_recoveries_and_check(None, EDITOR)
    paid.refresh_from_db()
    untouched.refresh_from_db()
    assert (paid.recovered_by, untouched.recovered_by) == (recovery.pk, None)


def test_the_upgrade_stops_on_a_ledger_that_already_paid_a_month_twice(certified, regions):
    person = certified(grade=1)
    first = Grant.objects.create(person=person, subsidy="nursing", start_month=m(2025, 1),
                                 end_month=m(2025, 3), status="stopped")
    second = Grant.objects.create(person=person, subsidy="nursing", start_month=m(2025, 3))
    with connection.cursor() as cursor:  # as the old per-grant index allowed
        cursor.execute("DROP INDEX never_pay_twice")
    _line(_roll(regions.county, m(2025, 3)), first, m(2025, 3))
    _line(_roll(regions.county, m(2025, 4)), second, m(2025, 3), "arrears")
    with pytest.raises(RuntimeError, match=rf"person {person.pk} nursing 2025-03 ×2"):
        upgrade.link_recoveries_and_check(None, EDITOR)
