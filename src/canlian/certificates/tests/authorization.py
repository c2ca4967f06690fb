"""Authorization rows for the public notices (公示) of certificate applications (see
core/tests/test_authorization_matrix.py; the other certificate rows are in its own MATRIX)."""

import datetime as dt

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}

MATRIX = {
    "certificates:notices": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "certificates:notice": ("certificate_notice", "get", {**STAFF_READ, **NO_REGISTRY}),
}


def objects(users, person, village):
    from canlian.certificates.models import PublicNotice

    return {"certificate_notice": PublicNotice.objects.create(
        village=village, starts_on=dt.date(2025, 1, 2), ends_on=dt.date(2025, 1, 8),
        working_days=5)}
