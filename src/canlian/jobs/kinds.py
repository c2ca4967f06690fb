"""The registry of job kinds: what each kind of background job is called, who may start
and see it, and the function that does the work.

An app registers its kinds in its own ``jobs`` module (found at start-up by
``JobsConfig.ready``), e.g. ``people/jobs.py``::

    register(Kind("people.roster_import", _("Roster import"), Capability.IMPORT_PEOPLE,
                  run=import_roster))

``run(context)`` does the work (``runner.Context``: the job, its owner, its input files,
``progress``, ``message``, ``result_file``) and returns a JSON-able summary shown on the
job's page; it raises ``JobError`` with a message for the user when the work cannot be
done (a bad file), and anything else for a fault (logged, the user sees a generic message).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from canlian.accounts.roles import Capability


class JobError(Exception):
    """The job cannot be done, for a reason its owner can act on (shown to them)."""


@dataclass(frozen=True)
class Kind:
    code: str  # "<app>.<what>", stored with each job
    label: Any  # a lazy translated name (Chinese first)
    capability: Capability  # needed to start a job of this kind, or to see others' jobs
    run: Callable[[Any], dict[str, Any]]
    # A template showing a finished job's summary (given ``result``), and a page showing it
    # in full (a URL name taking the summary's ``detail_pk``), where the kind has them.
    summary_template: str = ""
    detail_url: str = ""


REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.code in REGISTRY and REGISTRY[kind.code] is not kind:
        raise ValueError(f"job kind {kind.code} registered twice")
    REGISTRY[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return REGISTRY[code]
    except KeyError:
        raise JobError(f"unknown job kind {code!r}") from None


def allowed(user: Any) -> list[str]:
    """The kinds a user may start (and whose jobs in their region they may see)."""
    return [code for code, kind in REGISTRY.items() if user.can(kind.capability)]
