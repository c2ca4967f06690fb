"""SQL expressions of the person search, shared by the indexes and the queries.

An expression index is used only when the query's expression is written exactly like the
index's. Django's ``Right``/``Substr`` pass their numbers as bound parameters, which
SQLite does not match against the literal numbers of ``CREATE INDEX``; these two carry
their numbers in the SQL text, so the search conditions of ``people.queries`` hit the
indexes declared in ``Person.Meta`` on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class IdTail(models.Func):
    """The last four characters of a resident ID: what the masked lists show."""

    template = "RIGHT(%(expressions)s, 4)"
    output_field = models.CharField()

    def __init__(self, expression: Any = "resident_id", **extra: Any) -> None:
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="SUBSTR(%(expressions)s, -4)", **extra)


class GivenName(models.Func):
    """A name without its first character: the given name after a one-character surname
    (most Chinese surnames), so "强霞" finds 王强霞."""

    template = "SUBSTR(%(expressions)s, 2)"
    output_field = models.CharField()

    def __init__(self, expression: Any = "name", **extra: Any) -> None:
        super().__init__(expression, **extra)
