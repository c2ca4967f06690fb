"""Seed a demo district: regions, households and persons, set-based (COPY on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from canlian.certificates.models import Certificate
from canlian.core import bulk, clock
from canlian.people.models import Household, Person
from canlian.regions import loader
from canlian.regions.models import Deployment, Region

from .generator import FakePerson, Generator, Village

MINORITIES = {"linzi": ("03", 0.04)}  # 金岭回族镇: Hui residents
PERSON_COLUMNS = (
    "resident_id", "name", "sex", "birth_date", "ethnicity", "phone", "address", "village_id",
    "household_id", "guardian_name", "guardian_resident_id", "guardian_phone",
    "guardian_relation", "life_status", "death_date", "category", "grade", "certificate_number",
    "household_type", "created_at", "updated_at",
)
# Written by bulk.sealed beside the encrypted columns (core/encrypted.py).
PERSON_DERIVED = ("phone_index", "guardian_phone_index", "resident_id_index", "resident_id_tail",
                  "guardian_resident_id_index", "certificate_number_index")


def villages_of(deployment: Deployment) -> list[Village]:
    rows = deployment.root.villages().select_related("parent")
    return [Village(v.code, v.name, v.parent.name if v.parent else "") for v in rows]


def _insert_chunk(people: list[FakePerson], county: str) -> None:
    now = timezone.now()
    today = clock.today()
    bulk.insert(
        Household._meta.db_table,
        ("number", "household_type", "village_id", "monthly_income_per_capita", "updated_at"),
        ((p.household_number, p.household_type, p.village_id, p.income, now) for p in people),
    )
    ids = dict(Household.objects.filter(
        number__in=[p.household_number for p in people]).values_list("number", "id"))
    rows = bulk.sealed(Person, [dict(zip(PERSON_COLUMNS, (
        p.resident_id, p.name, p.sex, p.birth_date, p.ethnicity, p.phone,
        p.address, p.village_id, ids[p.household_number], p.guardian_name,
        p.guardian_resident_id, p.guardian_phone, p.guardian_relation,
        "deceased" if p.death_date else "alive", p.death_date, *_read_model(p),
        p.household_type, now, now), strict=True)) for p in people])
    columns = (*PERSON_COLUMNS, *PERSON_DERIVED)
    bulk.insert(Person._meta.db_table, columns, (tuple(r[c] for c in columns) for r in rows))
    person_ids = dict(Person.objects.filter(
        resident_id__in=[p.resident_id for p in people]).values_list("resident_id", "id"))
    certificate_columns = (
        "person_id", "number", "category", "grade", "components", "issue_date", "valid_until",
        "reissue_count", "status", "issued_by_id", "ended_on", "cancel_reason")
    certificates = bulk.sealed(Certificate, [dict(zip(certificate_columns, (
        person_ids[p.resident_id], p.certificate_number, p.category, p.grade,
        json.dumps(p.components), p.issue_date, p.valid_until, 0, *_certificate_status(p, today),
        county, *_certificate_end(p, today)), strict=True))
        for p in people if p.certificate_number])
    if certificates:
        cert_columns = (*certificate_columns, "number_index")
        bulk.insert(Certificate._meta.db_table, cert_columns,
                    (tuple(r[c] for c in cert_columns) for r in certificates))


def _read_model(p: FakePerson) -> tuple:
    """The person's current-certificate columns: none once the certificate is cancelled."""
    if p.death_date or not p.certificate_number:
        return None, None, None
    return p.category, p.grade, p.certificate_number


def _certificate_status(p: FakePerson, today: dt.date) -> tuple[str]:
    if p.death_date:
        return ("cancelled",)
    return ("expired",) if p.valid_until < today else ("issued",)  # type: ignore[operator]


def _certificate_end(p: FakePerson, today: dt.date) -> tuple:
    if p.death_date:
        return p.death_date, "death"
    if p.valid_until < today:  # type: ignore[operator]
        return p.valid_until, ""
    return None, ""


def seed(
    deployment_code: str,
    persons: int,
    *,
    seed_value: int = 2026,
    chunk: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> tuple[Deployment, int, float]:
    """Load the deployment's regions and add ``persons`` synthetic persons."""
    started = time.perf_counter()
    deployment = loader.load(deployment_code)
    villages = villages_of(deployment)
    generator = Generator(
        deployment.root.code[:6], villages, seed=seed_value, today=clock.today(),
        ethnic_minority=MINORITIES.get(deployment_code),
    )
    # Avoid clashes with persons already in the database (a second seed adds more).
    generator.used.update(Person.objects.values_list("resident_id", flat=True))
    generator.household_seq = Household.objects.count()
    made = 0
    with transaction.atomic():
        while made < persons:
            batch = list(generator.people(min(chunk, persons - made)))
            _insert_chunk(batch, deployment.root.code[:6] + "000000")
            made += len(batch)
            if progress:
                progress(made)
    return deployment, made, time.perf_counter() - started


def region_summary(deployment: Deployment) -> dict[str, int]:
    root: Region = deployment.root
    return {
        "townships": root.townships().count(),
        "villages": root.villages().count(),
        "persons": Person.objects.filter(village__code__range=root.code_range).count(),
    }
