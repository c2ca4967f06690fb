from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared web pieces: base templates, static files, security headers, home page."""

    name = "canlian.core"
