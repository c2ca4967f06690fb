"""The registry search keeps what was typed out of every URL (core/searches.py).

The form is POSTed, the term sealed in the session under an opaque token, and the results
page is ``?s=<token>``: a typed resident ID never reaches a URL, a redirect's Location or a
link, and a token is worth nothing in another session.
"""

import io
import re

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from canlian.audit.models import AuditEvent
from canlian.core import searches
from canlian.people import views

LIST = "/people/"


def urls_in(html):
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


def test_a_typed_id_never_appears_in_a_url_location_or_link(client, users, regions, make_person):
    person = make_person(regions.v1a, name="欧阳明")
    client.force_login(users.township)
    posted = client.post(LIST, {"q": person.resident_id})
    assert posted.status_code == 302
    location = posted["Location"]
    assert re.fullmatch(r"/people/\?s=[A-Za-z0-9_-]{8}", location), location
    assert person.resident_id not in location and person.resident_id[-4:] not in location
    page = client.get(location)
    html = page.content.decode()
    assert [p["name"] for p in page.context["page"].object_list] == ["欧阳明"]
    assert f'value="{person.resident_id}"' in html  # kept in the box, in the page only
    assert 'name="q"' in html and 'method="post"' in html and "csrfmiddlewaretoken" in html
    for url in urls_in(html):
        assert person.resident_id not in url and "q=" not in url, url
    export = [u for u in urls_in(html) if u.startswith(reverse("people:export"))]
    assert export == [reverse("people:export") + "?" + location.split("?")[1]]
    # The audit keeps what was searched (the ID masked), though the URL holds only the token
    event = AuditEvent.objects.filter(action="view").latest("id")
    assert "搜索：q=" in event.summary and person.resident_id[:6] in event.summary
    assert person.resident_id not in event.summary


def test_the_search_is_sealed_in_the_session(client, users, regions, make_person):
    person = make_person(regions.v1a)
    client.force_login(users.township)
    client.post(LIST, {"q": person.resident_id})
    kept = client.session[searches.SESSION_KEY]
    assert len(kept) == 1 and person.resident_id not in str(kept)


def test_an_id_in_the_query_string_is_not_searched(client, users, regions, make_person):
    person = make_person(regions.v1a, name="甲")
    make_person(regions.v1a, name="乙")
    client.force_login(users.township)
    page = client.get(LIST, {"q": person.resident_id}).context["page"]
    assert {p["name"] for p in page.object_list} == {"甲", "乙"}


def test_a_token_from_another_session_or_unknown_does_not_work(client, users, regions,
                                                                make_person):
    make_person(regions.v1a, name="欧阳明")
    make_person(regions.v1a, name="林华")
    client.force_login(users.township)
    location = client.post(LIST, {"q": "欧阳"})["Location"]
    assert [p["name"] for p in client.get(location).context["page"].object_list] == ["欧阳明"]
    other = Client()
    other.force_login(users.township)  # the same user, another browser
    for response in (other.get(location), client.get(LIST, {"s": "AAAAAAAA"})):
        assert response.status_code == 200
        assert not response.context["form"].is_bound  # an empty search form
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert "请重新搜索" in other.get(location, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # an export with a stale token exports nothing and says why
    stale = other.get(reverse("people:export") + "?" + location.split("?")[1])
    assert stale.status_code == 302 and stale["Location"] == reverse("people:list")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_pagination_and_export_keep_the_search(client, users, regions, make_person,
                                               monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(5):
        make_person(regions.v1a, name=f"欧阳{i}")
    make_person(regions.v1a, name="林华")
    client.force_login(users.township)
    location = client.post(LIST, {"q": "欧阳"})["Location"]
    first = client.get(location)
    assert first.context["page"].paginator.count == 5
    html = first.content.decode()
    token = location.split("?s=")[1]
    assert f'href="?s={token}&amp;page=2"' in html
    second = client.get(LIST, {"s": token, "page": 2})
    names = {p["name"] for p in second.context["page"].object_list}
    assert len(names) == 2 and all(n.startswith("欧阳") for n in names)
    response = client.get(reverse("people:export"), {"s": token})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sorted(r[1] for r in list(sheet.iter_rows(values_only=True))[1:]) == [
        f"欧阳{i}" for i in range(5)]
    export = AuditEvent.objects.filter(action="export").first()
    assert "q=欧阳" in export.summary


def test_an_invalid_search_shows_its_errors_without_redirecting(client, users, regions):
    client.force_login(users.township)
    response = client.post(LIST, {"q": "甲", "village": "999999999999"})
    assert response.status_code == 200 and response.context["form"].errors
