"""``canlian backup FILE`` / ``canlian backup --restore FILE [--into DB]`` (core/backup.py:
written to a temporary name and verified before it replaces FILE; restored into a staging
database and swapped in only when complete)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from canlian.core import backup, schema


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format, or a SQLite copy), or restore one."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--restore", action="store_true")
        parser.add_argument("--into", help="database to restore into (default: the current one)")

    def handle(self, *args, **opts):
        try:
            if opts["restore"]:
                self._restore(opts["path"], opts["into"])
            else:
                target = backup.backup(opts["path"])
                size = target.stat().st_size / 1024 / 1024
                self.stdout.write(f"backed up to {target} ({size:,.1f} MB, verified)")
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None

    def _restore(self, path: Path, into: str | None) -> None:
        done = backup.restore(path, into)
        self.stdout.write(f"restored {path} into {done.database} (verified against the backup)")
        if done.kept:
            self.stdout.write(f"the database it replaced is kept as {done.kept}; drop it when "
                              f"no longer needed: DROP DATABASE \"{done.kept}\"")
        if done.missing:
            self.stderr.write("warning: " + schema.report(done.missing) + "\n(a backup taken "
                              "by an older version needs `canlian migrate` after restoring)")
