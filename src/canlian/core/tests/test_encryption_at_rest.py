"""Encryption at rest (core/crypto.py): the key ring, the fields, the blind index, rotation,
and a database dump that shows no resident ID, certificate number, phone number or bank
account in clear."""

import base64
import io
import os
import shutil
import subprocess
from importlib import import_module

import pytest
from cryptography.exceptions import InvalidTag
from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from canlian.accounts.models import User
from canlian.benefits.models import Grant, RollLine, SubsidyApplication
from canlian.certificates.models import Certificate
from canlian.community.accessibility.models import Place
from canlian.community.emergency.models import RosterEntry
from canlian.community.volunteers.models import Organisation, Volunteer
from canlian.core import crypto
from canlian.people.models import Person
from canlian.people.queries import search_q


def _key() -> str:
    return crypto.new_key()


@pytest.fixture
def keys(monkeypatch):
    """Set CANLIAN_FIELD_KEYS for a test; the ring is read again each time."""

    def use(value: str, index: str | None = None) -> None:
        monkeypatch.setenv("CANLIAN_FIELD_KEYS", value)
        if index is not None:
            monkeypatch.setenv("CANLIAN_INDEX_KEY", index)
        crypto.ring.cache_clear()

    yield use
    monkeypatch.delenv("CANLIAN_FIELD_KEYS", raising=False)
    monkeypatch.delenv("CANLIAN_INDEX_KEY", raising=False)
    crypto.ring.cache_clear()


def _raw(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s",  # noqa: S608
                       [pk])
        return cursor.fetchone()[0]


def test_values_are_sealed_with_a_random_nonce_and_tampering_is_detected():
    one, two = crypto.encrypt("13812345678"), crypto.encrypt("13812345678")
    assert one != two and "13812345678" not in one
    assert crypto.decrypt(one) == crypto.decrypt(two) == "13812345678"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""
    assert crypto.decrypt("13812345678") == "13812345678"  # a value from before the migration
    assert crypto.encrypt(one) == one  # never sealed twice
    blob = bytearray(base64.urlsafe_b64decode(one.split(":", 2)[2]))
    blob[-1] ^= 1
    tampered = f"{crypto.PREFIX}dev:{base64.urlsafe_b64encode(bytes(blob)).decode()}"
    with pytest.raises(InvalidTag):
        crypto.decrypt(tampered)


def test_the_newest_key_encrypts_and_old_keys_still_decrypt(keys):
    old, new = _key(), _key()
    keys(f"k1:{old}")
    sealed_old = crypto.encrypt("6228480012345678")
    assert crypto.key_id_of(sealed_old) == "k1"
    keys(f"k2:{new},k1:{old}")
    assert crypto.key_id_of(crypto.encrypt("x")) == "k2"
    assert crypto.decrypt(sealed_old) == "6228480012345678"
    keys(f"k2:{new}")  # the old key dropped before rotating: its values cannot be read
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(sealed_old)
    keys("k3:tooshort")
    with pytest.raises(ImproperlyConfigured):
        crypto.ring()


def test_production_refuses_to_run_without_keys(keys, settings, monkeypatch):
    monkeypatch.delenv("CANLIAN_FIELD_KEYS", raising=False)
    settings.ENV = "production"
    crypto.ring.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="CANLIAN_FIELD_KEYS"):
        crypto.encrypt("13812345678")
    keys(f"p1:{_key()}")
    with pytest.raises(ImproperlyConfigured, match="CANLIAN_INDEX_KEY"):
        crypto.blind_index("13812345678", "phone")
    keys(f"p1:{_key()}", index=_key())
    assert crypto.decrypt(crypto.encrypt("x")) == "x"


def test_the_blind_index_is_keyed_and_separates_purposes(keys):
    a = crypto.blind_index("13812345678", "phone")
    assert a == crypto.blind_index("13812345678", "phone") and len(a) == 40
    assert a != crypto.blind_index("13812345678", "bank_account")
    assert crypto.blind_index("", "phone") == ""
    keys(f"k1:{_key()}", index=_key())
    assert crypto.blind_index("13812345678", "phone") != a


