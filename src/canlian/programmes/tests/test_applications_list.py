"""The staff list of programme applications (core.lists): offers left out unless asked
for, the programme, state, township and village filters, numbered pages that keep the
filters, and the Excel export with resident IDs masked and every person exported audited."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from canlian.audit.models import Action, AuditEvent
from canlian.core import clock
from canlian.programmes.models import Application

URL = reverse("programmes:index")


def _apply(person, programme="medical_premium", state="applied", **extra):
    return Application.objects.create(
        person=person, village=person.village, programme=programme, version="2024",
        year=clock.today().year, applicant="person", channel="staff", state=state, **extra)


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_filters_by_programme_state_and_area(client, users, regions, make_person):
    _apply(make_person(regions.v1a, name="赵申请"))
    _apply(make_person(regions.v1b, name="钱提示"), state="offered")
    _apply(make_person(regions.v1a, name="孙批准"), programme="care_subsidy", state="approved")
    _apply(make_person(regions.v2a, name="李柳市"))
    client.force_login(users.federation)
    shown = _text(client.get(URL))
    # offers are not applications yet: left out until asked for
    assert "赵申请" in shown and "孙批准" in shown and "李柳市" in shown and "钱提示" not in shown
    assert "钱提示" in _text(client.get(URL + "?state=offered"))
    assert "钱提示" not in _text(client.get(URL + "?state=nonsense"))  # unknown: the default
    approved = _text(client.get(URL + "?programme=care_subsidy&state=approved"))
    assert "孙批准" in approved and "赵申请" not in approved
    assert "赵申请" in _text(client.get(URL + "?programme=nonsense"))  # an unknown code: all
    # the township filter takes a region's code; the village narrows it
    township = _text(client.get(URL + f"?township={regions.t2.code}"))
    assert "李柳市" in township and "赵申请" not in township
    village = _text(client.get(URL + f"?township={regions.t1.code}&village={regions.v1a.code}"))
    assert "赵申请" in village and "孙批准" in village and "李柳市" not in village
    # another township's worker sees only their own area, whatever they ask for
    client.force_login(users.township2)
    assert "赵申请" not in _text(client.get(URL + f"?township={regions.t1.code}"))


def test_pages_keep_the_filters(client, users, regions, make_person):
    for i in range(51):
        _apply(make_person(regions.v1a, name=f"申请人{i}"))
    client.force_login(users.federation)
    first = _text(client.get(URL + f"?township={regions.t1.code}&state=applied"))
    assert first.count("申请人") == 50
    assert f"?township={regions.t1.code}&amp;state=applied&amp;page=2" in first
    second = _text(client.get(URL + f"?township={regions.t1.code}&state=applied&page=2"))
    assert second.count("申请人") == 1


def test_the_export_masks_ids_and_audits_every_person(client, users, regions, make_person):
    person = make_person(regions.v1a, name="赵申请")
    _apply(person)
    _apply(make_person(regions.v2a, name="李柳市"))
    client.force_login(users.township)
    answer = client.get(URL + "?export=xlsx")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)
                                    if answer.streaming else answer.content))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row]
    assert "赵申请" in cells and "李柳市" not in cells  # scoped to the worker's township
    assert person.resident_id not in cells and person.masked_id in cells
    assert AuditEvent.objects.filter(action=Action.EXPORT, person_id=person.pk).exists()
    # a role that may not export people is refused
    client.force_login(users.village)
    assert client.get(URL + "?export=xlsx").status_code == 403
