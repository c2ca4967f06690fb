from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    """Public disclosure (信息公开): the plan's indicators and the federation's statistics,
    aggregates only, for everyone without signing in."""

    name = "canlian.disclosure"
    label = "disclosure"
