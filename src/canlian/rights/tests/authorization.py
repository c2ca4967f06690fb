"""Authorization rows for the rights-casework pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}

MATRIX = {
    "rights:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "rights:statistics": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "rights:new": (None, "get", {**STAFF_READ, "auditor": 403, **NO_REGISTRY}),
    "rights:detail": ("rights_case", "get", {**STAFF_READ, **NO_REGISTRY}),
    # an empty closure is refused (400) for staff who may edit; read-only roles get 403
    "rights:act": (("rights_case", "close"), "post",
                   {"federation": 400, "township": 400, "village": 400, "auditor": 403,
                    **NO_REGISTRY}),
}


def objects(users, person, village):
    from canlian.core import clock
    from canlian.rights.models import RightsCase

    case = RightsCase.objects.create(person=person, village=village, kind="xinfang",
                                     channel="walk_in", subject="测试", description="测试事项经过",
                                     received_on=clock.today(), state="accepted",
                                     accepted_on=clock.today(), reply_due=clock.today())
    return {"rights_case": case}
