"""Django's ``flush``, refusing to empty the audit log outside the test settings.

The audit table's triggers refuse DELETE (SQLite) and TRUNCATE (PostgreSQL), so a plain
flush fails there, as it should on a deployment. The test suite empties every table
between transactional tests; under ``CANLIAN_ENV=test`` this command lifts the triggers
for the flush alone and puts them back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands import flush
from django.db import connections

TRIGGERS = {
    "sqlite": ("DROP TRIGGER IF EXISTS audit_no_delete",
               """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_auditevent
                  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"""),
    "postgresql": ("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_truncate",
                   "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_no_truncate"),
}


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        lift, restore = TRIGGERS.get(connection.vendor, ("", ""))
        if settings.ENV != "test" or not lift:
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute(lift)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(restore)
