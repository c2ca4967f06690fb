"""Authorization rows for the provincial dashboard (see core/tests/test_authorization_matrix.py).
The test site is a city deployment, so those allowed in get 404: the page exists only in
province mode (province/tests/test_dashboard.py opens it there)."""

MATRIX = {
    "province:dashboard": (None, "get", {"federation": 404, "township": 403, "village": 403,
                                         "auditor": 404, "assessor": 403, "employer": 403,
                                         "citizen": 403, "anonymous": "login"}),
}
