from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """The annual status-and-needs survey (持证残疾人基本服务状况和需求信息动态更新)."""

    name = "canlian.surveys"
    verbose_name = _("Annual survey")
