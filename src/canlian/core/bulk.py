"""Fast bulk inserts: COPY on PostgreSQL, batched multi-row INSERT elsewhere.

Used where many rows are written at once (payment rolls, the demo seeder, benchmarks);
rows are tuples in ``columns`` order. Runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
           batch: int = 2000) -> int:
    count = 0
    if connection.vendor == "postgresql":
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    # SQLite allows at most 32766 bound variables per statement.
    batch = max(1, min(batch, 32000 // max(1, len(columns))))
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    pending: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        def flush() -> None:
            sql = (f"INSERT INTO {connection.ops.quote_name(table)} ({cols}) VALUES "
                   + ", ".join([placeholder] * len(pending)))
            cursor.execute(sql, [v for r in pending for v in r])
            pending.clear()

        for row in rows:
            pending.append(row)
            count += 1
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
    return count
