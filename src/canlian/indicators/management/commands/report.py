"""``canlian report --plan PLAN --year 2023 --kind midterm|final``: the evaluation report."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from canlian.indicators import engine, plans, report
from canlian.regions.models import Deployment


class Command(BaseCommand):
    help = "Write a plan's mid-term or final evaluation report (.xlsx and .pdf)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--kind", choices=sorted(report.KINDS), required=True)
        parser.add_argument("--output", type=Path, default=Path())

    def handle(self, *args, **opts):
        try:
            plan = plans.load(opts["plan"])
        except (FileNotFoundError, plans.PlanError) as exc:
            raise CommandError(str(exc)) from None
        deployment = Deployment.current()
        if deployment is None:
            raise CommandError("no deployment loaded")
        data = engine.as_json(plan, opts["year"], deployment.root,
                              engine.compute(plan, opts["year"], deployment.root))
        out: Path = opts["output"]
        out.mkdir(parents=True, exist_ok=True)
        stem = f"{plan.code}-{opts['year']}-{opts['kind']}"
        shutil.move(report.workbook(data, opts["kind"]), out / f"{stem}.xlsx")
        (out / f"{stem}.pdf").write_bytes(report.pdf(data, opts["kind"]))
        self.stdout.write(f"wrote {out / stem}.xlsx and {out / stem}.pdf")
