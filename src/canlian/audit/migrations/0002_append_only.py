"""Make the audit table append-only in the database itself.

PostgreSQL (production) refuses UPDATE and DELETE of any row. SQLite (the embedded
development default) refuses UPDATE only: Django's test flush empties tables with
DELETE there, and the model already refuses deletes.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
]
REVERSE = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_update"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_no_change ON audit_auditevent",
                   "DROP FUNCTION IF EXISTS audit_append_only()"],
}


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
