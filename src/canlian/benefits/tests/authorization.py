"""Authorization rows for the public notices (公示) of the subsidies (see
core/tests/test_authorization_matrix.py; the other benefits rows are in its own MATRIX)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}

MATRIX = {
    "benefits:notices": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "benefits:notice": ("public_notice", "get", {**STAFF_READ, **NO_REGISTRY}),
}


def objects(users, person, village):
    import datetime as dt

    from canlian.benefits.models import PublicNotice

    return {"public_notice": PublicNotice.objects.create(
        village=village, starts_on=dt.date(2025, 1, 2), ends_on=dt.date(2025, 1, 8),
        working_days=5)}
