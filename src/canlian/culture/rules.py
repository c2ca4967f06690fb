"""Culture and sports vocabularies and checks, pure (no Django)."""

from __future__ import annotations

import datetime as dt
import re

from canlian.core.rule_text import gettext_noop, translated

EVENT_KINDS = {"culture": "文化活动", "sports": "体育健身活动", "reading": "盲人阅读/无障碍观影",
               "art_show": "文艺演出", "competition": "体育比赛"}
# the service type each kind of event records for its attendees (services/data)
SERVICE_TYPE = {"culture": "culture_event", "sports": "sports_event", "reading": "reading_service",
                "art_show": "culture_event", "competition": "sports_event"}
ACCESSIBILITY = {"sign_language": "手语翻译", "captions": "字幕", "braille": "盲文资料",
                 "accessible_seating": "无障碍座席"}
TEAM_KINDS = {"art_troupe": "残疾人艺术团", "sports_team": "残疾人体育队", "culture_team": "文化志愿队"}
ATHLETE_RECORDS = {"training": "训练", "competition": "比赛"}
DELIVERY_ITEMS = {"five_ones": "“五个一”文化进家庭（一套书、一张光盘、一个文化活动、一次体育健身、一套器材）",
                  "digital_tv": "数字电视", "radio_for_blind": "盲人收音机/听书机"}
# a delivery goes to a household with a severely disabled member (grade 1–2); the devices
# for blind persons to households with a person with a visual disability (category 1)
SEVERE_GRADES = (1, 2)
VISUAL_CATEGORY = 1

VERIFY_URL = re.compile(r"/verify/([A-Za-z0-9_:.-]+)/?\s*$")


def token_from_scan(text: str) -> str:
    """The e-certificate token from what the scanner typed: the whole verification URL
    (the QR code's content) or the token alone."""
    text = text.strip()
    match = VERIFY_URL.search(text)
    return match.group(1) if match else text


def delivery_refusal(item: str, grade: int | None, category: int | None) -> str | None:
    """Why a household member does not qualify for the item (None when they do)."""
    if item not in DELIVERY_ITEMS:
        return translated(gettext_noop("Unknown item"))
    if grade not in SEVERE_GRADES:
        return translated(gettext_noop("For households with a severely disabled member (grade 1 or 2)"))
    if item == "radio_for_blind" and category != VISUAL_CATEGORY:
        return translated(gettext_noop(
            "Radios and audio-book players are for persons with a visual disability"))
    return None


def check_event(title: str, on: dt.date, today: dt.date, kind: str) -> dict[str, str]:
    errors = {}
    if kind not in EVENT_KINDS:
        errors["kind"] = translated(gettext_noop("Choose the kind of event"))
    if not title.strip():
        errors["title"] = translated(gettext_noop("Name the event"))
    if on > today + dt.timedelta(days=365):
        errors["on"] = translated(gettext_noop("The event is more than a year ahead"))
    return errors
