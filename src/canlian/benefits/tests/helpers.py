"""Shared helpers of the subsidy tests: months, a grant taken through the real steps, a
roll's lines as comparable tuples, and grants settled as a running district's are."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from canlian.benefits import actions
from canlian.benefits.models import Grant

D = Decimal
NURSING = {"needs_long_term_care": True, "care_months": 12}


def m(year, month):
    return dt.date(year, month, 1)


def noticed(users, application, today=None):
    """Post a reviewed application on its village's public notice (公示) from ``today``
    and return the first day it may be approved (the day after the notice's last day)."""
    from canlian.core import clock

    today = today or clock.today()
    notice = actions.post_notice(users.township, application.village_id, [application.pk],
                                 today, today=today)
    return notice.ends_on + dt.timedelta(days=1)


def approve(users, application, approver=None, today=None, **kwargs):
    """Post the notice, wait until it has run (clock frozen), then approve."""
    from canlian.core import clock

    day = noticed(users, application, today)
    with clock.frozen(day):
        return actions.decide_application(approver or users.federation, application.pk,
                                          "approve", today=day, **kwargs)


def grant(users, person, subsidy="nursing", applied=dt.date(2025, 1, 10), declared=None,
          account="6222021234567890123", start_month=None, approver=None):
    application = actions.apply(users.township, person, subsidy, declared or NURSING,
                                bank_name="农业银行", bank_account=account, today=applied)
    actions.decide_application(users.township, application.pk, "review", today=applied)
    approve(users, application, approver, today=applied, start_month=start_month)
    return Grant.objects.get(application=application)


def lines(roll):
    return sorted((line.person_id, line.subsidy, line.period, line.kind, line.amount)
                  for line in roll.lines.all())


def settled_long_ago():
    """Grants and persons last changed an hour ago, as a running district's are (a roll
    reviews everything changed within minutes of the previous roll's read)."""
    from canlian.people.models import Person

    earlier = timezone.now() - dt.timedelta(hours=1)
    Grant.objects.update(updated_at=earlier)
    Person.objects.update(updated_at=earlier)
