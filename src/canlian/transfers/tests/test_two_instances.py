"""Transfers between two running Canlian instances on loopback.

The test process is Yueqing (the test database, the test client as its staff); Linzi is a
second ``canlian runserver`` with its own deployment and its own SQLite database, migrated
and loaded with Linzi's regions at start. Both share one key. The test reads Linzi's
database directly to see what the messages did there; a decision taken by Linzi's staff is
written there the same way."""

from __future__ import annotations

import datetime as dt
import json
import socket
import sqlite3
import time

import pytest
import requests
from django.utils import timezone

from canlian.benefits.models import Grant
from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.core import clock, crypto
from canlian.core.tests.processes import canlian, environment, run
from canlian.portal.models import OutboxMessage
from canlian.todos.models import Todo
from canlian.transfers import actions, peers, signing
from canlian.transfers.models import Transfer

KEY = "transfer-test-key-0123456789abcdef"
LINZI_VILLAGE = "370305001201"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _index(resident_id: str) -> str:
    """The blind index Linzi keeps for ``resident_id`` (both instances run on the test keys):
    the registry's IDs are encrypted at rest, so raw SQL finds a person through it."""
    return crypto.blind_index(resident_id, "resident_id")


class Linzi:
    def __init__(self, url: str, path) -> None:
        self.url = url
        self.path = path

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def scalar(self, sql: str, params: tuple = ()):
        return self.rows(sql, params)[0][0]


