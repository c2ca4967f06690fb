"""Purchased services: a contract, deliveries recorded against it (each a service record the
indicators count), the budget and period respected, and the evaluation at the end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from canlian.care import actions, rules
from canlian.core import clock
from canlian.services.models import ServiceRecord, ServiceType

TODAY = clock.today()


@pytest.fixture
def contract(users, regions):
    kind = ServiceType.objects.get_or_create(code="rehab_home_visit", defaults={
        "name": "家庭康复指导", "group": "rehabilitation"})[0]
    return actions.sign_contract(
        users.federation, service_type=kind, provider="乐清市康复服务中心", region=regions.county,
        start_date=TODAY - dt.timedelta(days=100), end_date=TODAY, budget=Decimal(300),
        unit_price=Decimal(100), quantity=3, deliverables="上门康复指导 3 人次")


def test_deliveries_make_service_records_and_the_evaluation_measures_them(
        users, regions, make_person, contract):
    a, b = make_person(name="甲"), make_person(regions.v2a, name="乙")
    with pytest.raises(type(contract).DoesNotExist):  # the county's contract: the federation's
        actions.record_delivery(users.township, contract.pk, a, on=TODAY, satisfaction=5)
    actions.record_delivery(users.federation, contract.pk, a, on=TODAY, satisfaction=5)
    actions.record_delivery(users.federation, contract.pk, a, on=TODAY - dt.timedelta(days=7),
                            satisfaction=4)
    actions.record_delivery(users.federation, contract.pk, b, on=TODAY)
    record = ServiceRecord.objects.filter(person=a).first()
    assert (record.provider, record.cost, record.service_type.group) == (
        "乐清市康复服务中心", Decimal(100), "rehabilitation")
    with pytest.raises(ValidationError, match=r"超出合同预算（已用 300\.00 元，预算 300\.00 元）"):
        actions.record_delivery(users.federation, contract.pk, b, on=TODAY)
    done = actions.evaluate_contract(users.federation, contract.pk, note="按期完成")
    assert done.evaluation == {
        "contracted": 3, "delivered": 3, "persons": 2, "spent": "300.00", "completion": 1.0,
        "cost_per_person": "150.00", "satisfaction": 4.5, "answers": 2, "rating": "met",
        "note": "按期完成"}
    with pytest.raises(ValidationError, match="已完成绩效评价"):
        actions.record_delivery(users.federation, contract.pk, b, on=TODAY)


def test_bad_contracts_and_deliveries_are_refused(users, regions, make_person, contract):
    kind = contract.service_type
    with pytest.raises(ValidationError) as caught:
        actions.sign_contract(users.federation, service_type=kind, provider=" ",
                              region=regions.county, start_date=TODAY,
                              end_date=TODAY - dt.timedelta(days=1), budget=Decimal(100),
                              unit_price=Decimal(60), quantity=2, deliverables="x")
    assert set(caught.value.message_dict) == {"provider", "end_date", "budget"}
    with pytest.raises(PermissionDenied):
        actions.sign_contract(users.township, service_type=kind, provider="x",
                              region=regions.t1, start_date=TODAY, end_date=TODAY,
                              budget=Decimal(100), unit_price=Decimal(10), quantity=1,
                              deliverables="x")
    person = make_person()
    with pytest.raises(ValidationError, match="合同期内"):
        actions.record_delivery(users.federation, contract.pk, person,
                                on=TODAY - dt.timedelta(days=101))
    with pytest.raises(ValidationError, match="1–5"):
        actions.record_delivery(users.federation, contract.pk, person, on=TODAY, satisfaction=6)
    assert not ServiceRecord.objects.exists()  # nothing half-written


def test_performance_rule():
    p = rules.performance(10, 8, 5, Decimal(800), [5, 3])
    assert (p.completion, p.cost_per_person, p.satisfaction, p.rating) == (
        0.8, Decimal("160.00"), 4.0, "mostly")
    assert rules.performance(10, 9, 9, Decimal(900), [3]).rating == "mostly"  # unhappy users
    assert rules.performance(10, 9, 9, Decimal(900), []).rating == "met"
    assert rules.performance(10, 6, 6, Decimal(600), []).rating == "not_met"
    with pytest.raises(rules.RuleError):
        rules.performance(1, 1, 1, Decimal(1), [0])


def test_contract_pages(client, users, make_person, contract):
    client.force_login(users.federation)
    page = client.get(reverse("care:contracts")).content.decode()
    assert "乐清市康复服务中心" in page and "签订购买服务合同" in page
    person = make_person(name="上门")
    r = client.post(reverse("care:contract", args=[contract.pk]), {
        "step": "deliver", "deliver-person": person.resident_id,
        "deliver-on": TODAY.isoformat(), "deliver-satisfaction": "5"})
    assert r.status_code == 302
    page = client.get(reverse("care:contract", args=[contract.pk])).content.decode()
    assert "1 / 3" in page and person.masked_id in page and person.resident_id not in page
