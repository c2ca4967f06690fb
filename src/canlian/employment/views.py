"""Employment pages (stub; replaced by the employment capability)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from canlian.accounts import scoping
from canlian.accounts.roles import Capability


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.VIEW_PEOPLE)
    return HttpResponse("employment")
