"""The one shape of a refused domain operation.

An action that refuses (the record's state does not allow the step, a roll is already
final, a sign-in code is wrong) raises a ``DomainError``: ``code`` is stable for programs
and tests, ``message`` is written for the person in the active language (an English msgid
translated through Django's gettext; a lazy string is resolved when raised). Each app's error
is a subclass naming its default code, so a view can catch the app's class or any
``DomainError`` and show ``message``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused operation: a stable ``code`` and a ``message`` for the user."""

    code = "refused"

    def __init__(self, message: Any, code: str | None = None) -> None:
        message = str(message)
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
