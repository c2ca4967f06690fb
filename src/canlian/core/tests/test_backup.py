"""Backups and restores that cannot be left half-done: real ``pg_dump``/``pg_restore``
killed mid-way (SIGKILL) on real PostgreSQL leave the database and the backup file as they
were, and take no orphans with them; a damaged backup is refused before anything changes.
"""


from pathlib import Path

import pytest
from django.db import connection

from canlian.core import backup
from canlian.core.tests import processes

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                     reason="kills PostgreSQL's own tools")

ROWS = 300_000  # enough audit rows that dumping and restoring take a few seconds


def _fill_audit_log() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_name, action, object_type, object_id, "
            "region_code, summary, changes, user_agent, hash) "
            "SELECT now(), 'probe', 'view', 'person', i::text, '330382002201', "
            "repeat(md5(i::text), 9), '{}', '', '' FROM generate_series(1, %s) i", [ROWS])


def _copying(db: processes.SharedDatabase, database: str, direction: str) -> bool:
    return bool(db.scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE %s AND query LIKE %s",
        (database + "%", f"COPY public.audit_auditevent % {direction} %")))


def _child(process, name: str) -> int:
    return processes.wait_until(lambda: next(
        (pid for pid, comm in processes.children(process.pid) if comm == name), None))


def _tables(db: processes.SharedDatabase, database: str) -> list[str]:
    import psycopg

    with psycopg.connect(f"{db.server}/{database}") as conn:
        return [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


def _databases(db: processes.SharedDatabase, prefix: str) -> list[str]:
    return [r[0] for r in db.rows("SELECT datname FROM pg_database WHERE datname LIKE %s "
                                  "ORDER BY 1", (prefix + "%",))]


@pytest.fixture
def district(tmp_path):
    """A full audit log, its dump, and a database to restore into that already holds one
    table of its own (what must survive a failed restore)."""
    _fill_audit_log()
    db = processes.SharedDatabase(tmp_path)
    dump = backup.backup(tmp_path / "district.dump")
    target = f"{db.name}_into"
    with db.admin() as admin:
        for name in _databases(db, target):
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}"')
    import psycopg

    with psycopg.connect(f"{db.server}/{target}", autocommit=True) as conn:
        conn.execute("CREATE TABLE kept_before (v int)")
    yield db, dump, target
    with db.admin() as admin:
        for name in _databases(db, target):
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@postgresql_only
def test_a_killed_pg_restore_leaves_the_database_as_it_was(district):
    db, dump, target = district
    restoring = processes.canlian("backup", "--restore", str(dump), "--into", target, env=db.env)
    processes.wait_until(lambda: _copying(db, target, "FROM"))
    processes.os.kill(_child(restoring, "pg_restore"), 9)
    output, _ = restoring.communicate(timeout=60)
    assert restoring.returncode == 1
    assert "pg_restore failed (killed by signal 9)" in output
    assert _tables(db, target) == ["kept_before"]
    assert _databases(db, target) == [target]  # the staging copy was dropped


@postgresql_only
def test_a_killed_restore_command_takes_pg_restore_with_it_and_the_next_run_completes(district):
    db, dump, target = district
    restoring = processes.canlian("backup", "--restore", str(dump), "--into", target, env=db.env)
    processes.wait_until(lambda: _copying(db, target, "FROM"))
    tool = _child(restoring, "pg_restore")
    processes.kill(restoring)
    processes.wait_until(lambda: not processes.alive(tool), timeout=10)  # no orphan
    assert _tables(db, target) == ["kept_before"]

    again = processes.run("backup", "--restore", str(dump), "--into", target, env=db.env)
    assert again.returncode == 0, again.stdout + again.stderr
    import psycopg

    with psycopg.connect(f"{db.server}/{target}") as conn:
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == ROWS
        # The ledger's constraints and the audit trigger came with it, and it is checked.
        from canlian.core import schema

        assert schema.missing(conn.cursor(), "postgresql") == []
    kept = [n for n in _databases(db, target) if n != target]
    assert len(kept) == 1 and kept[0].startswith(f"{target}_before_restore_")
    assert _tables(db, kept[0]) == ["kept_before"]
    assert f'DROP DATABASE "{kept[0]}"' in again.stdout


@postgresql_only
def test_a_killed_pg_dump_leaves_the_previous_backup(district, tmp_path):
    db, _, _ = district
    target = tmp_path / "nightly.dump"
    target.write_bytes(b"yesterday's backup")
    dumping = processes.canlian("backup", str(target), env=db.env)
    tool = _child(dumping, "pg_dump")  # the first child: verification comes after
    processes.wait_until(lambda: _copying(db, db.name, "TO"), every=0.01)
    processes.os.kill(tool, 9)
    output, _ = dumping.communicate(timeout=60)
    assert dumping.returncode == 1
    assert "pg_dump failed (killed by signal 9)" in output
    assert target.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["district.dump", "nightly.dump"])

    # Killing the command itself takes pg_dump with it; the next backup replaces the file.
    dumping = processes.canlian("backup", str(target), env=db.env)
    tool = _child(dumping, "pg_dump")
    processes.kill(dumping)
    processes.wait_until(lambda: not processes.alive(tool), timeout=10)
    assert target.read_bytes() == b"yesterday's backup"
    done = processes.run("backup", str(target), env=db.env)
    assert done.returncode == 0 and "verified" in done.stdout, done.stdout + done.stderr
    assert backup.verify_dump(target).tables
    assert not list(tmp_path.glob(".nightly.dump.partial-*"))  # the killed run's file is gone


def test_a_damaged_backup_is_refused_and_nothing_changes(tmp_path, make_person):
    person = make_person(name="完好")
    dump = backup.backup(tmp_path / "good.dump")
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    if connection.vendor == "postgresql":
        target = f"{connection.settings_dict['NAME']}_never"
        with pytest.raises(backup.BackupError, match="pg_restore failed"):
            backup.restore(damaged, target)
        db = processes.SharedDatabase(tmp_path)
        assert _databases(db, target) == []
    else:
        with pytest.raises(backup.BackupError, match=r"not a readable SQLite database|damaged"):
            backup.restore(damaged)
        from canlian.people.models import Person

        assert Person.objects.get().name == person.name


def test_a_backup_that_fails_verification_leaves_the_previous_one(tmp_path, monkeypatch, regions):
    target = tmp_path / "nightly.dump"
    target.write_bytes(b"yesterday's backup")

    def refuse(*args, **kwargs):
        raise backup.BackupError("verification failed")

    monkeypatch.setattr(backup, "verify_dump", refuse)
    monkeypatch.setattr(backup, "_verify_sqlite", refuse)
    with pytest.raises(backup.BackupError, match="verification failed"):
        backup.backup(target)
    assert target.read_bytes() == b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir()] == ["nightly.dump"]
    monkeypatch.undo()
    backup.backup(target)
    assert Path(target).stat().st_size > 1000

