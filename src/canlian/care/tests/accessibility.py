"""Care pages for the axe-core scan (core/tests/test_accessibility.py), each with records
behind it so that no page is scanned empty. Signed in as township staff."""

import datetime as dt
from decimal import Decimal

from canlian.core import clock


def pages(users, person) -> list[str]:
    from canlian.care import actions
    from canlian.services import actions as services
    from canlian.services.models import ServiceType

    today = clock.today()
    township, federation = users.township, users.federation
    home = services.register_institution(township, {
        "name": "乐成街道残疾人之家", "kind": "home_of_disabled", "township": person.village.parent,
        "capacity": 20, "opened_on": today - dt.timedelta(days=400)})
    actions.set_places(township, home, "day", 20)
    actions.designate(federation, home, service="care", start_date=home.opened_on,
                      end_date=today + dt.timedelta(days=30), services="日间照料",
                      prices={"day": "60"})
    actions.place(township, person, home, mode="day", start_date=today - dt.timedelta(days=3),
                  reason="白天无人照料", payer="government")
    actions.record_attendance(township, home, today, [person.pk])
    checklist = actions.queries.rules().inspection.checklist
    actions.inspect(township, home, inspected_on=today,
                    results={i.code: "fail" if i.code == "hygiene" else "pass" for i in checklist},
                    problems=[("食品留样记录缺失", None)])
    kind = ServiceType.objects.get_or_create(code="rehab_home_visit", defaults={
        "name": "家庭康复指导", "group": "rehabilitation"})[0]
    contract = actions.sign_contract(
        federation, service_type=kind, provider="康复服务中心", region=person.village.parent,
        start_date=today - dt.timedelta(days=30), end_date=today, budget=Decimal(1000),
        unit_price=Decimal(100), quantity=10, deliverables="上门康复指导")
    actions.record_delivery(township, contract.pk, person, on=today, satisfaction=5)
    base = f"/care/institutions/{home.pk}/"
    return ["/care/", base, f"{base}attendance/", f"{base}attendance/month/", f"{base}bill/",
            f"{base}inspect/", "/care/gaps/", "/care/contracts/", f"/care/contracts/{contract.pk}/"]
