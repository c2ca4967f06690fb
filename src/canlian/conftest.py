"""Shared test fixtures: a small region tree, one user per role, a person factory.

The tree mirrors a real deployment's shape (county → 2 townships → 2 villages each)
with Yueqing's county code, so scoping is tested on the same code ranges as production.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest

from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.people import idnumber
from canlian.people.models import Household, Person
from canlian.regions.models import Deployment, Region

PASSWORD = "Test-password-2026"
_seq = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """With CANLIAN_TEST_PARTITIONED=1 on PostgreSQL, the test database's roll ledger and
    surveys are partitioned by time (core/partitions.py) before any test runs, so the
    subsidy and survey tests run against the tables a converted deployment has."""
    if os.environ.get("CANLIAN_TEST_PARTITIONED") == "1":
        from canlian.core import partitions

        with django_db_blocker.unblock():
            for spec in (partitions.ROLL_LINES, partitions.SURVEYS):
                partitions.convert(spec)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher.
    ``accounts/tests/test_login.py`` checks that the real settings use Argon2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached indicator figures must not leak from one test's data into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _deployment_language():
    """Each test starts in the deployment's language (Simplified Chinese), as a request
    without a language choice does. A page opened in English activates English for the
    thread, and a test after it that calls an action directly would read its refusals in
    English (four benefits tests did, in some orders)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def regions(db):
    province = Region.objects.create(code="330000000000", name="浙江省", level="province",
                                      kind="province")
    city = Region.objects.create(code="330300000000", name="温州市", level="city", kind="city",
                                 parent=province)
    county = Region.objects.create(code="330382000000", name="乐清市", level="county",
                                   kind="county_city", parent=city)
    t1 = Region.objects.create(code="330382002000", name="乐成街道", level="township",
                               kind="street", parent=county)
    t2 = Region.objects.create(code="330382114000", name="柳市镇", level="township",
                               kind="town", parent=county)
    v = {}
    for t, names in ((t1, ("东山社区", "西岙村")), (t2, ("南塘村", "北垟村"))):
        for i, name in enumerate(names, start=1):
            code = f"{t.code[:9]}{200 + i:03d}"
            v[code] = Region.objects.create(code=code, name=name, level="village",
                                            kind="village", parent=t)
    Deployment.objects.create(code="yueqing", name="乐清市残疾人联合会", root=county)

    class Tree:
        pass

    tree = Tree()
    tree.county, tree.t1, tree.t2 = county, t1, t2
    tree.v1a, tree.v1b, tree.v2a, tree.v2b = list(v.values())
    return tree


def make_user(username: str, role: Role, region: Region | None) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role,
                                    region=region)


@pytest.fixture
def users(regions):
    class Users:
        pass

    u = Users()
    u.federation = make_user("fed", Role.FEDERATION_STAFF, regions.county)
    # A second federation account: the reviewer of a case may not also approve it.
    u.federation2 = make_user("fed2", Role.FEDERATION_STAFF, regions.county)
    u.township = make_user("town1", Role.TOWNSHIP_STAFF, regions.t1)
    u.township2 = make_user("town2", Role.TOWNSHIP_STAFF, regions.t2)
    u.village = make_user("vil1a", Role.VILLAGE_WORKER, regions.v1a)
    u.assessor = make_user("doc", Role.ASSESSOR, regions.county)
    u.auditor = make_user("aud", Role.AUDITOR, regions.county)
    u.employer = make_user("emp", Role.EMPLOYER, None)
    u.citizen = make_user("cit", Role.CITIZEN, None)
    return u


_COUNTIES = ("330381", "330302", "330303", "330304", "330324", "330326", "330327", "330328")


def new_resident_id(birth: dt.date = dt.date(1970, 5, 17), male: bool = True,
                    county: str = "330382") -> str:
    """A fresh valid ID with exactly this birth date and sex (unique within a test run)."""
    n = next(_seq)
    round_ = n // 500
    place = county if round_ == 0 else _COUNTIES[(round_ - 1) % len(_COUNTIES)]
    return idnumber.make(place, birth, (n % 500) * 2 + int(male))


@pytest.fixture
def make_person(regions):
    def make(village: Region | None = None, name: str = "张三", **extra) -> Person:
        village = village or regions.v1a
        rid = extra.pop("resident_id", None) or new_resident_id()
        htype = extra.pop("household_type", None)
        person = Person(resident_id=rid, name=name, village=village, **extra)
        if htype:
            person.household = Household.objects.create(
                number=f"H{next(_seq)}", household_type=htype, village=village)
        person.derive_from_id()
        person.save()
        return person

    return make


@pytest.fixture
def walk(users):
    """walk(person, kind=..., **apply_kwargs): take a certificate application to the end."""
    from canlian.certificates.tests.walk import walker

    return walker(users)


@pytest.fixture
def utc_server_at_beijing_dawn():
    """The process runs in UTC at 01:30 on 1 January 2025, Beijing time: the server's own
    date is still 31 December 2024 while the federation's is 1 January 2025 (one clock:
    ``core.clock``). Yields the deployment's date."""
    import os
    import time

    import time_machine

    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        with time_machine.travel(dt.datetime(2024, 12, 31, 17, 30, tzinfo=dt.UTC), tick=False):
            assert dt.date.today() == dt.date(2024, 12, 31)  # noqa: DTZ011, TID251 - the process zone
            yield dt.date(2025, 1, 1)
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()
