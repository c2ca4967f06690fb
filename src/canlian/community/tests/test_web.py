"""The three shapes of a changing community page (``community/web.py``), through real pages:
a button, a form page, and a supervisor's form on a list page."""

import pytest
from django.urls import reverse

from canlian.community.models import Organisation, ServiceLog, ServiceRequest
from canlian.community.volunteers import actions as volunteers_actions
from canlian.people.models import Person


@pytest.fixture
def open_request(users, regions, make_person):
    """An open volunteer request in the first township, no volunteer assigned yet."""
    person = make_person(regions.v1a, name="本镇人")
    Person.objects.filter(pk=person.pk).update(grade=1, category=4)
    return volunteers_actions.create_request(users.township, person, source="worker", skill="escort",
                                             description="陪同")


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_a_button_on_a_record_outside_the_region_is_a_404_and_changes_nothing(client, users, open_request):
    client.force_login(users.township2)
    r = client.post(reverse("community:request_close", args=[open_request.pk]), {"outcome": "cancelled"})
    assert r.status_code == 404
    assert ServiceRequest.objects.get().status == "open"


def test_a_refused_button_comes_back_as_a_message_on_the_page_it_was_on(client, users, open_request):
    client.force_login(users.township)
    url = reverse("community:request", args=[open_request.pk])
    r = client.post(reverse("community:request_close", args=[open_request.pk]), {"outcome": "done"},
                    follow=True)
    assert r.redirect_chain == [(url, 302)]
    assert messages_of(r) == ["完成前请先登记服务记录"]
    assert ServiceRequest.objects.get().status == "open"
    r = client.post(reverse("community:request_close", args=[open_request.pk]),
                    {"outcome": "cancelled"}, follow=True)
    assert r.redirect_chain == [(url, 302)] and len(messages_of(r)) == 1
    assert ServiceRequest.objects.get().status == "cancelled"


def test_a_refused_form_is_shown_again_with_the_reason_at_the_top(client, users, open_request):
    client.force_login(users.township)
    r = client.post(reverse("community:request_log", args=[open_request.pk]),
                    {"served_on": "2026-01-05", "hours": "2", "description": "陪同就医"})
    assert r.status_code == 200
    assert r.context["form"].non_field_errors() == ["需求尚未派单或已取消，不能登记服务"]
    assert not ServiceLog.objects.exists()


def test_a_form_page_for_a_record_outside_the_region_is_a_404(client, users, open_request):
    client.force_login(users.township2)
    assert client.get(reverse("community:request_log", args=[open_request.pk])).status_code == 404


def test_the_supervisors_form_on_a_list_page(client, users, regions):
    url = reverse("community:organisations")
    client.force_login(users.village)  # field work only: the list without the form, a post refused
    assert client.get(url).context["form"] is None
    assert client.post(url, {"name": "助残社", "kind": "volunteer_team"}).status_code == 403
    client.force_login(users.township)
    data = {"name": "助残社", "kind": "volunteer_team", "village": regions.v2a.code,
            "registered_on": "2026-01-05"}
    r = client.post(url, data)  # a village of another township: refused beside the field
    assert r.status_code == 200 and r.context["form"].errors["village"]
    assert not Organisation.objects.exists()
    r = client.post(url, {**data, "village": regions.v1a.code}, follow=True)
    assert r.redirect_chain == [(url, 302)] and messages_of(r)
    assert Organisation.objects.get().name == "助残社"
