"""A progress bar for long command-line work (``canlian seed``, ``canlian import``,
``canlian subsidies roll``), drawn on standard error when it is a terminal.

Why not a library: the commands need one line redrawn in place (count, bar, percent, rate,
time left) and nothing else. tqdm and rich do this and much more, but neither is a
dependency today, and rich would bring its own rendering stack into every process that
imports a command; forty lines here do the job, follow the commands' own output (stdout
stays for results, so a redirect still captures them), and stay silent when standard error
is not a terminal (cron, CI logs, the scheduler), where a redrawn line is noise.

    with Progress("persons", total=20_000) as bar:
        for i in ...: bar.update(i + 1)
    steps = Progress("roll", total=3); steps.step("computing the payments") …
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

WIDTH = 28
EVERY = 0.1  # seconds between two redraws


class Progress:
    """``update(done)`` / ``step(note)``, redrawn at most every ``EVERY`` seconds."""

    def __init__(self, label: str, total: int | None = None, *, stream: IO[str] | None = None,
                 enabled: bool | None = None) -> None:
        self.label, self.total = label, total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled if enabled is not None else _is_tty(self.stream)
        self.done, self.note = 0, ""
        self.started = time.monotonic()
        self._drawn = 0.0
        self._width = 0
        self._stepping = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def update(self, done: int, total: int | None = None, note: str = "") -> None:
        self.done = done
        if total is not None:
            self.total = total
        if note:
            self.note = note
        if self.enabled and (time.monotonic() - self._drawn >= EVERY or done == self.total):
            self._draw()

    def step(self, note: str) -> None:
        """Start the next step of work counted in steps (``total`` = how many): the steps
        before it are done."""
        if self._stepping:
            self.done += 1
        self._stepping = True
        self.note = note
        if self.enabled:
            self._draw()

    def finish(self) -> None:
        """All done: the bar full, then a new line."""
        if self.total:
            self.done = self.total
        self.note = ""
        self.close()

    def line(self) -> str:
        """The text of the bar as it would be drawn now."""
        elapsed = time.monotonic() - self.started
        parts = [self.label]
        if self.total:
            share = min(1.0, self.done / self.total)
            filled = round(WIDTH * share)
            parts.append(f"[{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%}")
            parts.append(f"{self.done:,}/{self.total:,}")
            if 0 < self.done < self.total and elapsed > 1:
                left = elapsed * (self.total - self.done) / self.done
                parts.append(f"~{_duration(left)} left")
        else:
            parts.append(f"{self.done:,}")
        parts.append(_duration(elapsed))
        if self.note:
            parts.append(self.note)
        return "  ".join(parts)

    def _draw(self) -> None:
        self._drawn = time.monotonic()
        text = self.line()
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._width:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
