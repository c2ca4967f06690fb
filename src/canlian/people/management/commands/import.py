"""``canlian import persons ROSTER.xlsx --as USERNAME``: roster import from the command line.

The import runs with the named user's role and region (so scoping applies as in the
web page), prints progress, and writes rejected rows to ``ROSTER.errors.xlsx``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from canlian.accounts.models import User
from canlian.core.progress import Progress
from canlian.people import roster, workbooks
from canlian.people.actions import record_roster_import


class Command(BaseCommand):
    help = "Import data from a workbook. Kinds: persons (残疾人花名册)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["persons"])
        parser.add_argument("path", type=Path)
        parser.add_argument("--as", dest="username", required=True,
                            help="the staff login whose role and region the import uses")

    def handle(self, *args, **opts):
        path: Path = opts["path"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            user = User.objects.select_related("region").get(username=opts["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user {opts['username']!r}") from None
        started = time.perf_counter()

        # A bar on a terminal (core.progress); silent when standard error is a log.
        bar = Progress("rows")

        def progress(row: int, result: roster.ImportResult) -> None:
            bar.update(row, note=f"{result.created:,} new, {result.updated:,} updated, "
                                 f"{result.unchanged:,} unchanged, {result.rejected:,} rejected")

        try:
            with path.open("rb") as fh, bar:
                result = roster.import_persons(user, fh, filename=path.name, progress=progress)
        except roster.RosterError as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not import persons ({exc})") from None
        seconds = time.perf_counter() - started
        errors = record_roster_import(user, path.name, result).errors
        self.stderr.write("")
        self.stdout.write(
            f"{path.name}: {result.rows:,} rows in {seconds:.1f} s — {result.created:,} new, "
            f"{result.updated:,} updated, {result.unchanged:,} unchanged, "
            f"{result.rejected:,} rejected"
        )
        if errors:
            target = path.with_suffix(".errors.xlsx")
            shutil.move(workbooks.error_workbook(errors), target)
            self.stdout.write(f"Rejected rows with reasons: {target}")
            for e in result.errors[:10]:
                self.stdout.write(f"  row {e.row} [{e.column}]: {e.reason}")
            if len(errors) > 10:
                self.stdout.write(f"  … and {len(errors) - 10:,} more in the workbook")
