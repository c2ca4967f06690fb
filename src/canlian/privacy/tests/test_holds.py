"""Legal holds (依法保全) in the staff site: federation and township staff see the active
holds of their region, place one on a person (from the person's page or by resident ID from
the list) with a required reason, and lift it; each act audited; other areas get 404;
the retention job leaves a held person alone until the hold is lifted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from canlian.audit.models import AuditEvent
from canlian.core import menu
from canlian.privacy import actions
from canlian.privacy.models import LegalHold


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_place_from_the_person_page_list_and_lift(users, regions, make_person):
    person = make_person(regions.v1a, name="欧阳明")
    fed = _client(users.federation)
    detail = fed.get(f"/people/{person.pk}/").content.decode()
    assert f'href="/privacy/holds/person/{person.pk}/"' in detail
    assert "依法保全中" not in detail

    page = fed.get(f"/privacy/holds/person/{person.pk}/")
    assert page.status_code == 200 and "依法保全" in page.content.decode()
    response = fed.post(f"/privacy/holds/person/{person.pk}/", {"reason": "信访案件 2026-015"})
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    hold = LegalHold.objects.get(person=person)
    assert (hold.reason, hold.placed_by, hold.lifted_at) == ("信访案件 2026-015",
                                                             users.federation, None)
    assert "依法保全中" in fed.get(f"/people/{person.pk}/").content.decode()

    # the township of the person sees it in its list; the other township does not
    listing = _client(users.township).get("/privacy/holds/").content.decode()
    assert "欧阳明" in listing and "信访案件 2026-015" in listing
    assert person.resident_id not in listing  # masked
    assert "欧阳明" not in _client(users.township2).get("/privacy/holds/").content.decode()

    response = _client(users.township).post(f"/privacy/holds/{hold.pk}/lift/")
    assert response.status_code == 302 and response["Location"] == "/privacy/holds/"
    hold.refresh_from_db()
    assert hold.lifted_at is not None
    assert "欧阳明" not in fed.get("/privacy/holds/").content.decode()
    summaries = list(AuditEvent.objects.filter(person_id=person.pk, object_type="legalhold")
                     .order_by("id").values_list("actor_id", "summary"))
    assert summaries == [(users.federation.pk, "依法保全：信访案件 2026-015"),
                         (users.township.pk, "解除依法保全：信访案件 2026-015")]


def test_place_from_the_list_by_resident_id_sent_by_post(users, regions, make_person):
    person = make_person(regions.v1b, name="林华")
    outside = make_person(regions.v2a, name="外镇人")
    town = _client(users.township)
    response = town.post("/privacy/holds/", {"resident_id": person.resident_id,
                                             "reason": "审计署专项审计"})
    assert response.status_code == 302
    assert LegalHold.objects.get(person=person).placed_by == users.township
    # a person of another township is "not in your region", and nothing is placed
    refused = town.post("/privacy/holds/", {"resident_id": outside.resident_id,
                                            "reason": "审计署专项审计"})
    assert refused.status_code == 400
    assert "您的辖区内没有该身份证号的人员" in refused.content.decode()
    assert not LegalHold.objects.filter(person=outside).exists()


def test_the_reason_is_required(users, regions, make_person):
    person = make_person(regions.v1a)
    fed = _client(users.federation)
    for reason in ("", "   "):
        response = fed.post(f"/privacy/holds/person/{person.pk}/", {"reason": reason})
        assert response.status_code == 400
        body = response.content.decode()
        assert 'id="id_reason_error"' in body and 'role="alert"' in body
    with pytest.raises(ValidationError, match="请写明保全原因"):
        actions.place_hold(users.federation, person, "   ")
    response = fed.post("/privacy/holds/", {"resident_id": person.resident_id, "reason": ""})
    assert response.status_code == 400
    assert not LegalHold.objects.exists()
    assert not AuditEvent.objects.filter(object_type="legalhold").exists()


def test_a_township_cannot_hold_or_lift_outside_its_region(users, regions, make_person):
    outside = make_person(regions.v2a)
    town = _client(users.township)
    assert town.get(f"/privacy/holds/person/{outside.pk}/").status_code == 404
    assert town.post(f"/privacy/holds/person/{outside.pk}/",
                     {"reason": "越权"}).status_code == 404
    hold = actions.place_hold(users.federation, outside, "法院协助调查")
    assert town.post(f"/privacy/holds/{hold.pk}/lift/").status_code == 404
    hold.refresh_from_db()
    assert hold.lifted_at is None
    assert LegalHold.objects.count() == 1
    # a village worker has no legal-hold pages at all; the menu follows the role table
    assert _client(users.village).get("/privacy/holds/").status_code == 403
    labels = {str(e.label) for e in menu.entries_for(users.village)}
    assert "Legal holds" not in labels and "依法保全" not in labels
    assert any(e.url == "privacy:holds" for e in menu.entries_for(users.township))


def test_retention_skips_a_person_held_from_the_page(users, regions, make_person):
    person = make_person(regions.v1a, name="赵一", phone="13800000001",
                         life_status="deceased", death_date=dt.date(2019, 1, 1))
    fed = _client(users.federation)
    fed.post(f"/privacy/holds/person/{person.pk}/", {"reason": "遗产纠纷诉讼"})
    today = dt.date(2026, 6, 1)
    assert actions.apply_retention(today)["deceased_contact"] == 0
    person.refresh_from_db()
    assert (person.name, person.phone) == ("赵一", "13800000001")
    hold = LegalHold.objects.get(person=person)
    fed.post(f"/privacy/holds/{hold.pk}/lift/", {"next": "person"})
    assert actions.apply_retention(today)["deceased_contact"] == 1
    person.refresh_from_db()
    assert person.name == "（已匿名）"
