"""Community support records (社区助残): volunteers, visits, emergency protection,
poverty-return watch and accessibility supervision.

Records about a person hang on the person and are scoped through the person's village;
records about places, volunteers and organisations carry their own village, so every
list is one region range on a village code (``accounts.scoping``). Rules live in the
plain modules beside this one; writes go through ``actions``.

The models live in the sub-domain packages; this module imports them so Django registers
them under the app label ``community`` and the migrations keep their references.
"""

from __future__ import annotations

from .accessibility.models import (
    PLACE_KIND_CHOICES,
    RESULT_CHOICES,
    SEVERITY_CHOICES,
    Inspection,
    Place,
    Problem,
    ProblemPhoto,
)
from .emergency.models import (
    ASSISTIVE_DEVICE_CHOICES,
    CHECKIN_CHOICES,
    MOBILITY_CHOICES,
    POWERED_DEVICE_CHOICES,
    CareProfile,
    CheckIn,
    Emergency,
    EmergencyKind,
    RosterEntry,
)
from .visits.models import (
    Visit,
)
from .volunteers.models import (
    AVAILABILITY_CHOICES,
    SKILL_CHOICES,
    LogStatus,
    Organisation,
    OrganisationKind,
    RequestStatus,
    ServiceLog,
    ServiceRequest,
    Volunteer,
)
from .watch.models import (
    FLAG_CHOICES,
    HELP_CHOICES,
    SITUATION_CHOICES,
    WatchCase,
    WatchEvent,
    WatchReview,
)

__all__ = [
    "ASSISTIVE_DEVICE_CHOICES",
    "AVAILABILITY_CHOICES",
    "CHECKIN_CHOICES",
    "FLAG_CHOICES",
    "HELP_CHOICES",
    "MOBILITY_CHOICES",
    "PLACE_KIND_CHOICES",
    "POWERED_DEVICE_CHOICES",
    "RESULT_CHOICES",
    "SEVERITY_CHOICES",
    "SITUATION_CHOICES",
    "SKILL_CHOICES",
    "CareProfile",
    "CheckIn",
    "Emergency",
    "EmergencyKind",
    "Inspection",
    "LogStatus",
    "Organisation",
    "OrganisationKind",
    "Place",
    "Problem",
    "ProblemPhoto",
    "RequestStatus",
    "RosterEntry",
    "ServiceLog",
    "ServiceRequest",
    "Visit",
    "Volunteer",
    "WatchCase",
    "WatchEvent",
    "WatchReview",
]
