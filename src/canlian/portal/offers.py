"""The "1+X" offers a citizen sees once certified (一证通办): which programmes are likely open.

No database code. The two subsidies are decided by their own rules (benefits.eligibility);
this module covers the service programmes, whose rules are simpler and advisory: staff
check every request. An offer says why it is made, in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

VISUAL, HEARING, SPEECH, PHYSICAL, INTELLECTUAL, MENTAL, MULTIPLE = range(1, 8)
HARDSHIP = {"dibao", "dibao_edge", "tekun"}


@dataclass(frozen=True)
class Facts:
    certified: bool
    category: int | None
    grade: int | None
    age: int
    household_type: str  # "ordinary", "dibao", "dibao_edge" (低保边缘), "tekun" (特困)


@dataclass(frozen=True)
class Offer:
    programme: str  # "rehabilitation", "device", "renovation"
    why: str


def service_offers(facts: Facts) -> list[Offer]:
    """Service programmes this person is likely eligible for, with the reason for each."""
    if not facts.certified or facts.category is None or facts.grade is None:
        return []
    offers = []
    if facts.age < 18:
        offers.append(Offer("rehabilitation", str(_(
            "Children with disabilities can get rehabilitation paid for by the programme for "
            "children (抢救性康复)."))))
    else:
        offers.append(Offer("rehabilitation", str(_(
            "Every certificate holder can get basic rehabilitation services (基本康复服务)."))))
    if facts.category in (VISUAL, HEARING, PHYSICAL, MULTIPLE):
        offers.append(Offer("device", str(_(
            "People with visual, hearing or physical disabilities can get assistive devices "
            "fitted free or at a reduced price."))))
    severe = facts.grade in (1, 2)
    if severe and facts.household_type in HARDSHIP:
        offers.append(Offer("renovation", str(_(
            "Households in hardship with a person with a severe disability come first for "
            "home-accessibility renovation."))))
    elif severe or facts.category in (VISUAL, PHYSICAL, MULTIPLE):
        offers.append(Offer("renovation", str(_(
            "You may get help to make your home easier to use (ramps, handrails, bathroom)."))))
    return offers
