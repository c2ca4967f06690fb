"""URL map: one include per app, so a feature is found by its app's name."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from canlian.api.urls import api
from canlian.certificates import views as certificate_views
from canlian.core import views as core_views
from canlian.ops import views as ops_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("canlian.accounts.urls")),
    path("people/", include("canlian.people.urls")),
    path("certificates/", include("canlian.certificates.urls")),
    path("verify/<str:token>/", certificate_views.verify, name="verify"),
    path("subsidies/", include("canlian.benefits.urls")),
    path("employment/", include("canlian.employment.urls")),
    path("rights/", include("canlian.rights.urls")),
    path("education/", include("canlian.education.urls")),
    path("culture/", include("canlian.culture.urls")),
    path("plan-tasks/", include("canlian.plantasks.urls")),
    path("open/", include("canlian.disclosure.urls")),
    path("evaluation/", include("canlian.evaluation.urls")),
    path("surveys/", include("canlian.surveys.urls")),
    path("services/", include("canlian.services.urls")),
    path("community/", include("canlian.community.urls")),
    path("care/", include("canlian.care.urls")),
    path("exchange/", include("canlian.exchange.urls")),
    path("transfers/", include("canlian.transfers.urls")),
    path("programmes/", include("canlian.programmes.urls")),
    path("indicators/", include("canlian.indicators.urls")),
    path("province/", include("canlian.province.urls")),
    path("audit/", include("canlian.audit.urls")),
    path("jobs/", include("canlian.jobs.urls")),
    path("ops/", include("canlian.ops.urls")),
    path("healthz", ops_views.healthz, name="healthz"),
    path("metrics", ops_views.metrics_view, name="metrics"),
    path("portal/", include("canlian.portal.urls")),
    path("privacy/", include("canlian.privacy.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler500 = "canlian.core.errors.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
