"""The one table of subscriptions: registered as listed, and its "1+X" chains printed."""

from __future__ import annotations

import pytest

from canlian import subscriptions
from canlian.certificates.events import CertificateCancelled, CertificateIssued
from canlian.core import clock
from canlian.events import bus
from canlian.events.models import EventRecord
from canlian.people.events import PersonDied


def test_the_bus_runs_exactly_the_table_in_its_order():
    for event in {s.event for s in subscriptions.SUBSCRIPTIONS}:
        listed = [s.handler for s in subscriptions.SUBSCRIPTIONS if s.event is event]
        assert bus.subscribers(event) == listed, event.__name__


def test_print_the_chains(capsys):
    for event in (CertificateIssued, PersonDied, CertificateCancelled):
        print(f"{event.__name__}")  # noqa: T201 - the chain is the test's output
        print("\n".join(subscriptions.chains(event)))  # noqa: T201
    out = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + out)  # noqa: T201 - shown with -s or in the log
    death = subscriptions.chains(PersonDied)
    assert death[0].startswith("→ canlian.certificates.actions.on_person_died")
    assert "  publishes CertificateCancelled" in death
    assert any("canlian.benefits.subscribers.on_certificate_ended" in line for line in death)


@pytest.mark.django_db
def test_a_death_publishes_what_the_table_says(users, make_person, walk):
    from canlian.people.actions import record_death

    person = make_person()
    walk(person)
    before = set(EventRecord.objects.filter(person_id=person.pk).values_list("id", flat=True))
    record_death(users.township, person, clock.today())
    published = list(EventRecord.objects.filter(person_id=person.pk).exclude(id__in=before)
                     .order_by("id").values_list("name", flat=True))
    declared = [PersonDied.name] + [p.name for s in subscriptions.SUBSCRIPTIONS
                                    if s.event is PersonDied for p in s.publishes]
    assert published == declared
