from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TodosConfig(AppConfig):
    """To-dos (待办) for workers, opened by domain events and shown in work queues."""

    name = "canlian.todos"
    verbose_name = _("To-dos")
