"""Authorization rows for the plan-task pages (see core/tests/test_authorization_matrix.py).

The department role is not among the matrix's roles; test_plantasks.py checks it."""

NONE = {"federation": 403, "township": 403, "village": 403, "auditor": 403, "assessor": 403,
        "employer": 403, "citizen": 403, "anonymous": "login"}
SUPERVISE = {**NONE, "federation": 200, "auditor": 200}

MATRIX = {
    "plantasks:mine": (None, "get", NONE),
    "plantasks:report": (("static", "2.1.1"), "get", NONE),
    "plantasks:supervision": (None, "get", SUPERVISE),
    "plantasks:bulletin": (None, "get", SUPERVISE),
    "plantasks:bulletin_pdf": (None, "get", SUPERVISE),
}
