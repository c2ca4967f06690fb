"""Portal pages end to end (Django test client, real database): applying, tracking, scoping,
guardians, uploads, the e-certificate, display settings, and staff seeing it all."""

import datetime as dt
import io

import pytest

from canlian.benefits.models import SubsidyApplication
from canlian.certificates.models import Application
from canlian.conftest import new_resident_id
from canlian.people.models import ContactChange, Person
from canlian.portal.models import Upload
from canlian.services.models import DeviceType, Renovation, ServiceRequest

PDF = b"%PDF-1.4\n%test\n"


def test_visitors_see_the_welcome_page_and_are_sent_to_sign_in(client, db):
    assert 'href="/portal/sign-in/"' in client.get("/portal/").content.decode()
    response = client.get("/portal/applications/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")


def test_staff_are_refused_the_portal(client, users):
    client.force_login(users.township)
    assert client.get("/portal/applications/").status_code == 403


def test_a_certified_person_sees_the_certificate_and_the_1_plus_x_offers(signed_in, citizen, walk):
    walk(citizen, category=4, grade=1)
    page = signed_in.get("/portal/").content.decode()
    assert citizen.certificate_number is None  # the stale instance; the page reads the DB
    assert Person.objects.get(pk=citizen.pk).certificate_number in page
    # the nursing subsidy was pre-filled by the certificate ("1+X") and is offered to confirm
    assert SubsidyApplication.objects.filter(person=citizen, state="prefilled").exists()
    assert "/portal/apply/subsidy/nursing/" in page
    assert "programme=rehabilitation" in page and "programme=device" in page


def test_applying_for_the_nursing_subsidy_online_reaches_the_township_queue(signed_in, citizen, walk,
                                                                            users, client):
    walk(citizen, category=4, grade=1)
    refused = signed_in.post("/portal/apply/subsidy/nursing/", {
        "needs_long_term_care": "on", "hukou_in_region": "on", "bank_name": "农业银行",
        "bank_account": "6228-48", "confirm": ""})
    body = refused.content.decode()
    assert refused.status_code == 200 and 'aria-invalid="true"' in body
    assert 'id="id_bank_account_error"' in body and 'id="id_confirm_error"' in body
    response = signed_in.post("/portal/apply/subsidy/nursing/", {
        "needs_long_term_care": "on", "hukou_in_region": "on", "bank_name": "农业银行",
        "bank_account": "622848001234567890", "confirm": "on"})
    application = SubsidyApplication.objects.get(person=citizen, subsidy="nursing")
    assert response["Location"] == f"/portal/applications/subsidy/{application.pk}/"
    assert application.state == "applied" and application.needs_long_term_care
    status = signed_in.get(response["Location"]).content.decode()
    assert "Application received" in status or "已受理" in status or "收到" in status
    # staff: the township sees it, online, in the subsidy list and the queue counts
    staff = client.__class__()
    staff.force_login(users.township)
    listing = staff.get("/subsidies/?state=applied").content.decode()
    assert citizen.name in listing
    assert staff.get("/certificates/queue/").context["online"]["subsidies"] == 1
    # a township elsewhere sees nothing
    other = client.__class__()
    other.force_login(users.township2)
    assert citizen.name not in other.get("/subsidies/?state=applied").content.decode()


def test_a_citizen_applies_for_a_certificate_online_and_may_withdraw_it(signed_in, citizen, users,
                                                                       client):
    response = signed_in.post("/portal/apply/certificate/", {"kind": "new", "reason": "腿脚不便"})
    application = Application.objects.get(person=citizen)
    assert application.channel == "online" and application.state == "applied"
    assert response["Location"] == f"/portal/applications/certificate/{application.pk}/"
    again = signed_in.post("/portal/apply/certificate/", {"kind": "new"})
    assert "已有办理中的申请" in again.content.decode()
    staff = client.__class__()
    staff.force_login(users.village)
    assert citizen.name in staff.get("/certificates/queue/").content.decode()
    signed_in.post(f"/portal/applications/certificate/{application.pk}/withdraw/")
    application.refresh_from_db()
    assert application.state == "withdrawn"


def test_renewal_without_a_certificate_is_refused_beside_the_form(signed_in):
    response = signed_in.post("/portal/apply/certificate/", {"kind": "renewal"})
    assert "没有有效的残疾人证" in response.content.decode()
    assert not Application.objects.exists()


