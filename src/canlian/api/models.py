"""API clients: other government systems, each with its own key, scopes and region.

A client acts through a service account (a User with a role and a region), so the API
goes through the same scoping layer and audit log as the staff site. Keys are random and
long; only their SHA-256 digest is stored, with an 8-character prefix to find the row.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SCOPES = {
    "persons:read": "读取残疾人信息", "persons:write": "新增、修改残疾人信息",
    "certificates:read": "读取、核验残疾人证", "benefits:read": "读取补贴申请与发放",
    "records:read": "读取调查与服务记录", "indicators:read": "读取规划指标",
    "feeds:write": "推送民政、卫健、人社数据",
    # Certificate verification for another department's system (证件核验), field by field:
    # any of these lets a key call /certificates/verify and receive only what it names.
    "verify:valid": "核验残疾人证是否有效", "verify:category": "核验时返回残疾类别和等级",
    "verify:expiry": "核验时返回有效期",
}
# The fields of a verification answer each verification scope releases (``certificates:read``
# releases them all, as before). The answer always carries the masked number.
VERIFY_FIELDS = {
    "verify:valid": ("valid", "status", "reason"),
    "verify:category": ("category", "grade"),
    "verify:expiry": ("valid_until",),
}


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClient(models.Model):
    """One external system (e.g. 民政低保系统) allowed to call the API."""

    name = models.CharField(_("name"), max_length=100)
    # A foreign key, not one-to-one: keys are rotated by issuing a new one and revoking the old.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="api_clients",
                             help_text=_("The service account whose role and region apply."))
    key_prefix = models.CharField(max_length=8, unique=True)
    key_digest = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API client")

    def __str__(self) -> str:
        return self.name
