"""The command-line progress bar (core.progress): drawn in place on a terminal, silent in a
log, so ``canlian seed``/``import``/``subsidies roll`` show progress without cluttering cron
mail or CI output."""

import io

from django.core.management import call_command

from canlian.core import progress
from canlian.core.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_redrawn_in_place(monkeypatch):
    monkeypatch.setattr(progress, "EVERY", 0)
    out = Terminal()
    with Progress("persons", total=2000, stream=out) as bar:
        bar.update(500)
        bar.update(2000)
    text = out.getvalue()
    assert text.count("\r") >= 2 and text.endswith("\n") and "\n" not in text[:-1]
    assert "25%" in text and "500/2,000" in text
    assert "[############################] 100%" in text and "2,000/2,000" in text


def test_steps_count_the_steps_before_the_current_one():
    bar = Progress("records", total=3, stream=Terminal())
    bar.step("care")
    assert (bar.done, bar.note) == (0, "care")
    bar.step("exchange")
    assert bar.done == 1 and "exchange" in bar.line() and "1/3" in bar.line()
    bar.finish()
    assert bar.done == 3


def test_a_log_gets_nothing():
    log = io.StringIO()
    with Progress("rows", total=10, stream=log) as bar:
        bar.update(5)
        bar.step("x")
    assert log.getvalue() == ""
    counting = Progress("rows", stream=Terminal(), enabled=True)
    counting.update(1234, note="12 rejected")
    assert "1,234" in counting.line() and "12 rejected" in counting.line()


def test_the_seed_command_still_writes_its_summary_with_the_bars(db, capsys):
    out = io.StringIO()
    call_command("seed", "--deployment", "linzi", "--persons", "30", "--no-users", stdout=out)
    assert "30 new" in out.getvalue()
    assert "\r" not in out.getvalue()  # the bar never goes to stdout
