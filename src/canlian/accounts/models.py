"""Users: every account has a role and a region (accounts — 账号与权限)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.core.encrypted import BlindIndexField, EncryptedCharField
from canlian.regions.models import Region

from .roles import LABELS_ZH, REGION_LEVEL, STAFF_ROLES, Capability, Role, can


class User(AbstractUser):
    """A person who signs in: staff bound to a region, or a citizen bound to a person."""

    role = models.CharField(
        _("role"), max_length=20, choices=[(r.value, LABELS_ZH[r]) for r in Role]
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    # Citizens sign in with their resident ID; they see their own record and their wards'.
    # Encrypted at rest; ``resident_id=…`` is answered by the blind index (core/encrypted.py).
    resident_id = EncryptedCharField(_("resident ID number"), max_length=18, blank=True)
    resident_id_index = BlindIndexField(source="resident_id", purpose="resident_id")
    # Display preferences remembered per user (e.g. {"text": "large", "contrast": "high"}).
    preferences = models.JSONField(_("display preferences"), default=dict, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        help_text=_("For citizen accounts: the person (or guardian) the account belongs to."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        indexes = [models.Index(fields=["resident_id_index"], name="user_resident_id_index")]

    def clean(self) -> None:
        super().clean()
        if self.role in REGION_LEVEL:
            if self.region is None:
                raise ValidationError({"region": _("Staff accounts need a region.")})
            if self.region.level != REGION_LEVEL[Role(self.role)] and not (
                self.role in {Role.FEDERATION_STAFF, Role.AUDITOR, Role.ASSESSOR, Role.DEPARTMENT,
                                 Role.EVALUATOR}
                and self.region.level in {"city", "province"}
            ):
                raise ValidationError(
                    {"region": _("This role must be bound to a region of level %(level)s.")
                     % {"level": REGION_LEVEL[Role(self.role)]}}
                )

    def can(self, capability: Capability) -> bool:
        return self.is_active and can(self.role, capability)

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_citizen(self) -> bool:
        """A resident signed in to the citizens' portal by SMS code (no password)."""
        return self.role == Role.CITIZEN

    @property
    def is_employer(self) -> bool:
        """An employing unit's account (用人单位), which sees only its own unit."""
        return self.can(Capability.OWN_UNIT)

    @property
    def role_label(self) -> str:
        try:
            return LABELS_ZH[Role(self.role)]
        except ValueError:
            return self.role
