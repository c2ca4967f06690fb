"""Culture and sports records. Rules in ``rules``; writes in ``actions``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules


class Event(models.Model):
    """A culture or sports event (文化体育活动) with the accessibility it provides."""

    kind = models.CharField(_("kind"), max_length=12, choices=list(rules.EVENT_KINDS.items()))
    title = models.CharField(_("title"), max_length=120)
    on = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=120)
    organiser = models.CharField(_("organiser"), max_length=100)
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    sign_language = models.BooleanField(_("sign language"), default=False)
    captions = models.BooleanField(_("captions"), default=False)
    braille = models.BooleanField(_("braille"), default=False)
    accessible_seating = models.BooleanField(_("accessible seating"), default=False)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def accessibility(self) -> list[str]:
        return [label for key, label in rules.ACCESSIBILITY.items() if getattr(self, key)]


class Attendance(models.Model):
    """One person at one event (参加活动记录), and how it was recorded; its service record
    is what the coverage indicator counts."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    how = models.CharField(max_length=6, choices=[("list", _("tick list")),
                                                  ("sheet", _("sheet")), ("qr", _("QR scan"))])
    service = models.ForeignKey("services.ServiceRecord", on_delete=models.SET_NULL, null=True,
                                related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person"],
                                               name="attends_an_event_once")]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.person_id}"


class Team(models.Model):
    """A team (残疾人体育队), the art troupe (残疾人艺术团) or a culture team."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=list(rules.TEAM_KINDS.items()))
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    coach = models.CharField(_("coach / leader"), max_length=50, blank=True)

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person in a team (队员/演员/运动员)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role or sport"), max_length=50, blank=True)
    joined = models.DateField(_("joined"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "person"],
                                               name="in_a_team_once")]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.person_id}"


class AthleteRecord(models.Model):
    """An athlete's training or competition (运动员训练与参赛), with the result."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=12, choices=list(rules.ATHLETE_RECORDS.items()))
    name = models.CharField(_("training or competition"), max_length=120)
    on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=100, blank=True)

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """A delivery to a severely disabled household (重度残疾人家庭): the "五个一" culture
    package (文化进家庭"五个一") or a digital TV / a radio for a blind person."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True,
                                  related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("item"), max_length=16, choices=list(rules.DELIVERY_ITEMS.items()))
    year = models.PositiveSmallIntegerField(_("year"))
    delivered_on = models.DateField(_("delivered on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")

    class Meta:
        ordering = ["-delivered_on"]
        constraints = [models.UniqueConstraint(fields=["person", "item", "year"],
                                               name="one_delivery_per_item_and_year")]

    def __str__(self) -> str:
        return f"{self.item} {self.person_id} {self.year}"
