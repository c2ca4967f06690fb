"""Helpers to walk applications through the lifecycle in tests."""

import datetime as dt

from canlian.certificates import actions, workflow
from canlian.certificates.workflow import Action, Kind
from canlian.core import clock


def assessment(category=4, grade=2, components=None):
    # Today when the assessment is made, not when this module was imported: a run that
    # crosses midnight would otherwise assess before the application.
    return actions.AssessmentInput(hospital="乐清市人民医院", assessed_on=clock.today(),
                                   category=category, grade=grade, components=components or [],
                                   findings="肢体功能障碍")


def noticed(user, application):
    """Post ``application`` (reviewed) on a public notice that has run by today: posted by
    ``user`` a month ago, as the township would have. Kinds needing none are left alone."""
    if workflow.notice_days(Kind(application.kind)) is None:
        return None
    start = clock.today() - dt.timedelta(days=30)
    return actions.post_notice(user, application.village_id, [application.pk], start,
                               today=start)


def walker(users):
    """walk(person, kind=..., **apply_kwargs) → the application after issuing."""

    def run(person, kind=Kind.NEW, category=4, grade=2, components=None, **kwargs):
        application = actions.apply(users.township, person,
                                    actions.ApplicationInput(kind=kind, **kwargs))
        if kind in (Kind.NEW, Kind.CHANGE):
            actions.assess(users.assessor, application.pk,
                           assessment(category, grade, components))
        actions.advance(users.township, application.pk, Action.REVIEW, note="审核通过")
        noticed(users.township, application)
        actions.advance(users.federation, application.pk, Action.APPROVE)
        return actions.issue(users.federation, application.pk)

    return run
