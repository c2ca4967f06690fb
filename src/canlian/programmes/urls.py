from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("", views.index, name="index"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("figures/", views.figures, name="figures"),
    path("simulate/", views.simulate, name="simulate"),
    path("rosters/<str:code>/", views.roster, name="roster"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/", views.claim, name="claim"),
    path("rewards/", views.rewards, name="rewards"),
    path("rewards/notice/", views.reward_notice, name="reward_notice"),
    path("rewards/<int:pk>/", views.reward, name="reward"),
    path("institutions/", views.supports, name="supports"),
    path("institutions/<int:pk>/", views.support, name="support"),
]
