"""The audit log (审计日志): who viewed, created, changed, exported or imported whom.

Append-only: the model and its querysets refuse updates and deletes, and database
triggers (see the migrations) refuse UPDATE, DELETE and TRUNCATE, so not even a raw SQL
slip rewrites history. Tamper-evident: each event carries a hash chained to the one
before it (``chain.py``), checked by ``canlian audit verify``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    TRANSITION = "transition", _("Status change")


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")

    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def _raw_delete(self, using):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One audited act on one record (or a sign-in)."""

    # The append-only triggers of migrations 0002 and 0003, per vendor; the schema check
    # (core/schema.py) refuses to start without them.
    database_triggers = {"postgresql": ("audit_no_change", "audit_no_truncate"),
                         "sqlite": ("audit_no_update", "audit_no_delete")}

    # Set by record() (not auto_now_add, which would overwrite the time the hash covers).
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=40, blank=True)
    object_id = models.CharField(_("record"), max_length=40, blank=True)
    # Person concerned: a plain id (no foreign key) so the log outlives any record.
    person_id = models.BigIntegerField(_("person"), null=True, blank=True, db_index=True)
    region_code = models.CharField(_("region"), max_length=12, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    # SHA-256 of the previous event's hash and this event (chain.py); "" before the chain.
    hash = models.CharField(_("chain hash"), max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "-at"]), models.Index(fields=["action", "-at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        raise AppendOnlyError("audit events are written by canlian.audit.actions.record "
                              "(chained) and never changed")

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")
