from django.urls import path

from canlian.core.replica import from_replica

from . import views

# Dashboards, reports and the lists behind figures only read: served from the read replica
# when one is configured and current (core/replica.py).

app_name = "indicators"
urlpatterns = [
    path("", from_replica(views.dashboard), name="dashboard"),
    path("external/", views.external, name="external"),
    path("<slug:plan_code>/", from_replica(views.dashboard), name="plan"),
    path("<slug:plan_code>/report/<slug:kind>.<str:fmt>", from_replica(views.report_file), name="report"),
    path("<slug:plan_code>/freeze/", views.freeze, name="freeze"),
    path("<slug:plan_code>/<slug:code>/", from_replica(views.indicator), name="indicator"),
    path("<slug:plan_code>/<slug:code>/<str:which>/", from_replica(views.members), name="members"),
]
