"""Retention: periods as data; the scheduled job anonymises what has passed its period,
once, logs it, keeps what the statistics count, and leaves persons under a legal hold."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from canlian.audit.models import AuditEvent
from canlian.benefits.models import Grant
from canlian.conftest import new_resident_id
from canlian.ops.registry import REGISTRY
from canlian.people.models import FirstApplication, Person
from canlian.privacy import actions, retention_rules
from canlian.privacy.models import RetentionRecord

TODAY = dt.date(2026, 6, 1)


def test_the_period_file_is_read_strictly_and_gives_the_cutoff():
    assert retention_rules.years("deceased_contact", TODAY) == 5
    assert retention_rules.cutoff("deceased_contact", TODAY) == dt.date(2021, 5, 31)
    with pytest.raises(retention_rules.RetentionError, match=r"periods\[0\] \(x\) 字段 kind"):
        retention_rules.parse({"schema": 1, "periods": [{"kind": "x", "versions": []}]}, "r.yaml")
    with pytest.raises(retention_rules.RetentionError, match=r"versions\.0\.years"):
        retention_rules.parse({"schema": 1, "periods": [{"kind": "stopped_bank", "versions": [
            {"effective_from": "2024-01-01", "years": 0}]}]}, "r.yaml")


def test_retention_anonymises_past_the_period_once_and_respects_holds(make_person, users):
    old = make_person(name="赵一", phone="13800000001", address="某路1号", life_status="deceased",
                      death_date=dt.date(2020, 1, 1), guardian_name="赵母",
                      guardian_phone="13800000009", category=1, grade=2)
    recent = make_person(name="钱二", phone="13800000002", life_status="deceased",
                         death_date=dt.date(2024, 1, 1))
    held = make_person(name="孙三", phone="13800000003", life_status="deceased",
                       death_date=dt.date(2019, 1, 1))
    alive = make_person(name="李四", phone="13800000004")
    Grant.objects.create(person=alive, subsidy="nursing", start_month="2018-01-01",
                         end_month="2020-12-01", status="stopped", bank_account="6228480000000001")
    Grant.objects.create(person=recent, subsidy="nursing", start_month="2023-01-01",
                         end_month="2023-12-01", status="stopped", bank_account="6228480000000002")
    actions.place_hold(users.federation, held, "信访案件处理中")

    assert "privacy_retention" in REGISTRY
    done = actions.apply_retention(TODAY)
    assert done == {"deceased_contact": 1, "stopped_bank": 1, "first_application": 0,
                    "first_application_undecided": 0, "first_application_files": 0}
    old.refresh_from_db()
    assert (old.name, old.phone, old.address, old.guardian_name, old.guardian_phone) == (
        "（已匿名）", "", "", "", "")
    # what the statistics count is kept
    assert (old.category, old.grade, old.death_date, old.life_status) == (
        1, 2, dt.date(2020, 1, 1), "deceased")
    assert Person.objects.get(pk=recent.pk).phone == "13800000002"
    assert Person.objects.get(pk=held.pk).name == "孙三"
    assert Grant.objects.get(person=alive).bank_account == ""
    assert Grant.objects.get(person=recent).bank_account == "6228480000000002"
    assert set(RetentionRecord.objects.values_list("person_id", "kind")) == {
        (old.pk, "deceased_contact"), (alive.pk, "stopped_bank")}
    assert AuditEvent.objects.filter(person_id=old.pk, summary__startswith="保存期限届满").exists()

    assert set(actions.apply_retention(TODAY).values()) == {0}
    actions.lift_hold(users.federation, held.legal_holds.get().pk)
    assert actions.apply_retention(TODAY)["deceased_contact"] == 1


def _first_application(users, village, *, state, decided_at, person=None, resident_id=None,
                       created_at=None):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    row = FirstApplication.objects.create(
        applicant=users.citizen, verified_phone="13900000001",
        resident_id=resident_id or new_resident_id(),
        name="新申请人", village=village, address="某地", phone="13900000002",
        guardian_name="申请人母亲", guardian_resident_id=new_resident_id(),
        guardian_phone="13900000003", reason="走路不便", state=state,
        decided_at=decided_at, person=person,
        id_card_file=ContentFile(png, "id.png"), id_card_kind="png",
        hukou_file=ContentFile(png, "hukou.png"), hukou_kind="png")
    if created_at is not None:  # auto_now_add: set afterwards
        FirstApplication.objects.filter(pk=row.pk).update(created_at=created_at)
    return row


@pytest.mark.django_db(transaction=True)
def test_first_applications_past_their_period_are_cleared_and_rejected_photos_deleted(
        make_person, users, regions):
    """people 0006's first applications: two years after the decision (demo period) the
    typed details go; a rejected one's photos are deleted, a registered one's stay (they are
    its certificate application's documents); an open one and a recent one are kept."""
    assert retention_rules.years("first_application", TODAY) == 2
    long_ago = timezone.make_aware(dt.datetime(2024, 5, 1, 10))
    recent = timezone.make_aware(dt.datetime(2025, 12, 1, 10))
    person = make_person(regions.v1a)
    rejected = _first_application(users, regions.v1a, state="rejected", decided_at=long_ago)
    registered = _first_application(users, regions.v1a, state="registered",
                                    decided_at=long_ago, person=person)
    fresh = _first_application(users, regions.v1a, state="rejected", decided_at=recent)
    waiting = _first_application(users, regions.v1a, state="submitted", decided_at=None)
    storage = rejected.id_card_file.storage
    rejected_photos = [rejected.id_card_file.name, rejected.hukou_file.name]
    kept_photos = [registered.id_card_file.name, fresh.hukou_file.name]

    done = actions.apply_retention(TODAY)
    assert (done["first_application"], done["first_application_files"]) == (2, 2)
    for row in (rejected, registered):
        row.refresh_from_db()
        assert (row.name, row.resident_id, row.phone, row.verified_phone, row.address,
                row.guardian_name, row.guardian_resident_id, row.guardian_phone, row.reason) == (
            "（已匿名）", "", "", "", "", "", "", "", "")
        assert row.resident_id_index == ""
    assert (rejected.id_card_file.name, rejected.hukou_file.name) == ("", "")
    assert not any(storage.exists(name) for name in rejected_photos)
    assert all(storage.exists(name) for name in kept_photos)
    assert registered.person_id == person.pk and registered.id_card_file.name == kept_photos[0]
    for row in (fresh, waiting):
        row.refresh_from_db()
        assert row.name == "新申请人" and row.phone == "13900000002"
    assert AuditEvent.objects.filter(person_id=person.pk,
                                     summary__startswith="保存期限届满（首次申请").exists()
    assert actions.apply_retention(TODAY)["first_application"] == 0


@pytest.mark.django_db(transaction=True)
def test_abandoned_applications_are_closed_and_their_photos_deleted_unless_held(
        make_person, users, regions, settings):
    """An application nobody decided for a year (demo period, counted from the day it was
    sent) is closed as expired, cleared, and its photos deleted from CANLIAN_DATA_DIR; the
    run logs what it did; a hold on a registered person with the same resident ID keeps an
    application and its photos (a rejected one and an abandoned one) until lifted."""
    import os
    from pathlib import Path

    assert retention_rules.years("first_application_undecided", TODAY) == 1
    assert Path(settings.MEDIA_ROOT).resolve().is_relative_to(
        Path(os.environ["CANLIAN_DATA_DIR"]).resolve())
    long_ago = timezone.make_aware(dt.datetime(2025, 3, 1, 10))
    recent = timezone.make_aware(dt.datetime(2025, 9, 1, 10))
    abandoned = _first_application(users, regions.v1a, state="submitted", decided_at=None,
                                   created_at=long_ago)
    waiting = _first_application(users, regions.v1a, state="submitted", decided_at=None,
                                 created_at=recent)
    held_person = make_person(regions.v1b)
    held_abandoned = _first_application(users, regions.v1b, state="submitted",
                                        decided_at=None, created_at=long_ago,
                                        resident_id=held_person.resident_id)
    held_rejected = _first_application(
        users, regions.v1b, state="rejected", resident_id=held_person.resident_id,
        decided_at=timezone.make_aware(dt.datetime(2023, 1, 1, 10)))
    hold = actions.place_hold(users.federation, held_person, "复议案件")

    def paths(row):
        return [Path(row.id_card_file.path), Path(row.hukou_file.path)]

    gone, kept = paths(abandoned), paths(waiting) + paths(held_abandoned) + paths(held_rejected)
    assert all(p.is_file() and p.read_bytes().startswith(b"\x89PNG") for p in gone + kept)

    done = actions.apply_retention(TODAY)
    assert (done["first_application_undecided"], done["first_application"],
            done["first_application_files"]) == (1, 0, 2)
    abandoned.refresh_from_db()
    assert (abandoned.state, abandoned.name, abandoned.resident_id, abandoned.phone,
            abandoned.id_card_file.name, abandoned.hukou_file.name) == (
        "expired", "（已匿名）", "", "", "", "")
    assert abandoned.note.startswith("等待办理超过保存期限") and abandoned.decided_at
    assert not any(p.exists() for p in gone)
    assert all(p.is_file() for p in kept)
    for row in (waiting, held_abandoned, held_rejected):
        row.refresh_from_db()
        assert row.name == "新申请人" and row.id_card_file.name
    event = AuditEvent.objects.filter(object_type="firstapplication", actor=None).latest("id")
    assert "逾期未办理" in event.summary and event.changes == {"rejected": [],
                                                             "expired": [abandoned.pk]}
    # the applicant may apply again: the closed one no longer blocks a new one
    assert actions.apply_retention(TODAY)["first_application_undecided"] == 0

    actions.lift_hold(users.federation, hold.pk)
    done = actions.apply_retention(TODAY)
    assert (done["first_application_undecided"], done["first_application"],
            done["first_application_files"]) == (1, 1, 4)
    assert not any(p.exists() for p in paths(held_abandoned) + paths(held_rejected))
    assert all(p.is_file() for p in paths(waiting))
