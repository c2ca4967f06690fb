"""Home page (工作台): each role lands on its own start page (issue 23).

Assessors go to their assessment queue, employers to their unit's page, citizens to the
portal; federation, township and auditor staff get an overview of their region (what is
due, late and changed), village workers their visits, survey and to-dos (core/overview.py).
"""

from django.http import HttpResponse
from django.shortcuts import redirect, render

from canlian.accounts.roles import Capability, Role
from canlian.core import clock, overview
from canlian.core.web import AuthedRequest, signed_in_only


@signed_in_only("every role has a start page: this one sends each to its own")
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.CITIZEN:
        return redirect("portal:home")
    if user.role == Role.EMPLOYER:
        return redirect("employment:mine")
    if user.can(Capability.REPORT_PLAN_TASKS):
        return redirect("plantasks:mine")
    if user.can(Capability.EVALUATE):
        return redirect("evaluation:home")
    if user.can(Capability.VIEW_PEOPLE):
        return render(request, "core/home.html", {
            "sections": overview.figures(user, clock.today(), clock.now()),
            "today": clock.today()})
    if user.can(Capability.ASSESS):
        return redirect("certificates:queue")
    return render(request, "core/home.html", {"sections": {}})
