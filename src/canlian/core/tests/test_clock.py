"""One clock: with the server in UTC between 00:00 and 08:00 Beijing time, every
date-sensitive rule takes the deployment's date (1 January 2025), not the process's
(31 December 2024)."""

import datetime as dt

import pytest

from canlian.core import clock

DAWN = dt.date(2025, 1, 1)


def test_today_is_the_deployments_local_date(utc_server_at_beijing_dawn):
    assert clock.today() == DAWN
    assert dt.date.today() == dt.date(2024, 12, 31)  # noqa: TID251 - the process zone differs


@pytest.mark.django_db
def test_the_expiry_sweep_expires_a_certificate_that_ended_yesterday(utc_server_at_beijing_dawn,
                                                                      make_person, regions):
    from canlian.certificates import actions
    from canlian.certificates.models import Certificate

    person = make_person()
    certificate = Certificate.objects.create(
        person=person, number=person.resident_id + "42", category=4, grade=2,
        issue_date=dt.date(2014, 12, 31), valid_until=dt.date(2024, 12, 31),
        issued_by=regions.county)
    assert not certificate.is_current()
    assert actions.expire_overdue() == 1
    certificate.refresh_from_db()
    assert (certificate.status, certificate.ended_on) == ("expired", dt.date(2024, 12, 31))


@pytest.mark.django_db
def test_ages_and_due_dates_count_from_the_local_date(utc_server_at_beijing_dawn, make_person):
    from canlian.certificates.workflow import add_working_days
    from canlian.conftest import new_resident_id

    adult = make_person(resident_id=new_resident_id(dt.date(2007, 1, 1)))
    assert adult.age == 18  # eighteen today in Beijing, still seventeen in UTC
    assert not adult.needs_guardian or adult.category in (5, 6)
    # 1 January is a Wednesday: five working days later is the following Wednesday
    assert add_working_days(clock.today(), 5) == dt.date(2025, 1, 8)


@pytest.mark.django_db
def test_the_indicator_pages_default_to_the_local_year(utc_server_at_beijing_dawn, users, client):
    client.force_login(users.federation)
    response = client.get("/indicators/yueqing-14th/")
    assert response.status_code == 200
    assert response.context["year"] == 2025


@pytest.mark.django_db
def test_a_service_dated_today_is_not_in_the_future(utc_server_at_beijing_dawn, users,
                                                    make_person):
    from canlian.services.actions import record_service
    from canlian.services.models import ServiceType

    person = make_person()
    service = record_service(users.federation, person,
                             ServiceType.objects.get(code="culture_event"), start_date=DAWN)
    assert service.start_date == DAWN
