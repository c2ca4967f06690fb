"""Staff pages of the privacy app, under /privacy/."""

from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/", views.correction_decide, name="correction_decide"),
    path("holds/", views.holds, name="holds"),
    path("holds/person/<int:pk>/", views.hold_person, name="hold_person"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/<int:pk>/", views.sharing_enable, name="sharing_enable"),
]
