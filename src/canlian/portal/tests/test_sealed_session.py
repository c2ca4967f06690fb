"""The resident ID and phone a citizen types before signing in are kept between the steps
sealed (core.encrypted.seal), never in clear in the session table; nor in any URL."""

import datetime as dt
import json
import re

from django.contrib.sessions.models import Session
from django.urls import reverse

from canlian.conftest import new_resident_id
from canlian.core import crypto
from canlian.core.encrypted import seal, unseal
from canlian.portal.models import OutboxMessage
from canlian.portal.views.first import SESSION_PHONE, SESSION_START
from canlian.portal.views.signin import SESSION_ID


def _code() -> str:
    message = OutboxMessage.objects.first()
    found = re.search(r"\d{6}", message.text if message else "")
    assert found is not None, "no code sent"
    return found.group(0)


def _stored(client) -> tuple[str, dict]:
    """The session row as the database holds it, and its decoded data."""
    row = Session.objects.get(session_key=client.session.session_key)
    return row.session_data, row.get_decoded()


def _nowhere(value: str, raw: str, data: dict) -> bool:
    return value not in raw and value not in json.dumps(data, ensure_ascii=False)


def test_the_sign_in_keeps_the_typed_id_sealed_between_the_steps(client, make_person):
    person = make_person(phone="13900001234")
    response = client.post("/portal/sign-in/", {"resident_id": person.resident_id})
    assert response.status_code == 302
    assert person.resident_id not in response["Location"]
    raw, data = _stored(client)
    assert crypto.is_encrypted(data[SESSION_ID]) and _nowhere(person.resident_id, raw, data)
    assert unseal(data[SESSION_ID]) == person.resident_id

    response = client.post("/portal/sign-in/code/", {"code": _code()})
    assert response.status_code == 302
    raw, data = _stored(client)
    assert SESSION_ID not in data and _nowhere(person.resident_id, raw, data)
    assert client.get("/portal/").status_code == 200


def test_a_session_holding_a_clear_id_is_not_trusted(client, make_person):
    person = make_person(phone="13900001235")
    session = client.session
    session[SESSION_ID] = person.resident_id  # as written before this change
    session.save()
    response = client.get("/portal/sign-in/code/")
    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")
    tampered = seal(person.resident_id)
    session[SESSION_ID] = tampered[:-4] + ("AAAA" if not tampered.endswith("AAAA") else "BBBB")
    session.save()
    assert client.get("/portal/sign-in/code/").status_code == 302


def test_a_first_applicant_s_id_and_phone_are_sealed_in_the_session(client, db, regions):
    rid, phone = new_resident_id(dt.date(1985, 3, 3)), "13700002222"
    response = client.post(reverse("portal:first_start"), {"resident_id": rid, "phone": phone})
    assert response.status_code == 302 and rid not in response["Location"]
    raw, data = _stored(client)
    assert _nowhere(rid, raw, data) and _nowhere(phone, raw, data)
    assert unseal(data[SESSION_START]) == {"resident_id": rid, "phone": phone}

    client.post(reverse("portal:first_code"), {"code": _code()})
    raw, data = _stored(client)
    assert SESSION_START not in data and unseal(data[SESSION_PHONE]) == phone
    assert _nowhere(rid, raw, data) and _nowhere(phone, raw, data)
    assert client.get(reverse("portal:first_apply")).status_code == 200
