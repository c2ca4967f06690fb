"""The project's conventions, checked by reading the source (docs/architecture.md).

Each rule scans every module of ``canlian`` with ``ast`` (no import, no database):

- a pure rule module imports neither Django nor a ``models`` module, directly or through
  another ``canlian`` module it imports;
- an ORM write (``save``, ``create``, ``update``, ``delete``, ``bulk_*``, ``*_or_create``
  on a queryset) happens in an app's ``actions.py``; the files listed in ``WRITES_ELSEWHERE``
  are the exceptions known today, each with its count, so the list can only shrink;
- a region condition (a ``…code__range`` lookup, or ``code_range`` read to build one) is
  built in the scoping layer; ``REGION_FILTERS_ELSEWHERE`` lists today's exceptions the same
  way;
- nothing asks the server clock for today's date (``date.today()``,
  ``datetime.now().date()``, ``timezone.localdate()``): the deployment's date comes from
  ``canlian.core.clock``;
- a view declares its permission with ``@requires(Capability.X)`` (or
  ``@signed_in_only(reason)``); ``BARE_LOGIN_REQUIRED`` counts the views that still use a
  bare ``@login_required``;
- a view module hands an action's refusal to the form or the messages through ``core.web``
  (``VALIDATION_HANDLERS_IN_VIEWS``), and lets a missing record answer 404 through scoping
  (``MISSING_HANDLERS_IN_VIEWS``): both lists only shrink.
- rows are paged by the one list layer (``core/lists.py``: ``Listing``, ``page_of``), never
  with Django's ``Paginator`` elsewhere.
- a template draws a field with ``{{ form.x.as_field_group }}`` (the one field template,
  FORM_RENDERER), never by including a field partial, and shows errors through
  ``includes/errors.html``; ``ERROR_SUMMARIES_ELSEWHERE`` lists today's exceptions.

``scripts/conventions`` prints the same counts for the whole tree.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from django.apps import apps

from canlian.core import conventions
from canlian.core.conventions import (
    SCOPING_LAYER,
    checked,
    clock_reads,
    imports_of,
    instant_dates,
    orm_writes,
    region_filters,
)
from canlian.core.encrypted import DerivedField

ROOT = Path(__file__).resolve().parents[2]  # src/canlian

# Modules that hold rules as plain Python over plain data: tested directly, no database.
RULE_MODULES = (
    "benefits/eligibility.py",
    "certificates/rules.py",
    "certificates/workflow.py",
    "certificates/numbers.py",
    "core/notice_rules.py",
    "core/duties.py",
    "community/emergency_rules.py",
    "community/inspection_rules.py",
    "community/poverty_rules.py",
    "community/visit_rules.py",
    "community/volunteer_rules.py",
    "core/months.py",
    "exchange/holders.py",
    "indicators/formulas.py",
    "people/idnumber.py",
    "programmes/rules.py",
    "surveys/rules.py",
)

# Files outside actions.py that write through the ORM today, and why. A file's count may
# only go down (lower it here when a write moves into actions.py); a new file is refused.
WRITES_ELSEWHERE: dict[str, tuple[int, str]] = {
    "benefits/bankfiles.py": (1, "a bank file's workbook (openpyxl save, not the ORM)"),
    "benefits/ledger.py": (1, "the payment ledger's set-based writes"),
    "benefits/models.py": (1, "model save"),
    "benefits/paid_years.py": (2, "paid years' set-based refresh"),
    "benefits/rolls.py": (5, "the monthly roll's set-based writes"),
    "core/bulk.py": (1, "COPY/bulk insert helper"),
    "core/encrypted.py": (1, "re-encryption in batches (migrations, keys rotate)"),
    "core/exports.py": (1, "a workbook (openpyxl save, not the ORM)"),
    "core/storage.py": (1, "file storage"),
    "core/throttle.py": (2, "throttle counters"),
    "events/bus.py": (1, "the event outbox"),
    "jobs/runner.py": (2, "background job state"),
    "ops/retention.py": (5, "pruning old throttle rows, sessions, job rows and heartbeats"),
    "ops/runner.py": (4, "a scheduled run's state"),
    "ops/scheduler.py": (2, "the scheduler's heartbeat and its claim on a slot"),
    "jobs/storage.py": (2, "background job files"),
    "people/models.py": (3, "model save"),
    "people/roster.py": (3, "roster import's set-based writes"),
    "portal/notifiers.py": (1, "the development outbox"),
    "regions/loader.py": (3, "loading a deployment's regions"),
    "surveys/served.py": (2, "served-flags rebuild for bulk writers and migrations (set-based)"),
}

# Files outside the scoping layer that build a region condition today. Same ratchet.
REGION_FILTERS_ELSEWHERE: dict[str, int] = {}

# Imports inside functions (outside ``if TYPE_CHECKING:``), per file, and why they are not at
# the top of the module. Same ratchet: a count may only go down, a new file is refused.
CLASH = "modules of one name (actions, queries) from several apps in one file: to alias and hoist"
HEAVY = "an optional or heavy library, loaded only when used"
START = "runs before Django is set up, or while the app registry loads"
CYCLE = "the app's models module imports this one (a cycle at import time)"
NESTED_IMPORTS: dict[str, tuple[int, str]] = {
    "__main__.py": (1, START),
    "accounts/scoping.py": (10, "imported by every app's models and apps; reads their models lazily (cycle)"),
    "benefits/likely.py": (2, "yearfacts imports likely; likely reads the stored facts (cycle)"),
    "benefits/paid_years.py": (1, "yearfacts → actions → rolls → paid_years (cycle)"),
    "certificates/validity.py": (1, CYCLE),
    "certificates/views.py": (5, CLASH),
    "core/backup.py": (3, HEAVY),
    "core/browser.py": (7, HEAVY + " (Playwright, tests only)"),
    "core/errors.py": (1, START),
    "core/overview.py": (2, CLASH),
    "core/schema.py": (1, START),
    "core/startup.py": (10, START),
    "events/apps.py": (1, START),
    "events/bus.py": (1, CYCLE),
    "indicators/drill.py": (2, CLASH),
    "indicators/jobs.py": (1, "views import jobs (cycle)"),
    "indicators/measures.py": (6, CLASH),
    "jobs/actions.py": (1, "the task module imports actions (cycle)"),
    "jobs/storage.py": (1, START),
    "ops/apps.py": (1, START),
    "ops/backups.py": (3, HEAVY),
    "ops/health.py": (6, "health checks load what they check on use"),
    "ops/metrics.py": (6, HEAVY + " (prometheus_client) and models read on scrape"),
    "ops/scheduler.py": (2, "the task module imports the scheduler (cycle)"),
    "ops/work.py": (4, CLASH),
    "people/idnumber.py": (1, "a pure rule module; the clock only when no date is given"),
    "people/views.py": (1, CLASH),
    "plantasks/bulletin.py": (1, HEAVY + " (WeasyPrint)"),
    "plantasks/schedule.py": (1, START),
    "portal/notifiers.py": (1, CYCLE),
    "portal/views/applications.py": (1, HEAVY + " (WeasyPrint)"),
    "portal/views/privacy.py": (1, HEAVY + " (WeasyPrint)"),
}

# Role names compared in code and templates (``role == "federation_staff"``): the menu and
# the pages ask for a capability (``accounts/roles.py``); what remains may only go down.
ROLE_STRINGS = 0

# Type-checker ignore comments in the tree (tests included), each with its error code: the
# count may only go down (a typed helper or a narrower annotation instead of an ignore).
TYPE_IGNORES = 100

# Views that still sign in with a bare @login_required: none. A view declares
# @requires(Capability.X), or @signed_in_only(reason) when no one capability fits (home,
# second factor, own job pages, per-role or per-step checks inside).
BARE_LOGIN_REQUIRED: dict[str, int] = {}

# ``except`` clauses naming ValidationError in view modules (conventions.is_view_module):
# a view runs its action in core.web's ``form_errors(form)`` / ``error_messages(request)``
# instead. Counts per file may only go down.
VALIDATION_HANDLERS_IN_VIEWS: dict[str, int] = {}

# ``except Model.DoesNotExist`` clauses in view modules: a record out of the user's reach is
# a scoped get_object_or_404, or the 404 core.web.refusal gives. Counts only go down.
MISSING_HANDLERS_IN_VIEWS: dict[str, int] = {}

# Status alerts styled as an error summary that are not a list of refusals (a peer refused
# a transfer, with the reason; the last delivery failed, with the next attempt).
ERROR_SUMMARIES_ELSEWHERE = {"templates/transfers/detail.html": 2}

# The form template of {{ form.as_div }} (the programmes pages) still draws Django's own
# field markup; lower to 0 when those pages write {{ form.x.as_field_group }}.
FIELD_PARTIALS_ELSEWHERE = {"templates/includes/form_div.html": 1}

# The one clock gives a rule its default "today" (the deployment's date); it is read through
# Django's time-zone support, and stays the only such import a rule module may make.
PURE_ENOUGH = frozenset({"canlian.core.clock", "canlian.core.clock.today", "canlian.core"})


def _modules() -> list[tuple[str, ast.Module]]:
    return conventions.modules(ROOT)


def test_rule_modules_import_no_django_and_no_models():
    found = {rel: conventions.impure_imports(ROOT, rel, PURE_ENOUGH) for rel in RULE_MODULES}
    assert {rel: chains for rel, chains in found.items() if chains} == {}


def test_the_rule_check_catches_a_django_import():
    tree = ast.parse("from django.db import models\nfrom .models import Person\n")
    assert "django.db" in imports_of("benefits/x.py", tree)
    assert "canlian.benefits.models" in imports_of("benefits/x.py", tree)


def test_orm_writes_happen_in_actions():
    found = Counter({rel: orm_writes(tree) for rel, tree in _modules()
                     if checked(rel) and not rel.endswith("actions.py")})
    found = +found  # drop the zeros
    expected = {rel: n for rel, (n, _why) in WRITES_ELSEWHERE.items()}
    assert dict(found) == expected, (
        "ORM writes belong in an app's actions.py. New files: "
        f"{sorted(set(found) - set(expected))}; changed counts: "
        f"{ {r: (expected[r], found[r]) for r in set(found) & set(expected) if found[r] != expected[r]} }; "
        f"gone (remove from WRITES_ELSEWHERE): {sorted(set(expected) - set(found))}")


def test_the_write_check_sees_writes():
    tree = ast.parse("Person.objects.filter(pk=1).update(name='x')\nobj.save()\nd.update(a=1)\n"
                     "Todo.objects.create(title='t')\n")
    assert orm_writes(tree) == 3  # the dict's update is not counted


def test_region_conditions_are_built_in_the_scoping_layer():
    found = Counter({rel: region_filters(tree) for rel, tree in _modules()
                     if checked(rel) and rel not in SCOPING_LAYER})
    found = +found
    assert dict(found) == REGION_FILTERS_ELSEWHERE, (
        "Build region conditions with canlian.accounts.scoping. New or changed: "
        f"{ {r: n for r, n in found.items() if REGION_FILTERS_ELSEWHERE.get(r) != n} }; "
        f"gone: {sorted(set(REGION_FILTERS_ELSEWHERE) - set(found))}")


def test_the_region_check_sees_a_hand_built_condition():
    tree = ast.parse("Person.objects.filter(village__code__range=region.code_range)\n"
                     "Q(**{f'{field}__range': (low, high)})\nlow, high = region.code_range\n")
    assert region_filters(tree) == 3


def test_nothing_asks_the_server_clock_for_today():
    found = {rel: lines for rel, tree in _modules()
             if "tests/" not in rel and rel not in {"core/clock.py", "conftest.py"}
             and (lines := clock_reads(tree))}
    assert found == {}, "use canlian.core.clock.today()"


def test_the_clock_check_sees_the_server_date():
    tree = ast.parse("dt.date.today()\ntimezone.localdate()\ntimezone.now().date()\n"
                     "datetime.datetime.now().date()\nclock.today()\n")
    assert clock_reads(tree) == [1, 2, 3, 4]


def test_stored_instants_are_dated_in_local_time():
    found = {rel: lines for rel, tree in _modules() if (lines := instant_dates(tree))}
    assert found == {}, "use canlian.core.clock.day_of(instant) for an instant's local date"


def test_the_instant_check_sees_a_utc_date():
    tree = ast.parse("a.updated_at.date()\nclock.day_of(a.updated_at)\nd.date()\n"
                     "timezone.localtime(a.created_at).date()\n")
    assert instant_dates(tree) == [1]


def test_views_declare_their_permission():
    found = Counter({rel: sum(1 for node in ast.walk(tree)
                              if isinstance(node, ast.FunctionDef) for d in node.decorator_list
                              if isinstance(d, ast.Name) and d.id == "login_required")
                     for rel, tree in _modules() if checked(rel)})
    found = +found
    assert dict(found) == BARE_LOGIN_REQUIRED, (
        "Declare a view's permission with canlian.core.web.requires(Capability.X). New or changed: "
        f"{ {r: n for r, n in found.items() if BARE_LOGIN_REQUIRED.get(r) != n} }; "
        f"gone: {sorted(set(BARE_LOGIN_REQUIRED) - set(found))}")


def _views_counted(count) -> dict[str, int]:
    return dict(+Counter({rel: count(tree) for rel, tree in _modules()
                          if checked(rel) and conventions.is_view_module(rel)}))


def test_refusals_reach_the_person_one_way():
    found = _views_counted(conventions.validation_handlers)
    assert found == VALIDATION_HANDLERS_IN_VIEWS, (
        "Run the action in canlian.core.web.form_errors(form) or error_messages(request). "
        f"New or changed: { {r: n for r, n in found.items() if VALIDATION_HANDLERS_IN_VIEWS.get(r) != n} }; "
        f"gone: {sorted(set(VALIDATION_HANDLERS_IN_VIEWS) - set(found))}")


def test_views_do_not_catch_missing_records():
    found = _views_counted(conventions.missing_handlers)
    assert found == MISSING_HANDLERS_IN_VIEWS, (
        "Look the record up through scoping (get_object_or_404), or let core.web.refusal "
        "answer 404. New or changed: "
        f"{ {r: n for r, n in found.items() if MISSING_HANDLERS_IN_VIEWS.get(r) != n} }; "
        f"gone: {sorted(set(MISSING_HANDLERS_IN_VIEWS) - set(found))}")


def test_the_handler_checks_see_the_clauses():
    tree = ast.parse("try:\n    x()\nexcept ValidationError:\n    pass\n"
                     "except (DomainError, forms.ValidationError) as exc:\n    pass\n"
                     "except Person.DoesNotExist:\n    pass\nexcept ValueError:\n    pass\n")
    assert conventions.validation_handlers(tree) == 2
    assert conventions.missing_handlers(tree) == 1
    assert conventions.is_view_module("portal/views/files.py")
    assert conventions.is_view_module("people/contact_views.py")
    assert not conventions.is_view_module("people/actions.py")


def test_imports_sit_at_the_top_of_modules():
    found = Counter({rel: conventions.nested_imports(tree) for rel, tree in _modules() if checked(rel)})
    found = +found
    expected = {rel: n for rel, (n, _why) in NESTED_IMPORTS.items()}
    assert dict(found) == expected, (
        "Import at the top of the module (a cycle or an optional library is the exception, "
        "listed in NESTED_IMPORTS with its reason). New or changed: "
        f"{ {r: n for r, n in found.items() if expected.get(r) != n} }; "
        f"gone: {sorted(set(expected) - set(found))}")


def test_rows_are_paged_by_the_one_list_layer():
    found = {rel: n for rel, tree in _modules()
             if checked(rel) and rel != conventions.LIST_LAYER and (n := conventions.paginators(tree))}
    assert found == {}, "page rows with canlian.core.lists.page_of (or Listing), not Paginator"


def test_the_paging_check_sees_a_paginator():
    tree = ast.parse("from django.core.paginator import Page, Paginator\n"
                     "from django.core import paginator\npaginator.Paginator(rows, 50)\n"
                     "lists.page_of(request, rows)\n")
    assert conventions.paginators(tree) == 2


def test_roles_are_not_named_outside_the_roles_table():
    assert conventions.figures(ROOT)["role strings compared in code and templates"] <= ROLE_STRINGS


def test_type_ignores_only_go_down():
    figures = conventions.figures(ROOT)
    assert figures["type: ignore comments without an error code"] == 0
    assert figures["type: ignore comments"] <= TYPE_IGNORES, "lower TYPE_IGNORES, never raise it"


def test_one_month_start():
    assert conventions.figures(ROOT)["month_start definitions"] == 1


def test_keyed_hash_columns_declare_their_indexes_in_meta():
    """A blind index or a clear tail is searched only by equality. Declared with db_index or
    unique, PostgreSQL would build a second, pattern-ops ("_like") index beside each that no
    query uses and every insert pays for (the roster import's COPY into a million persons
    waited on them): such a column's index goes in Meta.indexes or Meta.constraints."""
    offenders = [f"{model._meta.label}.{field.name}"
                 for model in apps.get_models() for field in model._meta.local_fields
                 if isinstance(field, DerivedField) and (field.db_index or field.unique)]
    assert offenders == [], f"declare these indexes in Meta instead: {offenders}"


