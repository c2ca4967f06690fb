"""Approved declarations keep their levy breakdown frozen; older ones carried English beside the
Chinese in three values ("企业 (enterprise)", "… / capped", "…缴纳 / A/N < 1%: pay 90%"). Write
those values in Chinese only, as new breakdowns are, without touching any figure."""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

KIND = re.compile(r"^(\S+) \([a-z -]+\)$")


def _clean(value: str) -> str:
    value = KIND.sub(r"\1", value)
    value = value.replace("（超过上限，按上限计征 / capped）", "（超过上限，按上限计征）")
    if "缴纳" in value and " / " in value:
        value = value.split(" / ")[0]
    return value


def forwards(apps: Any, schema_editor: Any) -> None:
    declaration = apps.get_model("employment", "Declaration")
    changed = []
    for item in declaration.objects.exclude(breakdown=[]).only("pk", "breakdown").iterator(2000):
        lines = [[*line[:2], _clean(str(line[2]))] if len(line) == 3 else line
                 for line in item.breakdown]
        if lines != item.breakdown:
            item.breakdown = lines
            changed.append(item)
        if len(changed) >= 2000:
            declaration.objects.bulk_update(changed, ["breakdown"])
            changed = []
    declaration.objects.bulk_update(changed, ["breakdown"])


class Migration(migrations.Migration):
    dependencies = [("employment", "0002_declaration_checked_by_alter_declaration_state")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
