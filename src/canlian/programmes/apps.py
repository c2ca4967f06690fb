"""The programme engine (“1+X” 项目引擎): every "X" of the certificate as a rule file."""

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "canlian.programmes"
    label = "programmes"
    verbose_name = "Programmes"
