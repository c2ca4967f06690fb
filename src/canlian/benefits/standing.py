"""The settled grants' regular lines of a monthly roll, computed in the database.

Most grants of a month are *settled*: neither the grant nor its person has changed since
last month's roll read its inputs, none of the person's payments failed, and the person has
one grant of the subsidy. For these only the month itself can be owed, and the amount
depends on a few facts (subsidy, certificate state, category, grade, household type,
declared facts). At a million persons that is some 370,000 grants and a few hundred
distinct combinations of facts, so:

1. one ``CREATE TEMP TABLE … AS SELECT`` gathers the grants that are due this month and
   not yet paid for it, with their facts and a ``fact_key``: the same normalised facts
   ``rolls._key`` keys its decisions by, as one text; the persons reviewed month by month
   are then deleted from it, which leaves the settled grants;
2. the pure rules decide one representative grant per fact key, in Python;
3. one ``INSERT … SELECT`` writes the lines, joined to the amounts by fact key.

Only (grant, fact key) pairs travel to Python, for the roll's digest. Every other person
(marked in a second temp table, ``mark_review``) is reviewed month by month in ``rolls``; the
test ``test_standing_lines_equal_the_reviewed_lines`` holds the two paths to the same
answer. The SQL is plain enough for both PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from canlian.accounts import scoping
from canlian.core import bulk
from canlian.people.models import Person
from canlian.regions.models import Region

TABLE = "roll_standing"
REVIEW = "roll_review"  # persons reviewed month by month in ``rolls`` (never settled here)
# The grants held back on the month (an open suspension, or one without back pay), as one
# hashed list: the planner ran the equivalent NOT EXISTS as a nested loop per grant (0.7 s
# at a million persons, even with no suspension at all).
SUSPENDED = """g.id IN (SELECT s.grant_id FROM benefits_suspension s
    WHERE (s.to_month IS NULL OR NOT s.back_pay) AND s.from_month <= %(month)s
      AND (s.to_month IS NULL OR s.to_month >= %(month)s))"""
# Paid for the month already, by the finalised rolls of this month or later (usually none):
# their ids are read first, because the planner, asked for a join, scanned a regenerated
# draft's own lines for the month against the roll table (13 s at a million persons).
PAID_THIS_MONTH = """AND (g.person_id, g.subsidy) NOT IN (SELECT l.person_id, l.subsidy
    FROM benefits_rollline l WHERE l.roll_id IN ({rolls}) AND l.period = %(month)s
      AND l.kind IN ('regular', 'arrears', 'reissue') AND l.payment_status <> 'failed'
      AND l.recovered_by IS NULL)"""
# The certificate state on the month, as ``rolls._key`` normalises it.
CERT_STATE = """CASE
    WHEN c.status IS NULL THEN 'none'
    WHEN c.status IN ('cancelled', 'expired', 'replaced') AND c.ended_on > %(month)s THEN 'issued'
    WHEN c.status = 'issued' AND c.valid_until < %(month)s
         AND c.ended_on > %(month)s THEN 'issued'
    WHEN c.status = 'issued' AND c.valid_until < %(month)s THEN 'expired'
    ELSE c.status END"""
INCOME_MATTERS = ("g.subsidy = 'living' AND COALESCE(h.household_type, 'ordinary') "
                  "NOT IN ('dibao', 'tekun')")
# The normalised facts ``rolls._key`` keys its decisions by, as one text (hashed, not sorted:
# a few hundred distinct values among some 370,000 grants).
KEY_PARTS = (
    "g.subsidy", CERT_STATE, "c.category", "c.grade", "COALESCE(h.household_type, 'ordinary')",
    "CASE WHEN p.death_date IS NULL OR p.death_date > %(month)s THEN 1 ELSE 0 END",
    "g.needs_long_term_care", "g.care_months", "g.institutional_care", "g.hukou_in_region",
    "g.work_injury_care_allowance", "g.orphan_basic_living", "g.other_allowances",
    f"CASE WHEN {INCOME_MATTERS} THEN h.monthly_income_per_capita END",
    f"CASE WHEN {INCOME_MATTERS} THEN g.own_income END",
    f"CASE WHEN {INCOME_MATTERS} THEN p.birth_date END",
)
FACT_KEY = " || '|' || ".join(f"COALESCE(CAST({part} AS TEXT), '-')" for part in KEY_PARTS)
CREATE = f"""
CREATE TEMP TABLE {TABLE} AS
SELECT g.id AS grant_id, g.person_id, g.subsidy, p.village_id AS village_code,
    p.name AS payee, g.bank_account,
    c.status AS cert_status, c.valid_until AS cert_valid_until, c.ended_on AS cert_ended_on,
    c.category AS cert_category, c.grade AS cert_grade, h.household_type,
    h.monthly_income_per_capita AS income, p.birth_date, p.death_date,
    g.needs_long_term_care, g.care_months, g.institutional_care, g.own_income,
    g.hukou_in_region, g.work_injury_care_allowance, g.orphan_basic_living,
    g.other_allowances, {FACT_KEY} AS fact_key
