"""``canlian seed --deployment yueqing --persons 20000``: a realistic synthetic district.

The whole seed (regions, persons, logins, applications, programmes, employment,
community and care records) is one transaction: a seed killed part-way leaves nothing, so the next
``--if-empty`` run (``scripts/demo``) finds the district empty and builds all of it,
instead of finding persons and skipping the records that never came.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from canlian.care.demo import seed_care
from canlian.certificates.models import Certificate
from canlian.community.demo import seed_community
from canlian.core import bulk
from canlian.core.progress import Progress
from canlian.culture.demo import seed_culture
from canlian.demo.applications import seed_applications
from canlian.demo.citizen import demo_citizen
from canlian.demo.programs import seed_programs
from canlian.demo.seeding import region_summary, seed
from canlian.demo.users import DEMO_PASSWORD, ensure_demo_users
from canlian.disclosure.demo import seed_disclosure
from canlian.education.demo import seed_education
from canlian.employment.demo import seed_employment
from canlian.evaluation.demo import seed_evaluation
from canlian.exchange.demo import seed_exchange
from canlian.indicators.demo import seed_external
from canlian.people.models import Household, Person
from canlian.plantasks.demo import seed_plantasks
from canlian.privacy.demo import seed_privacy
from canlian.programmes.demo import seed_programmes as seed_programme_engine
from canlian.regions import loader
from canlian.rights.demo import seed_rights
from canlian.transfers.demo import seed_transfers


class Command(BaseCommand):
    help = "Load a deployment's regions and generate synthetic persons, households and logins."

    def add_arguments(self, parser):
        parser.add_argument("--deployment", required=True, choices=loader.available())
        parser.add_argument("--persons", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing if the deployment already has persons")
        parser.add_argument("--no-users", action="store_true", help="skip demo logins")

    def handle(self, *args, **opts):
        if opts["persons"] < 0:
            raise CommandError("--persons must be 0 or more")
        # The demo's texts to citizens stay in the outbox page, not on the console.
        logging.getLogger("canlian.portal.sms").setLevel(logging.WARNING)
        with transaction.atomic():
            made = self._seed(opts)
        # Every table the seed wrote, once it is committed (core.bulk.analyze).
        bulk.analyze(*(m for m in apps.get_models() if m._meta.managed and not m._meta.proxy),
                     rows=made)
        # Figures cached from the database before the seed (the cache outlives a process).
        cache.clear()

    def _seed(self, opts: dict) -> int:
        code = opts["deployment"]
        existing = 0
        try:
            root = loader.read(code)["deployment"]["root"]
            low, high = root[:6] + "000000", root[:6] + "999999"
            existing = Person.objects.filter(village__code__range=(low, high)).count()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        persons = 0 if (opts["if_empty"] and existing) else opts["persons"]
        if persons == 0 and existing:
            self.stdout.write(f"{code}: already has {existing} persons; nothing generated")

        # Progress bars on a terminal (core.progress), silent in logs.
        with Progress("persons", total=persons) as bar:
            deployment, made, seconds = seed(code, persons, seed_value=opts["seed"],
                                             progress=bar.update)
        # What follows reads the persons just loaded, in this transaction: with statistics.
        bulk.analyze(Person, Household, Certificate, rows=made, at_once=True)
        summary = region_summary(deployment)
        self.stdout.write(self.style.SUCCESS(
            f"{deployment.name}: {summary['townships']} townships, {summary['villages']} villages, "
            f"{summary['persons']:,} persons ({made:,} new in {seconds:.1f} s)"))
        if not opts["no_users"]:
            logins = ensure_demo_users(deployment)
            if made:
                count = seed_applications(deployment)
                self.stdout.write(f"{count} certificate applications in every state")
                # In this order: the programme engine reads care placements; disclosure
                # freezes years, after every record.
                steps = [("subsidies and services", seed_programs),
                         ("employment", seed_employment), ("community", seed_community),
                         ("rights", seed_rights), ("privacy", seed_privacy),
                         ("education", seed_education), ("culture", seed_culture),
                         ("care", seed_care), ("programmes", seed_programme_engine),
                         ("external figures", seed_external), ("exchange", seed_exchange),
                         ("transfers", seed_transfers),
                         ("plan tasks", seed_plantasks), ("evaluation", seed_evaluation),
                         ("disclosure", seed_disclosure)]
                counts: dict[str, int] = {}
                with Progress("records", total=len(steps)) as bar:
                    for name, step in steps:
                        bar.step(name)
                        counts.update(step(deployment))
                    bar.finish()
                ensure_demo_users(deployment)  # links the employer login to a demo unit
                self.stdout.write("Records behind the plan indicators (2021–): " + ", ".join(
                    f"{k} {v:,}" for k, v in counts.items()))
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for login in logins:
                where = login.region.name if login.region else "—"
                self.stdout.write(f"  {login.username:<11} {login.role.value:<17} {where}")
            citizen = demo_citizen(deployment)
            if citizen is not None:
                self.stdout.write(
                    f"Citizens' portal (/portal/): sign in with resident ID {citizen.resident_id} "
                    f"({citizen.name}); the one-time code is printed here and shown on "
                    "/portal/dev/outbox/")
        return made