def test_service_requests_go_to_the_township_who_decide_them(signed_in, citizen, users, client):
    device = DeviceType.objects.first() or DeviceType.objects.create(name="轮椅", code="WC")
    missing = signed_in.post("/portal/apply/service/", {"programme": "device"})
    assert 'id="id_device_error"' in missing.content.decode()
    signed_in.post("/portal/apply/service/", {"programme": "device", "device": device.pk,
                                              "note": "需要轮椅"})
    signed_in.post("/portal/apply/service/", {"programme": "renovation", "note": "卫生间扶手"})
    request = ServiceRequest.objects.get(person=citizen)
    assert request.channel == "online" and request.device == device
    assert Renovation.objects.get(person=citizen).state == "applied"
    staff = client.__class__()
    staff.force_login(users.township)
    assert citizen.name in staff.get("/services/requests/").content.decode()
    refused = staff.post(f"/services/requests/{request.pk}/decline/", {"note": ""})
    assert refused.status_code == 302
    request.refresh_from_db()
    assert request.state == "submitted"  # declining needs a reason
    staff.post(f"/services/requests/{request.pk}/decline/", {"note": "已在其他项目配发"})
    page = signed_in.get(f"/portal/applications/service/{request.pk}/").content.decode()
    assert "已在其他项目配发" in page
    auditor = client.__class__()
    auditor.force_login(users.auditor)
    assert auditor.post(f"/services/requests/{request.pk}/accept/").status_code == 403


def test_contact_changes_take_effect_only_when_staff_approve(signed_in, citizen, users, client):
    same = signed_in.post("/portal/contact/", {"phone": citizen.phone, "address": citizen.address})
    assert "与现有记录相同" in same.content.decode()
    bad = signed_in.post("/portal/contact/", {"phone": "12345", "address": "x"})
    assert 'id="id_phone_error"' in bad.content.decode()
    signed_in.post("/portal/contact/", {"phone": "13900002222", "address": "新地址8号"})
    change = ContactChange.objects.get(person=citizen)
    assert Person.objects.get(pk=citizen.pk).phone == "13812345678"
    other = client.__class__()
    other.force_login(users.township2)
    assert other.post(f"/people/contact-changes/{change.pk}/", {"decision": "approve"}).status_code == 404
    staff = client.__class__()
    staff.force_login(users.township)
    staff.post(f"/people/contact-changes/{change.pk}/", {"decision": "approve"})
    person = Person.objects.get(pk=citizen.pk)
    assert (person.phone, person.address) == ("13900002222", "新地址8号")
    change.refresh_from_db()
    assert change.state == "approved"


def test_a_citizen_cannot_see_someone_elses_application(signed_in, make_person, users):
    stranger = make_person(name="李四")
    from canlian.certificates import actions
    from canlian.certificates.workflow import Kind

    theirs = actions.apply(users.township, stranger, actions.ApplicationInput(kind=Kind.NEW))
    assert signed_in.get(f"/portal/applications/certificate/{theirs.pk}/").status_code == 404
    assert signed_in.post(f"/portal/applications/certificate/{theirs.pk}/withdraw/").status_code == 404
    assert signed_in.get("/portal/applications/nonsense/1/").status_code == 404


def test_a_guardian_acts_for_a_ward_but_not_for_others(client, make_person):
    from canlian.portal import actions

    from .conftest import last_code

    guardian_id = new_resident_id(dt.date(1975, 1, 1))
    ward = make_person(name="小明", resident_id=new_resident_id(dt.date(2016, 3, 3)),
                       guardian_resident_id=guardian_id, guardian_phone="13900001111")
    stranger = make_person(name="陌生人")
    actions.request_code(guardian_id)
    user = actions.verify_code(guardian_id, last_code())
    client.force_login(user, backend="canlian.accounts.backends.RegionBackend")
    assert "小明" in client.get("/portal/").content.decode()
    assert client.post("/portal/for/", {"person": stranger.pk}).status_code == 200
    assert client.session.get("portal_person") is None
    client.post("/portal/for/", {"person": ward.pk})
    assert client.session["portal_person"] == ward.pk
    client.post("/portal/apply/certificate/", {"kind": "new"})
    assert Application.objects.get().person == ward


