from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "canlian.certificates"
    verbose_name = _("Disability certificates")

    def ready(self) -> None:
        from canlian.events.bus import subscribe
        from canlian.people.events import PersonDied

        from . import actions

        subscribe(PersonDied, actions.on_person_died)
