from django.urls import path

from . import views

app_name = "plantasks"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("tasks/<str:code>/report/", views.report, name="report"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/bulletin/", views.bulletin_view, name="bulletin"),
    path("supervision/bulletin.pdf", views.bulletin_view, {"fmt": "pdf"}, name="bulletin_pdf"),
]
