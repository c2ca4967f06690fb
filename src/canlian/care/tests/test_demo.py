"""Both deployments seed care records: places, placements within them, waiting lists in
order, attendance, inspections with problems; the federation's overview and a township's
home page show them."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from canlian.accounts.models import User
from canlian.care import queries
from canlian.care.models import (
    Attendance,
    Contract,
    Delivery,
    Designation,
    Inspection,
    Placement,
    Places,
    Problem,
    WaitingEntry,
)
from canlian.core import clock


@pytest.mark.parametrize("deployment", ["yueqing", "linzi"])
def test_both_deployments_have_care_demo_data(db, settings, client, deployment):
    settings.CANLIAN_DEPLOYMENT = deployment
    call_command("seed", "--deployment", deployment, "--persons", "800", stdout=io.StringIO())
    today = clock.today()
    assert Places.objects.exists() and Inspection.objects.exists()
    assert Placement.objects.filter(mode="day").exists()
    assert WaitingEntry.objects.filter(state="waiting").exists()
    assert Attendance.objects.filter(present=True).exists() and Problem.objects.exists()
    # No placement beyond the places; no person placed twice.
    federation = User.objects.get(username="federation")
    for row in queries.occupancy(queries.institutions_for(federation), today):
        for slot in row.slots.values():
            assert slot.occupied <= slot.places, (row.institution.name, slot.mode)
    assert not Placement.objects.values("person").annotate(n=Count("id")).filter(n__gt=1)
    client.force_login(federation)
    page = client.get(reverse("care:index")).content.decode()
    assert "日间照料" in page and "集中托养" in page
    home = Placement.objects.filter(mode="day").first().institution
    page = client.get(reverse("care:institution", args=[home.pk])).content.decode()
    assert home.name in page
    assert client.get(reverse("care:gaps")).status_code == 200
    assert Designation.objects.filter(institution=home).exists()
    bill = client.get(reverse("care:bill", args=[home.pk])).content.decode()
    assert "元" in bill
    assert Contract.objects.filter(evaluated_on__isnull=False).exists()
    assert Delivery.objects.exists()
