"""Region scoping: the one place that decides which records a user may see.

Every view, export, report and API call asks ``people_for(user)`` (or a model's
``visible_to(user)``, which calls it) for its base queryset. The systems we learned
from leaked data where a report built its own query, so nothing else filters persons
by region on its own.

A region covers every record whose village code lies in its code range
(``regions.codes``); users with no region, or roles that see no registry, get none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from canlian.regions import codes

from .roles import Capability, Role

if TYPE_CHECKING:
    from canlian.regions.models import Region

    from .models import User


def region_q(user: User, field: str = "village__code") -> Q:
    """A condition selecting rows whose region ``field`` (a village code) is in scope."""
    if not user.is_authenticated or not user.can(Capability.VIEW_PEOPLE):
        return Q(pk__in=[])
    return region_range_q(user, field)


def people_for(user: User):
    """Persons the user may see (staff: in region; citizen: self and wards)."""
    from canlian.people.models import Person

    qs = Person.objects.all()
    if user.is_authenticated and user.is_active and user.role == Role.CITIZEN:
        if not user.resident_id:
            return qs.none()
        return qs.filter(Q(resident_id=user.resident_id) | Q(guardian_resident_id=user.resident_id))
    return qs.filter(region_q(user))


class OutsideArea(PermissionDenied):
    """A record that exists but lies outside the user's area: said plainly (issue 23), not a
    bare 404 — staff are told to ask the federation (or the person's own township) instead
    of searching again. Only for staff roles; citizens and others still get 404."""

    code = "outside_area"


def person_or_refusal(user: User, pk: int, queryset: Any = None) -> Any:
    """The person ``pk`` from ``queryset`` (default: :func:`people_for`); :class:`OutsideArea`
    when a staff user asks for a person registered outside their region; 404 otherwise."""
    from django.http import Http404

    from canlian.people.models import Person

    qs = queryset if queryset is not None else people_for(user)
    try:
        return qs.get(pk=pk)
    except Person.DoesNotExist:
        if user.is_staff_role and Person.objects.filter(pk=pk).exists():
            raise OutsideArea(OutsideArea.code) from None
        raise Http404("no such person") from None


def region_of(user: User) -> Region:
    """The region a staff user works in; 403 for an account without one.

    Every staff account has a region (``User.clean``), so this only types what is
    already true; a view asks it instead of reading ``user.region`` unchecked.
    """
    if user.region is None:
        raise PermissionDenied("no region")
    return user.region


def require(user: User, capability: Capability) -> None:
    """Raise 403 unless the user's role grants ``capability``."""
    if not user.is_authenticated or not user.can(capability):
        raise PermissionDenied(capability.value)


def in_scope(user: User, village_code: str) -> bool:
    """Whether a record placed in ``village_code`` is within the user's region."""
    if user.region is None or user.role == Role.CITIZEN:
        return False
    return user.region.contains(village_code)


def region_range_q(user: User, field: str) -> Q:
    """Rows whose village-code ``field`` lies in the user's region, whatever the role.

    For records other than persons that a role sees by region even without the
    registry (an assessor's cases). Citizens and users without a region get nothing.
    """
    if not user.is_authenticated or not user.is_active or user.region is None:
        return Q(pk__in=[])
    if user.role == Role.CITIZEN:
        return Q(pk__in=[])
    low, high = user.region.code_range
    return Q(**{f"{field}__range": (low, high)})


def deployment_q(field: str = "village__code") -> Q:
    """Rows anywhere in the current deployment, with no user: the public disclosure's
    aggregates (``disclosure/``), which publish counts, never rows. Scheduled jobs, which
    already hold the deployment, use ``within(root, field)``."""
    from canlian.regions.models import Deployment

    deployment = Deployment.current()
    if deployment is None:
        return Q(pk__in=[])
    return within(deployment.root, field)


def certificate_applications_for(user: User):
    """Certificate applications the user may see.

    Staff with the registry see their region's; assessors see their region's
    applications that need or had an assessment; citizens their own and their wards'.
    """
    from canlian.certificates.models import Application

    qs = Application.objects.all()
    if user.is_authenticated and user.is_active and user.role == Role.CITIZEN:
        return qs.filter(person__in=people_for(user))
    if user.is_authenticated and user.role == Role.ASSESSOR:
        return qs.filter(region_range_q(user, "village__code"), kind__in=["new", "change"])
    return qs.filter(region_q(user, "village__code"))


def certificates_for(user: User):
    from canlian.certificates.models import Certificate

    return Certificate.objects.filter(person__in=people_for(user))


def jobs_for(user: User):
    """Background jobs the user may see: their own, and, for each kind they may run
    themselves, the jobs of that kind started within their region."""
    from canlian.jobs import kinds
    from canlian.jobs.models import Job

    if not user.is_authenticated or not user.is_active or not user.is_staff_role:
        return Job.objects.none()
    regional = Q(kind__in=kinds.allowed(user)) & region_range_q(user, "region_code")
    return Job.objects.filter(Q(owner=user) | regional)


def within(region: Region | str | tuple[str, str], field: str, level: str | None = None) -> Q:
    """Rows whose village-code ``field`` lies in ``region`` (a region, a code of ``level``, or
    a region's code range already taken): work done for a region as a whole and for no user
    (the scheduled jobs over the deployment being served, the indicators), or a list already
    scoped to a user narrowed to one part of their region (an emergency's area, a person's
    township)."""
    return Q(**{f"{field}__range": _code_range(region, level)})


def region_sql(region: Region | str | tuple[str, str], column: str, name: str = "region",
               level: str | None = None) -> tuple[str, dict[str, str]]:
    """The raw-SQL form of :func:`within`: a condition on the village-code ``column`` (``p.village_id``)
    and its named parameters, ``("p.village_id BETWEEN %(region_lo)s AND %(region_hi)s",
    {"region_lo": …, "region_hi": …})``, for the set-based queries that build their SQL by
    hand (the subsidy roll, the likely-eligible facts). ``name`` prefixes the parameters'
    names, so that two conditions can share one statement."""
    low, high = _code_range(region, level)
    return (f"{column} BETWEEN %({name}_lo)s AND %({name}_hi)s",
            {f"{name}_lo": low, f"{name}_hi": high})


def _code_range(region: Region | str | tuple[str, str], level: str | None) -> tuple[str, str]:
    """The village-code range of ``region`` (a region, a code of ``level``, or a range)."""
    if isinstance(region, tuple):
        return region
    return codes.code_range(region, level) if isinstance(region, str) else region.code_range


def ratings_for(user: User):
    """Satisfaction ratings (满意度评价) the user may see: those of persons placed in the
    user's region, for roles with ``view_satisfaction`` (staff, auditors, evaluators)."""
    from canlian.evaluation.models import Rating

    if not user.is_authenticated or not user.can(Capability.VIEW_SATISFACTION):
        return Rating.objects.none()
    return Rating.objects.filter(region_range_q(user, "village__code"))


def evaluation_population_for(user: User):
    """The persons a third-party evaluator's sample is drawn from: those placed in its
    region. Only ever read through ``evaluation.queries.sample`` (anonymised, audited)."""
    from canlian.people.models import Person

    if not user.is_authenticated or not user.can(Capability.EVALUATE):
        return Person.objects.none()
    return Person.objects.filter(region_range_q(user, "village__code"))
