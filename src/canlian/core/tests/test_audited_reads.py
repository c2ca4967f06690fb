"""Every staff page that shows personal data writes an audit record (issue #22: at least
fifteen did not). The pages are those of the authorization matrix, walked with a record
behind each; a page that shows no personal data is listed below with the reason, so a
new page must either audit its reads or say why it has none."""

from __future__ import annotations

import pytest

from canlian.audit.models import AuditEvent
from canlian.audit.reads import NOT_PERSONAL

from .test_authorization_matrix import MATRIX, _url, world  # noqa: F401

# url name → the role to walk it as (default: federation, else the first 200)
ROLE_FOR: dict[str, object] = {}


def _walkable() -> list[str]:
    return sorted(name for name, (kind, method, roles) in MATRIX.items()
                  if method == "get" and 200 in roles.values())


@pytest.mark.parametrize("name", _walkable())
def test_a_page_with_personal_data_audits_its_read(client, users, world, name):  # noqa: F811
    objects, batch = world
    kind, _, roles = MATRIX[name]
    role = ROLE_FOR.get(name) or ("federation" if roles.get("federation") == 200 else
                                  next(r for r, s in roles.items() if s == 200))
    client.force_login(getattr(users, role))
    before = AuditEvent.objects.count()
    response = client.get(_url(name, kind, objects["in"], batch))
    assert response.status_code == 200, (name, role, response.status_code)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    wrote = AuditEvent.objects.filter(actor_name=getattr(users, role).username)[
        :max(1, AuditEvent.objects.count() - before)]
    if name in NOT_PERSONAL:
        return
    assert AuditEvent.objects.count() > before, f"{name} shows personal data but wrote no record"
    assert all(e.action in ("view", "export") for e in wrote)


def test_a_page_about_one_person_names_that_person(client, users, world):  # noqa: F811
    objects, _ = world
    person = objects["in"]["person"]
    client.force_login(users.federation)
    for name, kind in (("people:edit", "person"), ("surveys:form", None)):
        if kind:
            url = _url(name, kind, objects["in"], None)
        else:

            from django.urls import reverse

            from canlian.core import clock

            url = reverse(name, args=[person.pk, clock.today().year])
        assert client.get(url).status_code == 200
        event = AuditEvent.objects.latest("id")
        assert (event.action, event.person_id) == ("view", person.pk), name


def test_a_list_page_records_what_was_asked_with_ids_masked(client, users, world):  # noqa: F811
    objects, _ = world
    rid = objects["in"]["person"].resident_id
    client.force_login(users.federation)
    client.post("/people/", {"q": rid}, follow=True)  # the search is kept out of the URL
    event = AuditEvent.objects.latest("id")
    assert event.action == "view" and rid not in event.summary and rid[:6] in event.summary
    assert "/people/?s=" in event.summary and "搜索：q=" in event.summary


def test_a_page_view_names_the_page_in_words_beside_its_path(client, users, world):  # noqa: F811
    """The log reads "查看页面 /certificates/expiring/（证件到期换领）", not a bare path."""
    client.force_login(users.federation)
    response = client.get("/certificates/expiring/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    title = response.content.decode().split("<title>")[1].split(" · ")[0].strip()
    event = AuditEvent.objects.latest("id")
    assert event.summary == f"查看页面 /certificates/expiring/（{title}）"
    assert title and "/" not in title
