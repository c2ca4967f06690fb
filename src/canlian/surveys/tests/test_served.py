"""The survey's services-received flags follow the service records, whichever comes first."""

import datetime as dt
import threading

import pytest
from django.urls import reverse

from canlian.core import clock
from canlian.services.actions import record_service
from canlian.services.models import DeviceType, ServiceType
from canlian.surveys import actions, served
from canlian.surveys.models import AnnualSurvey
from canlian.surveys.tests.test_surveys import ANSWERS, certified  # noqa: F401 - fixture

YEAR = clock.today().year - 1
ON = dt.date(YEAR, 6, 1)


def flags(survey):
    survey.refresh_from_db()
    return {f: getattr(survey, f) for f in served.FLAGS}


def serve(users, person, code, on=ON):
    kind = ServiceType.objects.get(code=code)
    device = DeviceType.objects.get(code="wheelchair") if kind.group == "device" else None
    return record_service(users.township, person, kind, start_date=on, device=device)


def test_a_service_recorded_after_the_survey_sets_its_flag(users, certified):  # noqa: F811
    person = certified()
    survey = actions.save_survey(users.village, person, YEAR, {**ANSWERS, "surveyed_on": ON})
    assert flags(survey) == {"served_rehab": False, "served_device": False,
                             "served_basic_device": False, "served_culture": False}
    serve(users, person, "rehab_training")
    serve(users, person, "culture_event", dt.date(YEAR + 1, 1, 2))
    assert flags(survey) == {"served_rehab": True, "served_device": False,
                             "served_basic_device": False,
                             "served_culture": False}  # next year's service is next year's
    serve(users, person, "device_fitting", dt.date(YEAR, 12, 31))
    assert flags(survey)["served_device"] and flags(survey)["served_basic_device"]


def test_only_basic_services_and_basic_type_devices_count(users, certified):  # noqa: F811
    """2.10: a non-basic rehabilitation service sets no rehabilitation flag, and a device
    outside the basic-type catalogue (a cochlear implant) counts as a fitting but not as a
    basic-type one (Linzi's 基本型辅助器具适配率)."""
    person = certified()
    survey = actions.save_survey(users.village, person, YEAR, {**ANSWERS, "surveyed_on": ON})
    record_service(users.township, person, ServiceType.objects.get(code="rehab_private_therapy"),
                   start_date=ON)
    record_service(users.township, person, ServiceType.objects.get(code="device_fitting"),
                   start_date=ON, device=DeviceType.objects.get(code="cochlear_implant"))
    assert flags(survey) == {"served_rehab": False, "served_device": True,
                             "served_basic_device": False, "served_culture": False}
    assert served.rebuild() == 0  # the set-based rebuild agrees


def test_a_survey_made_after_the_service_reads_it(users, certified, client):  # noqa: F811
    person = certified()
    serve(users, person, "culture_event")
    serve(users, person, "rehab_training", dt.date(YEAR - 1, 12, 31))  # the year before
    survey = actions.save_survey(users.village, person, YEAR, {**ANSWERS, "surveyed_on": ON})
    assert flags(survey) == {"served_rehab": False, "served_device": False,
                             "served_basic_device": False, "served_culture": True}
    client.force_login(users.village)  # the survey page shows the records' verdict
    page = client.get(reverse("surveys:form", args=[person.pk, YEAR])).content.decode()
    received = page[page.index('id="received-heading"'):page.index("</dl>")]
    assert "本年参加文体服务</dt><dd>是" in received
    assert "本年得到康复服务</dt><dd>否" in received


def test_services_outside_the_indicator_groups_set_nothing(users, certified):  # noqa: F811
    person = certified()
    survey = actions.save_survey(users.village, person, YEAR, {**ANSWERS, "surveyed_on": ON})
    other = ServiceType.objects.exclude(group__in=["rehabilitation", "children_rehab", "device",
                                                   "culture_sports"])
    for kind in other.filter(age_max__isnull=True):
        record_service(users.township, person, kind, start_date=ON)
    assert not any(flags(survey).values())


def test_rebuild_repairs_drift_and_writes_nothing_when_consistent(users, certified):  # noqa: F811
    a, b = certified(name="甲"), certified(name="乙")
    sa = actions.save_survey(users.village, a, YEAR, {**ANSWERS, "surveyed_on": ON})
    sb = actions.save_survey(users.village, b, YEAR, {**ANSWERS, "surveyed_on": ON})
    serve(users, a, "rehab_training")
    assert served.rebuild() == 0
    # rows written behind the read model's back (a bulk load, a restored backup)
    AnnualSurvey.objects.filter(pk=sa.pk).update(served_rehab=False)
    AnnualSurvey.objects.filter(pk=sb.pk).update(served_device=True)
    assert served.rebuild() == 2
    assert flags(sa)["served_rehab"] and not flags(sb)["served_device"]


@pytest.mark.django_db(transaction=True)
def test_a_survey_made_while_a_service_is_being_recorded_still_sees_it(users, certified):  # noqa: F811
    """The service's transaction holds the person's lock until it commits; the survey,
    made meanwhile on another connection, waits for it and reads the record."""
    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent connections: PostgreSQL")
    person = certified()
    # Transactional tests start from a flushed database: the catalogue's rows are gone.
    ServiceType.objects.get_or_create(code="rehab_training",
                                      defaults={"name": "康复训练", "group": "rehabilitation"})
    recorded, go = threading.Event(), threading.Event()

    def record():
        try:
            with transaction.atomic():
                serve(users, person, "rehab_training")
                recorded.set()
                go.wait(5)
        finally:
            connections.close_all()

    def survey():
        try:
            actions.save_survey(users.village, person, YEAR, {**ANSWERS, "surveyed_on": ON})
        finally:
            connections.close_all()

    first, second = threading.Thread(target=record), threading.Thread(target=survey)
    first.start()
    try:
        assert recorded.wait(5)
        second.start()
        second.join(0.5)
        assert second.is_alive()  # waiting for the service's transaction
    finally:
        go.set()
        first.join(5)
        if second.ident:
            second.join(5)
    assert flags(AnnualSurvey.objects.get(person=person, year=YEAR))["served_rehab"]
