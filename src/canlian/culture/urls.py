from django.urls import path

from . import views

app_name = "culture"
urlpatterns = [
    path("", views.index, name="index"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/attend/<str:how>/", views.attend, name="attend"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("deliveries/", views.deliveries, name="deliveries"),
]