FROM benefits_grant g
JOIN people_person p ON p.id = g.person_id
LEFT JOIN people_household h ON h.id = p.household_id
LEFT JOIN (
    SELECT person_id, status, valid_until, ended_on, category, grade, ROW_NUMBER() OVER (
        PARTITION BY person_id ORDER BY issue_date DESC, id DESC) AS latest
    FROM certificates_certificate WHERE person_id IN (SELECT person_id FROM benefits_grant)
    ) c ON c.person_id = g.person_id AND c.latest = 1
WHERE {{region}}
  AND g.start_month < %(month)s AND g.first_payable_month <= %(month)s
  AND (g.end_month IS NULL OR g.end_month >= %(month)s)
  AND NOT {SUSPENDED}
  {{paid_this_month}}
"""
RAW = ("subsidy", "cert_status", "cert_valid_until", "cert_ended_on", "cert_category",
       "cert_grade", "household_type", "income", "birth_date", "death_date",
       "needs_long_term_care", "care_months", "institutional_care", "own_income",
       "hukou_in_region", "work_injury_care_allowance", "orphan_basic_living",
       "other_allowances")
DATES = ("cert_valid_until", "cert_ended_on", "birth_date", "death_date")
FLAGS = ("needs_long_term_care", "institutional_care", "hukou_in_region",
         "work_injury_care_allowance", "orphan_basic_living")
REASON = "本月发放"


def unsettled_q(since: dt.datetime, month: dt.date) -> Q:
    """The grants left to the month-by-month review, as a Django filter: new this month, or
    changed (grant or person) since last month's roll read its inputs. The caller adds
    those with failed payments and persons with several grants of a subsidy, and marks
    every grant of those persons (``mark_review``). Each part is an indexed lookup."""
    return (Q(start_month__gte=month) | Q(updated_at__gte=since)
            | Q(person_id__in=Person.objects.filter(updated_at__gte=since).values("id")))


@dataclass
class Standing:
    """The settled grants' regular lines of ``month``, held in the temp table until written."""

    month: dt.date
    amounts: dict[str, tuple[Decimal, str]]  # fact key -> (amount, rule version), payable
    pairs: list[tuple[int, str]]  # (grant, fact key) of every settled grant due this month

    @cached_property
    def payable(self) -> list[tuple[int, Decimal]]:
        """(grant, amount) of each line: the settled grants whose facts make them payable."""
        return [(grant, self.amounts[key][0]) for grant, key in self.pairs if key in self.amounts]

    def digest_text(self) -> str:
        """The lines for the roll's digest: grant and amount, in grant order (sorting
        integers: a third of the time of sorting the lines' full keys)."""
        texts = {key: f" {amount}" for key, (amount, _) in self.amounts.items()}
        # ``pairs`` come in grant order from the database, so sorting is one pass.
        return f"\nstanding {self.month}\n" + "\n".join(
            f"{grant}{texts[key]}" for grant, key in sorted(
                (grant, key) for grant, key in self.pairs if key in texts))

    @property
    def count(self) -> int:
        return len(self.payable)

    @property
    def total(self) -> Decimal:
        return sum((amount for _, amount in self.payable), Decimal(0))

    def write(self, roll_id: int) -> int:
        """Insert the lines into the roll (one statement per 5,000 fact keys)."""
        written = 0
        keys = list(self.amounts.items())
        with connection.cursor() as cursor:
            for start in range(0, len(keys), 5000):
                chunk = keys[start:start + 5000]
                values = ", ".join(["(%s, %s, %s)"] * len(chunk))
                cursor.execute(
                    f"""WITH a(fact_key, amount, rule_version) AS (VALUES {values})
                    INSERT INTO benefits_rollline (roll_id, grant_id, person_id, subsidy, period,
                        kind, amount, rule_version, reason, village_code, payee, bank_account,
                        payment_status, failure_reason)
                    SELECT %s, t.grant_id, t.person_id, t.subsidy, %s, 'regular',
                        CAST(a.amount AS NUMERIC), a.rule_version, %s, t.village_code, t.payee,
                        t.bank_account, 'pending', ''
                    FROM {TABLE} t JOIN a ON a.fact_key = t.fact_key
                    ORDER BY t.grant_id""",
                    [v for key, (amount, version) in chunk for v in (key, amount, version)]
                    + [roll_id, self.month, REASON])
                written += cursor.rowcount
        return written


def drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {REVIEW}")


def mark_review(persons: set[int]) -> None:
    """Hold the persons reviewed month by month in a temp table (thousands of ids on a usual
    month, all of them after a bulk change): the settled pass leaves them out and the review
    reads their grants and payments through ``review_subquery``."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {REVIEW}")
        cursor.execute(f"CREATE TEMP TABLE {REVIEW} (person_id BIGINT PRIMARY KEY)")
    bulk.insert(REVIEW, ("person_id",), ((p,) for p in sorted(persons)))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {REVIEW}")


def review_subquery() -> RawSQL:
    """The reviewed persons, for ``person_id__in=``."""
    return RawSQL(f"SELECT person_id FROM {REVIEW}", ())  # noqa: S611


def gather(region: Region, month: dt.date, decide: Any) -> Standing:
    """Fill the temp table with the settled grants due this month (every grant of the
    region whose person is not marked for review) and decide each combination with
    ``decide(row, month)``, which returns an ``eligibility.Decision``. The caller drops the
    tables with ``drop()``."""
    in_region, region_params = scoping.region_sql(region, "p.village_id")
    ops = connection.ops
    params = {"month": ops.adapt_datefield_value(month), **region_params}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        # Within the roll's transaction (parallel workers are left as configured).
        bulk.tune_statement(cursor, parallel=True)
        cursor.execute("SELECT id FROM benefits_roll WHERE status = 'finalised' "
                       "AND month >= %s", [params["month"]])
        paid_rolls = ", ".join(str(int(r[0])) for r in cursor.fetchall())
        cursor.execute(CREATE.format(region=in_region,
                                     paid_this_month=PAID_THIS_MONTH.format(rolls=paid_rolls)
                                     if paid_rolls else ""), params)
        # The reviewed persons are taken out afterwards, not in the statement above: a temp
        # table in it keeps PostgreSQL from parallel workers (4.5 s against 2.4 s for the
        # 377,622 grants of a million persons; the review is thousands of persons a month).
        cursor.execute(f"DELETE FROM {TABLE} WHERE person_id IN (SELECT person_id FROM {REVIEW})")
        cursor.execute(f"SELECT grant_id, fact_key FROM {TABLE} ORDER BY grant_id")
        pairs = cursor.fetchall()
        cursor.execute(f"""SELECT fact_key, {", ".join(RAW)} FROM {TABLE} WHERE grant_id IN (
            SELECT MIN(grant_id) FROM {TABLE} GROUP BY fact_key)""")
        representatives = cursor.fetchall()
    amounts: dict[str, tuple[Decimal, str]] = {}
    for key, *values in representatives:
        row = _row(dict(zip(RAW, values, strict=True)))
        decision = decide(row, month)
        if decision.eligible and decision.monthly_amount > 0:
            amounts[key] = (decision.monthly_amount, decision.rule_version)
    return Standing(month, amounts, [(g, k) for g, k in pairs])


def _row(row: dict[str, Any]) -> dict[str, Any]:
    """A temp-table row as ``rolls.grant_rows`` gives it (SQLite returns text and 0/1)."""
    for key in DATES:
        if isinstance(row[key], str):
            row[key] = dt.date.fromisoformat(row[key][:10])
    for key in FLAGS:
        row[key] = bool(row[key])
    if isinstance(row["other_allowances"], str):
        row["other_allowances"] = json.loads(row["other_allowances"])
    for key in ("income", "own_income"):
        if row[key] is not None and not isinstance(row[key], Decimal):
            row[key] = Decimal(str(row[key]))
    return row
