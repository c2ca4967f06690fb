"""Authorization rows for the registry's review pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}
POSTED = {"federation": 302, "township": 302, "village": 302, "auditor": 403, **NO_REGISTRY}

MATRIX = {
    "people:contact_changes": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "people:contact_change_decide": ("contact_change", "post", POSTED),
    "people:first_applications": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "people:first_application": ("first_application", "get", {**STAFF_READ, **NO_REGISTRY}),
    "people:first_application_id_card": ("first_application", "get",
                                         {**STAFF_READ, **NO_REGISTRY}),
    "people:first_application_hukou": ("first_application", "get",
                                       {**STAFF_READ, **NO_REGISTRY}),
    "people:first_application_decide": ("first_application", "post", POSTED),
}


def objects(users, person, village):
    from django.core.files.base import ContentFile

    from canlian.conftest import new_resident_id
    from canlian.people.models import ContactChange, FirstApplication

    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    first = FirstApplication.objects.create(
        applicant=users.citizen, verified_phone="13900000001", resident_id=new_resident_id(),
        name="新申请人", village=village, address="某地", id_card_file=ContentFile(png, "id.png"),
        id_card_kind="png", hukou_file=ContentFile(png, "hukou.png"), hukou_kind="png")
    return {"contact_change": ContactChange.objects.create(
        person=person, village=village, phone="13900000000", address="新地址"),
        "first_application": first}
