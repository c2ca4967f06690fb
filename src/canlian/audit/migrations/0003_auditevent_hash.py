"""The hash chain's column, and triggers against wiping the log.

PostgreSQL refuses TRUNCATE (a statement trigger: TRUNCATE passes row triggers). SQLite
refuses DELETE (the embedded default had allowed it for Django's test flush; the test
settings' ``flush`` command now lifts the trigger for its own duration only).
"""

import django.utils.timezone
from django.db import migrations, models

# Adding or altering a column remakes the SQLite table, which drops its triggers: both are (re)made.
SQLITE = ["""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_auditevent
             BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
          """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent
             BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"""]
POSTGRES = ["""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditevent
               FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"""]
REVERSE = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditevent"],
}


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [
        migrations.AddField(
            model_name="auditevent", name="hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="chain hash"),
        ),
        migrations.AlterField(
            model_name="auditevent", name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now,
                                       verbose_name="time"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
