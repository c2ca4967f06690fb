"""Signing in with resident ID and a one-time code: delivery, limits, guessing, accounts."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from canlian.accounts.models import User
from canlian.audit.models import AuditEvent
from canlian.conftest import new_resident_id
from canlian.core.models import ThrottleHit
from canlian.portal import actions, otp
from canlian.portal.models import OutboxMessage, SignInCode

from .conftest import last_code


def _age_limits():
    """Move every counted try two minutes into the past (past the one-a-minute limit)."""
    ThrottleHit.objects.update(at=timezone.now() - dt.timedelta(minutes=2))


def test_the_code_goes_to_the_phone_on_record_and_only_its_hash_is_kept(citizen):
    answer = actions.request_code(citizen.resident_id.lower())
    assert answer == actions.SENT
    message = OutboxMessage.objects.get()
    assert message.to == "13812345678"
    code = last_code()
    stored = SignInCode.objects.get()
    assert code not in stored.digest and stored.sent_to == "138****5678"


def test_a_guardian_without_a_record_gets_the_code_on_the_guardians_phone(make_person):
    guardian_id = new_resident_id(dt.date(1960, 1, 1))
    make_person(name="小明", resident_id=new_resident_id(dt.date(2015, 3, 3)), phone="",
                guardian_resident_id=guardian_id, guardian_phone="13900001111", guardian_name="王强")
    actions.request_code(guardian_id)
    assert OutboxMessage.objects.get().to == "13900001111"


@pytest.mark.parametrize(("typed", "fragment"), [
    ("", "required"), ("33038219700517", "18 characters"), ("33038219701317001X", "real date"),
    ("330382197005170010", "check"),
])
def test_a_malformed_id_is_refused_with_the_reason(db, typed, fragment):
    with pytest.raises(actions.SignInError) as exc, translation.override("en"):
        actions.request_code(typed)
    assert fragment in exc.value.message
    assert not OutboxMessage.objects.exists()


def test_an_unregistered_id_gets_the_same_answer_and_no_message(db):
    assert actions.request_code(new_resident_id()) == actions.SENT
    assert not OutboxMessage.objects.exists() and not SignInCode.objects.exists()


def test_no_code_for_a_person_without_a_phone(make_person):
    person = make_person(phone="")
    assert actions.request_code(person.resident_id) == actions.SENT
    assert not OutboxMessage.objects.exists()


def test_resending_is_limited_per_minute_and_per_hour(citizen):
    actions.request_code(citizen.resident_id)
    with pytest.raises(actions.SignInError, match="请一分钟后再试"):
        actions.request_code(citizen.resident_id)
    # age the first code past the minute, then fill the hour's allowance
    _age_limits()
    for _ in range(otp.PER_ID_PER_HOUR - 1):
        actions.request_code(citizen.resident_id)
        _age_limits()
    with pytest.raises(actions.SignInError, match="获取验证码过于频繁"):
        actions.request_code(citizen.resident_id)


def test_a_right_code_signs_in_once_and_creates_the_citizen_account(citizen):
    actions.request_code(citizen.resident_id)
    code = last_code()
    user = actions.verify_code(citizen.resident_id, code)
    assert user.role == "citizen" and user.resident_id == citizen.resident_id
    assert user.person == citizen and not user.has_usable_password()
    with pytest.raises(actions.SignInError, match="已失效"):
        actions.verify_code(citizen.resident_id, code)
    # a second sign-in reuses the account
    _age_limits()
    actions.request_code(citizen.resident_id)
    assert actions.verify_code(citizen.resident_id, last_code()) == user
    assert User.objects.filter(role="citizen").count() == 1


def test_wrong_codes_are_counted_and_five_burn_the_code(citizen):
    actions.request_code(citizen.resident_id)
    code = last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(otp.MAX_ATTEMPTS):
        with pytest.raises(actions.SignInError, match="验证码不正确或已失效"):
            actions.verify_code(citizen.resident_id, wrong)
    assert SignInCode.objects.get().attempts == otp.MAX_ATTEMPTS
    with pytest.raises(actions.SignInError, match="验证码不正确或已失效"):
        actions.verify_code(citizen.resident_id, code)  # the right code, but burnt
    assert AuditEvent.objects.filter(action="login_failed").count() == otp.MAX_ATTEMPTS + 1


def test_an_expired_code_is_refused(citizen):
    actions.request_code(citizen.resident_id)
    SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(actions.SignInError, match="已失效"):
        actions.verify_code(citizen.resident_id, last_code())


def test_a_disabled_account_cannot_sign_in(citizen):
    actions.request_code(citizen.resident_id)
    user = actions.verify_code(citizen.resident_id, last_code())
    User.objects.filter(pk=user.pk).update(is_active=False)
    _age_limits()
    actions.request_code(citizen.resident_id)
    with pytest.raises(actions.SignInError, match="已停用"):
        actions.verify_code(citizen.resident_id, last_code())


def test_the_sign_in_pages_walk_through_both_steps(client, citizen):
    response = client.post("/portal/sign-in/", {"resident_id": citizen.resident_id})
    assert response.status_code == 302 and "/portal/sign-in/code/" in response["Location"]
    page = client.get(response["Location"])
    assert "138****5678" not in page.content.decode()  # the answer is the same for any ID
    wrong = client.post("/portal/sign-in/code/", {"code": "000000" if last_code() != "000000"
                                                  else "111111"})
    assert "aria-invalid" in wrong.content.decode() and wrong.status_code == 200
    done = client.post("/portal/sign-in/code/", {"code": last_code(), "next": "/portal/applications/"})
    assert done["Location"] == "/portal/applications/"
    assert AuditEvent.objects.filter(action="login", summary__contains="门户").exists()


def test_the_next_parameter_cannot_leave_the_portal(client, citizen):
    client.post("/portal/sign-in/", {"resident_id": citizen.resident_id})
    done = client.post("/portal/sign-in/code/", {"code": last_code(), "next": "https://evil.example/"})
    assert done["Location"] == "/portal/"


def test_the_outbox_page_is_absent_in_production_settings(client, settings, db):
    settings.CANLIAN_DEV_OUTBOX = False
    assert client.get("/portal/dev/outbox/").status_code == 404


def test_the_console_notifier_refuses_to_run_in_production(settings, db):
    from django.core.exceptions import ImproperlyConfigured

    from canlian.portal.notifiers import ConsoleNotifier

    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        ConsoleNotifier().send("13800000000", "x")
