"""Retention: periods as data; the scheduled job anonymises what has passed its period,
once, logs it, keeps what the statistics count, and leaves persons under a legal hold."""

import datetime as dt

import pytest

from canlian.audit.models import AuditEvent
from canlian.benefits.models import Grant
from canlian.ops.registry import REGISTRY
from canlian.people.models import Person
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
    assert done == {"deceased_contact": 1, "stopped_bank": 1}
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

    assert actions.apply_retention(TODAY) == {"deceased_contact": 0, "stopped_bank": 0}
    actions.lift_hold(users.federation, held.legal_holds.get().pk)
    assert actions.apply_retention(TODAY)["deceased_contact"] == 1
