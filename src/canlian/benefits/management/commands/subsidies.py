"""``canlian subsidies roll --month 2025-03 [--finalise]``: the monthly payment roll.
``canlian subsidies audit``: the whole payment history checked for a month paid twice.

Generation and finalisation from here are audited like those from the web (as the command
line), in the same transaction as the roll."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from canlian.benefits import ledger, rolls
from canlian.core.progress import Progress
from canlian.regions.models import Deployment, Region


def parse_month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip() + "-01")
    except ValueError:
        raise CommandError(f"--month takes YYYY-MM, not {text!r}") from None


class Command(BaseCommand):
    help = "Generate (and optionally finalise) the subsidy payment roll of a month."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["roll", "checks", "audit"])
        parser.add_argument("--month", help="YYYY-MM (roll, checks)")
        parser.add_argument("--finalise", action="store_true",
                            help="finalise the roll when every precision check passes")

    def handle(self, *args, **opts):
        deployment = Deployment.current()
        if deployment is None:
            raise CommandError("no deployment loaded: run `canlian seed` or `canlian regions load`")
        if opts["verb"] == "audit":
            self.audit(deployment.root)
            return
        if not opts["month"]:
            raise CommandError("--month YYYY-MM is required")
        month = parse_month(opts["month"])
        started = time.perf_counter()
        try:
            with Progress("roll", total=1) as bar:  # a bar on a terminal (core.progress)
                bar.step("computing the payments")
                outcome = rolls.generate(deployment.root, month)
                bar.done = 1
        except rolls.RollError as exc:
            raise CommandError(exc.message) from None
        roll = outcome.roll
        self.stdout.write(f"{roll.month:%Y-%m} #{roll.sequence} ({roll.kind}, {roll.status}): "
                          f"{roll.line_count:,} lines, {roll.total:,} yuan — {outcome.message} "
                          f"in {time.perf_counter() - started:.2f} s")
        for t in rolls.township_summary(roll):
            self.stdout.write(f"  {t['township']}: {t['persons']} persons, {t['total']} yuan")
        if opts["verb"] == "checks" or (opts["finalise"] and roll.status == "draft"):
            with Progress("roll", total=1) as bar:
                bar.step("precision checks")
                found = rolls.checks(roll)
                bar.done = 1
            for key, label in rolls.CHECKS.items():
                self.stdout.write(f"  check {label}: {len(found[key])}")
        if opts["finalise"] and roll.status == "draft":
            try:
                with Progress("roll", total=1) as bar:
                    bar.step("finalising")
                    rolls.finalise(roll)
                    bar.done = 1
            except rolls.RollError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(self.style.SUCCESS(f"{roll.month:%Y-%m} finalised"))

    def audit(self, root: Region) -> None:
        started = time.perf_counter()
        twice = ledger.double_payments(root)
        for row in twice[:100]:
            self.stdout.write(f"  {row['payee']} (person {row['person_id']}) {row['subsidy']} "
                              f"{row['period']:%Y-%m}: {row['detail']}")
        seconds = time.perf_counter() - started
        if twice:
            raise CommandError(f"{len(twice)} person-months paid more than once")
        self.stdout.write(self.style.SUCCESS(
            f"no month paid twice in the whole history ({seconds:.1f} s)"))
