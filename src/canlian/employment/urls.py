from django.urls import path

from . import views

app_name = "employment"
urlpatterns = [
    path("", views.index, name="index"),
    path("employers/", views.employers, name="employers"),
    path("employers/<int:pk>/", views.employer, name="employer"),
    path("employers/<int:pk>/file/", views.file, name="file"),
    path("mine/", views.mine, name="mine"),
    path("declarations/<int:pk>/", views.declaration, name="declaration"),
    path("declarations/<int:pk>/<str:step>/", views.act, name="act"),
    path("placements/new/<int:person_id>/", views.placement_new, name="placement_new"),
    path("training/", views.training, name="training"),
    path("training/new/", views.course_new, name="course_new"),
    path("training/<int:pk>/", views.course, name="course"),
    path("placements/<int:pk>/end/", views.placement_end, name="placement_end"),
    path("job-seekers/", views.job_seekers, name="job_seekers"),
    path("job-seekers/<int:person_id>/", views.job_seeker, name="job_seeker"),
]
