"""URL map of community support (社区助残), mounted at ``community/``: one block per capability."""

from django.urls import path

from . import views
from .accessibility import views as accessibility
from .emergency import views as emergency
from .visits import views as visits
from .volunteers import views as volunteers
from .watch import views as watch

app_name = "community"
urlpatterns = [
    path("", views.index, name="index"),
    path("find/", views.find, name="find"),
    path("person/<int:pk>/", views.person, name="person"),
    path("person/<int:pk>/circumstances/", emergency.profile, name="profile"),
    # volunteers — 助残志愿者
    path("volunteers/", volunteers.volunteers, name="volunteers"),
    path("volunteers/new/", volunteers.volunteer_new, name="volunteer_new"),
    path("volunteers/hours/", volunteers.hours, name="hours"),
    path("volunteers/<int:pk>/", volunteers.volunteer, name="volunteer"),
    path("volunteers/<int:pk>/edit/", volunteers.volunteer_edit, name="volunteer_edit"),
    path("organisations/", volunteers.organisations, name="organisations"),
    path("requests/", volunteers.requests, name="requests"),
    path("requests/new/<int:person_id>/", volunteers.request_new, name="request_new"),
    path("requests/<int:pk>/", volunteers.request_detail, name="request"),
    path("requests/<int:pk>/assign/", volunteers.request_assign, name="request_assign"),
    path("requests/<int:pk>/close/", volunteers.request_close, name="request_close"),
    path("requests/<int:pk>/log/", volunteers.request_log, name="request_log"),
    path("logs/", volunteers.logs, name="logs"),
    path("logs/<int:pk>/confirm/", volunteers.log_confirm, name="log_confirm"),
    # visits — 走访探视
    path("visits/", visits.visits, name="visits"),
    path("visits/workers/", visits.visit_workers, name="visit_workers"),
    path("visits/follow-ups/", visits.follow_ups, name="follow_ups"),
    path("visits/new/<int:person_id>/", visits.visit_new, name="visit_new"),
    path("visits/<int:pk>/follow-up/", visits.follow_up_done, name="follow_up_done"),
    # emergency protection — 应急保护
    path("roster/", emergency.roster, name="roster"),
    path("roster/print/", emergency.roster_print, name="roster_print"),
    path("roster/candidates/", emergency.roster_candidates, name="roster_candidates"),
    path("roster/recompute/", emergency.roster_recompute, name="roster_recompute"),
    path("roster/person/<int:person_id>/", emergency.roster_entry, name="roster_entry"),
    path("roster/<int:pk>/remove/", emergency.roster_remove, name="roster_remove"),
    path("emergencies/", emergency.emergencies, name="emergencies"),
    path("emergencies/<int:pk>/", emergency.emergency, name="emergency"),
    path("emergencies/<int:pk>/check-in/", emergency.checkin, name="checkin"),
    path("emergencies/<int:pk>/close/", emergency.emergency_close, name="emergency_close"),
    path("emergencies/<int:pk>/reopen/", emergency.emergency_reopen, name="emergency_reopen"),
    # poverty-return watch — 防止返贫动态监测
    path("watch/", watch.watch, name="watch"),
    path("watch/screen/", watch.watch_screen, name="watch_screen"),
    path("watch/<int:pk>/", watch.watch_case, name="watch_case"),
    path("watch/<int:pk>/review/", watch.watch_review, name="watch_review"),
    path("watch/<int:pk>/close/", watch.watch_close, name="watch_close"),
    path("watch/events/new/<int:person_id>/", watch.watch_event, name="watch_event"),
    # accessibility supervision — 无障碍监督
    path("places/", accessibility.places, name="places"),
    path("places/<int:pk>/", accessibility.place, name="place"),
    path("places/<int:pk>/inspect/", accessibility.inspect, name="inspect"),
    path("problems/", accessibility.problems, name="problems"),
    path("problems/<int:pk>/", accessibility.problem, name="problem"),
    path("problems/<int:pk>/photo/", accessibility.problem_photo, name="problem_photo"),
    path("problems/<int:pk>/<str:step>/", accessibility.problem_step, name="problem_step"),
    path("accessibility/statistics/", accessibility.statistics, name="statistics"),
]
