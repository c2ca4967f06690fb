"""Demo culture and sports records: events in every township with their attendance
(recorded for the group at once, so the coverage indicator counts them), teams with
athletes' training and competitions, and deliveries to severely disabled households."""

from __future__ import annotations

import datetime as dt
import random

from canlian.accounts.models import User
from canlian.core import clock
from canlian.people.models import Person
from canlian.regions.models import Deployment

from . import actions, rules

TITLES = {"culture": "全国助残日文艺活动", "sports": "残疾人健身周活动", "reading": "无障碍电影放映",
          "art_show": "残疾人艺术团汇报演出", "competition": "残疾人趣味运动会"}


def seed_culture(deployment: Deployment, *, seed: int = 28, today: dt.date | None = None
                 ) -> dict[str, int]:
    today = today or clock.today()
    rng = random.Random(seed)
    staff = User.objects.get(username="federation")
    events = attended = 0
    townships = list(deployment.root.townships().order_by("code"))
    for t_index, township in enumerate(townships):
        people = list(Person.objects.filter(village__code__range=township.code_range,
                                            life_status="alive",
                                            certificate_number__isnull=False)
                      .values_list("id", flat=True))
        for year in (today.year - 1, today.year):
            for k, kind in enumerate(rules.EVENT_KINDS):
                if (t_index + k) % 2:
                    continue
                on = min(today - dt.timedelta(days=1), dt.date(year, 3 + 2 * k, 15))
                with clock.frozen(max(on, today - dt.timedelta(days=800))):
                    event = actions.create_event(
                        staff, kind=kind, title=f"{township.name}{TITLES[kind]}", on=on,
                        place=f"{township.name}文化站", organiser=f"{township.name}残联",
                        township=township, sign_language=k % 2 == 0, captions=kind == "reading",
                        braille=kind == "reading", accessible_seating=True)
                events += 1
                group = rng.sample(people, min(len(people), rng.randint(5, 25)))
                if group:
                    attended += actions.attend(staff, event.pk, group, "list")
        if people:
            team = actions.create_team(staff, name=f"{township.name}残疾人文体队",
                                       kind="sports_team" if t_index % 2 else "art_troupe",
                                       township=township, coach="志愿者教练")
            for pid in people[:3]:
                member = actions.add_member(staff, team.pk, Person.objects.get(pk=pid),
                                            role="田径" if t_index % 2 else "合唱")
                actions.log_athlete(staff, member.pk, kind="training", name="每周集训",
                                    on=today - dt.timedelta(days=7))
                if t_index % 2:
                    actions.log_athlete(staff, member.pk, kind="competition",
                                        name="市残疾人运动会", on=today - dt.timedelta(days=60),
                                        result=rng.choice(["金牌", "银牌", "铜牌", "第五名"]))
    deliveries = 0
    severe = Person.objects.filter(village__code__range=deployment.root.code_range,
                                   life_status="alive", grade__in=rules.SEVERE_GRADES)
    seen: set[int] = set()
    for person in severe.order_by("id")[:60]:
        if person.household_id in seen:
            continue
        seen.add(person.household_id or -person.pk)
        item = "radio_for_blind" if person.category == rules.VISUAL_CATEGORY else \
            rng.choice(["five_ones", "digital_tv"])
        actions.deliver(staff, person, item=item, delivered_on=today - dt.timedelta(
            days=rng.randint(1, 200)))
        deliveries += 1
    return {"culture events": events, "culture attendances": attended,
            "household deliveries": deliveries}
