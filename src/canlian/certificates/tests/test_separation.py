"""审批分离 on certificates: the township reviewer may not approve, whatever their rights."""

import pytest
from django.urls import reverse

from canlian.certificates import actions
from canlian.certificates.models import Application
from canlian.certificates.tests.walk import assessment, noticed
from canlian.certificates.workflow import Action, Kind, State
from canlian.core.separation import SameReviewerError


def _reviewed_by(user, users, person):
    application = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    actions.assess(users.assessor, application.pk, assessment())
    actions.advance(user, application.pk, Action.REVIEW, note="审核通过")
    noticed(users.township, application)
    return application


def test_the_reviewer_cannot_approve_even_with_the_right(users, make_person):
    application = _reviewed_by(users.federation, users, make_person())
    with pytest.raises(SameReviewerError) as refused:
        actions.advance(users.federation, application.pk, Action.APPROVE)
    assert refused.value.code == "same_reviewer"
    assert Application.objects.get(pk=application.pk).state == State.REVIEWED
    assert actions.advance(users.federation2, application.pk, Action.APPROVE).state == \
        State.APPROVED
    # Issuing after someone else approved is not refused to the reviewer.
    assert actions.issue(users.federation, application.pk).state == State.ISSUED


def test_the_page_names_the_reviewer_and_disables_approval_for_them(client, users, make_person):
    application = _reviewed_by(users.federation, users, make_person())
    url = reverse("certificates:application", args=[application.pk])
    client.force_login(users.federation)
    page = client.get(url).content.decode()
    approve = reverse("certificates:act", args=[application.pk, "approve"])
    assert f'action="{approve}"' not in page
    assert "disabled" in page and "notice separation" in page
    assert "fed" in page  # who reviewed
    r = client.post(approve, follow=True)
    assert Application.objects.get(pk=application.pk).state == State.REVIEWED
    assert "different people" in r.content.decode() or "不同的人" in r.content.decode()
    client.force_login(users.federation2)
    page = client.get(url).content.decode()
    assert f'action="{approve}"' in page