def test_a_person_s_phones_are_stored_sealed_and_found_by_exact_search(make_person):
    person = make_person(phone="13812345678", guardian_resident_id="",
                         guardian_phone="")
    ward = make_person(name="小明", phone="", guardian_phone="13812345678")
    assert _raw(Person, person.pk, "phone").startswith(crypto.PREFIX)
    assert "13812345678" not in _raw(Person, person.pk, "phone")
    assert Person.objects.get(pk=person.pk).phone == "13812345678"
    found = set(Person.objects.filter(search_q("138 1234 5678")).values_list("pk", flat=True))
    assert found == {person.pk, ward.pk}
    assert not Person.objects.filter(search_q("13812345679")).exists()
    # changed through the contact review: the index follows the new number
    person.phone = "13900001111"
    person.save(update_fields=["phone", "phone_index"])
    assert set(Person.objects.filter(search_q("13900001111")).values_list("pk", flat=True)) == {
        person.pk}


def test_keys_rotate_re_encrypts_in_batches(keys, make_person, users):
    old, new = _key(), _key()
    keys(f"k1:{old}")
    people = [make_person(phone=f"1380000{i:04d}") for i in range(5)]
    application = SubsidyApplication.objects.create(
        person=people[0], subsidy="nursing", state="applied", village=people[0].village,
        applied_on="2025-01-01", bank_account="6228480012345678")
    keys(f"k2:{new},k1:{old}")
    call_command("keys", "rotate", "--batch", "2", stdout=io.StringIO())
    for p in people:
        assert _raw(Person, p.pk, "phone").startswith(f"{crypto.PREFIX}k2:")
        assert _raw(Person, p.pk, "resident_id").startswith(f"{crypto.PREFIX}k2:")
    assert _raw(SubsidyApplication, application.pk, "bank_account").startswith(
        f"{crypto.PREFIX}k2:")
    keys(f"k2:{new}")  # the old key can now go
    assert [p.phone for p in Person.objects.filter(pk__in=[p.pk for p in people]).order_by(
        "pk")] == [f"1380000{i:04d}" for i in range(5)]
    assert SubsidyApplication.objects.get(pk=application.pk).bank_account == "6228480012345678"
    assert Person.objects.get(resident_id=people[3].resident_id) == people[3]


def test_resident_ids_are_sealed_and_found_exactly_through_their_blind_index(make_person):
    """``resident_id=…`` (and ``__in``, and across a join) compare the blind index; a
    partial lookup on an encrypted ID is refused rather than silently finding nothing."""
    from django.core.exceptions import FieldError

    from canlian.certificates.models import Certificate

    person = make_person()
    ward = make_person(guardian_resident_id=person.resident_id, guardian_name="监护人")
    raw = _raw(Person, person.pk, "resident_id")
    assert raw.startswith(crypto.PREFIX) and person.resident_id not in raw
    assert _raw(Person, person.pk, "resident_id_tail") == person.resident_id[-4:]
    assert Person.objects.get(resident_id=person.resident_id) == person
    assert Person.objects.get(guardian_resident_id=person.resident_id) == ward
    assert set(Person.objects.filter(resident_id__in=[person.resident_id, ward.resident_id,
                                                       "110105194912310029"])) == {person, ward}
    other_check = "1" if person.resident_id[-1] != "1" else "2"  # another ID, one character off
    assert not Person.objects.filter(resident_id=person.resident_id[:17] + other_check).exists()
    Certificate.objects.create(person=person, number=person.resident_id + "42", category=4,
                               grade=2, issue_date="2025-01-01", valid_until="2035-01-01",
                               issued_by=person.village.parent.parent)
    assert Certificate.objects.get(person__resident_id=person.resident_id).number.endswith("42")
    assert Certificate.objects.filter(number=person.resident_id + "42").exists()
    with pytest.raises(FieldError, match="encrypted"):
        Person.objects.filter(resident_id__startswith=person.resident_id[:6]).exists()
    # the same person cannot be registered twice: the index is the unique key
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(resident_id=person.resident_id, name="重复", sex=person.sex,
                              birth_date=person.birth_date, village=person.village)


