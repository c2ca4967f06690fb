"""Synthetic persons and households for a demo district (``canlian seed``).

Every resident ID is valid (address code of the district or a neighbour, real birth
date, sex parity, check character from python-stdnum); every certificate number is
built by ``certificates.numbers``. Deterministic for a given ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from canlian.certificates.numbers import certificate_number
from canlian.core import clock
from canlian.people.idnumber import make

from . import distributions as d

NEIGHBOURS = {
    "330382": ["330302", "330303", "330304", "330381", "330324"],
    "370305": ["370302", "370303", "370304", "370306", "370321"],
}


@dataclass
class Village:
    code: str
    name: str
    township: str


@dataclass
class FakePerson:
    resident_id: str
    name: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    phone: str
    address: str
    village_id: str
    household_number: str
    household_type: str
    income: float
    guardian_name: str
    guardian_resident_id: str
    guardian_phone: str
    guardian_relation: str
    death_date: dt.date | None
    category: int | None
    grade: int | None
    certificate_number: str | None
    components: list[dict[str, int]]
    issue_date: dt.date | None
    valid_until: dt.date | None


def _weighted(rng: random.Random, pairs: list[tuple]) -> object:
    values = [p[0] for p in pairs]
    weights = [p[-1] for p in pairs]
    return rng.choices(values, weights)[0]


class Generator:
    def __init__(self, county_code: str, villages: list[Village], *, seed: int = 2026,
                 today: dt.date | None = None, ethnic_minority: tuple[str, float] | None = None):
        self.rng = random.Random(seed)
        self.county = county_code
        self.villages = villages
        self.today = today or clock.today()
        self.used: set[str] = set()
        self.minority = ethnic_minority
        self.household_seq = 0

    def name(self) -> str:
        given = "".join(self.rng.choice(d.GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(d.SURNAMES) + given

    def phone(self) -> str:
        return self.rng.choice(d.PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def birth(self, low: int, high: int) -> dt.date:
        start = self.today.replace(year=self.today.year - high - 1) + dt.timedelta(days=1)
        end = self.today.replace(year=self.today.year - low)
        return start + dt.timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    def resident_id(self, birth: dt.date, male: bool) -> str:
        county = self.county if self.rng.random() < 0.9 else self.rng.choice(
            NEIGHBOURS.get(self.county, [self.county]))
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if male else 0)
            number = make(county, birth, seq)
            if number not in self.used:
                self.used.add(number)
                return number

    def person(self) -> FakePerson:
        rng = self.rng
        village = rng.choice(self.villages)
        low, high, _ = _weighted_band(rng)
        birth = self.birth(low, high)
        male = rng.random() < d.MALE_SHARE
        rid = self.resident_id(birth, male)
        category = int(_weighted(rng, d.CATEGORY_WEIGHTS))  # type: ignore[call-overload]
        grade = int(_weighted(rng, d.GRADE_WEIGHTS))  # type: ignore[call-overload]
        has_cert = rng.random() > d.NO_CERTIFICATE_SHARE
        age = (self.today - birth).days // 365
        deceased = age > 40 and rng.random() < d.DECEASED_SHARE * 1.5
        death = self.today - dt.timedelta(days=rng.randrange(1, 5 * 365)) if deceased else None
        if death and death <= birth:
            death = None
        htype = str(_weighted(rng, d.HOUSEHOLD_WEIGHTS))
        self.household_seq += 1
        guardian = ("", "", "", "")
        if age < 18 or category in (5, 6):
            g_birth = self.birth(max(age + 18, 25), max(age + 45, 60))
            guardian = (self.name(), self.resident_id(g_birth, rng.random() < 0.5), self.phone(),
                        rng.choice(d.GUARDIAN_RELATIONS[:2] if age < 18 else d.GUARDIAN_RELATIONS))
        components: list[dict[str, int]] = []
        if category == 7:
            first, second = rng.sample([1, 2, 3, 4, 5, 6], 2)
            components = [{"category": first, "grade": grade},
                          {"category": second, "grade": rng.randint(grade, 4)}]
        issue, valid = self.issue_dates() if has_cert else (None, None)
        ethnicity = "01"
        if self.minority and rng.random() < self.minority[1]:
            ethnicity = self.minority[0]
        return FakePerson(
            resident_id=rid, name=self.name(), sex="M" if male else "F", birth_date=birth,
            ethnicity=ethnicity, phone=self.phone() if rng.random() < 0.9 else "",
            address=f"{village.township}{village.name}{rng.randrange(1, 300)}号",
            village_id=village.code,
            household_number=f"{village.code}{self.household_seq:07d}",
            household_type=htype,
            income=round(rng.uniform(400, 1200) if htype != "ordinary" else rng.uniform(900, 5000), 2),
            guardian_name=guardian[0], guardian_resident_id=guardian[1],
            guardian_phone=guardian[2], guardian_relation=guardian[3],
            death_date=death,
            category=category if has_cert else None, grade=grade if has_cert else None,
            certificate_number=certificate_number(rid, category, grade) if has_cert else None,
            components=components, issue_date=issue, valid_until=valid,
        )

    def issue_dates(self) -> tuple[dt.date, dt.date]:
        """Mostly valid; some due for renewal within 90 days; a few already expired."""
        roll = self.rng.random()
        if roll < 0.05:  # expires within the next 90 days
            valid = self.today + dt.timedelta(days=self.rng.randrange(1, 90))
        elif roll < 0.09:  # expired up to 18 months ago, not yet renewed
            valid = self.today - dt.timedelta(days=self.rng.randrange(1, 540))
        else:
            valid = self.today + dt.timedelta(days=self.rng.randrange(90, 3650))
        try:
            issue = valid.replace(year=valid.year - 10)
        except ValueError:
            issue = valid.replace(year=valid.year - 10, day=28)
        return issue, valid

    def people(self, count: int) -> Iterator[FakePerson]:
        for _ in range(count):
            yield self.person()


def _weighted_band(rng: random.Random) -> tuple[int, int, float]:
    return rng.choices(d.AGE_BANDS, [b[2] for b in d.AGE_BANDS])[0]
