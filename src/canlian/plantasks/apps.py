from django.apps import AppConfig


class PlantasksConfig(AppConfig):
    """Plan implementation beyond the indicator table (规划实施): tasks by department,
    quarterly progress, reminders and the supervision bulletin (督查通报)."""

    name = "canlian.plantasks"
    label = "plantasks"
    default_auto_field = "django.db.models.BigAutoField"