@pytest.fixture(scope="module")
def linzi(tmp_path_factory):
    folder = tmp_path_factory.mktemp("linzi")
    path = folder / "linzi.sqlite3"
    port = _free_port()
    env = environment({
        "CANLIAN_ENV": "development", "DEBUG": "0", "CANLIAN_DEPLOYMENT": "linzi",
        "DATABASE_URL": f"sqlite:///{path}", "CANLIAN_DATA_DIR": str(folder),
        "CANLIAN_TASKS_BACKEND": "immediate", "ALLOWED_HOSTS": "127.0.0.1",
        "CANLIAN_TRANSFER_PEERS": json.dumps({"yueqing": {
            "name": "乐清市残联", "url": "http://127.0.0.1:9", "key": KEY}})})
    for args in (("migrate", "--no-input", "-v0"), ("regions", "load", "linzi")):
        done = run(*args, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    process = canlian("runserver", "--noreload", f"127.0.0.1:{port}", env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url + "/accounts/login/", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "Linzi did not start"
                time.sleep(0.3)
        yield Linzi(url, path)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def yueqing(settings, linzi, users):
    settings.CANLIAN_TRANSFER_SELF = "yueqing"
    settings.CANLIAN_TRANSFER_PEERS = json.dumps({"linzi": {
        "name": "临淄区残联", "url": linzi.url, "key": KEY}})
    return settings


def _holder(make_person, regions, *, grade: int = 1):
    """A certified person (physical disability, grade 1) with a running nursing grant."""
    person = make_person(regions.v1a, name="迁出人", resident_id=new_resident_id(),
                         phone="13800000001")
    today = clock.today()
    certificate = Certificate.objects.create(
        person=person, number=f"{person.resident_id}4{grade}", category=4, grade=grade,
        issue_date=today - dt.timedelta(days=400), valid_until=today + dt.timedelta(days=3000),
        issued_by=regions.county)
    person.category, person.grade, person.certificate_number = 4, grade, certificate.number
    person.save()
    grant = Grant.objects.create(person=person, subsidy="nursing",
                                 start_month=dt.date(today.year - 1, 1, 1),
                                 needs_long_term_care=True, hukou_in_region=True)
    Todo.objects.create(person=person, village=person.village, role="township_staff",
                        kind="x", title="入户走访")
    return person, certificate, grant


def _move(client, users, person, village_code=LINZI_VILLAGE):
    client.force_login(users.federation)
    return client.post(f"/transfers/move/{person.pk}/", {
        "peer": "linzi", "village_code": village_code,
        "moved_on": f"{clock.today():%Y-%m-%d}"})


def test_a_person_moves_to_linzi_keeping_the_certificate_number(
        client, users, regions, make_person, yueqing, linzi):
    person, certificate, grant = _holder(make_person, regions)
    answer = _move(client, users, person)
    transfer = Transfer.objects.get(person=person)
    assert answer.status_code == 302 and answer["Location"] == f"/transfers/{transfer.pk}/"
    assert transfer.state == "completed" and not transfer.pending and not transfer.last_error
    # Yueqing: paid up to the month of the move, work closed, certificate transferred out
    grant.refresh_from_db()
    assert grant.status == "stopped" and grant.end_month == clock.today().replace(day=1)
    assert "户籍迁出至临淄区残联" in grant.stop_reason
    assert not Todo.objects.filter(person=person, done_at=None).exists()
    certificate.refresh_from_db()
    assert certificate.status == "transferred_out"
    person.refresh_from_db()
    assert person.certificate_number is None
    # Linzi: the person registered with the same number, a nursing subsidy pre-filled from
    # the month after the move month, told by text message, the matter completed
    pid, village = linzi.rows("SELECT id, village_id FROM people_person WHERE resident_id_index = ?",
                              (_index(person.resident_id),))[0]
    assert village == LINZI_VILLAGE
    assert crypto.decrypt(linzi.scalar("SELECT number FROM certificates_certificate WHERE "
                                       "person_id = ? AND status = 'issued'", (pid,))
                          ) == certificate.number  # encrypted at rest, on the test keys
    applied_on, state = linzi.rows("SELECT applied_on, state FROM benefits_subsidyapplication "
                                   "WHERE person_id = ? AND subsidy = 'nursing'", (pid,))[0]
    next_month = (clock.today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert state == "prefilled" and applied_on == next_month.isoformat()
    assert linzi.scalar("SELECT state FROM transfers_transfer WHERE uid = ?",
                        (transfer.uid.hex,)) == "completed"
    assert any("证号不变" in text for to, text in  # the phone is encrypted at rest
               linzi.rows("SELECT \"to\", text FROM portal_outboxmessage")
               if crypto.decrypt(to) == "13800000001")
    assert linzi.scalar("SELECT count(*) FROM todos_todo WHERE person_id = ? "
                        "AND kind = 'transfer_arrived'", (pid,)) == 1
    page = client.get(f"/transfers/{transfer.pk}/")
    assert "已办结" in page.text


def test_a_refusal_shows_the_other_sides_reason_and_stops_nothing(
        client, users, regions, make_person, yueqing, linzi):
    person, certificate, grant = _holder(make_person, regions)
    _move(client, users, person, village_code="330382002201")  # a Yueqing village
    transfer = Transfer.objects.get(person=person)
    assert transfer.state == "refused" and not transfer.pending
    assert "330382002201" in transfer.reason and "不在" in transfer.reason
    grant.refresh_from_db()
    certificate.refresh_from_db()
    assert grant.status == "active" and certificate.status == "issued"
    page = client.get(f"/transfers/{transfer.pk}/")
    assert 'role="alert"' in page.text and transfer.reason in page.text
    assert linzi.scalar("SELECT count(*) FROM people_person WHERE resident_id_index = ?",
                        (_index(person.resident_id),)) == 0


def _signed_post(linzi, message: dict, *, nonce: str | None = None):
    body = json.dumps(message).encode()
    signed = signing.sign(KEY.encode(), "yueqing", "POST", peers.INBOX_PATH, body,
                          now=time.time(), nonce=nonce)
    headers = {**signed.headers(), "Content-Type": "application/json"}
    return body, headers, requests.post(linzi.url + peers.INBOX_PATH, data=body,
                                        headers=headers, timeout=10)


def test_a_replayed_request_is_refused_and_a_bad_signature_too(yueqing, linzi):
    rid = new_resident_id()
    message = {"type": "transfer.request", "id": "0b8a6a5e-1c7e-4c9f-9d59-5b0d1f8e0001",
               "person": {"resident_id": rid, "name": "重放"},
               "certificate": {"number": f"{rid}42", "category": 4, "grade": 2,
                               "issue_date": "2024-01-01", "valid_until": "2034-01-01"},
               "village_code": LINZI_VILLAGE, "moved_on": f"{clock.today()}"}
    body, headers, first = _signed_post(linzi, message)
    assert first.status_code == 200 and first.json()["state"] == "accepted"
    again = requests.post(linzi.url + peers.INBOX_PATH, data=body, headers=headers, timeout=10)
    assert again.status_code == 409 and again.json()["error"] == "replay"
    tampered = requests.post(linzi.url + peers.INBOX_PATH, data=body.replace(b"42", b"43"),
                             headers={**headers, "X-Canlian-Nonce": "ab" * 16}, timeout=10)
    assert tampered.status_code == 401 and tampered.json()["error"] == "signature"
    assert linzi.scalar("SELECT count(*) FROM people_person WHERE resident_id_index = ?", (_index(rid),)) == 1


def test_a_re_sent_request_creates_nothing_twice(
        client, users, regions, make_person, yueqing, linzi):
    person, _certificate, _grant = _holder(make_person, regions)
    _move(client, users, person)
    transfer = Transfer.objects.get(person=person)
    counts = "SELECT (SELECT count(*) FROM people_person), " \
             "(SELECT count(*) FROM certificates_certificate), " \
             "(SELECT count(*) FROM benefits_subsidyapplication), " \
             "(SELECT count(*) FROM transfers_transfer), (SELECT count(*) FROM todos_todo)"
    before = linzi.rows(counts)
    for _ in range(2):  # sent again, each time with a fresh signature and nonce
        answer = actions.send(peers.get("linzi"), transfer.payload)
        assert answer == {"id": str(transfer.uid), "state": "completed"}
    assert linzi.rows(counts) == before
    grant = Grant.objects.get(person=person)
    assert grant.end_month == clock.today().replace(day=1)


def test_a_transfer_is_retried_by_the_scheduled_job_after_the_peer_was_down(
        client, users, regions, make_person, yueqing, linzi):
    person, _certificate, grant = _holder(make_person, regions)
    yueqing.CANLIAN_TRANSFER_PEERS = json.dumps({"linzi": {
        "name": "临淄区残联", "url": f"http://127.0.0.1:{_free_port()}", "key": KEY}})
    _move(client, users, person)
    transfer = Transfer.objects.get(person=person)
    assert transfer.state == "requested" and transfer.pending == "request"
    assert transfer.attempts == 1 and "无法连接" in transfer.last_error
    assert transfer.next_attempt_at > timezone.now()
    page = client.get(f"/transfers/{transfer.pk}/")
    assert transfer.last_error in page.text
    grant.refresh_from_db()
    assert grant.status == "active"  # nothing stops before the destination accepts
    assert actions.deliver_due()["due"] == 0  # not before its wait has passed
    yueqing.CANLIAN_TRANSFER_PEERS = json.dumps({"linzi": {
        "name": "临淄区残联", "url": linzi.url, "key": KEY}})
    later = timezone.now() + dt.timedelta(minutes=2)
    assert actions.deliver_due(later) == {"due": 1, "delivered": 1, "failed": 0}
    transfer.refresh_from_db()
    assert transfer.state == "accepted" and transfer.pending == "complete"
    assert actions.deliver_due(later)["delivered"] == 1
    transfer.refresh_from_db()
    assert transfer.state == "completed"
    grant.refresh_from_db()
    assert grant.status == "stopped"
    assert linzi.scalar("SELECT count(*) FROM people_person WHERE resident_id_index = ?",
                        (_index(person.resident_id),)) == 1


def test_an_application_lodged_here_is_decided_at_the_place_of_hukou(
        client, users, regions, make_person, yueqing, linzi, django_capture_on_commit_callbacks):
    person, _certificate, _grant = _holder(make_person, regions)
    _move(client, users, person)  # the person's hukou is now in Linzi; they live in Yueqing
    client.force_login(users.township)
    refused = client.post("/transfers/forward/", {
        "peer": "linzi", "subject": "certificate", "resident_id": person.resident_id,
        "name": person.name, "phone": "13900000002"})
    first = Transfer.objects.filter(kind="application").get(subject="certificate")
    assert refused.status_code == 302 and first.state == "refused"
    assert first.reason  # already holds a valid certificate there
    client.post("/transfers/forward/", {
        "peer": "linzi", "subject": "living", "resident_id": person.resident_id,
        "name": person.name, "phone": "13900000002"})
    living = Transfer.objects.get(kind="application", subject="living")
    assert living.state == "accepted" and living.pending == "status"
    local = linzi.scalar("SELECT local_id FROM transfers_transfer WHERE uid = ?",
                         (living.uid.hex,))
    assert linzi.scalar("SELECT state FROM benefits_subsidyapplication WHERE id = ?",
                        (local,)) == "applied"
    # not decided yet: the job asks and waits
    assert actions.deliver_due(timezone.now() + dt.timedelta(hours=2))["delivered"] == 1
    living.refresh_from_db()
    assert living.state == "accepted" and living.pending == "status"
    linzi.rows("UPDATE benefits_subsidyapplication SET state = 'rejected', "
               "note = '非低保家庭' WHERE id = ?", (local,))
    with django_capture_on_commit_callbacks(execute=True):
        actions.deliver_due(timezone.now() + dt.timedelta(hours=4))
    living.refresh_from_db()
    assert living.state == "completed" and living.decision["outcome"] == "rejected"
    assert living.decision["note"] == "非低保家庭"
    text = next(m.text for m in OutboxMessage.objects.all() if m.to == "13900000002")  # encrypted
    assert "不予批准" in text and "非低保家庭" in text
