"""A multiple disability (多重残疾) is entered as ticked component categories with their
grades, not typed codes; the assessor form preselects nothing; tick boxes sit beside their
labels (issue 23)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from canlian.certificates import actions
from canlian.certificates.forms import AssessForm
from canlian.certificates.models import Assessment
from canlian.certificates.workflow import Kind
from canlian.core import browser, clock

BASE = {"hospital": "乐清市人民医院", "assessed_on": "2025-01-01", "findings": ""}


def test_components_are_ticked_with_their_grades():
    form = AssessForm({**BASE, "category": "7", "comp_1": "on", "comp_grade_1": "3",
                       "comp_4": "on", "comp_grade_4": "2"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["components"] == [{"category": 1, "grade": 3},
                                               {"category": 4, "grade": 2}]
    assert form.cleaned_data["grade"] == 2  # the most severe component


def test_component_mistakes_are_named_beside_the_field():
    one = AssessForm({**BASE, "category": "7", "comp_1": "on", "comp_grade_1": "3"})
    assert not one.is_valid() and "comp_1" in one.errors
    no_grade = AssessForm({**BASE, "category": "7", "comp_1": "on", "comp_grade_1": "3",
                           "comp_2": "on"})
    assert not no_grade.is_valid() and "comp_grade_2" in no_grade.errors
    untick = AssessForm({**BASE, "category": "7", "comp_1": "on", "comp_grade_1": "3",
                         "comp_2": "on", "comp_grade_2": "1", "comp_grade_5": "2"})
    assert not untick.is_valid() and "comp_5" in untick.errors
    single = AssessForm({**BASE, "category": "4", "grade": "2", "comp_1": "on",
                         "comp_grade_1": "3"})
    assert not single.is_valid() and "comp_1" in single.errors
    no_grade_single = AssessForm({**BASE, "category": "4"})
    assert not no_grade_single.is_valid() and "grade" in no_grade_single.errors


def test_the_form_has_no_default_and_no_typed_codes():
    form = AssessForm()
    assert "components" not in form.fields
    for name in ("category", "grade", "comp_grade_1"):
        html = str(form[name])
        assert '<option value="" selected>' in html and html.count(" selected") == 1
    assert not any(str(form[f"comp_{c}"]).count("checked") for c in range(1, 7))


def test_the_assessor_page_records_a_multiple_disability(client, users, make_person):
    application = actions.apply(users.township, make_person(),
                                actions.ApplicationInput(kind=Kind.NEW))
    client.force_login(users.assessor)
    page = client.get(reverse("certificates:application", args=[application.pk])).content.decode()
    # each tick box inside its own label, beside the category's name
    assert re.search(r'<label class="check" for="id_comp_1"><input type="checkbox" name="comp_1"'
                     r'[^>]*> 视力残疾</label>', page)
    assert 'name="components"' not in page
    r = client.post(reverse("certificates:assess", args=[application.pk]), {
        **BASE, "assessed_on": clock.today().isoformat(), "category": "7",
        "comp_2": "on", "comp_grade_2": "4", "comp_3": "on", "comp_grade_3": "3"})
    assert r.status_code == 302
    assessment = Assessment.objects.get(application=application)
    assert assessment.grade == 3 and assessment.components == [
        {"category": 2, "grade": 4}, {"category": 3, "grade": 3}]
    page = client.get(reverse("certificates:application", args=[application.pk])).content.decode()
    assert "听力残疾四级、言语残疾三级" in page


@pytest.mark.browser
@pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed")
def test_tick_boxes_sit_beside_their_labels_on_a_phone(live_server, users, make_person):
    application = actions.apply(users.township, make_person(),
                                actions.ApplicationInput(kind=Kind.NEW))
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        browser.sign_in(page, live_server.url, users.assessor)
        page.goto(f"/certificates/applications/{application.pk}/")
        box = page.locator("#id_comp_1").bounding_box()
        label = page.locator("label[for=id_comp_1]").bounding_box()
        assert box and label
        # on the same line as its words, at the label's left edge
        assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 4
        assert box["x"] - label["x"] < 4
        assert browser.horizontal_overflow(page) == 0
        if browser.axe_available():
            assert browser.axe_violations(page) == []
