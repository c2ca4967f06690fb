"""Small-count suppression (小数抑制) for published tables, so no person can be recognised.

The rule (stated on the public page and in docs/plan-implementation.md):

1. **Primary**: a count from 1 to 4 is not shown; it reads "<5". Zero is shown.
   Totals follow the same rule.
2. **Complementary**: a published total must not give a hidden cell away by subtraction.
   In any row or column whose total is shown and which has exactly one hidden cell, the
   smallest other non-zero cell is hidden too (or, when there is none, the total). This
   is repeated until no row or column has a lone hidden cell.
3. A sum of money (subsidies paid) is hidden whenever the count of persons it was paid to
   is hidden.

Pure: takes and returns plain values; no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
HIDDEN = "<5"


@dataclass
class Table:
    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int | None]  # None: hidden
    row_totals: dict[str, int | None]
    column_totals: dict[str, int | None]
    total: int | None

    def shown(self, value: int | None) -> str:
        return HIDDEN if value is None else f"{value:,}"


def _small(n: int, threshold: int) -> bool:
    return 0 < n < threshold


def suppress(values: dict[tuple[str, str], int], rows: list[str], columns: list[str],
             threshold: int = THRESHOLD) -> Table:
    """The table of ``values`` (missing cells are 0) with rules 1 and 2 applied."""
    v = {(r, c): int(values.get((r, c), 0)) for r in rows for c in columns}
    row_tot = {r: sum(v[r, c] for c in columns) for r in rows}
    col_tot = {c: sum(v[r, c] for r in rows) for c in columns}
    grand = sum(row_tot.values())
    hidden = {k for k, n in v.items() if _small(n, threshold)}
    hidden_rt = {r for r, n in row_tot.items() if _small(n, threshold)}
    hidden_ct = {c for c, n in col_tot.items() if _small(n, threshold)}
    grand_hidden = _small(grand, threshold)

    def protect(line: list[tuple[str, str]], total_hidden: bool) -> str:
        """One line (a row or a column) with its total: "" when safe, "cell" when a
        complementary cell was hidden, "total" when the total must be hidden instead."""
        lone = [k for k in line if k in hidden]
        if len(lone) != 1 or total_hidden:
            return ""
        others = sorted((v[k], k) for k in line if k not in hidden and v[k] > 0)
        if others:
            hidden.add(others[0][1])
            return "cell"
        return "total"

    changed = True
    while changed:
        changed = False
        for r in rows:
            outcome = protect([(r, c) for c in columns], r in hidden_rt)
            if outcome == "total":
                hidden_rt.add(r)
            changed |= bool(outcome)
        for c in columns:
            outcome = protect([(r, c) for r in rows], c in hidden_ct)
            if outcome == "total":
                hidden_ct.add(c)
            changed |= bool(outcome)
        # the line of totals against the grand total, the same way
        for group, tot in ((hidden_rt, row_tot), (hidden_ct, col_tot)):
            if len(group) == 1 and not grand_hidden:
                rest = sorted((n, k) for k, n in tot.items() if k not in group and n > 0)
                if rest:
                    group.add(rest[0][1])
                else:
                    grand_hidden = True
                changed = True
    return Table(
        rows=rows, columns=columns,
        cells={k: None if k in hidden else n for k, n in v.items()},
        row_totals={r: None if r in hidden_rt else n for r, n in row_tot.items()},
        column_totals={c: None if c in hidden_ct else n for c, n in col_tot.items()},
        total=None if grand_hidden else grand)
