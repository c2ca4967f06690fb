"""Structured logs: JSON lines with request ids, and no personal data — a scan of every line
written while staff search for a person by ID, name and phone, open pages that do not
exist, fail to sign in and a job fails with a message that quotes a resident."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from django.utils import timezone

from canlian.ops import logs, registry, scheduler
from canlian.ops.registry import Scheduled

LOGGERS = ["", "django", "django.request", "django.server", "canlian.requests", "canlian.ops", "axes"]


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RedactFilter())
    handler.setFormatter(logs.JsonFormatter())
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield stream
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.django_db(transaction=True)
def test_the_logs_of_a_busy_session_hold_no_personal_data(captured, client, users, make_person,
                                                         monkeypatch):
    person = make_person(name="欧阳锋", phone="13912345678")
    rid = person.resident_id
    client.force_login(users.federation)
    for query in (rid, "欧阳锋", "13912345678", rid[:14]):
        assert client.post("/people/", {"q": query}, follow=True).status_code == 200
    client.get(f"/people/{person.pk}/")
    assert client.get(f"/people/{rid}/").status_code == 404
    assert client.get(f"/certificates/{rid}42/欧阳锋").status_code == 404
    client.get("/api/v1/persons/", {"resident_id": rid})
    client.logout()
    client.post("/accounts/login/", {"username": rid, "password": "13912345678"})
    client.post("/portal/sign-in/", {"resident_id": rid})

    def leaky(slot):
        raise ValueError(f"cannot remind {rid} 欧阳锋 at 13912345678")

    for name in (f"CANLIAN_SCHEDULE_{c.upper()}" for c in registry.REGISTRY):
        monkeypatch.setenv(name, "off")
    registry.REGISTRY["t_leaky"] = Scheduled("t_leaky", "leaky", leaky, "0 2 * * *", retries=0)
    try:
        scheduler.tick(timezone.make_aware(dt.datetime(2026, 3, 1, 5, 0)))
    finally:
        registry.REGISTRY.pop("t_leaky")

    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert len(lines) >= 10
    assert any(line.get("view") == "people:list" and line.get("request_id") for line in lines)
    assert any("t_leaky" in line["message"] for line in lines)
    assert any(rid[:6] + "********" in text for _ in [0])  # masked, still useful
    for secret in (rid, rid[6:14], "13912345678", "欧阳锋"):
        assert secret not in text, f"{secret} leaked into the logs"


def test_a_request_id_from_nginx_is_kept_and_a_bad_one_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32


def test_redaction_masks_ids_and_mobile_numbers_only():
    assert logs.redact("call 13912345678 or 0577-61234567, order 20260301123456789") == \
        "call 139****5678 or 0577-61234567, order 20260301123456789"