def test_fields_are_drawn_by_the_one_field_template():
    hits = conventions.template_hits(ROOT, conventions.FIELD_PARTIAL)
    for rel, count in hits.items():
        assert count <= FIELD_PARTIALS_ELSEWHERE.get(rel, 0), (
            f"{rel}: write {{{{ form.x.as_field_group }}}} instead of including a field partial")


def test_error_summaries_come_from_the_one_include():
    hits = conventions.template_hits(ROOT, conventions.ERROR_SUMMARY,
                                     frozenset({conventions.ERROR_SUMMARY_TEMPLATE}))
    for rel, count in hits.items():
        assert count <= ERROR_SUMMARIES_ELSEWHERE.get(rel, 0), (
            f"{rel}: use {{% include \"includes/errors.html\" %}} (form=, error_list= or error_text=)")


def test_the_template_checks_see_a_partial_and_a_summary(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% include "includes/field.html" with field=form.x %}<div class="error-summary">', "utf-8")
    assert conventions.template_hits(tmp_path, conventions.FIELD_PARTIAL) == {"templates/page.html": 1}
    assert conventions.template_hits(tmp_path, conventions.ERROR_SUMMARY) == {"templates/page.html": 1}


def test_a_section_draws_its_navigation_in_its_base_template():
    """The community pages extend ``community/base.html``, which shows the section's
    navigation; a page that included it by hand would show it twice or drift."""
    pages = [p for p in (ROOT / "templates").rglob("*.html")
             if "community/includes/nav.html" in p.read_text("utf-8")]
    assert [p.relative_to(ROOT).as_posix() for p in pages] == ["templates/community/base.html"]
