"""Reads of to-dos (待办事项): the open list of a user's region, where each to-do's work is
done, and whether the records show that it has been done.

Issue 23: "完成" took one click with no check, and items linked to the person instead of
the thing to do. Each kind of to-do says here what record it is about and what state of
that record means "done"; kinds the records cannot confirm (a death's follow-up, a stopped
grant to check for over-payment) are closed only with a note saying what was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canlian.accounts import scoping
from canlian.benefits.models import Grant, SubsidyApplication
from canlian.certificates.models import Application, Certificate
from canlian.certificates.workflow import OPEN_STATES
from canlian.community.models import Visit
from canlian.core import clock

from .models import Todo

LIST_LIMIT = 200

# Kinds whose work the records show; every other kind needs a note to be closed.
CHECKED = ("subsidy_prefilled", "check_eligibility", "certificate_renewal",
           "application_overdue", "visit_follow_up")


@dataclass(frozen=True)
class Target:
    """Where the work of a to-do is done: a page and the words of its link."""

    url: str
    label: Any


def open_todos(user: Any) -> Any:
    """The open to-dos of the user's region, most urgent first: the to-do page lists these
    and the start page counts these, so the two numbers agree."""
    return (Todo.objects.filter(scoping.region_q(user, "village__code"), done_at=None)
            .select_related("person").order_by("due", "id"))


def _prefilled(todo: Todo) -> Any:
    """The pre-filled subsidy application of a ``subsidy_prefilled`` to-do: its subject, or
    for a to-do opened before subjects were kept, the person's pre-filled application."""
    apps = SubsidyApplication.objects.filter(person_id=todo.person_id)
    if todo.subject_type == "benefits.subsidyapplication" and todo.subject_id:
        return apps.filter(pk=todo.subject_id).first()
    return apps.filter(state="prefilled").order_by("-id").first() or apps.order_by("-id").first()


def target(todo: Todo) -> Target:
    """The page where the to-do's work is done (not only the person's record)."""
    if todo.kind == "subsidy_prefilled" and (app := _prefilled(todo)) is not None:
        return Target(reverse("benefits:application", args=[app.pk]),
                      gettext_lazy("Open the pre-filled application"))
    if todo.kind == "check_eligibility":
        return Target(reverse("benefits:apply", args=[todo.person_id]),
                      gettext_lazy("Check the subsidies"))
    if todo.kind == "certificate_renewal":
        return Target(reverse("certificates:apply", args=[todo.person_id]) + "?kind=renewal",
                      gettext_lazy("Start renewal"))
    if todo.kind == "application_overdue" and (app := _overdue_application(todo)) is not None:
        return Target(reverse("certificates:application", args=[app.pk]),
                      gettext_lazy("Open the application"))
    if todo.kind == "visit_follow_up":
        return Target(reverse("community:follow_ups"), gettext_lazy("Open the follow-ups"))
    return Target(reverse("people:detail", args=[todo.person_id]), gettext_lazy("Open record"))


def _overdue_application(todo: Todo) -> Any:
    return (Application.objects.filter(person_id=todo.person_id,
                                       state__in=[s.value for s in OPEN_STATES],
                                       due__lt=clock.today()).order_by("due").first())


def outstanding(todo: Todo) -> str:
    """Why the to-do cannot simply be marked done ("" when the records show the work done):
    the message the user sees, asking for a note when they close it anyway."""
    kind = todo.kind
    if kind == "subsidy_prefilled":
        app = _prefilled(todo)
        if app is not None and app.state == "prefilled":
            return _("The pre-filled application has not been submitted or decided yet: open "
                     "it and submit, reject or withdraw it, or give the reason to close this "
                     "to-do.")
        return ""
    if kind == "check_eligibility":
        decided = SubsidyApplication.objects.filter(
            person_id=todo.person_id, created_at__gte=todo.created_at).exclude(state="prefilled")
        if decided.exists() or Grant.objects.filter(person_id=todo.person_id).exclude(
                status="stopped").exists():
            return ""
        return _("No subsidy application has been submitted or decided for this person since "
                 "the to-do was opened: give the reason the person needs none.")
    if kind == "certificate_renewal":
        renewed = Application.objects.filter(
            person_id=todo.person_id, kind="renewal", created_at__gte=todo.created_at).exists()
        if renewed or (todo.due and Certificate.objects.filter(
                person_id=todo.person_id, status="issued", valid_until__gt=todo.due).exists()):
            return ""
        return _("No renewal has been started for this certificate: start the renewal, or give "
                 "the reason to close this to-do.")
    if kind == "application_overdue":
        if _overdue_application(todo) is None:
            return ""
        return _("The application is still open past its due date: finish it, or give the "
                 "reason to close this to-do.")
    if kind == "visit_follow_up":
        if Visit.objects.filter(person_id=todo.person_id, follow_up_done_on__isnull=True,
                                follow_up_due__isnull=False).exclude(follow_up="").exists():
            return _("The follow-up action of the visit is not recorded as done: record what "
                     "was done on the follow-ups page, or give the reason to close this to-do.")
        return ""
    return _("The records cannot show that this work is done: say briefly what was done.")
