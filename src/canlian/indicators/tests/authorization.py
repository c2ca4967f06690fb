"""Authorization rows for the indicator pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}

MATRIX = {
    "indicators:dashboard": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "indicators:external": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "indicators:plan": (("static", "linzi-14th"), "get", {**STAFF_READ, **NO_REGISTRY}),
    "indicators:indicator": (("static", "linzi-14th", "rehabilitation_coverage"), "get",
                             {**STAFF_READ, **NO_REGISTRY}),
    "indicators:report": (("static", "linzi-14th", "final", "xlsx"), "get",
                          {**STAFF_READ, **NO_REGISTRY}),
    # reporting a year: the federation only (an empty form goes back with a message)
    "indicators:freeze": (("static", "linzi-14th"), "post",
                          {"federation": 302, "township": 403, "village": 403, "auditor": 403,
                           **NO_REGISTRY}),
    "indicators:members": (("static", "linzi-14th", "rehabilitation_coverage", "gap"), "get",
                           {**STAFF_READ, **NO_REGISTRY}),
}
