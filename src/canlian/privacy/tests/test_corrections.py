"""Correction requests: sent from the portal, reviewed by staff of the person's area only,
closed with a reply the citizen sees; refusing needs a reason."""

from canlian.audit.models import AuditEvent
from canlian.privacy.models import CorrectionRequest


def test_a_correction_goes_to_staff_review_and_the_reply_comes_back(signed_in, citizen, users,
                                                                    client):
    refused = signed_in.post("/portal/privacy/correction/", {"what": "", "correct_value": ""})
    assert refused.status_code == 200 and 'aria-invalid="true"' in refused.content.decode()
    signed_in.post("/portal/privacy/correction/", {"what": "民族", "correct_value": "回族",
                                                   "reason": "户口本上是回族"})
    request = CorrectionRequest.objects.get(person=citizen)
    assert request.state == "pending" and request.village_id == citizen.village_id

    from django.test import Client

    outside = Client()
    outside.force_login(users.township2)
    assert "回族" not in outside.get("/privacy/corrections/").content.decode()
    assert outside.post(f"/privacy/corrections/{request.pk}/", {"decision": "corrected"}
                        ).status_code == 404

    staff = Client()
    staff.force_login(users.village)
    assert "回族" in staff.get("/privacy/corrections/").content.decode()
    staff.post(f"/privacy/corrections/{request.pk}/", {"decision": "rejected"})
    request.refresh_from_db()
    assert request.state == "pending"  # refusing needs a reason
    staff.post(f"/privacy/corrections/{request.pk}/", {"decision": "corrected",
                                                       "note": "已按户口本更正"})
    request.refresh_from_db()
    assert request.state == "corrected" and request.decided_by == users.village
    page = signed_in.get("/portal/privacy/correction/").content.decode()
    assert "已按户口本更正" in page
    assert AuditEvent.objects.filter(person_id=citizen.pk, object_type="correctionrequest"
                                     ).count() == 2
