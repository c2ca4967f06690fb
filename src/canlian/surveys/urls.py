from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("remaining/", views.remaining, name="remaining"),
    path("<int:person_id>/<int:year>/", views.survey, name="form"),
]
