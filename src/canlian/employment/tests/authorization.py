"""Rows of the authorization matrix (core/tests/test_authorization_matrix.py) for employment."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}

MATRIX = {
    "employment:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
}


def objects(users, person, village):
    return {}
