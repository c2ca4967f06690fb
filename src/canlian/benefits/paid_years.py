"""The paid-persons-per-year summary (``PaidYear``), kept in step with the ledger.

Every write is set-based: one ``INSERT … SELECT DISTINCT`` of the person-years of a set
of paid lines (``ledger.paid_lines``, the one definition of paid), and for lines whose
payment status a bank result changed, a delete and re-insert of just their person-years.
``rebuild`` recomputes the whole table (migrations, seeders, a repair).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from .ledger import paid_lines
from .models import PaidYear, RollLine

FAR_PAST, FAR_FUTURE = "1900-01-01", "2999-12-31"


def _insert(lines: QuerySet) -> None:
    """Add the person-years of these (already paid) lines; those present stay."""
    select = (lines.annotate(y=ExtractYear("period")).values("person_id", "subsidy", "y")
              .order_by().distinct())
    sql, params = select.query.sql_with_params()
    table = PaidYear._meta.db_table
    with connection.cursor() as cursor:
        # ``WHERE true`` keeps SQLite from reading ON CONFLICT as a join's ON.
        cursor.execute(f"INSERT INTO {table} (person_id, subsidy, year) "  # noqa: S608
                       f"SELECT * FROM ({sql}) AS x WHERE true ON CONFLICT DO NOTHING", params)


def _paid(**filters: object) -> QuerySet:
    return paid_lines(FAR_PAST, FAR_FUTURE).filter(**filters)  # type: ignore[arg-type]


def _forget(lines: QuerySet | None) -> None:
    """The stored subsidy facts of these lines' years (None: of every year) no longer hold
    the year's paid persons (``yearfacts``): figures are computed live until the next
    refresh. Imported here: ``yearfacts`` records through ``actions``, which imports
    ``rolls`` and so this module (a cycle at import time)."""
    from .yearfacts import forget

    forget(None if lines is None else lines.annotate(y=ExtractYear("period"))
           .values_list("y", flat=True).order_by().distinct())


def add_roll(roll_id: int) -> None:
    """A roll was finalised: its paid lines' person-years are paid."""
    _insert(_paid(roll_id=roll_id))
    _forget(RollLine.objects.filter(roll_id=roll_id))


def recompute(line_ids: list[int]) -> None:
    """The payment status of these lines changed: recompute their person-years."""
    if not line_ids:
        return
    keys = (RollLine.objects.filter(pk__in=line_ids).annotate(y=ExtractYear("period"))
            .values_list("subsidy", "y").order_by().distinct())
    for subsidy, year in keys:
        persons = RollLine.objects.filter(
            pk__in=line_ids, subsidy=subsidy, period__year=year).values("person_id")
        PaidYear.objects.filter(subsidy=subsidy, year=year, person_id__in=persons).delete()
        _insert(_paid(subsidy=subsidy, period__year=year, person_id__in=persons))
    _forget(RollLine.objects.filter(pk__in=line_ids))


def rebuild() -> None:
    """Recompute the whole summary from the ledger."""
    PaidYear.objects.all().delete()
    _insert(_paid())
    _forget(None)
