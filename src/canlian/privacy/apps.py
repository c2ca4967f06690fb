"""The privacy app (个人信息保护): notices, consent, and the citizen's view of the audit log."""

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "canlian.privacy"
    label = "privacy"
    verbose_name = "个人信息保护"
