"""The to-do writes: one creator, and marking done scoped and audited."""

from __future__ import annotations

import datetime as dt

import pytest

from canlian.audit.models import Action, AuditEvent
from canlian.core import clock
from canlian.todos import actions
from canlian.todos.models import Todo

pytestmark = pytest.mark.django_db


def test_open_todo_names_the_person_and_counts_working_days(make_person):
    person = make_person(name="李四")
    with clock.frozen(dt.date(2024, 3, 1)):  # a Friday
        todo = actions.open_todo(person, kind="check", title="请核查", days=5)
    assert todo.title == "李四：请核查"
    assert todo.village_id == person.village_id
    assert todo.role == "township_staff"
    assert todo.due == dt.date(2024, 3, 8)


def test_mark_done_is_audited(users, make_person):
    person = make_person()
    todo = actions.open_todo(person, kind="check", title="请核查")
    actions.mark_done(users.township, todo.pk, note="已核查")
    todo.refresh_from_db()
    assert todo.done_at is not None and todo.done_by == users.township
    event = AuditEvent.objects.get(action=Action.TRANSITION, object_type="todo")
    assert event.person_id == person.pk and event.actor_id == users.township.pk


def test_mark_done_refuses_another_region_and_a_done_todo(users, make_person):
    person = make_person()
    todo = actions.open_todo(person, kind="check", title="请核查")
    with pytest.raises(Todo.DoesNotExist):
        actions.mark_done(users.township2, todo.pk)
    actions.mark_done(users.township, todo.pk, note="已核查")
    with pytest.raises(Todo.DoesNotExist):
        actions.mark_done(users.township, todo.pk, note="已核查")
    assert not AuditEvent.objects.filter(actor=users.township2).exists()
