"""Data migrations that run online, in batches (分批迁移).

A data migration over a large table inside one transaction holds its row locks (and, with
``ALTER``, its table lock) to the end: at a million persons, nine minutes during which staff
cannot save a person. Written with ``in_batches`` in a migration marked ``atomic = False``,
it commits every ``size`` rows instead: each batch holds its locks for a moment, users go on
working, and a migration stopped part-way resumes where it stopped (the work must be
idempotent: it selects the rows that still need it)::

    from canlian.ops.online import in_batches

    def forwards(apps, schema_editor):
        Person = apps.get_model("people", "Person")
        in_batches(Person.objects.filter(search_name=""),
                   lambda batch: batch.update(search_name=Lower("name")))

    class Migration(migrations.Migration):
        atomic = False
        operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def in_batches(queryset: Any, work: Callable[[Any], Any], *, size: int = 5000,
               pause: float = 0.0) -> int:
    """Apply ``work`` to ``queryset`` ``size`` rows at a time (by primary key), each batch in
    its own transaction; returns the rows handed to ``work``."""
    done, last = 0, None
    model = queryset.model
    started = time.monotonic()
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        keys = list(page.values_list("pk", flat=True)[:size])
        if not keys:
            break
        with transaction.atomic():
            work(model._default_manager.filter(pk__in=keys))
        done += len(keys)
        last = keys[-1]
        logger.info("%s: %s rows done (%.0f s)", model._meta.db_table, done,
                    time.monotonic() - started)
        if pause:
            time.sleep(pause)
    return done
