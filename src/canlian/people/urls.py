from django.urls import path

from . import contact_views, first_views, views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("import/", views.roster_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_result, name="import_result"),
    path("import/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("export.xlsx", views.person_export, name="export"),
    path("contact-changes/", contact_views.contact_changes, name="contact_changes"),
    path("contact-changes/<int:pk>/", contact_views.contact_change_decide,
         name="contact_change_decide"),
    path("first-applications/", first_views.first_applications, name="first_applications"),
    path("first-applications/<int:pk>/", first_views.first_application, name="first_application"),
    path("first-applications/<int:pk>/decide/", first_views.first_application_decide,
         name="first_application_decide"),
    path("first-applications/<int:pk>/id-card/", first_views.first_application_file,
         {"which": "id_card"}, name="first_application_id_card"),
    path("first-applications/<int:pk>/hukou/", first_views.first_application_file,
         {"which": "hukou"}, name="first_application_hukou"),
]
