from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("migration/", views.index, name="index"),
    path("migration/<int:pk>/", views.result, name="result"),
    path("migration/<int:pk>/result.xlsx", views.result_workbook, name="result_workbook"),
    path("migration/template/<str:kind>.xlsx", views.template, name="template"),
    path("exports/subsidy-monthly/<str:month>.csv", views.subsidy_monthly,
         name="subsidy_monthly"),
    path("exports/indicators-annual/<int:year>.csv", views.indicators_annual,
         name="indicators_annual"),
    path("exports/survey-annual/<int:year>.csv", views.survey_annual, name="survey_annual"),
    path("verification-keys/", views.verification_keys, name="verification_keys"),
    path("verification-keys/<int:pk>/revoke/", views.verification_key_revoke,
         name="verification_key_revoke"),
    path("sms/report/<str:reference>/", views.sms_report, name="sms_report"),
]
