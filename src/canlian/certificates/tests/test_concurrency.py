"""Concurrent approvals of one application: exactly one wins (real transactions)."""

import threading

import pytest
from django.db import connection

from canlian.certificates import actions
from canlian.certificates.models import Step
from canlian.certificates.tests.walk import assessment, noticed
from canlian.certificates.workflow import Action, IllegalTransition, Kind


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_cannot_both_succeed(users, make_person):
    person = make_person()
    application = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    actions.assess(users.assessor, application.pk, assessment())
    actions.advance(users.township, application.pk, Action.REVIEW)
    noticed(users.township, application)

    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def approve() -> None:
        try:
            barrier.wait()
            actions.advance(users.federation, application.pk, Action.APPROVE)
            outcomes.append("ok")
        except IllegalTransition:
            outcomes.append("refused")
        except Exception as exc:
            outcomes.append(f"error:{exc.__class__.__name__}")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes.count("ok") == 1, outcomes
    assert Step.objects.filter(application=application, action="approve").count() == 1
    application.refresh_from_db()
    assert application.state == "approved"
    assert application.version == 3
