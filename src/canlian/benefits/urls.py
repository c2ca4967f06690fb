from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("", views.index, name="index"),
    path("apply/<int:person_id>/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/<str:move>/", views.decide, name="decide"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_print, name="notice"),
    path("grants/<int:pk>/", views.grant_detail, name="grant"),
    path("grants/<int:pk>/<str:change>/", views.grant_change, name="grant_change"),
    path("rolls/", views.roll_list, name="rolls"),
    path("rolls/<int:pk>/", views.roll_detail, name="roll"),
    path("rolls/<int:pk>/finalise/", views.roll_finalise, name="roll_finalise"),
    path("rolls/<int:pk>/bank.xlsx", views.roll_bank_file, name="roll_bank_file"),
    path("rolls/<int:pk>/reconcile/", views.roll_reconcile, name="roll_reconcile"),
]
