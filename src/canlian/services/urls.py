from django.urls import path

from . import request_views, views

app_name = "services"
urlpatterns = [
    path("", views.index, name="index"),
    path("record/<int:person_id>/", views.record_service, name="record"),
    path("gaps/<str:need>/", views.gaps, name="gaps"),
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("renovations/", views.renovations, name="renovations"),
    path("renovations/apply/<int:person_id>/", views.renovation_apply, name="renovation_apply"),
    path("renovations/<int:pk>/", views.renovation_detail, name="renovation"),
    path("renovations/<int:pk>/photo/", views.renovation_photo, name="renovation_photo"),
    path("renovations/<int:pk>/<str:step>/", views.renovation_step, name="renovation_step"),
    path("requests/", request_views.requests, name="requests"),
    path("requests/<int:pk>/<str:move>/", request_views.request_decide, name="request_decide"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/<int:person_id>/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_update, name="case_update"),
]
