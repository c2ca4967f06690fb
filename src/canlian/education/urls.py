from django.urls import path

from . import views

app_name = "education"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.batch, name="batch"),
    path("import/errors/", views.batch_errors, name="batch_errors"),
    path("<int:pk>/", views.pupil, name="pupil"),
    path("<int:pk>/<str:step>/", views.act, name="act"),
]
