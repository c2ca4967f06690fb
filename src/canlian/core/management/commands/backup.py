"""``canlian backup FILE`` / ``canlian backup --restore FILE [--into DB]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from canlian.core import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format, or a SQLite copy), or restore one."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("path", type=Path)
        parser.add_argument("--restore", action="store_true")
        parser.add_argument("--into", help="database to restore into (default: the current one)")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        try:
            if opts["restore"]:
                backup.restore(opts["path"], opts["into"])
                self.stdout.write(f"restored {opts['path']}")
            else:
                backup.backup(opts["path"])
                self.stdout.write(f"backed up to {opts['path']}")
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
