from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("apply/<int:person_id>/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/assess/", views.assess, name="assess"),
    path("applications/<int:pk>/<str:action>/", views.act, name="act"),
    path("<int:pk>/card/", views.card, name="card"),
    path("expiring/", views.expiring, name="expiring"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_print, name="notice"),
    path("todos/<int:pk>/done/", views.todo_done, name="todo_done"),
]
