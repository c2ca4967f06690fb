"""The one guarded decision (审批) shared by insurance claims, employer rewards and
institution grants (``actions._decide_guarded``) and the one decision page
(``views._decision``): each refusal is tested for all three records — deciding twice,
deciding one's own filing (separation of duties, refusing as well as approving), a refusal
without a reason, a record outside the user's region (PermissionDenied; 404 on the page),
a role without the approval right — and nothing is written when refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from canlian.accounts.roles import Role
from canlian.audit.models import AuditEvent
from canlian.conftest import make_user
from canlian.core import clock
from canlian.programmes import actions
from canlian.programmes.actions import ProgrammeError

from .authorization import objects

TODAY = clock.today()
# record kind → (the objects() key, the action, the page, the field naming the filer)
KINDS = {
    "claim": ("programme_claim", actions.decide_claim, "programmes:claim", "filed_by"),
    "reward": ("programme_reward", actions.decide_reward, "programmes:reward", "posted_by"),
    "support": ("programme_support", actions.decide_support, "programmes:support",
                "applied_by"),
}


@pytest.fixture
def made(users, regions, make_person):
    """One claim, reward and grant in township 1, filed by the first federation account;
    the reward's public notice has run."""
    person = make_person(regions.v1a, name="孙五")
    found = objects(users, person, regions.v1a)
    for key, _action, _page, filer in KINDS.values():
        item = found[key]
        setattr(item, filer, users.federation)
        item.save(update_fields=[filer])
    reward = found["programme_reward"]
    reward.notice_first = reward.notice_last = TODAY - dt.timedelta(days=10)
    reward.save(update_fields=["notice_first", "notice_last"])
    return found


def _fresh(item):
    return type(item).objects.get(pk=item.pk)


def _transitions(item):
    return AuditEvent.objects.filter(object_type=item._meta.model_name,
                                     object_id=str(item.pk), action="transition").count()


@pytest.mark.parametrize("kind", KINDS)
def test_the_filer_may_neither_approve_nor_refuse(kind, users, made):
    key, decide, _page, _filer = KINDS[kind]
    item = made[key]
    for approve in (True, False):
        with pytest.raises(ProgrammeError) as caught:
            decide(users.federation, item.pk, approve=approve, note="理由")
        assert caught.value.code == "separation"
    assert _fresh(item).state == item.state and _transitions(item) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_refusal_needs_its_reason_and_a_decision_is_taken_once(kind, users, made):
    key, decide, _page, _filer = KINDS[kind]
    item = made[key]
    with pytest.raises(ProgrammeError) as caught:
        decide(users.federation2, item.pk, approve=False, note="  ")
    assert (caught.value.code, caught.value.field) == ("reason", "note")
    decided = decide(users.federation2, item.pk, approve=False, note=" 材料不全 ")
    assert (decided.state, decided.decided_by, decided.decided_on, decided.note) == (
        "refused", users.federation2, TODAY, "材料不全")
    assert _transitions(item) == 1
    for approve in (True, False):
        with pytest.raises(ProgrammeError) as caught:
            decide(users.federation2, item.pk, approve=approve, note="再次")
        assert caught.value.code == "state"
    assert _fresh(item).state == "refused" and _transitions(item) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_outside_the_region_or_without_the_right_nothing_is_decided(kind, users, regions,
                                                                   made, client):
    key, decide, page, _filer = KINDS[kind]
    item = made[key]
    elsewhere = make_user("fed-t2", Role.FEDERATION_STAFF, regions.t2)
    with pytest.raises(PermissionDenied):
        decide(elsewhere, item.pk, approve=True)
    with pytest.raises(PermissionDenied):
        decide(users.township, item.pk, approve=True)  # no approval right
    with pytest.raises(PermissionDenied):
        decide(users.federation2, 10_000_000, approve=True)  # no such record: the same answer
    client.force_login(elsewhere)
    assert client.post(reverse(page, args=[item.pk]), {"move": "approve"}).status_code == 404
    assert _fresh(item).state == item.state and _transitions(item) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_the_page_decides_once_and_shows_the_refusals(kind, users, made, client):
    key, _decide, page, _filer = KINDS[kind]
    item = made[key]
    url = reverse(page, args=[item.pk])
    client.force_login(users.federation)  # the filer: refused beside the form
    assert "审核人不能审批同一申请" in client.post(url, {"move": "approve"}).content.decode()
    client.force_login(users.township)  # no approval right
    assert "您的角色不能办理此环节" in client.post(url, {"move": "approve"}).content.decode()
    client.force_login(users.federation2)
    answer = client.post(url, {"move": "approve", "note": "同意"})
    assert answer.status_code == 302 and answer["Location"] == url
    assert _fresh(item).state == "approved"
    # a second decision is refused (the page no longer offers the form): nothing changes
    assert client.post(url, {"move": "refuse", "note": "改判"}).status_code == 200
    assert _fresh(item).state == "approved" and _transitions(item) == 1
