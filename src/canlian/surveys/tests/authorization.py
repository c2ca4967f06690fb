"""Authorization rows for the survey pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}

MATRIX = {
    "surveys:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "surveys:remaining": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "surveys:form": (("person", 2025), "get", {**STAFF_READ, **NO_REGISTRY}),
}
