"""Writes of the evaluation app: a citizen's satisfaction rating (on the portal or by a
text-message reply), the daily invitations to rate, and the evaluator's findings. Each is
one transaction, audited; messages go out after the commit."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.core.domain import DomainError
from canlian.people.models import Person
from canlian.portal.notifiers import get_notifier

from . import items, rules
from .models import Finding, FindingArea, Invitation, Rating, RatingChannel

if TYPE_CHECKING:
    from canlian.accounts.models import User
    from canlian.regions.models import Region

logger = logging.getLogger("canlian.evaluation")

# The invitation and the replies are text messages to citizens, written in Chinese like the
# portal's sign-in code (portal/actions.py).
INVITATION_TEXT = ("【残联】您的“{topic}”已办结。欢迎评价：请回复“{code} 分数”（5分非常满意，"
                   "1分很不满意），可附意见，如“{code} 5 服务很好”。{days}天内有效。"
                   "也可登录网上服务平台评价。")
REPLY_THANKS = "【残联】已收到您的评价（{score}分），谢谢！"
REPLY_HELP = "【残联】未能识别您的回复。请回复评价码和1到5的分数，如“K7P3Q 5”。"
REPLY_UNKNOWN = "【残联】评价码无效，请核对短信中的评价码。"
REPLY_EXPIRED = "【残联】该评价码已过期，感谢您的关注。"
REPLY_ALREADY = "【残联】该事项已评价过，每项只能评价一次，谢谢！"


class RatingRefused(DomainError):
    code = "rating_refused"


def _check_score(score: Any, comment: str) -> int:
    if not isinstance(score, int) or score not in rules.SCORES:
        raise ValidationError({"score": gettext("Choose a rating from 1 to 5")})
    if len(comment) > 500:
        raise ValidationError({"comment": gettext("The comment is longer than 500 characters")})
    return score


def _save(item: items.Item, score: int, comment: str, channel: str, user: Any,
          request: HttpRequest | None) -> Rating:
    today = clock.today()
    earlier = Rating.objects.filter(kind=item.kind, object_id=item.object_id).first()
    if earlier is not None:
        raise RatingRefused(
            gettext("This was already rated on %(day)s; a rating cannot be changed.")
            % {"day": timezone.localtime(earlier.rated_at).date().isoformat()},
            code="already_rated")
    if not rules.can_rate(item.closed_on, today):
        raise RatingRefused(gettext("Ratings are taken within %(days)d days of closing.")
                            % {"days": rules.RATING_WINDOW_DAYS}, code="window_closed")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                kind=item.kind, object_id=item.object_id, person_id=item.person_id,
                village_id=item.village_id, institution_id=item.institution_id,
                topic=item.topic, closed_on=item.closed_on, score=score, comment=comment.strip(),
                channel=channel, rated_by=user, rated_at=clock.now())
    except IntegrityError:  # the same item rated at the same moment elsewhere
        raise RatingRefused(gettext("This item has already been rated."),
                            code="already_rated") from None
    record(user=user, action=Action.CREATE, obj=rating, person=rating.person, request=request,
           summary=f"满意度评价 {item.kind} {item.object_id}: {score}分 ({channel})")
    return rating


@transaction.atomic
def rate(user: User, kind: str, object_id: int, *, score: Any, comment: str = "",
         request: HttpRequest | None = None) -> Rating:
    """A citizen (or guardian) rates a closed item of themselves or a ward on the portal."""
    if not user.is_authenticated or user.role != Role.CITIZEN:
        raise PermissionDenied("only citizens rate")
    score = _check_score(score, comment)
    item = items.find(kind, object_id)
    if item is None or not scoping.people_for(user).filter(id=item.person_id).exists():
        raise RatingRefused(gettext("There is nothing to rate here."), code="no_item")
    return _save(item, score, comment, RatingChannel.PORTAL, user, request)


@transaction.atomic
def reply_by_sms(phone: str, text: str) -> str:
    """A text-message reply posted by the SMS gateway: the answer to send back. The code
    must have been sent to the same phone, so a guessed code does not rate anything."""
    reply = rules.parse_reply(text)
    if reply is None:
        return REPLY_HELP
    invitation = Invitation.objects.filter(code=reply.code).first()
    if invitation is None or rules.normalise_phone(invitation.phone) != rules.normalise_phone(phone):
        return REPLY_UNKNOWN
    if rules.reply_expired(invitation.sent_on, clock.today()):
        return REPLY_EXPIRED
    item = items.find(invitation.kind, invitation.object_id)
    if item is None:
        return REPLY_UNKNOWN
    try:
        with transaction.atomic():
            _save(item, reply.score, reply.comment, RatingChannel.SMS, None, None)
    except RatingRefused as exc:
        return REPLY_ALREADY if exc.code == "already_rated" else REPLY_EXPIRED
    return REPLY_THANKS.format(score=reply.score)


def _new_codes(n: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < n:
        want = n - len(codes)
        fresh = {"".join(secrets.choice(rules.CODE_ALPHABET) for _ in range(rules.CODE_LENGTH))
                 for _ in range(want)}
        fresh -= set(Invitation.objects.filter(code__in=fresh).values_list("code", flat=True))
        codes |= fresh
    return sorted(codes)[:n]


@transaction.atomic
def invite(root: Region, today: dt.date, *, days_back: int = 3) -> int:
    """Invite by text message a rating of every item closed in the last ``days_back`` days
    (before today) in ``root`` whose person has a phone (or a guardian's phone), once per
    item; the messages leave after the commit. Returns the number of invitations."""
    since, until = today - dt.timedelta(days=days_back), today - dt.timedelta(days=1)
    found = [i for kind in items.SPECS
             for i in items.closed(kind, scoping.within(root, "village__code")
                                   & Q(closed__range=(since, until)))]
    if not found:
        return 0
    done = set(Invitation.objects.filter(object_id__in={i.object_id for i in found})
               .values_list("kind", "object_id"))
    done |= set(Rating.objects.filter(object_id__in={i.object_id for i in found})
                .values_list("kind", "object_id"))
    found = [i for i in found if (i.kind, i.object_id) not in done]
    phones = {p["id"]: p["phone"] or p["guardian_phone"] for p in
              Person.objects.filter(id__in={i.person_id for i in found}, life_status="alive")
              .values("id", "phone", "guardian_phone")}
    found = [i for i in found if phones.get(i.person_id)]
    codes = _new_codes(len(found))
    made = Invitation.objects.bulk_create(
        [Invitation(code=c, kind=i.kind, object_id=i.object_id, person_id=i.person_id,
                    phone=phones[i.person_id], sent_on=today) for c, i in zip(codes, found, strict=True)])
    texts = [(inv.phone, INVITATION_TEXT.format(topic=items.topic_label(i.kind, i.topic),
                                                code=inv.code, days=rules.REPLY_DAYS))
             for inv, i in zip(made, found, strict=True)]
    transaction.on_commit(lambda: _send(texts))
    return len(made)


def _send(texts: list[tuple[str, str]]) -> None:
    notifier = get_notifier()
    for phone, text in texts:
        try:
            notifier.send(phone, text)
        except Exception:  # one failed message must not stop the others; the portal remains
            logger.warning("rating invitation to %s not sent", phone[-4:], exc_info=True)


@transaction.atomic
def record_finding(user: User, *, plan: str, year: int, area: str, title: str, text: str,
                   recommendation: str = "", request: HttpRequest | None = None) -> Finding:
    """The evaluator records a finding for a plan year (第三方评估发现)."""
    if not user.can(Capability.EVALUATE):
        raise PermissionDenied("evaluators only")
    errors = {}
    if area not in FindingArea.values:
        errors["area"] = gettext("Choose an area")
    if not title.strip():
        errors["title"] = gettext("Give the finding a title")
    if len(text.strip()) < 10:
        errors["text"] = gettext("Describe the finding in at least 10 characters")
    if errors:
        raise ValidationError(errors)
    finding = Finding.objects.create(
        plan=plan, year=year, area=area, title=title.strip(), text=text.strip(),
        recommendation=recommendation.strip(), organisation=user.organisation,
        recorded_by=user, recorded_at=clock.now())
    record(user=user, action=Action.CREATE, obj=finding, request=request,
           summary=f"第三方评估发现 {plan} {year}: {finding.title}")
    return finding
