from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("external/", views.external, name="external"),
    path("<slug:plan_code>/", views.dashboard, name="plan"),
    path("<slug:plan_code>/report/<slug:kind>.<str:fmt>", views.report_file, name="report"),
    path("<slug:plan_code>/freeze/", views.freeze, name="freeze"),
    path("<slug:plan_code>/<slug:code>/", views.indicator, name="indicator"),
    path("<slug:plan_code>/<slug:code>/<str:which>/", views.members, name="members"),
]
