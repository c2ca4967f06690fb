from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:step>/", views.act, name="act"),
]
