"""Demo satisfaction ratings and third-party evaluation: about one closed item in five
since the plan began rated (most 4 or 5, some institutions and kinds lower, a few by
text message), the ``evaluator`` login, and findings for the mid-term year and the last
finished year, so the evaluation report and the results pages have something to show."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.core import clock
from canlian.regions.models import Deployment

from . import items
from .models import Finding, Rating

DEMO_PASSWORD = "Canlian-demo-2026"  # noqa: S105 - the demo logins' password (demo/users.py)
COMMENTS = ("工作人员很耐心。", "办理速度快。", "希望上门服务次数再多一些。", "流程清楚，谢谢。",
            "等待时间较长。", "")
FINDINGS = [
    ("satisfaction", "服务满意度总体较高，个别机构偏低",
     "抽样和满意度评价显示，多数残疾人对康复、辅具服务满意，但部分托养机构评分低于全区平均水平。",
     "对评分较低的机构开展专项回访，纳入年度考核。"),
    ("tasks", "部分牵头部门季度进展报送不及时",
     "规划重点任务中有部门连续逾期未报，进展情况无法及时掌握。",
     "按督查通报要求限期报送，并说明原因。"),
    ("indicators", "指标数据与抽样记录一致",
     "对匿名样本记录逐条核对，服务和补贴记录与指标口径一致，未发现重复计数。", ""),
]


def seed_evaluation(deployment: Deployment, *, seed: int = 31,
                    today: dt.date | None = None) -> dict[str, int]:
    from canlian.indicators import plans

    today = today or clock.today()
    rng = random.Random(seed)
    root = deployment.root
    evaluator, created = User.objects.get_or_create(
        username="evaluator", defaults={"role": Role.EVALUATOR, "region": root,
                                        "organisation": "第三方评估机构（演示）",
                                        "first_name": "演示第三方评估机构"})
    if created:
        evaluator.set_password(DEMO_PASSWORD)
        evaluator.save()
    plan_code = next((c for c in plans.available() if plans.load(c).region == root.name), None)
    start = dt.date(plans.load(plan_code).start, 1, 1) if plan_code else dt.date(today.year - 4, 1, 1)
    found = [i for kind in items.SPECS
             for i in items.closed(kind, scoping.within(root, "village__code")
                                   & Q(closed__range=(start, today)))]
    # Each institution and kind has its own mood, so the tables differ.
    mood: dict[object, float] = {}
    rows = []
    for item in found:
        if rng.random() > 0.2:
            continue
        base = mood.setdefault(item.institution_id or item.topic, rng.choice((4.4, 4.2, 3.6)))
        score = max(1, min(5, round(rng.gauss(base, 0.8))))
        at = dt.datetime.combine(min(today, item.closed_on + dt.timedelta(days=rng.randint(1, 20))),
                                 dt.time(15), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        rows.append(Rating(kind=item.kind, object_id=item.object_id, person_id=item.person_id,
                           village_id=item.village_id, institution_id=item.institution_id,
                           topic=item.topic, closed_on=item.closed_on, score=score,
                           comment=rng.choice(COMMENTS), channel=rng.choice(("portal", "sms", "sms")),
                           rated_at=at))
    Rating.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    made = 0
    if plan_code:
        plan = plans.load(plan_code)
        years = sorted({y for y in (plan.start + 2, min(today.year - 1, plan.end))
                        if plan.start <= y < today.year})
        for year in years:
            if Finding.objects.filter(plan=plan_code, year=year).exists():
                continue
            Finding.objects.bulk_create([
                Finding(plan=plan_code, year=year, area=a, title=t, text=x, recommendation=r,
                        organisation=evaluator.organisation, recorded_by=evaluator,
                        recorded_at=dt.datetime(year + 1, 2, 1, 10,
                                                tzinfo=dt.timezone(dt.timedelta(hours=8))))
                for a, t, x, r in FINDINGS])
            made += len(FINDINGS)
    return {"satisfaction ratings": len(rows), "evaluation findings": made}
