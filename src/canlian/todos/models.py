"""To-dos (待办事项): a task for the workers of a region about one person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Todo(models.Model):
    """Something a worker must do, e.g. "new certificate: check subsidy eligibility"."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="todos")
    # Where the person lives when the to-do was opened; scoping uses it like a person's.
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("for role"), max_length=20)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    due = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    source_event = models.ForeignKey("events.EventRecord", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    # The record the work is about, where there is one (the pre-filled subsidy application,
    # 预填申请), so the to-do links to it and "done" can check it (issue 23).
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Why a to-do whose work the system cannot confirm was closed (说明).
    done_note = models.CharField(_("note on completion"), max_length=200, blank=True)

    class Meta:
        ordering = ["done_at", "due", "id"]
        indexes = [models.Index(fields=["village", "role", "done_at"])]
        verbose_name = _("to-do")

    def __str__(self) -> str:
        return self.title
