from django.urls import path

from . import views

app_name = "province"
urlpatterns = [path("", views.dashboard, name="dashboard")]
