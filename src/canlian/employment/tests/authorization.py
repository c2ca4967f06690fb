"""Authorization rows for the employment pages (see core/tests/test_authorization_matrix.py)."""

import datetime as dt
from decimal import Decimal

from canlian.core import clock

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "anonymous": "login"}

MATRIX = {
    "employment:index": (None, "get", {**STAFF_READ, **NO_REGISTRY, "employer": 302}),
    "employment:employers": (None, "get", {**STAFF_READ, **NO_REGISTRY, "employer": 403}),
    # Village workers do not handle employers: none is in their (village) region.
    "employment:employer": ("employer", "get", {**STAFF_READ, **NO_REGISTRY, "village": 404,
                                                "employer": 404}),
    "employment:file": ("employer", "post", {"federation": 302, "township": 302, "village": 404,
                                             "auditor": 403, "employer": 404, "assessor": 403,
                                             "citizen": 403, "anonymous": "login"}),
    "employment:mine": (None, "get", {"federation": 403, "township": 403, "village": 403,
                                      "auditor": 403, "employer": 200, "assessor": 403,
                                      "citizen": 403, "anonymous": "login"}),
    "employment:declaration": ("declaration", "get", {**STAFF_READ, **NO_REGISTRY,
                                                      "village": 404, "employer": 404}),
    "employment:act": (("declaration", "approve"), "post",
                       {"federation": 302, "township": 403, "village": 403, "auditor": 403,
                        "employer": 403, "assessor": 403, "citizen": 403, "anonymous": "login"}),
    "employment:placement_new": ("person", "get", {"federation": 200, "township": 200,
                                                   "village": 200, "auditor": 403,
                                                   **NO_REGISTRY, "employer": 403}),
    "employment:training": (None, "get", {**STAFF_READ, **NO_REGISTRY, "employer": 403}),
    "employment:course_new": (None, "get", {"federation": 200, "township": 200, "village": 403,
                                            "auditor": 403, **NO_REGISTRY, "employer": 403}),
    "employment:course": ("course", "get", {**STAFF_READ, "village": 404, **NO_REGISTRY,
                                            "employer": 403}),
    "employment:placement_end": ("placement", "post", {"federation": 302, "township": 302,
                                                       "village": 302, "auditor": 403,
                                                       **NO_REGISTRY, "employer": 403}),
    "employment:job_seekers": (None, "get", {**STAFF_READ, **NO_REGISTRY, "employer": 403}),
    "employment:job_seeker": ("person", "get", {"federation": 200, "township": 200,
                                                "village": 200, "auditor": 403,
                                                **NO_REGISTRY, "employer": 403}),
}


def objects(users, person, village):
    from canlian.employment import uscc
    from canlian.employment.models import Declaration, Employer

    township = village.parent
    code = uscc.make(f"91{township.code[:6]}{person.pk:09d}"[:17])
    employer = Employer.objects.create(name=f"单位{person.pk}", credit_code=code,
                                       unit_kind="enterprise", township=township)
    declaration = Declaration.objects.create(employer=employer, year=clock.today().year,
                                             staff=Decimal(100), average_wage=Decimal(80000),
                                             local_average_wage=Decimal(90000),
                                             state="submitted")
    from canlian.employment.models import Course, Placement

    course = Course.objects.create(name="培训", provider="职校", township=township,
                                   start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 1), hours=20)
    placement = Placement.objects.create(person=person, form="flexible",
                                         start=dt.date(2024, 1, 1))
    return {"employer": employer, "declaration": declaration, "course": course,
            "placement": placement}
