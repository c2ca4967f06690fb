"""Demo values of the plans' external series (外部数据), for the demo districts only.

The figures are plausible placeholders, not published statistics: a real deployment enters
the city's GDP growth from its statistical bulletin and the federation's staff share from
its personnel records on the 外部数据 page.
"""

from __future__ import annotations

from decimal import Decimal

from canlian.regions.models import Deployment

from . import plans

# series code → value per year (demo values, unconfirmed)
DEMO = {
    "city_gdp_growth": {2021: "8.1", 2022: "4.3", 2023: "6.4", 2024: "5.9", 2025: "5.6"},
    "federation_staff_disabled_share": {2021: "12.5", 2022: "13.3", 2023: "14.3", 2024: "15.4",
                                        2025: "16.7"},
}


def seed_external(deployment: Deployment) -> dict[str, int]:
    from .models import ExternalValue

    made = 0
    for code in plans.available():
        plan = plans.load(code)
        if plan.region != deployment.root.name:
            continue
        for series in plan.series:
            for year, value in DEMO.get(series.code, {}).items():
                _, created = ExternalValue.objects.get_or_create(
                    series=series.code, region=deployment.root, year=year,
                    defaults={"value": Decimal(value), "source": f"{series.source}（演示数据）"})
                made += created
    return {"external values": made}
