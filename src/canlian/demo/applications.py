"""Demo certificate applications in every state and of every kind, walked through the
real ``certificates.actions`` as the demo logins, so each has its steps and audit trail.
New and change applications are posted on a public notice (公示) after the township review:
those approved since on one that has run, some of those still waiting on one running now."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from canlian.accounts.models import User
from canlian.certificates import actions, workflow
from canlian.certificates.models import Application, Certificate
from canlian.certificates.workflow import Action, Kind, State
from canlian.core import clock
from canlian.people.models import Person
from canlian.regions.models import Deployment

# How far each demo application goes: (kind, final state, how many).
PLAN = [
    (Kind.NEW, State.APPLIED, 8), (Kind.NEW, State.ASSESSED, 6), (Kind.NEW, State.REVIEWED, 5),
    (Kind.NEW, State.APPROVED, 3), (Kind.NEW, State.ISSUED, 6), (Kind.NEW, State.REJECTED, 2),
    (Kind.NEW, State.WITHDRAWN, 1),
    (Kind.RENEWAL, State.ASSESSED, 4), (Kind.RENEWAL, State.ISSUED, 3),
    (Kind.CHANGE, State.APPLIED, 2), (Kind.CHANGE, State.REVIEWED, 2),
    (Kind.CHANGE, State.ISSUED, 2),
    (Kind.REISSUE, State.REVIEWED, 2), (Kind.REISSUE, State.ISSUED, 2),
    (Kind.TRANSFER, State.ASSESSED, 1), (Kind.TRANSFER, State.ISSUED, 1),
    (Kind.CANCELLATION, State.ASSESSED, 1), (Kind.CANCELLATION, State.ISSUED, 1),
]
ORDER = [State.APPLIED, State.ASSESSED, State.REVIEWED, State.APPROVED, State.ISSUED]


def _candidates(deployment: Deployment, kind: Kind) -> list[Person]:
    township = deployment.root.townships().order_by("code").first()
    base = Person.objects.filter(life_status="alive", village__code__range=township.code_range,  # type: ignore[union-attr]
                                 certificate_applications__isnull=True)
    if kind == Kind.NEW:
        qs = base.filter(certificates__isnull=True)
    elif kind == Kind.RENEWAL:
        qs = base.filter(certificates__status="expired")
    else:
        qs = base.filter(certificates__status="issued")
    return list(qs.order_by("id")[:40])


def seed_applications(deployment: Deployment, *, seed: int = 7) -> int:
    rng = random.Random(seed)
    users = {u.username: u for u in User.objects.filter(
        username__in=["federation", "township", "assessor"])}
    township, federation, assessor = users["township"], users["federation"], users["assessor"]
    villages = list(deployment.root.townships().order_by("code")[1].villages()[:3])
    today = clock.today()
    made = 0
    with transaction.atomic():
        for kind, final, count in PLAN:
            pool = _candidates(deployment, kind)
            for index, person in enumerate(pool[:count]):
                data = actions.ApplicationInput(
                    kind=kind, reason="演示数据",
                    cancel_reason="recovered" if kind == Kind.CANCELLATION else "",
                    target_village=rng.choice(villages) if kind == Kind.TRANSFER else None)
                application = actions.apply(township, person, data)
                if final == State.REJECTED:
                    actions.advance(township, application.pk, Action.REJECT, note="材料不齐全")
                elif final == State.WITHDRAWN:
                    actions.advance(township, application.pk, Action.WITHDRAW, note="本人撤回")
                else:
                    _walk_to(application, kind, final, township, federation, assessor, rng)
                    if final == State.REVIEWED and index % 2 == 0:
                        _post_notice(township, application, today)  # still running
                # Spread the dates so some applications are overdue in the queues.
                days_ago = rng.randrange(0, 40)
                Application.objects.filter(pk=application.pk).update(
                    applied_on=today - dt.timedelta(days=days_ago + 5),
                    due=None if final in (State.ISSUED, State.REJECTED, State.WITHDRAWN)
                    else today + dt.timedelta(days=rng.randrange(-12, 15)))
                made += 1
    return made


def _walk_to(application, kind, final, township, federation, assessor, rng) -> None:
    state = State(application.state)
    while ORDER.index(state) < ORDER.index(final):
        if state == State.APPLIED:
            current = Certificate.objects.filter(person=application.person, status="issued").first()
            category = current.category if current else rng.choice([1, 2, 4, 4, 5, 6])
            grade = max(1, current.grade - 1) if current else rng.randint(1, 4)
            # A multiple disability (多重) is assessed with its components again.
            actions.assess(assessor, application.pk, actions.AssessmentInput(
                hospital="定点评残医院", assessed_on=clock.today(),
                category=category, grade=grade, components=_components(current, category, grade),
                findings="演示评定"))
        elif state == State.ASSESSED:
            actions.advance(township, application.pk, Action.REVIEW, note="公示无异议")
        elif state == State.REVIEWED:
            # 公示: posted three weeks ago, so it has run before the federation approves.
            _post_notice(township, application, clock.today() - dt.timedelta(days=21))
            actions.advance(federation, application.pk, Action.APPROVE)
        elif state == State.APPROVED:
            actions.issue(federation, application.pk)
        application.refresh_from_db()
        state = State(application.state)


def _post_notice(township: User, application: Application, start: dt.date) -> None:
    """The public notice (公示) of a reviewed application whose kind needs one, posted by
    the township on ``start`` (as it would have been on that day)."""
    if workflow.notice_days(Kind(application.kind)) is not None:
        actions.post_notice(township, application.village_id, [application.pk], start,
                            today=start)


def _components(current: Certificate | None, category: int, grade: int) -> list[dict[str, int]]:
    """A multiple disability (多重, 7) is assessed with its components, the most severe of
    which gives its grade (管理办法 art. 13); any other category has none."""
    if category != 7:
        return []
    kinds = [c["category"] for c in (current.components if current else [])][:2] or [4, 1]
    if len(kinds) < 2:
        kinds.append(1 if kinds[0] != 1 else 4)
    return [{"category": kinds[0], "grade": grade}, {"category": kinds[1], "grade": max(grade, 3)}]
