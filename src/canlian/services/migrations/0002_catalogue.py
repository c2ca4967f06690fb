"""Load the service and device catalogues from data/catalogue.yaml (idempotent)."""

from pathlib import Path

import yaml
from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.yaml"


def load(apps, schema_editor):
    ServiceType = apps.get_model("services", "ServiceType")
    DeviceType = apps.get_model("services", "DeviceType")
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    for row in data["services"]:
        ServiceType.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "group": row["group"], "basic": row.get("basic", True),
            "age_max": row.get("age_max")})
    for row in data["devices"]:
        DeviceType.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "kind": row["kind"]})


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
