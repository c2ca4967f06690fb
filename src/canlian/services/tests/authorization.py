"""Authorization rows for the service pages (see core/tests/test_authorization_matrix.py)."""

import datetime as dt

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
EDITORS = {"federation": 200, "township": 200, "village": 200, "auditor": 403}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}
POSTED = {"federation": 302, "township": 302, "village": 302, "auditor": 403, **NO_REGISTRY}

MATRIX = {
    "services:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "services:record": ("person", "get", {**EDITORS, **NO_REGISTRY}),
    "services:gaps": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "services:institutions": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    # a township's institutions are the township's: a village worker sees none of them
    "services:institution": ("institution", "get", {**STAFF_READ, "village": 404, **NO_REGISTRY}),
    "services:renovations": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "services:renovation_apply": ("person", "post", POSTED),
    "services:renovation": ("renovation", "get", {**STAFF_READ, **NO_REGISTRY}),
    "services:renovation_photo": ("renovation", "post", POSTED),
    "services:renovation_step": (("renovation", "contract"), "post", POSTED),
    "services:cases": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "services:case_new": ("person", "get", {**EDITORS, **NO_REGISTRY}),
    "services:case_update": ("case", "post", POSTED),
    "services:requests": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "services:request_decide": (("service_request", "accept"), "post", POSTED),
}


def objects(users, person, village):
    from canlian.services.models import Institution, LegalCase, Renovation, ServiceRequest

    return {
        "institution": Institution.objects.create(name="残疾人之家", kind="home_of_disabled",
                                                  township=village.parent,
                                                  opened_on=dt.date(2022, 1, 1)),
        "renovation": Renovation.objects.create(person=person, village=village,
                                                applied_on=dt.date(2025, 1, 1), state="rejected"),
        "case": LegalCase.objects.create(person=person, kind="legal_aid", subject="x",
                                         opened_on=dt.date(2025, 1, 1)),
        "service_request": ServiceRequest.objects.create(
            person=person, village=village, kind="rehabilitation", submitted_on=dt.date(2025, 1, 1)),
    }
