"""Forms that must not contradict the facts: no preselected assessment, refusals beside
their field (not in a green banner)."""

import datetime as dt

from django.urls import reverse

from canlian.certificates import actions
from canlian.certificates.forms import AssessForm
from canlian.certificates.models import Application
from canlian.certificates.workflow import Kind, State
from canlian.core import clock


def test_the_assessment_form_preselects_no_category_or_grade():
    form = AssessForm()
    for name in ("category", "grade"):
        html = str(form[name])
        assert '<option value="" selected>' in html, html
        assert html.count(" selected") == 1
    assert not AssessForm({"hospital": "医院", "assessed_on": "2025-01-01"}).is_valid()


def test_a_refused_assessment_is_shown_beside_its_field_not_as_success(client, users, make_person):
    application = actions.apply(users.township, make_person(),
                                actions.ApplicationInput(kind=Kind.NEW))
    client.force_login(users.assessor)
    before = (application.applied_on - dt.timedelta(days=3)).isoformat()
    with clock.frozen(clock.today()):
        r = client.post(reverse("certificates:assess", args=[application.pk]), {
            "hospital": "乐清市人民医院", "assessed_on": before, "category": "4",
            "grade": "2", "components": "", "findings": ""})
    page = r.content.decode()
    assert r.status_code == 400
    assert 'class="error-summary"' in page and "has-error" in page
    assert "message-success" not in page and "message-error" not in page
    assert Application.objects.get(pk=application.pk).state == State.APPLIED


def test_the_application_form_asks_only_what_the_kind_needs(client, users, make_person, regions):
    person = make_person()
    client.force_login(users.federation)
    url = reverse("certificates:apply", args=[person.pk])
    renewal = client.get(url + "?kind=renewal").content.decode()
    assert 'name="cancel_reason"' not in renewal and 'name="target_village"' not in renewal
    cancellation = client.get(url + "?kind=cancellation").content.decode()
    assert 'name="cancel_reason"' in cancellation and 'name="target_village"' not in cancellation
    transfer = client.get(url + "?kind=transfer").content.decode()
    assert 'name="target_village"' in transfer and 'name="cancel_reason"' not in transfer
    # Villages are named with their township, so two 东山社区 can be told apart.
    assert f"{regions.v2a.parent.name} / {regions.v2a.name}" in transfer
    # Choosing cancellation in the form without a reason asks for it beside the field.
    r = client.post(url, {"kind": "cancellation", "reason": ""})
    assert r.status_code == 200 and 'name="cancel_reason"' in r.content.decode()
    assert "has-error" in r.content.decode()
