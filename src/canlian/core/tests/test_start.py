"""Each role lands on its own start page (工作台), with what is due, late and changed in its
own area; nobody lands on a 403 (issue 23)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from canlian.conftest import PASSWORD
from canlian.core import clock
from canlian.todos import actions as todos


def _sign_in(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD},
                       follow=True)


@pytest.mark.parametrize(("role", "lands_on"), [
    ("fed", "/"), ("town1", "/"), ("aud", "/"), ("vil1a", "/"),
    ("doc", "/certificates/queue/"), ("emp", "/employment/mine/"),
])
def test_every_role_lands_on_its_own_start_page(client, users, role, lands_on):
    response = _sign_in(client, role)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == lands_on


def test_the_overview_counts_what_is_late_in_the_users_own_area(client, users, make_person, regions):
    inside = make_person(regions.v1a, name="甲")
    outside = make_person(regions.v2a, name="乙")
    todos.open_todo(inside, kind="check", title="核对", days=1)
    todos.open_todo(outside, kind="check", title="核对", days=1)  # another township's
    todos.open_todo(inside, kind="check", title="核对", days=30)
    client.force_login(users.township)
    with clock.frozen(clock.today() + dt.timedelta(days=10)):  # the first two are now late
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        figures = {str(f.label): f.count for section in page.context["sections"].values()
                   for f in section}
    assert figures["To-dos past their due date"] == 1
    assert figures["Open to-dos"] == 2
    assert figures["Persons registered in the last 7 days"] == 1
    html = client.get("/").content.decode()
    assert "我的工作" in html and "已逾期的待办" in html


def test_a_village_worker_sees_visits_survey_and_to_dos_first(client, users, make_person, regions):
    make_person(regions.v1a, name="甲")
    client.force_login(users.village)
    sections = client.get("/", HTTP_ACCEPT_LANGUAGE="en").context["sections"]
    assert list(sections) == ["work", "certificates", "changed"]
    with translation.override("en"):
        labels = [str(f.label) for f in sections["work"]]
    assert labels[:3] == ["Visits overdue", "Visits due within the next weeks",
                          "Follow-ups open after a visit"]
    assert "Persons not yet surveyed this year" in labels and "Open to-dos" in labels


def test_the_overview_is_a_fixed_number_of_queries(client, users, make_person, regions,
                                                   django_assert_max_num_queries):
    for i in range(20):
        make_person(regions.v1a, name=f"人{i}")
    client.force_login(users.federation)
    with django_assert_max_num_queries(40):
        assert client.get("/").status_code == 200


def test_the_overview_warns_of_institutions_licences_in_the_users_own_area(client, users, regions):
    from canlian.services.models import Institution, Licence

    today = clock.today()
    for township, name in ((regions.t1, "乐成街道残疾人之家"), (regions.t2, "柳市镇残疾人之家")):
        home = Institution.objects.create(name=name, kind="home_of_disabled", township=township,
                                          opened_on=dt.date(2020, 1, 1))
        Licence.objects.create(institution=home, kind="fire", name="消防安全检查合格证",
                               issued_on=dt.date(2020, 1, 1), expires_on=today + dt.timedelta(days=20))
    client.force_login(users.township)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        figures = {str(f.label): f.count for f in page.context["sections"]["institutions"]}
    assert figures["Institution licences expired or expiring within 60 days"] == 1  # not t2's
    assert figures["Care institution rectifications past their deadline"] == 0
    assert "已过期或 60 天内到期的机构证照" in client.get("/").content.decode()
