"""``canlian upgrade --check``: what the pending migrations will do to this database (how
long, which locks users will feel), changing nothing. ``canlian upgrade``: a verified
backup first, then the migrations, then the schema check (docs/deploy.md "Upgrades")."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from canlian.core import backup, schema
from canlian.ops import backups, upgrade


class Command(BaseCommand):
    help = "Check (--check) or carry out an upgrade: backup, migrate, verify the schema."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report only; change nothing")
        parser.add_argument("--no-backup", action="store_true",
                            help="skip the backup (only when one was just taken)")

    def handle(self, *args, **opts):
        steps = upgrade.plan()
        self.stdout.write(upgrade.report(steps))
        if opts["check"] or not steps:
            return
        if not opts["no_backup"]:
            suffix = ".dump" if backup.connection.vendor == "postgresql" else ".sqlite3"
            target = backups.folder() / f"pre-upgrade-{timezone.localtime():%Y%m%d-%H%M%S}{suffix}"
            try:
                backup.backup(target)
            except (backup.BackupError, OSError) as exc:
                raise CommandError(f"backup before upgrading failed, nothing changed: {exc}") from None
            self.stdout.write(f"backed up to {target} (verified); to roll back: "
                              f"canlian backup --restore {target}")
        call_command("migrate", interactive=False, verbosity=1, stdout=self.stdout)
        missing = schema.verify()
        if missing:
            raise CommandError(schema.report(missing))
        self.stdout.write(self.style.SUCCESS("upgraded; schema complete"))
