"""Citizens' portal URLs (网上办、掌上办), all under /portal/."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/province/", views.sign_in_oidc, name="sign_in_oidc"),
    path("sign-in/province/return/", views.sign_in_oidc_return, name="sign_in_oidc_return"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("first/", views.first_start, name="first_start"),
    path("first/code/", views.first_code, name="first_code"),
    path("first/apply/", views.first_apply, name="first_apply"),
    path("first/<int:pk>/", views.first_status, name="first_status"),
    path("dev/outbox/", views.outbox, name="outbox"),
    path("settings/", views.display_settings, name="settings"),
    path("for/", views.choose_person, name="choose"),
    path("apply/certificate/", views.apply_certificate, name="apply_certificate"),
    path("apply/subsidy/<str:subsidy>/", views.apply_subsidy, name="apply_subsidy"),
    path("apply/programme/<slug:code>/", views.apply_programme, name="apply_programme"),
    path("apply/service/", views.apply_service, name="apply_service"),
    path("contact/", views.change_contact, name="contact"),
    path("rights/new/", views.rights_new, name="rights_new"),
    path("rights/<int:pk>/", views.rights_case, name="rights_case"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/<str:kind>/<int:pk>/", views.rate, name="rate"),
    path("applications/", views.applications, name="applications"),
    path("applications/<str:kind>/<int:pk>/", views.application_detail, name="application"),
    path("applications/<str:kind>/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("files/<int:pk>/", views.upload_file, name="upload_file"),
    path("certificate/", views.ecert, name="ecert"),
    path("certificate/download/", views.ecert_download, name="ecert_download"),
    path("privacy/", views.privacy_home, name="privacy"),
    path("privacy/consent/<slug:purpose>/", views.consent, name="consent"),
    path("privacy/correction/", views.correction, name="correction"),
    path("privacy/log/", views.access_log, name="access_log"),
    path("privacy/my-data.json", views.download, {"fmt": "json"}, name="my_data_json"),
    path("privacy/my-data.pdf", views.download, {"fmt": "pdf"}, name="my_data_pdf"),
]
