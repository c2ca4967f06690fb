"""Production settings pass Django's deployment checks, and refuse to start without a key."""

import os
import secrets
import subprocess
import sys

import pytest


def _environment(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without what tests set for themselves (the browser tests
    allow Django's ORM beside Playwright's event loop, which a deployment must never do)."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY")}
    return {**base, **extra}


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "canlian", "check", "--deploy", "--fail-level",
                           "WARNING"], env=_environment(env), capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("database", ["sqlite:///:memory:"])
def test_check_deploy_is_clean_in_production(database, tmp_path):
    result = _check({"CANLIAN_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60),
                     "ALLOWED_HOSTS": "canlian.example.org", "DATABASE_URL": database,
                     "CANLIAN_DATA_DIR": str(tmp_path),
                     "CANLIAN_NOTIFIER": "canlian.portal.notifiers.Notifier"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = {"CANLIAN_ENV": "production", "ALLOWED_HOSTS": "x", "CANLIAN_DATA_DIR": str(tmp_path),
           "DATABASE_URL": "sqlite:///:memory:",
           "CANLIAN_NOTIFIER": "canlian.portal.notifiers.Notifier"}
    result = subprocess.run([sys.executable, "-m", "canlian", "check"], env=_environment(env),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
