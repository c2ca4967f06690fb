"""Writes of accessibility supervision (无障碍监督): checked, atomic and audited (see
``canlian.community.shared``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.certificates.forms import check_attachment
from canlian.core import clock
from canlian.regions.models import Region

from .. import inspection_rules, ruleset, shared
from ..models import (
    Inspection,
    Place,
    Problem,
    ProblemPhoto,
)
from ..shared import CommunityError, not_future, required, village_in_region
from . import queries


@transaction.atomic
def register_place(user: Any, *, name: str, kind: str, village: Region | str, manager: str,
                   address: str = "", manager_phone: str = "",
                   request: HttpRequest | None = None) -> Place:
    scoping.require(user, Capability.REVIEW)
    area = village_in_region(user, village)
    if kind not in inspection_rules.PLACE_KINDS:
        raise ValidationError({"kind": gettext("Unknown kind of place")})
    place = Place.objects.create(
        name=required(name, "name", "请填写名称", "give the name"), kind=kind, village=area,
        manager=required(manager, "manager", "请填写管理单位", "name the managing unit"),
        address=address, manager_phone=manager_phone, registered_on=clock.today())
    record(user=user, action=Action.CREATE, obj=place, request=request,
           summary=f"无障碍监督点位：{place.name}")
    return place


@transaction.atomic
def inspect(user: Any, place_id: int, *, inspected_on: dt.date, results: dict[str, str],
            severities: dict[str, str] | None = None, descriptions: dict[str, str] | None = None,
            note: str = "", request: HttpRequest | None = None) -> Inspection:
    """An inspection against the place's checklist; each failed item becomes a problem
    with a rectification deadline by its severity (``inspection_rules.deadline``)."""

    scoping.require(user, Capability.REVIEW)
    place = queries.places_for(user).filter(pk=place_id).first()
    if place is None:
        raise Place.DoesNotExist(place_id)
    if not place.active:
        raise CommunityError(gettext("The place is no longer supervised"))
    not_future(inspected_on, "inspected_on", clock.today())
    items = {i.code: i for i in inspection_rules.items_for(place.kind, ruleset.checklist())}
    try:
        summary = inspection_rules.check_results(results, items.values())
    except inspection_rules.RuleError as exc:
        raise ValidationError({"results": exc.message}) from None
    severities, descriptions = severities or {}, descriptions or {}
    rules = shared.rules().inspections
    problems = []
    for code, result in results.items():
        if result != "fail":
            continue
        severity = severities.get(code) or items[code].severity
        if severity not in inspection_rules.SEVERITIES:
            raise ValidationError({"results": gettext("Unknown severity: %(value)s") % {"value": severity}})
        problems.append((code, severity, (descriptions.get(code) or "").strip() or items[code].zh))
    inspection = Inspection.objects.create(place=place, inspected_on=inspected_on, inspector=user,
                                           results=dict(results), passed=summary.passed,
                                           failed=summary.failed, note=note)
    Problem.objects.bulk_create([
        Problem(inspection=inspection, place=place, item=code, description=text[:300],
                severity=severity, found_on=inspected_on,
                deadline=inspection_rules.deadline(inspected_on, severity, rules))
        for code, severity, text in problems])
    record(user=user, action=Action.CREATE, obj=inspection, request=request,
           summary=f"无障碍检查：{place.name}，{summary.failed} 项不符合")
    return inspection


def _scoped_problem(user: Any, problem_id: int) -> Problem:
    found = (queries.problems_for(user).select_for_update().select_related("place")
             .filter(pk=problem_id).first())
    if found is None:
        raise Problem.DoesNotExist(problem_id)
    return found


@transaction.atomic
def add_problem_photo(user: Any, problem_id: int, stage: str, upload: Any) -> ProblemPhoto:
    """A photo of the problem before or after rectification (same checks as renovations)."""
    scoping.require(user, Capability.REVIEW)
    problem = _scoped_problem(user, problem_id)
    if stage not in ("before", "after"):
        raise ValidationError({"stage": gettext("Choose before or after")})
    if upload is None:
        raise ValidationError({"image": gettext("Choose a photo")})
    check_attachment(upload)
    photo = ProblemPhoto.objects.create(problem=problem, stage=stage, image=upload)
    record(user=user, action=Action.CREATE, obj=photo, summary=f"整改照片：{problem.place.name}")
    return photo


def _move(problem: Problem, **changes: Any) -> None:
    moved = Problem.objects.filter(pk=problem.pk, version=problem.version).update(
        version=F("version") + 1, **changes)
    if moved != 1:
        raise CommunityError(gettext("Changed by someone else; reload"))
    problem.refresh_from_db()


@transaction.atomic
def rectify(user: Any, problem_id: int, *, on: dt.date, note: str,
            request: HttpRequest | None = None) -> Problem:
    """The managing unit reports the problem rectified (整改完成), awaiting verification."""
    scoping.require(user, Capability.REVIEW)
    problem = _scoped_problem(user, problem_id)
    if problem.rectified_on is not None:
        raise CommunityError(gettext("Already rectified"))
    not_future(on, "on", clock.today())
    if on < problem.found_on:
        raise ValidationError({"on": gettext("Before the problem was found")})
    _move(problem, rectified_on=on,
          rectification_note=required(note, "note", "请填写整改情况", "say what was done"))
    record(user=user, action=Action.TRANSITION, obj=problem, request=request,
           summary=f"无障碍问题整改完成：{problem.place.name}"
                   f"{'（逾期）' if on > problem.deadline else ''}")
    return problem


@transaction.atomic
def verify(user: Any, problem_id: int, *, on: dt.date | None = None,
           request: HttpRequest | None = None) -> Problem:
    """Check the rectification on site and close the problem (复核销号); needs a photo of
    the result."""
    scoping.require(user, Capability.REVIEW)
    problem = _scoped_problem(user, problem_id)
    if problem.rectified_on is None:
        raise CommunityError(gettext("Not rectified yet"))
    if problem.verified_on is not None:
        raise CommunityError(gettext("Already verified"))
    if not problem.photos.filter(stage="after").exists():
        raise ValidationError({"photos": gettext("Upload a photo of the result first")})
    on = on or clock.today()
    not_future(on, "on", clock.today())
    if on < problem.rectified_on:
        raise ValidationError({"on": gettext("Before the rectification")})
    _move(problem, verified_on=on, verified_by=user)
    record(user=user, action=Action.TRANSITION, obj=problem, request=request,
           summary=f"无障碍问题复核销号：{problem.place.name}")
    return problem


@transaction.atomic
def extend(user: Any, problem_id: int, *, reason: str,
           request: HttpRequest | None = None) -> Problem:
    """Extend the deadline (延期整改) once more, within the deployment's limit."""
    scoping.require(user, Capability.REVIEW)
    problem = _scoped_problem(user, problem_id)
    if problem.rectified_on is not None:
        raise CommunityError(gettext("Already rectified; no extension needed"))
    reason = required(reason, "reason", "请说明延期原因", "give the reason")
    try:
        new = inspection_rules.extend(problem.deadline, problem.extensions, shared.rules().inspections)
    except inspection_rules.RuleError as exc:
        raise CommunityError(exc.message) from None
    old = problem.deadline
    _move(problem, deadline=new, extensions=F("extensions") + 1)
    record(user=user, action=Action.UPDATE, obj=problem, request=request,
           summary=f"无障碍问题延期整改：{reason}",
           changes={"deadline": [old.isoformat(), new.isoformat()]})
    return problem
