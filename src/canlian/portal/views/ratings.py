"""Rating a closed service, decision or case (满意度评价) on the portal: the list of what
the person may rate, and one item's page with its two plain steps. The evaluation app's
actions do the work; a second rating of the same item is refused with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from canlian.core import clock
from canlian.core.web import form_errors
from canlian.evaluation import actions as evaluation
from canlian.evaluation import queries

from ..forms import RatingForm
from .common import PortalRequest, citizen_required


@citizen_required
def ratings(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    return render(request, "portal/ratings.html", {
        "person": person, **queries.for_person(person.pk, clock.today())})


@citizen_required
def rate(request: PortalRequest, kind: str, pk: int) -> HttpResponse:
    person = request.portal_person
    mine = queries.for_person(person.pk, clock.today())
    item = next((i for i in mine["open"] + mine["rated"] if i["kind"] == kind and i["id"] == pk),
                None)
    if item is None:
        raise Http404("nothing to rate")
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with form_errors(form, PermissionDenied) as refused:
            evaluation.rate(request.user, kind, pk,
                            score=d["score"], comment=d["comment"], request=request)
        if not refused:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:ratings")
        status = 409 if getattr(refused.error, "code", "") == "already_rated" else 400
    elif request.method == "POST":
        status = 400
    return render(request, "portal/rate.html", {"person": person, "item": item, "form": form},
                  status=status)
