"""Domain events of the certificate lifecycle (the "1" of "1+X")."""

from __future__ import annotations

from dataclasses import dataclass

from canlian.events.bus import DomainEvent


@dataclass(frozen=True)
class CertificateIssued(DomainEvent):
    """A certificate was issued: new, renewed, changed (new grade) or reissued."""

    name = "certificate.issued"
    person_id: int  # always one person
    certificate_id: int
    kind: str
    category: int
    grade: int


@dataclass(frozen=True)
class CertificateCancelled(DomainEvent):
    name = "certificate.cancelled"
    certificate_id: int
    reason: str

    def dedupe_key(self) -> str:
        return f"{self.name}:{self.certificate_id}"


@dataclass(frozen=True)
class CertificateExpired(DomainEvent):
    name = "certificate.expired"
    certificate_id: int

    def dedupe_key(self) -> str:
        return f"{self.name}:{self.certificate_id}"


@dataclass(frozen=True)
class PersonTransferred(DomainEvent):
    name = "person.transferred"
    source_village: str
    target_village: str
