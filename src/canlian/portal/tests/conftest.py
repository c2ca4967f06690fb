"""Portal fixtures: a citizen on the registry with a phone, and signing them in."""

import pytest

from canlian.portal import actions
from canlian.portal.models import OutboxMessage


def last_code() -> str:
    """The six-digit code of the last text message sent (the development outbox)."""
    message = OutboxMessage.objects.first()
    assert message is not None, "no text message was sent"
    return message.text.split("验证码是 ")[1][:6]


@pytest.fixture
def citizen(make_person):
    return make_person(name="王芳", phone="13812345678", address="乐成街道东山社区1号")


@pytest.fixture
def signed_in(client, citizen):
    """A test client signed in as ``citizen`` through the real code flow."""
    actions.request_code(citizen.resident_id)
    user = actions.verify_code(citizen.resident_id, last_code())
    client.force_login(user, backend="canlian.accounts.backends.RegionBackend")
    client.user = user
    return client
