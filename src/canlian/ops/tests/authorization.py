"""The operations pages in the authorization matrix (core/tests/test_authorization_matrix.py):
the scheduled jobs' page for those who may read the audit log; the health check for anyone
(the load balancer); metrics for nobody without the token (no token configured: 404)."""

EVERYONE = ("federation", "township", "village", "assessor", "auditor", "employer", "citizen",
            "anonymous")

MATRIX = {
    "ops:status": (None, "get", {"federation": 200, "auditor": 200, "township": 403,
                                 "village": 403, "assessor": 403, "employer": 403,
                                 "citizen": 403, "anonymous": "login"}),
    "healthz": (None, "get", dict.fromkeys(EVERYONE, 200)),
    "metrics": (None, "get", dict.fromkeys(EVERYONE, 404)),
}
