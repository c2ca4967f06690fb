"""Authorization rows for the programme pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}
FEDERATION_ONLY = {"federation": 200, "township": 403, "village": 403, "auditor": 403,
                   **NO_REGISTRY}

MATRIX = {
    "programmes:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:figures": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:application": ("programme_application", "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:simulate": (None, "get", FEDERATION_ONLY),
    "programmes:roster": (("static", "medical_premium"), "get", FEDERATION_ONLY),
}


def objects(users, person, village):
    from canlian.core import clock
    from canlian.programmes.models import Application

    return {"programme_application": Application.objects.create(
        person=person, village=village, programme="medical_premium", version="2024",
        year=clock.today().year, applicant="person", channel="staff")}
