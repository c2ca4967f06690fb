"""The small-count rule: counts 1–4 hidden, complements hidden so totals give nothing away."""

from canlian.disclosure.suppression import HIDDEN, suppress


def _derivable(t):
    """Cells a reader could work out from the shown cells and totals (one unknown in a line)."""
    found = set()
    for r in t.rows:
        unknown = [(r, c) for c in t.columns if t.cells[r, c] is None]
        if len(unknown) == 1 and t.row_totals[r] is not None:
            found.add(unknown[0])
    for c in t.columns:
        unknown = [(r, c) for r in t.rows if t.cells[r, c] is None]
        if len(unknown) == 1 and t.column_totals[c] is not None:
            found.add(unknown[0])
    return found


def test_primary_and_complementary_suppression():
    values = {("a", "x"): 3, ("a", "y"): 40, ("a", "z"): 12,
              ("b", "x"): 20, ("b", "y"): 0, ("b", "z"): 9}
    t = suppress(values, ["a", "b"], ["x", "y", "z"])
    assert t.cells["a", "x"] is None  # 3: primary
    assert t.cells["a", "z"] is None  # the smallest other cell of row a: complementary
    assert t.cells["b", "y"] == 0  # zero is shown
    # column x (3 hidden, total 23 shown) needs a complement too: b·x; then row b: b·z
    assert t.cells["b", "x"] is None and t.cells["b", "z"] is None
    assert _derivable(t) == set()
    assert (t.row_totals, t.column_totals, t.total) == ({"a": 55, "b": 29},
                                                         {"x": 23, "y": 40, "z": 21}, 84)
    assert t.shown(t.cells["a", "x"]) == HIDDEN and t.shown(t.total) == "84"


def test_a_lone_small_cell_hides_its_total_when_nothing_else_can():
    t = suppress({("a", "x"): 2, ("b", "x"): 30, ("b", "y"): 7}, ["a", "b"], ["x", "y"])
    assert t.row_totals["a"] is None  # a = 2 + 0: the total is 2, hidden (primary)
    assert t.cells["a", "x"] is None
    assert _derivable(t) == set()
    # the row totals' line: a hidden, so another row total is hidden too
    assert t.row_totals["b"] is None or t.total is None


def test_nothing_small_nothing_hidden():
    values = {(r, c): 10 + i for i, (r, c) in enumerate((r, c) for r in "ab" for c in "xy")}
    t = suppress(values, ["a", "b"], ["x", "y"])
    assert None not in t.cells.values() and t.total == sum(values.values())


def test_every_random_table_leaves_nothing_derivable():
    import random

    rng = random.Random(5)
    for _ in range(300):
        rows, cols = list("abcd")[:rng.randint(1, 4)], list("wxyz")[:rng.randint(1, 4)]
        values = {(r, c): rng.choice([0, 1, 2, 3, 4, 5, 8, 20, 60]) for r in rows for c in cols}
        t = suppress(values, rows, cols)
        assert _derivable(t) == set(), values
        for k, n in values.items():
            assert t.cells[k] is None or not 0 < n < 5
