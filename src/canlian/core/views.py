"""Home page: sends each role to where its work is."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from canlian.accounts.roles import Capability, Role
from canlian.core.web import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    if request.user.can(Capability.VIEW_PEOPLE):
        return redirect("people:list")
    if request.user.role == Role.EMPLOYER:
        return redirect("employment:mine")
    if request.user.can(Capability.REPORT_PLAN_TASKS):
        return redirect("plantasks:mine")
    if request.user.can(Capability.ASSESS):
        return redirect("certificates:queue")
    return render(request, "core/home.html")
