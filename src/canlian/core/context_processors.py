"""Template context shared by every page: the deployment being served.

Read once per process and five minutes (the deployment changes only when its region file
is loaded), not once a page: the staff list serves dozens of pages a second."""

from django.core.cache import cache
from django.http import HttpRequest

from canlian.regions.models import Deployment


def deployment(request: HttpRequest) -> dict:
    if not hasattr(request, "_canlian_deployment"):
        request._canlian_deployment = cache.get_or_set(  # type: ignore[attr-defined]
            "canlian:deployment", Deployment.current, 300)
    return {"deployment": request._canlian_deployment}  # type: ignore[attr-defined]
