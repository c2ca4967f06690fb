from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    """Education support (教育): register, 一人一案, 送教上门, 控辍保学, student aid."""

    name = "canlian.education"
    verbose_name = _("Education support")
