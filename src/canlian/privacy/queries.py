"""Reads of the privacy app: a person's access log for the portal, consent state, and the
persons a consent-based department account may receive.

The access log reads the audit log by ``person_id`` (indexed) one page at a time, and
resolves offices and batch sizes with one query each per page, whatever the page's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import LABELS_ZH, Role
from canlian.api.models import ApiClient
from canlian.audit.models import AuditEvent
from canlian.core import clock
from canlian.core.lists import nth_page

from . import access_log, notices
from .models import Consent, CorrectionRequest, SharingAccount

PAGE_SIZE = 50


@dataclass(frozen=True)
class LogLine:
    """One line of "who looked at my record" (谁查看了我的信息)."""

    at: Any
    action: str
    office: str
    purpose: str
    unusual: str


def _office(user: User | None, clients: dict[int, str]) -> str:
    if user is None:
        return access_log.SYSTEM
    if user.role == Role.CITIZEN:
        return access_log.SELF
    if user.pk in clients:
        return f"{clients[user.pk]}（部门系统接口）"
    role = {str(k): v for k, v in LABELS_ZH.items()}.get(user.role, user.role)
    unit = user.organisation or (user.region.name if user.region else "")
    if user.region and user.region.parent and user.region.level in ("village", "township"):
        unit = f"{user.region.parent.name}{user.region.name}"
    return f"{unit} · {role}" if unit else role


def access_log_page(person: Any, page: int | str | None = 1) -> tuple[Page, list[LogLine]]:
    """One page (newest first) of every audited read and change of ``person``."""
    events = AuditEvent.objects.filter(person_id=person.pk).order_by("-at", "-id").only(
        "at", "actor_id", "action", "object_type", "object_id", "summary", "region_code")
    current = nth_page(events, page, PAGE_SIZE)
    rows = list(current.object_list)
    actor_ids = {e.actor_id for e in rows if e.actor_id}
    actors = {u.pk: u for u in User.objects.filter(pk__in=actor_ids).select_related(
        "region__parent")}
    clients = dict(ApiClient.objects.filter(user_id__in=actor_ids).order_by("created_at")
                   .values_list("user_id", "name"))
    batches: dict[tuple[int | None, Any, str], int] = {
        (b["actor_id"], b["at"], b["action"]): b["n"] for b in (
        AuditEvent.objects.filter(at__in={e.at for e in rows}, actor_id__in=actor_ids)
        .values("actor_id", "at", "action").annotate(n=Count("id")).filter(n__gt=1))
    } if rows else {}
    lines = []
    for e in rows:
        actor = actors.get(e.actor_id) if e.actor_id else None
        info = access_log.Event(
            action=e.action, object_type=e.object_type, object_id=e.object_id,
            summary=e.summary, region_code=e.region_code,
            actor_role=actor.role if actor else None,
            actor_region=actor.region_id if actor else None,
            batch_size=batches.get((e.actor_id, e.at, e.action), 1))
        lines.append(LogLine(e.at, access_log.ACTIONS.get(e.action, e.action),
                             _office(actor, clients), access_log.purpose(info),
                             access_log.unusual(info)))
    return current, lines


# ---- consent (单独同意) --------------------------------------------------------------------

def consent_state(person: Any) -> list[dict[str, Any]]:
    """Each purpose's notice in force today, with the person's active consent if any."""
    active = {c.purpose: c for c in Consent.objects.filter(person=person, withdrawn_at__isnull=True)}
    return [{"notice": n, "consent": active.get(n.purpose)} for n in notices.notices(clock.today())]


def consent_history(person: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(person=person).order_by("-given_at", "-id")


def sharing_purpose(user: Any) -> str | None:
    """The consent purpose that governs what this (department) account receives, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return SharingAccount.objects.filter(user=user).values_list("purpose", flat=True).first()


def consenting(purpose: str) -> QuerySet:
    """Ids of the persons with an active consent to ``purpose`` (a subquery)."""
    return Consent.objects.filter(purpose=purpose, withdrawn_at__isnull=True).values("person_id")


def shareable(user: Any, qs: QuerySet, field: str = "pk") -> QuerySet:
    """``qs`` limited to what ``user`` may receive: unchanged for an account that shares by
    law; only persons (through ``field``) with an active consent for a consent-based
    department account."""
    purpose = sharing_purpose(user)
    if purpose is None:
        return qs
    return qs.filter(**{f"{field}__in": consenting(purpose)})


def may_share(user: Any, person_id: int) -> bool:
    purpose = sharing_purpose(user)
    return purpose is None or Consent.objects.filter(
        person_id=person_id, purpose=purpose, withdrawn_at__isnull=True).exists()


def corrections_of(person: Any) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(person=person).order_by("-requested_at", "-id")


def sharing_accounts(user: Any) -> list[dict[str, Any]]:
    """The consent-based department accounts of ``user``'s region, each with its purpose's
    notice in force, its API keys (active, last used) and, among the persons of the region,
    how many consent to its purpose now and how many withdrew (and have not consented
    again). Three queries whatever the number of accounts or persons."""
    accounts = list(
        SharingAccount.objects.filter(scoping.region_range_q(user, "user__region__code"))
        .select_related("user__region")
        .annotate(keys=Count("user__api_clients", filter=Q(user__api_clients__active=True),
                             distinct=True),
                  last_used=Max("user__api_clients__last_used_at"))
        .order_by("user__organisation", "user__username"))
    active_again = Consent.objects.filter(purpose=OuterRef("purpose"), person=OuterRef("person"),
                                          withdrawn_at__isnull=True)
    counts: dict[str, Any] = {row["purpose"]: row for row in (
        Consent.objects.filter(scoping.region_q(user, "person__village__code"))
        .annotate(again=Exists(active_again)).values("purpose")
        .annotate(consenting=Count("person", filter=Q(withdrawn_at__isnull=True), distinct=True),
                  withdrew=Count("person", filter=Q(withdrawn_at__isnull=False, again=False),
                                 distinct=True)))}
    today = clock.today()
    return [{"account": a, "notice": notices.notice(a.purpose, today),
             "consenting": counts.get(a.purpose, {}).get("consenting", 0),
             "withdrew": counts.get(a.purpose, {}).get("withdrew", 0)} for a in accounts]
