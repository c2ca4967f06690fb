"""What a Canlian process does before it serves: refuse an incomplete database, and turn
database failures into one clear line instead of a traceback.

- ``main`` is the ``canlian`` console command. Commands in ``schema.GUARDED_COMMANDS``
  (the web server, the job worker, paying and bulk-writing commands) verify the schema
  first and exit with status 3 naming what is missing. Any command that fails on the
  database prints one line saying so (``--traceback`` shows the rest) and exits 1.
- ``guard_web`` is called by ``wsgi.py``: an incomplete schema stops the process with
  status 3, which gunicorn treats as "worker failed to boot" and stops instead of
  restarting it forever. A database that cannot be reached at start does not stop the
  web process (its pages answer 503 until the database is back, core/errors.py);
  ``SchemaGuardMiddleware`` then verifies the schema on the first request that reaches it.
- ``CANLIAN_SKIP_SCHEMA_CHECK=1`` skips the verification, for repair work only.
- ``refuse_demo_logins`` is also called by ``wsgi.py``: settings that can be judged alone
  (DEBUG, the secret key, allowed hosts, the SMS notifier) are refused in ``settings.py``;
  the demo logins live in the database, so a production instance with an account still
  answering to the password the README publishes refuses to start.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, Error

logger = logging.getLogger(__name__)
DEMO_USERNAMES = ("federation", "township", "village", "assessor", "auditor", "employer")

SCHEMA_INCOMPLETE = 3  # also gunicorn's "worker failed to boot"
_pending = False  # the web process started without reaching the database


def _skipped() -> bool:
    return os.environ.get("CANLIAN_SKIP_SCHEMA_CHECK", "").strip().lower() in {"1", "true", "yes"}


def describe(exc: BaseException) -> str:
    """One line for an operator: what failed and, where known, what to do."""
    from django.db import connection

    from canlian.core.errors import database_unavailable

    first = (str(exc).strip().splitlines() or [""])[0]
    if database_unavailable(exc):
        s = connection.settings_dict
        where = s.get("NAME") if connection.vendor == "sqlite" else (
            f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s.get('NAME')}")
        return f"cannot reach the database {where}: {first}"
    return f"database error ({type(exc).__name__}): {first}"


def main(argv: list[str]) -> int:
    """Run ``canlian ARGS``; returns the exit status."""
    from django.core.management import execute_from_command_line

    command = argv[1] if len(argv) > 1 else ""
    if command == "runserver":
        os.environ.setdefault("CANLIAN_PROCESS", "web")
    elif command == "db_worker":
        os.environ.setdefault("CANLIAN_PROCESS", "worker")
    try:
        if _guarded(command, argv):
            import django

            from canlian.core import schema

            django.setup()
            try:
                schema.require_complete()
            except schema.SchemaIncomplete as exc:
                sys.stderr.write(f"canlian {command}: refusing to start\n{exc}\n")
                return SCHEMA_INCOMPLETE
        execute_from_command_line(argv)
    except Error as exc:
        if "--traceback" in argv:
            raise
        sys.stderr.write(f"canlian {command}: {describe(exc)}\n"
                         "(run again with --traceback for the details)\n")
        return 1
    return 0


def _guarded(command: str, argv: list[str]) -> bool:
    from canlian.core.schema import GUARDED_COMMANDS

    return (command in GUARDED_COMMANDS and not _skipped()
            and not {"-h", "--help", "--version"} & set(argv))


def guard_web() -> None:
    """Called once by the WSGI module, after Django is set up."""
    global _pending
    from canlian.core import schema

    if _skipped():
        return
    try:
        schema.require_complete()
    except schema.SchemaIncomplete as exc:
        sys.stderr.write(f"canlian web: refusing to start\n{exc}\n")
        sys.stderr.flush()
        raise SystemExit(SCHEMA_INCOMPLETE) from None
    except DatabaseError as exc:
        logger.warning("starting without the database (%s); the schema is verified on the "
                       "first request that reaches it", describe(exc))
        _pending = True


class SchemaGuardMiddleware:
    """Verifies the schema on the first request after a start without the database."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        global _pending
        if _pending:
            from canlian.core import schema

            items = schema.verify()  # unreachable still: raises, and the page is a 503
            if items:
                logger.critical("%s", schema.report(items))
                raise schema.SchemaIncomplete(items)
            _pending = False
        return self.get_response(request)


def refuse_demo_logins() -> None:
    if not settings.PRODUCTION:
        return
    from canlian.accounts.models import User
    from canlian.demo.users import DEMO_PASSWORD

    try:
        demo = [u.username for u in User.objects.filter(username__in=DEMO_USERNAMES,
                                                        is_active=True)
                if u.check_password(DEMO_PASSWORD)]
    except DatabaseError as exc:  # the database is not up yet: it is checked next start
        logger.warning("could not check for demo logins: %s", exc)
        return
    if demo:
        raise ImproperlyConfigured(
            "Refusing to start in production: the demo logins "
            f"{', '.join(demo)} still have the published demo password; disable them or "
            "change their passwords")
