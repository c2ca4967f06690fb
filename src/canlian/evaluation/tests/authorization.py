"""Authorization rows for the evaluation pages (see core/tests/test_authorization_matrix.py).

The evaluator role is not among the matrix's roles; test_evaluator.py checks it. The SMS
gateway's inbound endpoint is authorised by its shared token (test_ratings.py)."""

NONE = {"federation": 403, "township": 403, "village": 403, "auditor": 403, "assessor": 403,
        "employer": 403, "citizen": 403, "anonymous": "login"}
RESULTS = {**NONE, "federation": 200, "township": 200, "auditor": 200}

MATRIX = {
    "evaluation:home": (None, "get", NONE),
    "evaluation:results": (None, "get", RESULTS),
    "evaluation:sample": (None, "get", NONE),
    "evaluation:findings": (None, "get", NONE),
}
