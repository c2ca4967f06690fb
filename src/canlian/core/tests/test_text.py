"""No control, bidirectional-override or zero-width character gets into stored text
through any form (issue #22: a name with \\x01 broke every export that included it)."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import canlian
from canlian.core import forms as core_forms
from canlian.core import text
from canlian.people.models import Person
from canlian.people.tests.test_people_views import form_data


@pytest.mark.parametrize("bad", ["\x01", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u200b",
                                 "\ufeff", "\u2028"])
def test_refused_characters(bad):
    assert text.check(f"张{bad}三") is not None
    assert text.printable(f"张{bad}三") == "张三"


def test_ordinary_text_passes():
    for good in ("张三", "阿依古丽·买买提", "O'Brien-Smith", "东山路 1 号（西）", "😀"):
        assert text.check(good) is None
    assert text.check("第一行\n第二行\t", multiline=True) is None
    assert text.check("第一行\n第二行") is not None


def test_every_form_in_canlian_checks_its_text():
    """A new form that does not derive from core.forms would let them in again."""
    found = []
    for module in pkgutil.walk_packages(canlian.__path__, "canlian."):
        if ".tests" in module.name or module.name.endswith(("__main__", ".migrations", ".wsgi")) \
                or ".migrations." in module.name or ".management." in module.name:
            continue
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if (issubclass(cls, forms.BaseForm) and cls.__module__ == module.name):
                found.append(cls)
    assert len(found) > 40
    unchecked = [f"{c.__module__}.{c.__name__}" for c in found
                 if not issubclass(c, core_forms.TextCheckMixin)]
    assert unchecked == []


@pytest.mark.parametrize("value", ["张\x01三", "张三\u202e", "张\u200b三"])
def test_the_staff_person_form_refuses_them_beside_the_field(client, users, regions, value):
    client.force_login(users.township)
    response = client.post(reverse("people:create"), form_data(regions, name=value))
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Person.objects.exists()


def test_the_portal_contact_form_refuses_them(signed_in_citizen):
    client, _person = signed_in_citizen
    response = client.post("/portal/contact/", {"phone": "13812345678",
                                                "address": "东山路\u202e1号"})
    assert "address" in response.context["form"].errors


def test_multi_line_notes_keep_their_lines():
    class Note(core_forms.Form):
        note = forms.CharField(widget=forms.Textarea)
        name = forms.CharField()

    assert Note({"note": "一\n二", "name": "甲"}).is_valid()
    assert not Note({"note": "一\n二", "name": "甲\n乙"}).is_valid()


@pytest.fixture
def signed_in_citizen(client, make_person):
    from canlian.portal import actions
    from canlian.portal.tests.conftest import last_code

    person = make_person(name="王芳", phone="13812345678")
    actions.request_code(person.resident_id)
    user = actions.verify_code(person.resident_id, last_code())
    client.force_login(user, backend="canlian.accounts.backends.RegionBackend")
    return client, person
