"""Authorization rows for the registry's review pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}
POSTED = {"federation": 302, "township": 302, "village": 302, "auditor": 403, **NO_REGISTRY}

MATRIX = {
    "people:contact_changes": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "people:contact_change_decide": ("contact_change", "post", POSTED),
}


def objects(users, person, village):
    from canlian.people.models import ContactChange

    return {"contact_change": ContactChange.objects.create(
        person=person, village=village, phone="13900000000", address="新地址")}
