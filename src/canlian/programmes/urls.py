from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("", views.index, name="index"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("figures/", views.figures, name="figures"),
    path("simulate/", views.simulate, name="simulate"),
    path("rosters/<str:code>/", views.roster, name="roster"),
]
