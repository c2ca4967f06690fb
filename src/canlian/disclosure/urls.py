from django.urls import path

from . import views

app_name = "disclosure"
urlpatterns = [
    path("", views.page, name="page"),
    path("data.json", views.data_json, name="json"),
    path("<str:table>.csv", views.data_csv, name="csv"),
]
