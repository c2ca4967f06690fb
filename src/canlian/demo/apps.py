from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic demo districts (``canlian seed``) and the demo logins."""

    name = "canlian.demo"
