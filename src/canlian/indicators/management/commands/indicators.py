"""``canlian indicators --plan PLAN.yaml --year 2024 [--region CODE] [--format table|json|xlsx]``."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from canlian.indicators import engine, plans
from canlian.indicators.formulas import STATUS_LABELS
from canlian.indicators.workbooks import indicator_workbook
from canlian.regions.models import Deployment, Region


class Command(BaseCommand):
    help = "Compute a plan's indicators for a year, deployment-wide and per township."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True,
                            help="a plan file, or a shipped plan's code (yueqing-14th, linzi-14th)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", help="12-digit region code (default: the deployment)")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("--output", type=Path, help="file for json/xlsx (default: stdout / "
                                                        "indicators-YEAR.xlsx)")

    def handle(self, *args, **opts):
        try:
            plan = plans.load(opts["plan"])
        except (FileNotFoundError, plans.PlanError) as exc:
            raise CommandError(str(exc)) from None
        if opts["region"]:
            region = Region.objects.filter(code=opts["region"]).first()
            if region is None:
                raise CommandError(f"no region {opts['region']!r}")
        else:
            deployment = Deployment.current()
            if deployment is None:
                raise CommandError("no deployment loaded: run `canlian seed` first")
            region = deployment.root
        started = time.perf_counter()
        results = engine.compute(plan, opts["year"], region)
        data = engine.as_json(plan, opts["year"], region, results)
        seconds = time.perf_counter() - started
        if opts["format"] == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if opts["output"]:
                opts["output"].write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if opts["format"] == "xlsx":
            target = opts["output"] or Path(f"indicators-{plan.code}-{opts['year']}.xlsx")
            shutil.move(indicator_workbook(data), target)
            self.stdout.write(f"wrote {target}")
            return
        self.stdout.write(f"{plan.title} · {region.name} · {opts['year']} ({seconds:.2f} s)")
        for r in results:
            value = "—" if r.figure.value is None else f"{r.figure.value}"
            counts = (f"{r.figure.numerator}/{r.figure.denominator}"
                      if r.figure.denominator is not None else "")
            self.stdout.write(f"  {r.indicator.name[:24]:<24} {value:>8} {counts:>13}  "
                              f"目标 {r.indicator.target!s:<8} {STATUS_LABELS[r.verdict.status]}")
