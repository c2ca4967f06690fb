"""URL map of community support (社区助残), mounted at ``community/``: one block per capability."""

from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("", views.index, name="index"),
    path("find/", views.find, name="find"),
    path("person/<int:pk>/", views.person, name="person"),
    path("person/<int:pk>/circumstances/", views.profile, name="profile"),
    # volunteers — 助残志愿者
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("volunteers/hours/", views.hours, name="hours"),
    path("volunteers/<int:pk>/", views.volunteer, name="volunteer"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("organisations/", views.organisations, name="organisations"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/<int:person_id>/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("requests/<int:pk>/log/", views.request_log, name="request_log"),
    path("logs/", views.logs, name="logs"),
    path("logs/<int:pk>/confirm/", views.log_confirm, name="log_confirm"),
    # visits — 走访探视
    path("visits/", views.visits, name="visits"),
    path("visits/workers/", views.visit_workers, name="visit_workers"),
    path("visits/follow-ups/", views.follow_ups, name="follow_ups"),
    path("visits/new/<int:person_id>/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/follow-up/", views.follow_up_done, name="follow_up_done"),
    # emergency protection — 应急保护
    path("roster/", views.roster, name="roster"),
    path("roster/print/", views.roster_print, name="roster_print"),
    path("roster/candidates/", views.roster_candidates, name="roster_candidates"),
    path("roster/recompute/", views.roster_recompute, name="roster_recompute"),
    path("roster/person/<int:person_id>/", views.roster_entry, name="roster_entry"),
    path("roster/<int:pk>/remove/", views.roster_remove, name="roster_remove"),
    path("emergencies/", views.emergencies, name="emergencies"),
    path("emergencies/<int:pk>/", views.emergency, name="emergency"),
    path("emergencies/<int:pk>/check-in/", views.checkin, name="checkin"),
    path("emergencies/<int:pk>/close/", views.emergency_close, name="emergency_close"),
    # poverty-return watch — 防止返贫动态监测
    path("watch/", views.watch, name="watch"),
    path("watch/screen/", views.watch_screen, name="watch_screen"),
    path("watch/<int:pk>/", views.watch_case, name="watch_case"),
    path("watch/<int:pk>/review/", views.watch_review, name="watch_review"),
    path("watch/<int:pk>/close/", views.watch_close, name="watch_close"),
    path("watch/events/new/<int:person_id>/", views.watch_event, name="watch_event"),
    # accessibility supervision — 无障碍监督
    path("places/", views.places, name="places"),
    path("places/<int:pk>/", views.place, name="place"),
    path("places/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("problems/", views.problems, name="problems"),
    path("problems/<int:pk>/", views.problem, name="problem"),
    path("problems/<int:pk>/photo/", views.problem_photo, name="problem_photo"),
    path("problems/<int:pk>/<str:step>/", views.problem_step, name="problem_step"),
    path("accessibility/statistics/", views.statistics, name="statistics"),
]