def _dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    return subprocess.run(
        ["pg_dump", "--data-only", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
         "-U", s["USER"], s["NAME"]], env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_demo_shows_no_resident_id_phone_or_bank_account_in_clear(tmp_path, monkeypatch):
    from canlian.demo.tests.test_seed import TINY
    from canlian.regions import loader

    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    # A transactional test before this one may have flushed the tables, and with them the
    # service catalogue its data migrations load: load it again, as those migrations do.
    for name in ("0002_catalogue", "0005_devicetype_basic"):
        import_module(f"canlian.services.migrations.{name}").load(django_apps, None)
    call_command("seed", "--deployment", "tiny", "--persons", "1500",
                 stdout=io.StringIO())
    phones = set(Person.objects.exclude(phone="").values_list("phone", flat=True)[:300])
    phones |= set(Person.objects.exclude(guardian_phone="").values_list(
        "guardian_phone", flat=True)[:100])
    accounts = set(Grant.objects.exclude(bank_account="").values_list(
        "bank_account", flat=True)[:300])
    accounts |= set(RollLine.objects.exclude(bank_account="").values_list(
        "bank_account", flat=True)[:300])
    assert len(phones) > 100 and len(accounts) > 10
    ids = set(Person.objects.values_list("resident_id", flat=True)[:500])
    ids |= set(Person.objects.exclude(guardian_resident_id="").values_list(
        "guardian_resident_id", flat=True)[:200])
    from canlian.portal.actions import citizen_account

    citizen = citizen_account(Person.objects.order_by("pk").first().resident_id)
    ids |= set(User.objects.exclude(resident_id="").values_list("resident_id", flat=True))
    ids |= set(Volunteer.objects.exclude(resident_id="").values_list("resident_id", flat=True))
    numbers = set(Certificate.objects.values_list("number", flat=True)[:300])
    numbers |= set(Person.objects.exclude(certificate_number=None).values_list(
        "certificate_number", flat=True)[:300])
    community = set(Volunteer.objects.values_list("phone", flat=True)[:100])
    community |= set(RosterEntry.objects.values_list("contact_phone", flat=True)[:100])
    community |= set(Place.objects.exclude(manager_phone="").values_list(
        "manager_phone", flat=True)[:100])
    community |= set(Organisation.objects.exclude(phone="").values_list("phone", flat=True))
    community.discard("")
    assert len(ids) > 500 and len(numbers) > 100 and len(community) > 20
    assert User.objects.filter(resident_id=citizen.resident_id).get() == citizen
    dump = _dump()
    assert Person.objects.count() >= 1500 and "people_person" in dump
    leaked = sorted(v for v in phones | accounts | community if v in dump)
    assert leaked == []
    # An ID in clear anywhere (a certificate number embeds it): none, in any table.
    leaked = sorted(v for v in ids | {n[:18] for n in numbers} if v in dump)
    assert leaked == [], [line[:300] for line in dump.splitlines() if any(v in line for v in leaked)]


def test_the_migration_step_encrypts_existing_clear_values_in_batches(make_person):
    """The migrations' step (``migration_encrypt`` → ``reencrypt``) on rows still in clear,
    as a database from before the migration holds them."""
    from django.apps import apps

    from canlian.core.encrypted import migration_encrypt

    people = [make_person() for _ in range(5)]
    with connection.cursor() as cursor:
        for i, p in enumerate(people):
            cursor.execute("UPDATE people_person SET phone = %s, guardian_phone = %s, "
                           "phone_index = '' WHERE id = %s",
                           [f"1381111{i:04d}", "13933334444" if i == 0 else "", p.pk])
    assert _raw(Person, people[0].pk, "phone") == "13811110000"
    migration_encrypt("people", "Person", batch=2)(apps, None)
    for i, p in enumerate(people):
        assert _raw(Person, p.pk, "phone").startswith(crypto.PREFIX)
        assert Person.objects.get(pk=p.pk).phone == f"1381111{i:04d}"
    assert _raw(Person, people[0].pk, "guardian_phone").startswith(crypto.PREFIX)
    assert Person.objects.filter(search_q("13933334444")).get() == people[0]
    assert Person.objects.filter(search_q("13811110003")).get() == people[3]