def test_uploads_are_checked_for_type_and_size(signed_in, citizen):
    signed_in.post("/portal/apply/certificate/", {"kind": "new"})
    application = Application.objects.get(person=citizen)
    url = f"/portal/applications/certificate/{application.pk}/"
    fake = io.BytesIO(b"MZ\x90\x00 not a pdf")
    fake.name = "virus.pdf"
    refused = signed_in.post(url, {"purpose": "medical", "file": fake})
    assert "只能上传 PDF、PNG 或 JPEG 文件" in refused.content.decode()
    big = io.BytesIO(PDF + b"0" * (5 * 1024 * 1024))
    big.name = "big.pdf"
    assert "5 MB" in signed_in.post(url, {"purpose": "medical", "file": big}).content.decode()
    good = io.BytesIO(PDF)
    good.name = "病历.pdf"
    assert signed_in.post(url, {"purpose": "medical", "file": good}).status_code == 302
    upload = Upload.objects.get()
    assert (upload.kind, upload.application, upload.original_name) == (
        "pdf", f"certificate:{application.pk}", "病历.pdf")


def test_the_e_certificate_page_and_pdf(signed_in, citizen, walk):
    before = signed_in.get("/portal/certificate/")
    assert before.templates[0].name == "portal/no_certificate.html"
    assert signed_in.get("/portal/certificate/download/").status_code == 404
    walk(citizen)
    page = signed_in.get("/portal/certificate/").content.decode()
    number = Person.objects.get(pk=citizen.pk).certificate_number
    assert '<svg' in page and 'class="segno"' in page and number in page
    pdf = signed_in.get("/portal/certificate/download/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_display_settings_are_remembered_on_the_account_and_before_sign_in(client, signed_in, db):
    client_anonymous = client.__class__()
    response = client_anonymous.post("/portal/settings/", {"text": "large", "contrast": "high"})
    assert response.cookies["canlian_display"].value == "large-high"
    assert 'class="portal text-large contrast-high"' in client_anonymous.get("/portal/").content.decode()
    signed_in.post("/portal/settings/", {"text": "xlarge", "contrast": "normal"})
    signed_in.user.refresh_from_db()
    assert signed_in.user.preferences == {"text": "xlarge", "contrast": "normal"}
    assert "text-xlarge" in signed_in.get("/portal/applications/").content.decode()
    bad = signed_in.post("/portal/settings/", {"text": "huge", "contrast": "normal"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()


@pytest.mark.parametrize("kind", ["certificate", "subsidy", "renovation", "service", "contact"])
def test_the_applications_page_lists_each_kind_in_plain_words(signed_in, citizen, kind, walk):
    from canlian.portal.views import tracking

    if kind == "subsidy":
        walk(citizen, category=4, grade=1)
        signed_in.post("/portal/apply/subsidy/nursing/", {
            "needs_long_term_care": "on", "hukou_in_region": "on", "bank_name": "农行",
            "bank_account": "622848001234567890", "confirm": "on"})
    elif kind == "certificate":
        signed_in.post("/portal/apply/certificate/", {"kind": "new"})
    elif kind == "renovation":
        signed_in.post("/portal/apply/service/", {"programme": "renovation"})
    elif kind == "service":
        signed_in.post("/portal/apply/service/", {"programme": "rehabilitation"})
    else:
        signed_in.post("/portal/contact/", {"phone": "13900002222", "address": "新地址"})
    items = [i for i in tracking.items_for(citizen) if i["type"] == kind]
    assert len(items) == 1
    page = signed_in.get("/portal/applications/").content.decode()
    assert str(items[0]["headline"]) in page
    detail = signed_in.get(f"/portal/applications/{kind}/{items[0]['id']}/")
    assert detail.status_code == 200 and detail.context["steps"]


def test_staff_open_documents_only_in_their_region_and_it_is_audited(signed_in, citizen, users,
                                                                     client):
    from canlian.audit.models import AuditEvent

    signed_in.post("/portal/apply/certificate/", {"kind": "new"})
    application = Application.objects.get(person=citizen)
    good = io.BytesIO(PDF)
    good.name = "病历.pdf"
    signed_in.post(f"/portal/applications/certificate/{application.pk}/",
                   {"purpose": "medical", "file": good})
    upload = Upload.objects.get()
    assert signed_in.get(f"/portal/files/{upload.pk}/").status_code == 200
    staff = client.__class__()
    staff.force_login(users.township)
    page = staff.get(f"/certificates/applications/{application.pk}/").content.decode()
    assert f"/portal/files/{upload.pk}/" in page
    response = staff.get(f"/portal/files/{upload.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(actor=users.township, object_type="upload").exists()
    for outsider in (users.township2, users.employer):
        other = client.__class__()
        other.force_login(outsider)
        assert other.get(f"/portal/files/{upload.pk}/").status_code == 404
    assert client.__class__().get(f"/portal/files/{upload.pk}/").status_code == 302
