from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared web pieces: base templates, static files, security headers, home page."""

    name = "canlian.core"

    def ready(self) -> None:
        from django.core import checks

        from . import schema

        # `canlian check --database default` also verifies the schema (core/schema.py).
        checks.register(schema.system_check, checks.Tags.database)
