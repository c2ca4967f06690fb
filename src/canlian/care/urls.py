from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.index, name="index"),
    path("gaps/", views.gaps, name="gaps"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("institutions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("institutions/<int:pk>/attendance/month/", views.attendance_month,
         name="attendance_month"),
    path("institutions/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("institutions/<int:pk>/bill/", views.bill, name="bill"),
    path("designations/<int:pk>/end/", views.end_designation, name="end_designation"),
    path("placements/<int:pk>/end/", views.end_placement, name="end_placement"),
    path("waiting/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/<int:pk>/", views.contract, name="contract"),
    path("problems/<int:pk>/reinspect/", views.reinspect, name="reinspect"),
]
