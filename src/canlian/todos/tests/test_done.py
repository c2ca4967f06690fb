"""Marking a to-do done checks that the work was done (issue 23): the pre-filled
application submitted or decided, the renewal started, the follow-up recorded; otherwise
the user is told why and may close it only with a reason. Each to-do links to the thing to
do, and the count above the list is the number of items listed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from canlian.benefits.models import SubsidyApplication
from canlian.core import clock
from canlian.todos import actions, queries
from canlian.todos.models import Todo


@pytest.fixture
def prefilled(make_person, db):
    person = make_person(name="王预填")
    app = SubsidyApplication.objects.create(person=person, subsidy="nursing", state="prefilled",
                                            village_id=person.village_id, channel="auto",
                                            applied_on=clock.today())
    todo = actions.open_todo(person, kind="subsidy_prefilled", title="已预填申请", subject=app)
    return todo, app


def test_a_prefilled_application_must_be_submitted_before_done(client, users, prefilled):
    todo, app = prefilled
    client.force_login(users.township)
    page = client.get(reverse("certificates:queue")).content.decode()
    assert reverse("benefits:application", args=[app.pk]) in page  # links to the application
    response = client.post(reverse("certificates:todo_done", args=[todo.pk]), follow=True)
    assert "预填申请尚未提交或审批" in response.content.decode()
    todo.refresh_from_db()
    assert todo.done_at is None
    SubsidyApplication.objects.filter(pk=app.pk).update(state="applied")  # submitted
    response = client.post(reverse("certificates:todo_done", args=[todo.pk]), follow=True)
    todo.refresh_from_db()
    assert todo.done_at is not None and todo.done_note == ""


def test_a_reason_closes_a_todo_whose_work_is_not_done(users, prefilled):
    todo, _app = prefilled
    with pytest.raises(actions.TodoNotDone):
        actions.mark_done(users.township, todo.pk, note="   ")
    actions.mark_done(users.township, todo.pk, note="本人已申请低保，暂不申请")
    todo.refresh_from_db()
    assert todo.done_note == "本人已申请低保，暂不申请"


def test_work_the_records_cannot_show_needs_a_note(users, make_person):
    person = make_person()
    todo = actions.open_todo(person, kind="death_followup", title="已登记死亡")
    assert queries.outstanding(todo)
    with pytest.raises(actions.TodoNotDone):
        actions.mark_done(users.township, todo.pk)
    actions.mark_done(users.township, todo.pk, note="已核实，补贴已停发")
    assert Todo.objects.get(pk=todo.pk).done_at is not None


def test_a_follow_up_todo_is_done_when_the_follow_up_is(users, make_person):
    from canlian.community.models import Visit

    person = make_person()
    visit = Visit.objects.create(person=person, visited_on=clock.today(), findings="x",
                                 follow_up="修轮椅", follow_up_due=clock.today())
    todo = actions.open_todo(person, kind="visit_follow_up", title="走访跟进", role="village_worker")
    assert queries.outstanding(todo)
    Visit.objects.filter(pk=visit.pk).update(follow_up_done_on=clock.today())
    assert queries.outstanding(todo) == ""
    assert queries.target(todo).url == reverse("community:follow_ups")


def test_the_count_equals_the_items_listed(client, users, make_person, regions):
    for i in range(3):
        actions.open_todo(make_person(name=f"赵{i}"), kind="death_followup", title="核实")
    actions.open_todo(make_person(name="钱外", village=regions.v2a), kind="death_followup",
                      title="核实")  # another township's
    client.force_login(users.township)
    page = client.get(reverse("certificates:queue")).content.decode()
    listed = len(re.findall(r'<li id="todo-', page))
    assert listed == 3 and "待办事项 3 件" in page
    assert "钱外" not in page
