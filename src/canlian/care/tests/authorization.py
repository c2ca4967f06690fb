"""Authorization rows for the care pages (see core/tests/test_authorization_matrix.py).

Institutions are scoped by their township: a village worker sees none of them (404)."""

import datetime as dt

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}
INSTITUTION_READ = {**STAFF_READ, "village": 404, **NO_REGISTRY}
POSTED = {"federation": 302, "township": 302, "village": 404, "auditor": 403, **NO_REGISTRY}
REVIEWED = {"federation": 200, "township": 200, "village": 403, "auditor": 403, **NO_REGISTRY}
REVIEW_POSTED = {"federation": 302, "township": 302, "village": 403, "auditor": 403,
                 **NO_REGISTRY}

MATRIX = {
    "care:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "care:gaps": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "care:institution": ("care_institution", "get", INSTITUTION_READ),
    "care:attendance": ("care_institution", "get", INSTITUTION_READ),
    "care:attendance_month": ("care_institution", "get", INSTITUTION_READ),
    "care:inspect": ("care_institution", "get", REVIEWED),
    "care:end_placement": ("care_placement", "post", POSTED),
    "care:withdraw": ("care_waiting", "post", POSTED),
    "care:reinspect": ("care_problem", "post", REVIEW_POSTED),
    "care:contracts": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    # a county's contract is the federation's: township and village staff do not see it
    "care:contract": ("care_contract", "get", {"federation": 200, "township": 404,
                                               "village": 404, "auditor": 200, **NO_REGISTRY}),
    "care:bill": ("care_institution", "get", INSTITUTION_READ),
    "care:end_designation": ("care_designation", "post", {
        "federation": 302, "township": 403, "village": 403, "auditor": 403, **NO_REGISTRY}),
}


def objects(users, person, village):
    from canlian.care.models import Contract, Designation, Inspection, Placement, Problem, WaitingEntry
    from canlian.services.models import Institution

    home = Institution.objects.create(name="残疾人之家", kind="home_of_disabled",
                                      township=village.parent, opened_on=dt.date(2022, 1, 1))
    inspection = Inspection.objects.create(institution=home, inspected_on=dt.date(2025, 1, 2),
                                           score=80, grade="good")
    from canlian.services.models import ServiceType

    kind, _ = ServiceType.objects.get_or_create(code="rehab_home_visit", defaults={
        "name": "家庭康复指导", "group": "rehabilitation"})
    return {
        "care_contract": Contract.objects.create(
            service_type=kind, provider="康复服务中心", region=village.parent.parent,
            start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31), budget=1000,
            unit_price=100, quantity=10, deliverables="x"),
        "care_institution": home,
        "care_placement": Placement.objects.create(
            person=person, village=village, institution=home, mode="day",
            start_date=dt.date(2025, 1, 1), reason="x", payer="government"),
        "care_waiting": WaitingEntry.objects.create(
            person=person, village=village, institution=home, mode="residential",
            applied_on=dt.date(2025, 1, 1)),
        "care_designation": Designation.objects.create(
            institution=home, service="care", start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2026, 12, 31), services="x", prices={"day": "60"}),
        "care_problem": Problem.objects.create(inspection=inspection, institution=home,
                                               description="x", deadline=dt.date(2025, 2, 1)),
    }
