"""Schema verification (core/schema.py): a complete database passes in a few queries; a
missing constraint, trigger or primary key is named, and serving processes refuse to start.

What is dropped is found from the models' metadata (never a hard-coded constraint name), so
the tests follow a constraint renamed in a model.
"""

import sys

import pytest
from django.db import connection
from django.db.models import UniqueConstraint

from canlian.audit.models import AuditEvent
from canlian.benefits.models import RollLine
from canlian.core import schema
from canlian.core.tests import processes
from canlian.people.models import Household


def _a_unique_constraint_of_the_ledger() -> UniqueConstraint:
    return next(c for c in RollLine._meta.constraints if isinstance(c, UniqueConstraint))


def _trigger() -> str:
    return AuditEvent.database_triggers[connection.vendor][0]


def _drop(execute, vendor: str) -> list[str]:
    """Drop the ledger's unique constraint and the audit trigger; return their names."""
    constraint = _a_unique_constraint_of_the_ledger()
    table, trigger = RollLine._meta.db_table, _trigger()
    if vendor == "postgresql":
        execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{constraint.name}"')
        execute(f'DROP INDEX IF EXISTS "{constraint.name}"')
        execute(f"DROP TRIGGER {trigger} ON {AuditEvent._meta.db_table}")
    else:
        if constraint.condition is not None:
            execute(f'DROP INDEX "{constraint.name}"')
        else:  # written into the table: rebuild the table without it
            execute(f"CREATE TABLE broken AS SELECT * FROM {table}")  # noqa: S608 - model metadata
            execute(f"DROP TABLE {table}")
            execute(f"ALTER TABLE broken RENAME TO {table}")
        execute(f"DROP TRIGGER {trigger}")
    return [constraint.name, trigger]


@pytest.mark.django_db
def test_a_migrated_database_is_complete_in_a_few_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert schema.verify() == []
    kinds = {item.kind for item in schema.expected(connection.vendor)}
    assert kinds >= {"table", "primary key", "unique", "index", "check", "foreign key",
                     "trigger"}


@pytest.mark.django_db
def test_missing_constraint_trigger_and_primary_key_are_named():
    with connection.cursor() as cursor:  # inside the test's transaction: rolled back after
        names = _drop(cursor.execute, connection.vendor)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {Household._meta.db_table} DROP CONSTRAINT "
                           f"{Household._meta.db_table}_pkey CASCADE")
    found = [str(item) for item in schema.verify()]
    for name in names:
        assert any(name in line for line in found), (name, found)
    if connection.vendor == "postgresql":
        assert "people_household: primary key (id)" in found
        # The foreign keys that pointed at it went with it.
        assert "people_person: foreign key (household_id) → people_household" in found
    with pytest.raises(schema.SchemaIncomplete, match=names[0]):
        schema.require_complete()


@pytest.mark.django_db
def test_an_unapplied_migration_is_named():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'audit' AND name = %s",
                       ["0002_append_only"])
    assert [str(i) for i in schema.verify()] == ["migration audit.0002_append_only (not applied)"]


@pytest.mark.django_db(transaction=True)
def test_serving_processes_refuse_to_start_on_an_incomplete_schema(tmp_path):
    db = processes.SharedDatabase(tmp_path, copy=True)
    try:
        names = _drop(lambda sql: db.rows(sql), db.vendor)
        for args in (["runserver", "--noreload", "127.0.0.1:0"], ["db_worker", "--batch"],
                     ["subsidies", "--help"]):
            result = processes.run(*args, env=db.env, timeout=120)
            if args[-1] == "--help":
                assert result.returncode == 0  # help needs no database
                continue
            assert result.returncode == 3, result.stdout + result.stderr
            assert result.stderr.startswith(f"canlian {args[0]}: refusing to start")
            for name in names:
                assert name in result.stderr
        web = processes.subprocess.run([sys.executable, "-c", "import canlian.wsgi"],
                                       env=db.env, capture_output=True, text=True, timeout=120)
        assert web.returncode == 3  # gunicorn's "worker failed to boot": it stops, no restarts
        assert names[1] in web.stderr
        check = processes.run("check_schema", env=db.env)
        assert check.returncode == 1 and names[0] in check.stderr
        # Skipping the check is possible, for repair work, and says nothing.
        skipped = processes.run("db_worker", "--batch", "--no-startup-delay",
                                env={**db.env, "CANLIAN_SKIP_SCHEMA_CHECK": "1"})
        assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    finally:
        db.drop()


@pytest.mark.django_db(transaction=True)
def test_check_schema_reports_a_complete_database(tmp_path):
    db = processes.SharedDatabase(tmp_path)
    result = processes.run("check_schema", env=db.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("schema complete:")
