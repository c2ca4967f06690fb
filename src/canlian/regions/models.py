"""Regions (行政区划) and deployments.

A region's primary key is its official 12-digit code, so a person's ``village_id`` is
itself a code and "persons under region R" is a range on an indexed column (see
``codes.code_range``), with no join and no denormalised copy to keep in step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import codes


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County/district")
    TOWNSHIP = "township", _("Township/street")
    VILLAGE = "village", _("Village/community")


class Kind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    DISTRICT = "district", _("District")
    COUNTY_CITY = "county_city", _("County-level city")
    STREET = "street", _("Street (街道)")
    TOWN = "town", _("Town (镇)")
    TOWNSHIP = "township", _("Township (乡)")
    COMMUNITY = "community", _("Community (社区)")
    VILLAGE = "village", _("Village (村)")


class Region(models.Model):
    """An administrative region (行政区划): province → city → county → township → village."""

    code = models.CharField(_("division code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def code_range(self) -> tuple[str, str]:
        return codes.code_range(self.code, self.level)

    def contains(self, code: str) -> bool:
        low, high = self.code_range
        return low <= code <= high

    def descendants(self) -> models.QuerySet[Region]:
        low, high = self.code_range
        return Region.objects.filter(code__range=(low, high)).exclude(code=self.code)

    def townships(self) -> models.QuerySet[Region]:
        return self.descendants().filter(level=Level.TOWNSHIP)

    def villages(self) -> models.QuerySet[Region]:
        return self.descendants().filter(level=Level.VILLAGE)

    def ancestors(self) -> list[Region]:
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def full_name(self) -> str:
        names = [r.name for r in self.ancestors() if r.level not in {"province", "city"}]
        return "".join([*names, self.name])


class Deployment(models.Model):
    """One federation's installation: its root region (a county/district or a city)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("federation name"), max_length=100)
    root = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current_root(cls, root: Region | None = None) -> Region:
        """``root`` if given, else the current deployment's root region (LookupError
        without a deployment): what the nightly jobs take a whole deployment from."""
        if root is not None:
            return root
        deployment = cls.current()
        if deployment is None:
            raise LookupError("no deployment is configured")
        return deployment.root

    @classmethod
    def current(cls) -> Deployment | None:
        """The deployment this installation serves (``CANLIAN_DEPLOYMENT`` or the only one)."""
        if settings.CANLIAN_DEPLOYMENT:
            return cls.objects.select_related("root").filter(
                code=settings.CANLIAN_DEPLOYMENT
            ).first()
        return cls.objects.select_related("root").order_by("id").first()
