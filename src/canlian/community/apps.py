"""App configuration of community support (社区助残)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """Community support (社区助残): volunteers, visits, emergency protection, poverty-return
    watch and accessibility supervision."""

    name = "canlian.community"
    verbose_name = _("Community support")
