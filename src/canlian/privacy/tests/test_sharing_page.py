"""The staff page of consent-based department accounts (按同意共享的部门账号): who they are,
the purpose each relies on, how many persons consent or withdrew, enabling and disabling."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.audit.models import AuditEvent
from canlian.conftest import make_user
from canlian.privacy import actions
from canlian.privacy.models import SharingAccount
from canlian.regions.models import Region

URL = "/privacy/sharing/"


@pytest.fixture
def hrss(regions, api_key):
    account = make_user("hrss", Role.FEDERATION_STAFF, regions.county)
    User.objects.filter(pk=account.pk).update(organisation="人力资源和社会保障局")
    actions.set_sharing_purpose(None, account, "share_hrss")
    return SharingAccount.objects.get(user=account), api_key(account)


def test_the_page_shows_accounts_purposes_and_consent_counts(client, users, regions, make_person,
                                                             hrss):
    sharing, _ = hrss
    staff = users.federation
    a, b, c = (make_person(regions.v1a, name=n) for n in ("甲", "乙", "丙"))
    actions.give_consent(staff, a, "share_hrss")
    actions.give_consent(staff, b, "share_hrss")
    actions.withdraw_consent(staff, b, "share_hrss")
    actions.give_consent(staff, c, "share_hrss")  # withdrew, then consented again: consenting
    actions.withdraw_consent(staff, c, "share_hrss")
    actions.give_consent(staff, c, "share_hrss")
    actions.give_consent(staff, b, "share_health")  # another purpose: not counted here
    client.force_login(staff)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row["account"] == sharing
    assert (row["consenting"], row["withdrew"]) == (2, 1)
    assert row["account"].keys == 1 and row["notice"].purpose == "share_hrss"
    html = response.content.decode()
    assert "人力资源和社会保障局" in html and "向人社部门提供就业和社保信息" in html
    assert "按同意共享" in html and "停用" in html and "csrfmiddlewaretoken" in html
    assert 'class="table-wrap"' in html  # scrolls sideways at 390 px, like the other tables


def test_disabling_refuses_the_accounts_keys_and_enabling_restores_them(client, users, hrss):
    sharing, headers = hrss
    api = Client()
    assert api.get("/api/v1/persons", **headers).status_code == 200
    client.force_login(users.federation)
    response = client.post(f"{URL}{sharing.pk}/", {"enabled": "0"})
    assert response.status_code == 302 and response["Location"] == URL
    sharing.user.refresh_from_db()
    assert not sharing.user.is_active
    assert api.get("/api/v1/persons", **headers).status_code == 401
    event = AuditEvent.objects.filter(object_type="user", action="update").latest("id")
    assert event.summary.startswith("停用按同意共享的部门接口账号：人力资源和社会保障局")
    assert event.actor_name == users.federation.username
    client.post(f"{URL}{sharing.pk}/", {"enabled": "1"})
    sharing.user.refresh_from_db()
    assert sharing.user.is_active
    assert api.get("/api/v1/persons", **headers).status_code == 200
    assert AuditEvent.objects.filter(object_type="user", summary__startswith="启用").exists()


def test_roles_without_the_capability_are_refused(client, users, hrss):
    sharing, _ = hrss
    for user in (users.township, users.village, users.auditor):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(f"{URL}{sharing.pk}/", {"enabled": "0"}).status_code == 403
        with pytest.raises(PermissionDenied):
            actions.set_sharing_account_enabled(user, sharing.pk, False)
    sharing.user.refresh_from_db()
    assert sharing.user.is_active
    client.force_login(users.federation)
    assert client.get(f"{URL}{sharing.pk}/").status_code == 405  # a change is a POST


def test_another_regions_account_is_neither_listed_nor_changed(client, users, regions):
    other = Region.objects.create(code="330381000000", name="瑞安市", level="county",
                                  kind="county_city", parent=regions.county.parent)
    account = make_user("elsewhere", Role.FEDERATION_STAFF, other)
    actions.set_sharing_purpose(None, account, "share_hrss")
    sharing = SharingAccount.objects.get(user=account)
    client.force_login(users.federation)
    assert client.get(URL).context["rows"] == []
    assert client.post(f"{URL}{sharing.pk}/", {"enabled": "0"}).status_code == 404
    account.refresh_from_db()
    assert account.is_active


def test_the_menu_offers_the_page_to_federation_staff_only(client, users):
    client.force_login(users.federation)
    assert URL in client.get("/privacy/holds/").content.decode()
    client.force_login(users.township)
    assert URL not in client.get("/privacy/holds/").content.decode()
