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
  ``canlian.core.clock``.

``scripts/conventions`` prints the same counts for the whole tree.
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # src/canlian

# Modules that hold rules as plain Python over plain data: tested directly, no database.
RULE_MODULES = (
    "benefits/eligibility.py",
    "certificates/rules.py",
    "certificates/workflow.py",
    "certificates/numbers.py",
    "community/emergency_rules.py",
    "community/inspection_rules.py",
    "community/poverty_rules.py",
    "community/visit_rules.py",
    "community/volunteer_rules.py",
    "indicators/formulas.py",
    "people/idnumber.py",
    "surveys/rules.py",
)

# Files outside actions.py that write through the ORM today, and why. A file's count may
# only go down (lower it here when a write moves into actions.py); a new file is refused.
WRITES_ELSEWHERE: dict[str, tuple[int, str]] = {
    "accounts/views.py": (3, "sign-in and second-factor set-up (to move to accounts/actions.py)"),
    "api/auth.py": (1, "an API key's last use"),
    "api/feeds.py": (3, "other departments' batches (to move into the owning apps' actions)"),
    "api/management/commands/apiclient.py": (1, "creating an API client from the command line"),
    "api/models.py": (1, "an API key's hash on creation"),
    "benefits/bankfiles.py": (1, "a bank file's workbook (openpyxl save, not the ORM)"),
    "benefits/ledger.py": (1, "the payment ledger's set-based writes"),
    "benefits/models.py": (1, "model save"),
    "benefits/paid_years.py": (2, "paid years' set-based refresh"),
    "benefits/rolls.py": (5, "the monthly roll's set-based writes"),
    "benefits/subscribers.py": (1, "event handler"),
    "certificates/ecert.py": (1, "the certificate's verification token, made on first use"),
    "certificates/views.py": (1, "a to-do marked done (to move to todos/actions.py)"),
    "core/bulk.py": (1, "COPY/bulk insert helper"),
    "core/exports.py": (1, "a workbook (openpyxl save, not the ORM)"),
    "core/storage.py": (1, "file storage"),
    "core/throttle.py": (2, "throttle counters"),
    "events/bus.py": (1, "the event outbox"),
    "jobs/runner.py": (2, "background job state"),
    "jobs/storage.py": (2, "background job files"),
    "people/jobs.py": (1, "roster import job"),
    "people/management/commands/import.py": (1, "roster import command"),
    "people/models.py": (3, "model save"),
    "people/roster.py": (3, "roster import's set-based writes"),
    "portal/notifiers.py": (1, "the development outbox"),
    "portal/views/home.py": (1, "portal preferences"),
    "regions/loader.py": (3, "loading a deployment's regions"),
    "surveys/models.py": (2, "AnnualSurvey.save (a write hidden in save)"),
    "surveys/served.py": (3, "served-flags refresh"),
    "surveys/subscribers.py": (1, "event handler"),
    "todos/subscribers.py": (1, "event handler"),
}

# Files outside the scoping layer that build a region condition today. Same ratchet.
REGION_FILTERS_ELSEWHERE: dict[str, int] = {
    "audit/views.py": 2,
    "benefits/bankfiles.py": 1,
    "benefits/ledger.py": 2,
    "benefits/likely.py": 1,
    "benefits/management/commands/subsidies.py": 1,
    "benefits/rolls.py": 8,
    "benefits/standing.py": 1,
    "benefits/views.py": 1,
    "certificates/management/commands/certificates.py": 1,
    "certificates/validity.py": 2,
    "community/actions.py": 2,
    "community/queries.py": 4,
    "employment/queries.py": 5,
    "indicators/actions.py": 3,
    "indicators/drill.py": 1,
    "indicators/measures.py": 6,
    "people/queries.py": 1,
    "people/roster.py": 1,
}

ORM_WRITES = {"save", "create", "bulk_create", "bulk_update", "update", "delete", "get_or_create",
              "update_or_create"}
