from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("", views.index, name="index"),
    path("move/<int:person_id>/", views.start, name="start"),
    path("forward/", views.forward, name="forward"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/send/", views.send_now, name="send"),
    path("inbox/", views.inbox, name="inbox"),
]
