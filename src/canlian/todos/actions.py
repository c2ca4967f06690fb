"""Writes of to-dos (待办事项): the one way a to-do is opened, and marking one done.

Every program that tells the township staff about a person (certificates, subsidies, a
death) opens its to-do here, so each reads "<name>：<what to do>" and is due a number of
working days from the deployment's today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest

from canlian.accounts import scoping
from canlian.accounts.roles import Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.certificates.workflow import add_working_days
from canlian.core import clock
from canlian.core.domain import DomainError

from . import queries
from .models import Todo

if TYPE_CHECKING:
    from canlian.accounts.models import User
    from canlian.events.models import EventRecord
    from canlian.people.models import Person


def open_todo(person: Person, *, kind: str, title: str, days: int = 10,
              source_event: EventRecord | None = None, role: str = Role.TOWNSHIP_STAFF,
              subject: Any = None) -> Todo:
    """Open a to-do about ``person`` for the workers of their village's region; ``subject``
    is the record to work on (linked from the to-do and checked when it is marked done)."""
    return Todo.objects.create(
        person=person, village_id=person.village_id, role=role, kind=kind,
        title=f"{person.name}：{title}", due=add_working_days(clock.today(), days),
        source_event=source_event,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
    )


def open_many(todos: list[Todo]) -> list[Todo]:
    """Open many to-dos at once (a scheduled sweep's reminders), set-based; the caller has
    left out persons who already have an open one of the kind."""
    return Todo.objects.bulk_create(todos, batch_size=1000)


def visible_todos(user: User) -> Any:
    """The to-dos in the user's region (the scoping layer's condition on their village)."""
    return Todo.objects.filter(scoping.region_q(user, "village__code"))


class TodoNotDone(DomainError):
    """The work of a to-do is not done yet, and no reason to close it was given."""

    code = "todo_not_done"


@transaction.atomic
def mark_done(user: User, pk: int, *, note: str = "",
              request: HttpRequest | None = None) -> Todo:
    """Mark an open to-do in the user's region done (``Todo.DoesNotExist`` otherwise).

    The work is checked first (``queries.outstanding``): a to-do whose work is not done, or
    cannot be confirmed from the records, is closed only with a ``note`` saying why
    (:class:`TodoNotDone` otherwise), so "完成" cannot be one careless click."""
    todo = visible_todos(user).select_related("person").get(pk=pk, done_at=None)
    note = " ".join(note.split())[:200]
    missing = queries.outstanding(todo)
    if missing and not note:
        raise TodoNotDone(missing)
    Todo.objects.filter(pk=todo.pk, done_at=None).update(done_at=clock.now(), done_by=user,
                                                        done_note=note if missing else "")
    record(user=user, action=Action.TRANSITION, obj=todo, person=todo.person, request=request,
           summary=f"to-do done: {todo.kind}" + (f"; reason: {note}" if missing else ""))
    return todo