QUERYSET_LINKS = {"objects", "filter", "exclude", "all", "select_related", "select_for_update", "none"}
# The one clock gives a rule its default "today" (the deployment's date); it is read through
# Django's time-zone support, and stays the only such import a rule module may make.
PURE_ENOUGH = {"canlian.core.clock", "canlian.core.clock.today", "canlian.core"}
SCOPING_LAYER = {"accounts/scoping.py", "regions/codes.py", "regions/models.py"}
NOT_CHECKED = ("tests/", "migrations/", "demo/", "demo.py", "conftest.py")


def _modules() -> list[tuple[str, ast.Module]]:
    return [(p.relative_to(ROOT).as_posix(), _parse(p)) for p in sorted(ROOT.rglob("*.py"))]


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _checked(rel: str) -> bool:
    return not any(part in rel for part in NOT_CHECKED)


def _on_queryset(node: ast.expr) -> bool:
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in QUERYSET_LINKS:
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def orm_writes(tree: ast.Module) -> int:
    """Calls that write through the ORM: ``x.save()``, and the others on a queryset chain."""
    count = 0
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name not in ORM_WRITES:
            continue
        always = name == "save" or name in {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}
        if always or _on_queryset(node.func.value):
            count += 1
    return count


def region_filters(tree: ast.Module) -> int:
    """Lines building a region condition: a ``…code__range`` lookup, a region's ``code_range``
    read, or a ``Q(**{…})`` built from a field name."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("code__range"):
            lines.add(node.value.lineno)
            continue
        read = isinstance(node, ast.Attribute) and node.attr == "code_range"
        built = (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Q"
                 and any(isinstance(k.value, ast.Dict) for k in node.keywords if k.arg is None))
        if read or built:
            lines.add(getattr(node, "lineno", 0))
    return len(lines)


def clock_reads(tree: ast.Module) -> list[int]:
    """Lines asking the server clock for today's date."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, owner = node.func.attr, node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        server_today = (name == "today" and owner_name in {"date", "datetime"}) or name == "localdate"
        now_date = (name == "date" and isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute)
                    and owner.func.attr == "now")
        if server_today or now_date:
            lines.append(node.lineno)
    return lines


def _imports(rel: str, tree: ast.Module) -> set[str]:
    package = rel.rsplit("/", 1)[0].replace("/", ".") if "/" in rel else ""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(["canlian", *package.split(".")][: len(package.split(".")) + 2 - node.level])
                module = f"{base}.{node.module}" if node.module else base
                found.add(module)
                if not node.module:
                    found.update(f"{base}.{alias.name}" for alias in node.names)
            elif node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _module_file(name: str) -> Path | None:
    if not name.startswith("canlian."):
        return None
    path = ROOT.parent.joinpath(*name.split("."))
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return None


def impure_imports(rel: str) -> list[str]:
    """The chains by which ``rel`` reaches Django or a models module (empty when pure)."""
    bad: list[str] = []
    seen: set[Path] = set()

    def visit(path: Path, chain: tuple[str, ...]) -> None:
        if path in seen:
            return
        seen.add(path)
        rel_path = path.relative_to(ROOT).as_posix()
        for name in sorted(_imports(rel_path, _parse(path))):
            if name in PURE_ENOUGH:
                continue
            if name == "django" or name.startswith("django.") or name.split(".")[-1] == "models":
                bad.append(" → ".join([*chain, name]))
                continue
            target = _module_file(name)
            if target is not None and target.name != "__init__.py":
                visit(target, (*chain, name))

    visit(ROOT / rel, (rel,))
    return bad


def test_rule_modules_import_no_django_and_no_models():
    assert {rel: impure_imports(rel) for rel in RULE_MODULES if impure_imports(rel)} == {}


def test_the_rule_check_catches_a_django_import(tmp_path):
    tree = ast.parse("from django.db import models\nfrom .models import Person\n")
    assert "django.db" in _imports("benefits/x.py", tree)
    assert "canlian.benefits.models" in _imports("benefits/x.py", tree)


def test_orm_writes_happen_in_actions():
    found = Counter({rel: orm_writes(tree) for rel, tree in _modules()
                     if _checked(rel) and not rel.endswith("actions.py")})
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
                     if _checked(rel) and rel not in SCOPING_LAYER})
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
