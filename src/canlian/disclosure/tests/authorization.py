"""Authorization rows for the public disclosure (see core/tests/test_authorization_matrix.py):
open to everyone, signed in or not."""

EVERYONE = dict.fromkeys(("federation", "township", "village", "assessor", "auditor",
                          "employer", "citizen", "anonymous"), 200)

MATRIX = {
    "disclosure:page": (None, "get", EVERYONE),
    "disclosure:json": (None, "get", EVERYONE),
    "disclosure:csv": (("static", "persons"), "get", EVERYONE),
}
