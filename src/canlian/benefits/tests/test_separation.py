"""审批分离 on both subsidies: who reviewed an application may not approve it."""

import datetime as dt

import pytest
from django.urls import reverse

from canlian.benefits import actions
from canlian.benefits.models import Grant
from canlian.benefits.tests.helpers import NURSING, approve, noticed
from canlian.core import clock
from canlian.core.separation import SameReviewerError

DAY = dt.date(2025, 1, 10)


@pytest.mark.parametrize(("subsidy", "household"), [("nursing", "ordinary"),
                                                    ("living", "dibao")])
def test_the_reviewer_cannot_approve_either_subsidy(users, certified, subsidy, household):
    person = certified(grade=1, household_type=household)
    application = actions.apply(users.township, person, subsidy, NURSING,
                                bank_name="农业银行", bank_account="6222021234567890123",
                                today=DAY)
    actions.decide_application(users.federation, application.pk, "review", today=DAY)
    with pytest.raises(SameReviewerError):
        actions.decide_application(users.federation, application.pk, "approve", today=DAY)
    assert not Grant.objects.filter(application=application).exists()
    approve(users, application, approver=users.federation2, today=DAY)
    assert Grant.objects.filter(application=application).exists()


def test_the_page_says_why_approval_is_unavailable(client, users, certified):
    person = certified(grade=1)
    application = actions.apply(users.township, person, "nursing", NURSING, today=DAY)
    actions.decide_application(users.federation, application.pk, "review", today=DAY)
    day = noticed(users, application, DAY)
    url = reverse("benefits:application", args=[application.pk])
    approve_url = reverse("benefits:decide", args=[application.pk, "approve"])
    with clock.frozen(day):
        client.force_login(users.federation)
        page = client.get(url).content.decode()
        assert f'action="{approve_url}"' not in page and "notice separation" in page
        client.force_login(users.federation2)
        page = client.get(url).content.decode()
        assert f'action="{approve_url}"' in page
