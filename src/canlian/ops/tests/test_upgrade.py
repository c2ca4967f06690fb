"""``canlian upgrade --check`` sizes pending migrations; ``canlian upgrade`` backs up first;
data migrations can run online in batches."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from canlian.core.models import ThrottleHit
from canlian.core.tests import processes
from canlian.ops import online, upgrade


@pytest.mark.django_db(transaction=True)
def test_check_lists_the_pending_migrations():
    assert upgrade.report(upgrade.plan()) == "no pending migrations: the database is up to date"
    call_command("migrate", "ops", "zero", verbosity=0)
    try:
        steps = upgrade.plan()
        assert {s.migration for s in steps} == {"ops.0001_initial"}
        assert all(s.work == "catalogue" and not s.blocking for s in steps)  # new tables
    finally:
        call_command("migrate", "ops", verbosity=0)


@pytest.mark.django_db
def test_check_sizes_each_operation_by_its_table_and_flags_the_blocking_ones():
    from django.contrib.postgres.operations import AddIndexConcurrently
    from django.db import connection, migrations, models
    from django.db.migrations.executor import MigrationExecutor

    state = MigrationExecutor(connection)._create_project_state(with_applied_migrations=True)
    migration = migrations.Migration("0099_big", "people")
    migration.operations = [
        migrations.AddField("person", "nickname", models.CharField(max_length=20, null=True)),
        migrations.AlterField("person", "name", models.CharField(max_length=80)),
        migrations.AddIndex("person", models.Index(fields=["name"], name="person_name_x")),
        AddIndexConcurrently("person", models.Index(fields=["phone"], name="person_phone_x")),
        migrations.RunPython(migrations.RunPython.noop),
    ]
    steps: list[upgrade.Step] = []
    upgrade._steps(migration, state, {"people_person": 1_000_000, "people_household": 10}, steps)
    field, alter, index, concurrent, data = steps
    assert (field.work, field.lock, field.seconds, field.blocking) == ("catalogue", upgrade.NONE, 0, False)
    assert (alter.work, alter.lock, alter.rows) == ("rewrite", upgrade.EXCLUSIVE, 1_000_000)
    assert alter.seconds == pytest.approx(1_000_000 / upgrade.RATES["rewrite"]) and alter.blocking
    assert (index.lock, index.blocking) == (upgrade.SHARE, False)  # 2.5 s: under the window
    assert (concurrent.lock, concurrent.blocking) == (upgrade.NONE, False)
    assert data.work == "data" and data.rows == 1_000_000 and data.blocking
    text = upgrade.report(steps)
    assert "people.0099_big" in text and "1,000,000" in text and "BLOCKS USERS" in text


@pytest.mark.django_db(transaction=True)
def test_upgrade_takes_a_verified_backup_then_migrates(tmp_path):
    shared = processes.SharedDatabase(tmp_path, copy=True)
    try:
        env = {**shared.env, "CANLIAN_BACKUP_DIR": str(tmp_path / "backups")}
        assert processes.run("migrate", "ops", "zero", "-v0", env=env).returncode == 0
        check = processes.run("upgrade", "--check", env=env)
        assert check.returncode == 0 and "1 pending migration(s)" in check.stdout, check.stderr
        assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())
        done = processes.run("upgrade", env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "(verified); to roll back: canlian backup --restore" in done.stdout
        assert "upgraded; schema complete" in done.stdout
        assert len(list((tmp_path / "backups").glob("pre-upgrade-*"))) == 1
        assert "no pending migrations" in processes.run("upgrade", "--check", env=env).stdout
    finally:
        shared.drop()


@pytest.mark.django_db(transaction=True)
def test_in_batches_commits_each_batch_and_resumes():
    now = timezone.now()
    ThrottleHit.objects.bulk_create([ThrottleHit(scope="old", key=str(n), at=now) for n in range(12)])
    seen = []

    def work(batch):
        seen.append(batch.count())
        batch.update(scope="new")

    assert online.in_batches(ThrottleHit.objects.filter(scope="old"), work, size=5) == 12
    assert seen == [5, 5, 2]
    assert online.in_batches(ThrottleHit.objects.filter(scope="old"), work, size=5) == 0
