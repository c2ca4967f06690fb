from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.home, name="home"),
    path("satisfaction/", views.results, name="results"),
    path("sample/", views.sample, name="sample"),
    path("findings/", views.findings, name="findings"),
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
]
