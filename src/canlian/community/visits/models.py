"""Records of visits (走访探视).

The app is ``community`` (its label and migrations are unchanged): ``community.models``
imports this module so Django registers the models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visit(models.Model):
    """A home visit — 走访探视, with its findings and the follow-up it calls for."""

    KINDS = [("home", _("Home visit")), ("phone", _("Phone or video call"))]
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    kind = models.CharField(_("kind"), max_length=6, choices=KINDS, default="home")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                related_name="+")
    findings = models.TextField(_("findings"))
    follow_up = models.CharField(_("follow-up action"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up result"), max_length=300, blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["person", "-visited_on"])]
        verbose_name = _("visit")

    def __str__(self) -> str:
        return f"{self.person_id} {self.visited_on}"
