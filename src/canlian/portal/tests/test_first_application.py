"""First-time applicants (首次申请): sign-in by a code to their own phone, the application
with photos, duplicate detection, and the staff who register the person from it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.certificates.models import Application
from canlian.conftest import new_resident_id
from canlian.people import actions as people
from canlian.people.models import FirstApplication, Person
from canlian.portal import actions
from canlian.portal.models import OutboxMessage, Upload
from canlian.portal.tests.conftest import last_code

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PHONE = "13700001111"


def _photos():
    return {"id_card": SimpleUploadedFile("id.png", PNG, "image/png"),
            "hukou": SimpleUploadedFile("hukou.png", PNG, "image/png")}


def _signed_in_applicant(client, resident_id, phone=PHONE):
    response = client.post(reverse("portal:first_start"),
                           {"resident_id": resident_id, "phone": phone})
    assert response.status_code == 302 and response["Location"] == reverse("portal:first_code")
    assert OutboxMessage.objects.first().to == phone  # the code went to the phone typed
    return client.post(reverse("portal:first_code"), {"code": last_code()})


def _form(regions, **extra):
    return {"for_whom": "self", "name": "李新", "village": regions.v2a.pk,
            "address": "柳市镇南塘村5号", "reason": "听力下降", "confirm": "on", **_photos(), **extra}


def test_an_unregistered_person_applies_and_the_township_registers_them(client, users, regions):
    rid = new_resident_id(dt.date(1980, 2, 2))
    response = _signed_in_applicant(client, rid)
    assert response.status_code == 302 and response["Location"] == reverse("portal:first_apply")
    assert client.get(reverse("portal:first_apply")).status_code == 200
    response = client.post(reverse("portal:first_apply"), _form(regions))
    application = FirstApplication.objects.get(resident_id=rid)
    assert response["Location"] == reverse("portal:first_status", args=[application.pk])
    assert application.verified_phone == PHONE and application.phone == PHONE
    assert application.id_card_kind == "png" and application.hukou_kind == "png"
    assert not application.id_card_file.url.startswith("/static/")
    page = client.get(reverse("portal:first_status", args=[application.pk])).content.decode()
    assert "柳市镇" in page and rid not in page  # the ID is masked, the area named
    assert AuditEvent.objects.filter(object_type="firstapplication",
                                     object_id=str(application.pk)).exists()

    # the township of another area does not see it; the right one does
    staff = users.township  # 乐成街道
    assert not people.first_applications_for(staff).filter(pk=application.pk).exists()
    with pytest.raises(FirstApplication.DoesNotExist):
        people.register_from_application(staff, application.pk)
    worker = users.township2  # 柳市镇
    client.force_login(worker)
    assert client.get(reverse("people:first_applications")).status_code == 200
    assert client.get(reverse("people:first_application", args=[application.pk])).status_code == 200
    photo = client.get(reverse("people:first_application_id_card", args=[application.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(PNG[:8])
    reads = AuditEvent.objects.filter(actor=worker, object_id=str(application.pk), action="view")
    assert reads.count() == 2

    response = client.post(reverse("people:first_application_decide", args=[application.pk]),
                           {"decision": "register"})
    person = Person.objects.get(resident_id=rid)
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    # registered from the application as typed: nothing retyped
    assert (person.name, person.village_id, person.phone, person.address) == (
        "李新", regions.v2a.pk, PHONE, "柳市镇南塘村5号")
    assert person.birth_date == dt.date(1980, 2, 2)
    certificate_application = Application.objects.get(person=person)
    assert certificate_application.kind == "new" and certificate_application.channel == "online"
    assert set(Upload.objects.filter(person=person).values_list("purpose", flat=True)) == {
        "id_card", "hukou"}
    application.refresh_from_db()
    assert application.state == "registered" and application.person == person
    assert AuditEvent.objects.filter(actor=worker, person_id=person.pk, action="create").exists()

    # the applicant now has a record: the portal shows their certificate application
    client.force_login(application.applicant)
    page = client.get(reverse("portal:first_status", args=[application.pk])).content.decode()
    assert "registered" in page.lower() or "已登记" in page
    assert client.get(reverse("portal:applications")).status_code == 200
    assert client.get(reverse("portal:application", args=["certificate",
                                                          certificate_application.pk])
                      ).status_code == 200


def test_a_guardian_applies_for_a_child(client, users, regions):
    guardian = new_resident_id(dt.date(1985, 1, 1), male=False)
    child = new_resident_id(dt.date(2018, 6, 1))
    _signed_in_applicant(client, guardian)
    response = client.post(reverse("portal:first_apply"), _form(
        regions, for_whom="ward", resident_id=child, name="小宝", guardian_name="陈母",
        guardian_relation="母亲"))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = FirstApplication.objects.get(resident_id=child)
    assert (application.guardian_resident_id, application.guardian_phone, application.phone) == (
        guardian, PHONE, "")
    people.register_from_application(users.township2, application.pk)
    ward = Person.objects.get(resident_id=child)
    assert ward.guardian_resident_id == guardian and ward.guardian_phone == PHONE
    # the guardian's account now sees the ward in the portal
    assert actions.persons_for(application.applicant).filter(pk=ward.pk).exists()


def test_a_registered_person_is_told_to_sign_in(client, make_person):
    person = make_person(phone="13812345678")
    response = _signed_in_applicant(client, person.resident_id)
    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")
    assert "_auth_user_id" not in client.session
    assert not FirstApplication.objects.exists()


def test_a_ward_already_registered_is_refused(client, make_person, regions):
    child = make_person(resident_id=new_resident_id(dt.date(2015, 1, 1)))
    _signed_in_applicant(client, new_resident_id(dt.date(1980, 1, 1)))
    response = client.post(reverse("portal:first_apply"), _form(
        regions, for_whom="ward", resident_id=child.resident_id, guardian_name="某"))
    assert (response.status_code == 200 and "usual sign-in" in response.content.decode()) or \
        "登录" in response.content.decode()
    assert not FirstApplication.objects.exists()


def test_bad_input_is_refused_with_reasons(client, regions):
    rid = new_resident_id()
    wrong_check = rid[:17] + ("0" if rid[17] != "0" else "1")
    response = client.post(reverse("portal:first_start"), {"resident_id": wrong_check,
                                                           "phone": PHONE})
    assert response.status_code == 200 and not OutboxMessage.objects.exists()
    response = client.post(reverse("portal:first_start"), {"resident_id": rid, "phone": "123"})
    assert response.status_code == 200 and not OutboxMessage.objects.exists()
    client.post(reverse("portal:first_start"), {"resident_id": rid, "phone": PHONE})
    wrong = "000000" if last_code() != "000000" else "111111"
    response = client.post(reverse("portal:first_code"), {"code": wrong})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    # a code sent for one phone does not sign in with another
    with pytest.raises(actions.SignInError):
        actions.verify_applicant_code(rid, "13900009999", last_code())
    client.post(reverse("portal:first_code"), {"code": last_code()})
    assert "_auth_user_id" in client.session
    # a file that is not an image, an empty one, a missing one
    bad = _form(regions)
    bad["id_card"] = SimpleUploadedFile("x.png", b"MZ\x90\x00notanimage", "image/png")
    bad["hukou"] = SimpleUploadedFile("y.png", b"", "image/png")
    response = client.post(reverse("portal:first_apply"), bad)
    assert response.status_code == 200 and not FirstApplication.objects.exists()
    response = client.post(reverse("portal:first_apply"), {**_form(regions), "hukou": ""})
    assert response.status_code == 200 and not FirstApplication.objects.exists()
    # a second application while one waits
    assert client.post(reverse("portal:first_apply"), _form(regions)).status_code == 302
    response = client.post(reverse("portal:first_apply"), _form(regions))
    assert response.status_code == 200 and FirstApplication.objects.count() == 1


def test_staff_return_an_application_with_a_reason(client, users, regions):
    rid = new_resident_id()
    _signed_in_applicant(client, rid)
    client.post(reverse("portal:first_apply"), _form(regions, village=regions.v1a.pk))
    application = FirstApplication.objects.get()
    with pytest.raises(ValidationError):
        people.reject_first_application(users.village, application.pk, note=" ")
    with pytest.raises(PermissionDenied):  # an auditor may read but not decide
        people.reject_first_application(users.auditor, application.pk, note="x")
    people.reject_first_application(users.village, application.pk, note="照片看不清，请重新拍摄")
    application.refresh_from_db()
    assert application.state == "rejected" and not Person.objects.filter(resident_id=rid).exists()
    page = client.get(reverse("portal:first_status", args=[application.pk])).content.decode()
    assert "照片看不清" in page
    with pytest.raises(ValidationError):
        people.register_from_application(users.village, application.pk)


def test_applicant_pages_are_private(client, users, regions, make_person):
    assert client.get(reverse("portal:first_start")).status_code == 200
    assert client.get(reverse("portal:first_code"))["Location"] == reverse("portal:first_start")
    assert client.get(reverse("portal:first_apply"))["Location"] == reverse("portal:first_start")
    assert client.get(reverse("portal:first_status", args=[1])).status_code == 302
    rid = new_resident_id()
    _signed_in_applicant(client, rid)
    client.post(reverse("portal:first_apply"), _form(regions))
    application = FirstApplication.objects.get()
    # another citizen sees nothing of it; staff use the staff pages
    client.force_login(users.citizen)
    assert client.get(reverse("portal:first_status", args=[application.pk])).status_code == 404
    client.force_login(users.township2)
    assert client.get(reverse("portal:first_status", args=[application.pk])).status_code == 403
    assert client.get(reverse("portal:first_apply")).status_code == 403
