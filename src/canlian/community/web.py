"""View helpers the community sub-domains share (paging, messages, one form about one person)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.forms import add_errors
from canlian.core.web import AuthedRequest

PAGE = 50


def page_of(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE).get_page(request.GET.get("page"))


def flash(request: HttpRequest, exc: Exception) -> None:
    for m in getattr(exc, "messages", None) or [getattr(exc, "message", str(exc))]:
        messages.error(request, m)


def year_of(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", clock.today().year))
    except ValueError:
        return clock.today().year


def person_or_404(request: AuthedRequest, pk: int, capability: Capability) -> Any:
    scoping.require(request.user, capability)
    return get_object_or_404(scoping.people_for(request.user).select_related(
        "village__parent", "household"), pk=pk)


def person_form(request: AuthedRequest, person_id: int, form_class: Any, action: Any, *,
                 title: str, done: str, to: Any = None, initial: Any = None,
                 **form_kwargs: Any) -> HttpResponse:
    """One form about one person (a visit, a shock, a help request, a roster entry): the
    form, the action that saves it, and where to go after; ``to`` maps the saved record to
    a redirect, ``initial`` maps the person to the form's starting values."""
    found = person_or_404(request, person_id, Capability.EDIT_PEOPLE)
    form = form_class(request.POST or None, initial=initial(found) if initial else None,
                      **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            made = action(request.user, found, **form.cleaned_data, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return to(made) if to else redirect("community:person", pk=found.pk)
    return render(request, "community/form.html", {
        "form": form, "person": found, "title": title, "back": ("community:person", found.pk)})


def user_can(request: AuthedRequest, capability: Capability) -> bool:
    return request.user.can(capability)
