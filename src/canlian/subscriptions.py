"""Every subscription of the "1+X" event bus, in one table (docs/architecture.md).

An event's subscribers run in the order listed here, inside the transaction that published
it. A handler that publishes a further event says so in ``publishes``; the test
``events/tests/test_subscriptions.py`` prints the chains this makes (a death cancels the
certificate, whose cancellation stops the grants …) and checks them against what the bus
records when it runs them. ``events.apps.EventsConfig.ready`` registers the table once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from canlian.benefits import subscribers as benefits
from canlian.certificates import actions as certificates
from canlian.certificates.events import (
    CertificateCancelled,
    CertificateExpired,
    CertificateIssued,
    PersonTransferred,
)
from canlian.events.bus import DomainEvent, subscribe
from canlian.indicators import subscribers as indicators
from canlian.people.events import BirthDateCorrected, HouseholdTypeChanged, PersonDied, ResidenceChanged
from canlian.programmes import subscribers as programmes
from canlian.services.events import ServiceRecorded
from canlian.surveys import subscribers as surveys
from canlian.todos import subscribers as todos


@dataclass(frozen=True)
class Subscription:
    event: type[DomainEvent]
    handler: Callable[[Any], None]
    does: str
    publishes: tuple[type[DomainEvent], ...] = ()


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(PersonDied, certificates.on_person_died,
                 "cancels the valid certificate, withdraws open applications",
                 publishes=(CertificateCancelled,)),
    Subscription(PersonDied, todos.on_person_died, "to-do: death follow-up"),
    Subscription(PersonDied, benefits.on_person_died, "stops every grant after the month"),
    Subscription(PersonDied, programmes.on_person_died, "ends every open programme application"),
    Subscription(CertificateIssued, todos.on_certificate_issued, "to-do: check eligibility"),
    Subscription(CertificateIssued, benefits.on_certificate_issued,
                 "pre-filled subsidy application; stops a grant no longer eligible"),
    Subscription(CertificateIssued, programmes.on_certificate_issued,
                 "evaluates every programme: offers and automatic enrolments (1+X)"),
    Subscription(CertificateCancelled, todos.on_certificate_cancelled, "to-do: stop benefits"),
    Subscription(CertificateCancelled, benefits.on_certificate_ended, "stops every grant after the month"),
    Subscription(CertificateExpired, benefits.on_certificate_ended, "stops every grant after the month"),
    Subscription(CertificateCancelled, programmes.on_certificate_ended,
                 "ends every open programme application"),
    Subscription(CertificateExpired, programmes.on_certificate_ended,
                 "ends every open programme application"),
    Subscription(HouseholdTypeChanged, programmes.on_household_type_changed,
                 "re-evaluates every programme: offers open, ended eligibility stops (1+X)"),
    Subscription(BirthDateCorrected, surveys.on_birth_date_corrected, "corrects the surveys' birth date"),
    Subscription(ServiceRecorded, surveys.on_service_recorded, "marks the year's survey served"),
    Subscription(BirthDateCorrected, indicators.on_birth_date_corrected,
                 "takes the person's survey places again (ages)"),
    Subscription(ServiceRecorded, indicators.on_service_recorded,
                 "takes the person's survey places again (served)"),
    # after the commit, set-based per transaction: still resident at a year's end, and where
    Subscription(PersonDied, indicators.on_person_died, "takes the person's home needs again"),
    Subscription(CertificateCancelled, indicators.on_certificate_ended,
                 "takes the person's home needs again"),
    Subscription(CertificateExpired, indicators.on_certificate_ended,
                 "takes the person's home needs again"),
    Subscription(CertificateIssued, indicators.on_certificate_issued,
                 "takes the person's home needs again"),
    Subscription(PersonTransferred, indicators.on_person_transferred,
                 "takes the person's home needs again (village)"),
    Subscription(ResidenceChanged, indicators.on_residence_changed,
                 "takes the persons' home needs again (moved, date of death corrected)"),
)


def register() -> None:
    for s in SUBSCRIPTIONS:
        subscribe(s.event, s.handler)


def chains(event: type[DomainEvent], depth: int = 0) -> list[str]:
    """The "1+X" chain of ``event`` as indented lines: each subscriber, and what it publishes."""
    lines = []
    for s in SUBSCRIPTIONS:
        if s.event is event:
            lines.append(f"{'  ' * depth}→ {s.handler.__module__}.{s.handler.__name__}: {s.does}")
            for published in s.publishes:
                lines.append(f"{'  ' * (depth + 1)}publishes {published.__name__}")
                lines.extend(chains(published, depth + 2))
    return lines
