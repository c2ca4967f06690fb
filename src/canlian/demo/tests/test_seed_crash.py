"""A seed killed part-way (kill -9) leaves nothing behind, so the next ``--if-empty`` run
(what ``scripts/demo`` does) builds the whole district. Real processes, real database."""

from canlian.core.tests import processes

SEED = ("seed", "--deployment", "yueqing", "--persons", "300", "--if-empty")


def test_a_killed_seed_is_completed_by_the_next_if_empty_run(tmp_path):
    # A new database: the seed needs the reference data the migrations load (service types
    # …), which transactional tests' flushes empty in the test database.
    db = processes.SharedDatabase(tmp_path, fresh=True)
    try:
        _kill_and_resume(db)
    finally:
        db.drop()


def _kill_and_resume(db: processes.SharedDatabase) -> None:
    seeding = processes.canlian(*SEED, env=db.env)
    # Persons, logins and applications are written; the programmes are being generated.
    processes.wait_for_output(seeding, "certificate applications in every state")
    processes.kill(seeding)
    assert seeding.returncode < 0, "the seed finished before it could be killed"
    assert db.scalar("SELECT count(*) FROM people_person") == 0

    again = processes.run(*SEED, env=db.env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already has" not in again.stdout
    # the persons asked for, besides the one the transfer demo moves in (transfers/demo.py)
    assert db.scalar("SELECT count(*) FROM people_person WHERE id NOT IN (SELECT person_id "
                     "FROM transfers_transfer WHERE direction = 'in' AND kind = 'hukou' "
                     "AND person_id IS NOT NULL)"
                     ) == 300
    assert db.scalar("SELECT count(*) FROM certificates_application") > 0
    assert db.scalar("SELECT count(*) FROM surveys_annualsurvey") > 0
    assert db.scalar("SELECT count(*) FROM community_volunteer") > 0
    assert db.scalar("SELECT count(*) FROM accounts_user WHERE username = %s", ("federation",)) == 1
