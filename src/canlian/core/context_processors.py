"""Template context shared by every page: the deployment being served."""

from django.http import HttpRequest

from canlian.regions.models import Deployment


def deployment(request: HttpRequest) -> dict:
    if not hasattr(request, "_canlian_deployment"):
        request._canlian_deployment = Deployment.current()  # type: ignore[attr-defined]
    return {"deployment": request._canlian_deployment}  # type: ignore[attr-defined]
