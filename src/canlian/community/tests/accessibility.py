"""Community pages for the axe-core scan (core/tests/test_accessibility.py), with a record
of every kind behind them so that no page is scanned empty."""

import datetime as dt
from decimal import Decimal

from canlian.core import clock


def pages(users, person) -> list[str]:

    from canlian.community import inspection_rules, ruleset
    from canlian.community.accessibility import actions as accessibility_actions
    from canlian.community.emergency import actions as emergency_actions
    from canlian.community.models import Problem, WatchCase
    from canlian.community.visits import actions as visits_actions
    from canlian.community.volunteers import actions as volunteers_actions
    from canlian.people.models import Person

    today = clock.today()
    township = users.township
    Person.objects.filter(pk=person.pk).update(grade=1, category=4)
    emergency_actions.save_profile(township, person, lives_alone=True, mobility="wheelchair",
                                   assistive_devices=["wheelchair"], powered_devices=["oxygen"])
    visits_actions.record_visit(township, person, visited_on=today - dt.timedelta(days=100), kind="home",
                                findings="轮椅损坏", follow_up="联系维修", follow_up_due=today)
    volunteer = volunteers_actions.save_volunteer(township, {"name": "陈志愿", "phone": "13800000000",
                                                  "village": person.village,
                                                  "skills": ["escort", "companionship"],
                                                  "availability": ["weekend"]})
    emergency_actions.save_roster_entry(township, person, contact_name="邻居", contact_phone="139",
                                        paired_volunteer=volunteer)
    request = volunteers_actions.create_request(township, person, source="worker", skill="escort",
                                                description="陪同复查")
    volunteers_actions.assign(township, request.pk, volunteer.pk)
    volunteers_actions.log_service(users.village, request.pk, served_on=today, hours=Decimal(2),
                                   description="陪同")
    emergency = emergency_actions.declare_emergency(township, name="台风防御", kind="typhoon",
                                                    region=township.region)
    case = WatchCase.objects.create(person=person, opened_on=today, screened_on=today,
                                    flags=[{"code": "job_loss", "zh": "家庭成员失业",
                                            "en": "a household member lost a job"}])
    place = accessibility_actions.register_place(township, name="便民服务中心", kind="service_hall",
                                                 village=person.village, manager="街道办")
    items = inspection_rules.items_for("service_hall", ruleset.checklist())
    accessibility_actions.inspect(township, place.pk, inspected_on=today - dt.timedelta(days=30),
                                  results={i.code: "fail" if i.code == "entrance" else "pass" for i in items})
    problem = Problem.objects.get(place=place)
    return [
        "/community/", f"/community/person/{person.pk}/", f"/community/person/{person.pk}/circumstances/",
        "/community/visits/", "/community/visits/workers/", "/community/visits/follow-ups/",
        f"/community/visits/new/{person.pk}/", "/community/roster/", "/community/roster/print/",
        f"/community/roster/person/{person.pk}/", "/community/emergencies/",
        f"/community/emergencies/{emergency.pk}/", f"/community/emergencies/{emergency.pk}/close/",
        "/community/watch/", f"/community/watch/{case.pk}/",
        f"/community/watch/events/new/{person.pk}/", "/community/volunteers/",
        "/community/volunteers/new/", f"/community/volunteers/{volunteer.pk}/",
        "/community/volunteers/hours/", "/community/organisations/", "/community/requests/",
        f"/community/requests/{request.pk}/", f"/community/requests/{request.pk}/log/",
        "/community/logs/", "/community/places/", f"/community/places/{place.pk}/",
        f"/community/places/{place.pk}/inspect/", "/community/problems/?state=all",
        f"/community/problems/{problem.pk}/", "/community/accessibility/statistics/",
    ]
