"""Authorization rows for the community pages (see core/tests/test_authorization_matrix.py).

Field work (``EDIT_PEOPLE``) is open to village, township and federation staff;
supervision (``REVIEW``: organisations, emergencies, screening, places and inspections)
to township and federation staff; auditors only read. Out of region, every record is 404.
"""

import datetime as dt
from decimal import Decimal

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
EDITORS = {"federation": 200, "township": 200, "village": 200, "auditor": 403}
REVIEWERS = {"federation": 200, "township": 200, "village": 403, "auditor": 403}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}
POSTED = {"federation": 302, "township": 302, "village": 302, "auditor": 403, **NO_REGISTRY}
REVIEWED = {"federation": 302, "township": 302, "village": 403, "auditor": 403, **NO_REGISTRY}
READ = {**STAFF_READ, **NO_REGISTRY}
EDIT = {**EDITORS, **NO_REGISTRY}
REVIEW = {**REVIEWERS, **NO_REGISTRY}

MATRIX = {
    "community:index": (None, "get", READ),
    "community:find": (None, "get", READ),
    "community:person": ("person", "get", READ),
    "community:profile": ("person", "get", EDIT),
    # --- volunteers
    "community:volunteers": (None, "get", READ),
    "community:volunteer_new": (None, "get", EDIT),
    "community:hours": (None, "get", READ),
    "community:volunteer": ("volunteer", "get", READ),
    "community:volunteer_edit": ("volunteer", "get", EDIT),
    "community:organisations": (None, "get", READ),
    "community:requests": (None, "get", READ),
    "community:request_new": ("person", "get", EDIT),
    "community:request": ("volunteer_request", "get", READ),
    "community:request_assign": ("volunteer_request", "post", POSTED),
    "community:request_close": ("volunteer_request", "post", POSTED),
    "community:request_log": ("volunteer_request", "get", EDIT),
    "community:logs": (None, "get", READ),
    "community:log_confirm": ("service_log", "post", POSTED),
    # --- visits
    "community:visits": (None, "get", READ),
    "community:visit_workers": (None, "get", READ),
    "community:follow_ups": (None, "get", READ),
    "community:visit_new": ("person", "get", EDIT),
    "community:follow_up_done": ("visit", "post", POSTED),
    # --- emergency protection
    "community:roster": (None, "get", READ),
    "community:roster_print": (None, "get", READ),
    "community:roster_candidates": (None, "get", READ),
    "community:roster_recompute": (None, "post", POSTED),
    "community:roster_entry": ("person", "get", EDIT),
    "community:roster_remove": ("roster_entry", "post", POSTED),
    "community:emergencies": (None, "get", READ),
    "community:emergency": ("emergency", "get", READ),
    "community:checkin": ("emergency", "post", POSTED),
    "community:emergency_close": ("emergency", "get", REVIEW),
    "community:emergency_reopen": ("emergency", "post", REVIEWED),
    # --- poverty-return watch
    "community:watch": (None, "get", READ),
    "community:watch_screen": (None, "post", REVIEWED),
    "community:watch_case": ("watch_case", "get", READ),
    "community:watch_review": ("watch_case", "post", POSTED),
    "community:watch_close": ("watch_case", "post", REVIEWED),
    "community:watch_event": ("person", "get", EDIT),
    # --- accessibility supervision
    "community:places": (None, "get", READ),
    "community:place": ("place", "get", READ),
    "community:inspect": ("place", "get", REVIEW),
    "community:problems": (None, "get", READ),
    "community:problem": ("problem", "get", READ),
    "community:problem_photo": ("problem", "post", REVIEWED),
    "community:problem_step": (("problem", "rectify"), "post", REVIEWED),
    "community:statistics": (None, "get", READ),
}


def objects(users, person, village):
    from django.utils import timezone

    from canlian.community.models import (
        Emergency,
        Inspection,
        Place,
        Problem,
        RosterEntry,
        ServiceLog,
        ServiceRequest,
        Visit,
        Volunteer,
        WatchCase,
    )

    today = dt.date(2025, 3, 1)
    volunteer = Volunteer.objects.create(name=f"志愿者{person.pk}", phone="13800000000",
                                         village=village, skills=["companionship"],
                                         registered_on=today)
    service_request = ServiceRequest.objects.create(
        person=person, source="worker", skill="companionship", description="陪伴",
        status="assigned", volunteer=volunteer, created_on=today)
    service_log = ServiceLog.objects.create(volunteer=volunteer, request=service_request,
                                            person=person, served_on=today, hours=Decimal(2),
                                            description="陪伴聊天")
    place = Place.objects.create(name=f"服务大厅{person.pk}", kind="service_hall", village=village,
                                 manager="政务服务中心", registered_on=today)
    inspection = Inspection.objects.create(place=place, inspected_on=today,
                                           results={"entrance": "fail"}, failed=1)
    return {
        "volunteer": volunteer,
        "volunteer_request": service_request,
        "service_log": service_log,
        "visit": Visit.objects.create(person=person, visited_on=today, findings="独居",
                                      follow_up="联系维修", follow_up_due=today),
        "roster_entry": RosterEntry.objects.create(person=person, contact_name="邻居",
                                                   contact_phone="13900000000", added_on=today),
        "emergency": Emergency.objects.create(name="台风", kind="typhoon", region=village,
                                              declared_at=timezone.now()),
        "watch_case": WatchCase.objects.create(person=person, opened_on=today, screened_on=today),
        "place": place,
        "problem": Problem.objects.create(inspection=inspection, place=place, item="entrance",
                                          description="无坡道", severity="critical",
                                          found_on=today, deadline=today),
    }
