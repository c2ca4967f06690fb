from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    """Rights casework (维权): 信访, legal aid, complaints."""

    name = "canlian.rights"
    verbose_name = _("Rights casework")
