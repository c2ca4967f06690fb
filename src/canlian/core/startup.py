"""Checks a production server makes before it serves anyone (called from ``wsgi.py``).

Settings that can be judged alone (DEBUG, the secret key, allowed hosts, the SMS
notifier) are refused in ``settings.py``; the demo logins live in the database, so they
are looked for here: a production instance with an account still answering to the
password the README publishes refuses to start.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

log = logging.getLogger("canlian.startup")
DEMO_USERNAMES = ("federation", "township", "village", "assessor", "auditor", "employer")


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
        log.warning("could not check for demo logins: %s", exc)
        return
    if demo:
        raise ImproperlyConfigured(
            "Refusing to start in production: the demo logins "
            f"{', '.join(demo)} still have the published demo password; disable them or "
            "change their passwords")
