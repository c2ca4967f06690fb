"""A URL map for the error-page tests: the site's, plus two views that fail."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from canlian.urls import urlpatterns as site


def boom(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: '
                           "Connection refused")


urlpatterns = [*site, path("test-errors/bug/", boom), path("test-errors/database/", database_down)]
handler500 = "canlian.core.errors.server_error"
