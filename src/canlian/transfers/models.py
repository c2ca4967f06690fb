"""The transfer records (跨省通办事项) and the nonces seen from peers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from canlian.core.encrypted import EncryptedCharField, EncryptedJSONField


class Direction(models.TextChoices):
    OUT = "out", _("Sent to the other deployment")
    IN = "in", _("Received from the other deployment")


class Kind(models.TextChoices):
    HUKOU = "hukou", _("Hukou moved")  # 户籍迁移（残疾人证迁移）
    APPLICATION = "application", _("Application lodged at the place of residence")  # 异地代收


class State(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("transfer state", "Requested")
    ACCEPTED = "accepted", pgettext_lazy("transfer state", "Accepted")
    REFUSED = "refused", pgettext_lazy("transfer state", "Refused")
    COMPLETED = "completed", pgettext_lazy("transfer state", "Completed")


class Subject(models.TextChoices):
    """What a forwarded application asks for."""

    CERTIFICATE = "certificate", _("Disability certificate (new)")
    LIVING = "living", _("Living subsidy")
    NURSING = "nursing", _("Nursing subsidy")


class Transfer(models.Model):
    """A matter handled across deployments (跨省通办事项): a person's hukou moving to
    another deployment (户籍迁移), or an application lodged at the place of residence and
    decided at the place of hukou (异地申请). Each deployment keeps its own record of the
    same matter, known on both sides by ``uid``; a message about a ``uid`` already
    recorded changes nothing twice."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    peer = models.CharField(_("other deployment"), max_length=32)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.REQUESTED, db_index=True)
    subject = models.CharField(_("applies for"), max_length=12, choices=Subject.choices,
                               blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    # Where the matter belongs here (the person's village, the receiving village, or the
    # deployment's root for a refused arrival): the staff who see it are scoped by it.
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # Encrypted at rest like the registry's own columns (docs/privacy.md): a matter is found
    # through its person or its id, never by these values.
    resident_id = EncryptedCharField(_("resident ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    certificate_number = EncryptedCharField(_("certificate number"), max_length=22, blank=True)
    target_village_code = models.CharField(_("receiving village code"), max_length=12,
                                           blank=True)
    moved_on = models.DateField(_("moved on"), null=True, blank=True)
    payload = EncryptedJSONField(_("message"), default=dict)  # quotes IDs, phones
    reason = models.TextField(_("reason given by the other deployment"), blank=True)
    decision = EncryptedJSONField(_("decision"), default=dict, blank=True)
    # The record opened here for a received application (its type and id).
    local_type = models.CharField(max_length=40, blank=True)
    local_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Delivery of the next message to the peer ("" when nothing is to be sent).
    pending = models.CharField(max_length=20, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last delivery error"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["peer", "direction", "uid"],
                                               name="transfer_once_per_peer")]
        indexes = [models.Index(fields=["pending", "next_attempt_at"])]
        verbose_name = _("transfer between deployments")
        verbose_name_plural = _("transfers between deployments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uid}"


class SeenNonce(models.Model):
    """A nonce a peer has used (防重放): a second request with it is refused."""

    peer = models.CharField(max_length=32)
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "nonce"], name="nonce_once")]

    def __str__(self) -> str:
        return f"{self.peer}:{self.nonce}"
