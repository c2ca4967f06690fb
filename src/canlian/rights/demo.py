"""Demo rights cases for the last two years, through the actions (so every case has its
steps, time limits, to-dos and audit entries): every state, kind and channel, a duplicate,
代办 with consent, cases reopened on appeal, satisfaction answers, and overdue cases
supervised by the federation."""

from __future__ import annotations

import datetime as dt
import random

from canlian.accounts.models import User
from canlian.core import calendar, clock
from canlian.people.models import Person
from canlian.regions.models import Deployment

from . import actions

SUBJECTS = {
    "xinfang": ["反映残疾人两项补贴发放问题", "反映无障碍设施被占用", "反映危房改造进度",
                "反映低保认定问题"],
    "legal_aid": ["工伤赔偿纠纷申请法律援助", "劳动合同纠纷申请法律援助", "交通事故赔偿申请法律援助",
                  "继承纠纷申请法律援助"],
    "complaint": ["用人单位拒绝录用残疾人", "学校拒收残疾儿童入学", "公共场所拒绝导盲犬进入",
                  "社区盲道被商户占用"],
}
OUTCOMES = ["resolved", "resolved", "partly", "explained", "not_supported"]


def _working(day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def seed_rights(deployment: Deployment, *, seed: int = 26, today: dt.date | None = None
                ) -> dict[str, int]:
    today = today or clock.today()
    rng = random.Random(seed)
    staff = User.objects.get(username="federation")
    persons = list(Person.objects.filter(village__code__range=deployment.root.code_range,
                                         life_status="alive")
                   .order_by("id").values_list("id", flat=True)[:4000])
    if not persons:
        return {"rights cases": 0}
    rng.shuffle(persons)
    made = 0
    townships = deployment.root.townships().count()
    for i in range(max(24, 3 * townships)):
        person = Person.objects.get(pk=persons[i % len(persons)])
        kind = ["xinfang", "legal_aid", "complaint"][i % 3]
        received = _working(today - dt.timedelta(days=rng.randint(3, 700)))
        channel = ["hotline", "walk_in", "letter", "walk_in"][i % 4]
        with clock.frozen(received):
            case = actions.intake(staff, person, kind=kind, channel=channel,
                                  subject=rng.choice(SUBJECTS[kind]),
                                  description="当事人来电/来访反映有关情况，请求残联协调解决。",
                                  submitter_name=person.name, submitter_relation="本人",
                                  proxy_consent=i % 5 == 0)
        made += 1
        stage = i % 8
        if stage == 0:
            continue  # waiting for acceptance (overdue when received long ago)
        step_day = min(today, _working(received + dt.timedelta(days=rng.randint(1, 6))))
        with clock.frozen(step_day):
            if stage == 1:
                actions.refuse(staff, case.pk, "不属于残联职责范围，已告知向有关部门反映")
                continue
            actions.accept(staff, case.pk, "属于受理范围")
            if kind == "legal_aid":
                actions.refer(staff, case.pk, f"{deployment.root.name}法律援助中心", "指派律师")
            else:
                actions.assign(staff, case.pk, staff, "请跟进办理")
        if stage == 2:
            continue  # in hand (overdue when accepted long ago)
        close_day = min(today, _working(step_day + dt.timedelta(days=rng.randint(5, 50))))
        with clock.frozen(close_day):
            actions.close(staff, case.pk, rng.choice(OUTCOMES), "经协调，已向当事人答复处理结果。")
            if stage in (3, 4, 5, 6):
                actions.record_satisfaction(staff, case.pk,
                                            ["satisfied", "satisfied", "basically",
                                             "dissatisfied"][stage - 3])
            if stage == 6:
                actions.reopen(staff, case.pk, "当事人对处理结果不服，申请复查")
    # a duplicate: the same person rings the hotline about the same matter
    first = actions.cases_for(staff).filter(state="received").first()
    if first is not None:
        with clock.frozen(max(first.received_on, today - dt.timedelta(days=1))):
            again = actions.intake(staff, first.person, kind=first.kind, channel="hotline",
                                   subject=first.subject, description="再次来电反映同一事项。")
            actions.link_duplicate(staff, again.pk, first.pk)
        made += 1
    escalated = actions.escalate_overdue(today)
    return {"rights cases": made, "rights cases supervised": escalated}
