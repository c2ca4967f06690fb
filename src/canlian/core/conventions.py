"""Counting the project's conventions in its source (no import, no database).

``core/tests/test_conventions.py`` fails on a breach; ``scripts/conventions`` prints the
counts below for any checkout, so a change can be measured before and after::

    scripts/conventions                 # this tree
    scripts/conventions --mypy          # also the type checker's error count (slower)
    scripts/conventions /path/to/src/canlian

Every figure is computed by reading the files with ``ast`` or plain text search; what each
one counts is said beside it in ``FIGURES``.
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ORM_WRITES = {"save", "create", "bulk_create", "bulk_update", "update", "delete", "get_or_create",
              "update_or_create"}
ALWAYS_WRITES = {"save", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_LINKS = {"objects", "filter", "exclude", "all", "select_related", "select_for_update", "none"}
# Where region conditions are built: the scoping layer and the region codes it relies on.
SCOPING_LAYER = {"accounts/scoping.py", "regions/codes.py", "regions/models.py"}
# The one list layer: the only module that pages rows with Django's Paginator.
LIST_LAYER = "core/lists.py"
# Not production code: tests, migrations, the demo seeds.
NOT_CHECKED = ("tests/", "migrations/", "demo/", "demo.py", "conftest.py")


@functools.cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def modules(root: Path) -> list[tuple[str, ast.Module]]:
    """Every module under ``root`` (src/canlian) as (relative path, tree)."""
    return [(p.relative_to(root).as_posix(), parse(p)) for p in sorted(root.rglob("*.py"))]


def checked(rel: str) -> bool:
    """Whether ``rel`` is production code (not a test, a migration or a demo seed)."""
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
        if name in ORM_WRITES and (name in ALWAYS_WRITES or _on_queryset(node.func.value)):
            count += 1
    return count


def _range_key(key: ast.expr | None) -> bool:
    """Whether a ``Q(**{…})`` key is a range lookup (``f"{field}__range"``); other computed
    lookups (``f"{prefix}issue_date__lte"``) are not region conditions."""
    parts = key.values if isinstance(key, ast.JoinedStr) else [key]
    return any(isinstance(p, ast.Constant) and isinstance(p.value, str) and "__range" in p.value
               for p in parts)


def region_filters(tree: ast.Module) -> int:
    """Lines building a region condition: a ``…code__range`` lookup, a region's ``code_range``
    read, or a ``Q(**{…})`` range lookup built from a field name."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("code__range"):
            lines.add(node.value.lineno)
            continue
        read = isinstance(node, ast.Attribute) and node.attr == "code_range"
        built = (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Q"
                 and any(isinstance(k.value, ast.Dict) and any(_range_key(key) for key in k.value.keys)
                         for k in node.keywords if k.arg is None))
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


def instant_dates(tree: ast.Module) -> list[int]:
    """Lines taking the UTC date of a stored instant (``x.created_at.date()``): the local
    date is ``clock.day_of(x.created_at)``."""
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "date" and not node.args
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr.endswith("_at")]


def imports_of(rel: str, tree: ast.Module) -> set[str]:
    """The dotted names ``rel`` imports (relative imports resolved inside ``canlian``)."""
    package = ["canlian", *rel.split("/")[:-1]]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) + 1 - node.level])
                module = f"{base}.{node.module}" if node.module else base
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
            elif node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _module_file(root: Path, name: str) -> Path | None:
    if not name.startswith("canlian."):
        return None
    path = root.parent.joinpath(*name.split("."))
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    return None


def impure_imports(root: Path, rel: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The chains by which module ``rel`` reaches Django or a ``models`` module."""
    bad: list[str] = []
    seen: set[Path] = set()

    def visit(path: Path, chain: tuple[str, ...]) -> None:
        if path in seen:
            return
        seen.add(path)
        for name in sorted(imports_of(path.relative_to(root).as_posix(), parse(path))):
            if name in allowed:
                continue
            if name == "django" or name.startswith("django.") or name.split(".")[-1] == "models":
                bad.append(" → ".join([*chain, name]))
                continue
            target = _module_file(root, name)
            if target is not None:
                visit(target, (*chain, name))

    visit(root / rel, (rel,))
    return bad


def nested_imports(tree: ast.Module) -> int:
    """Imports inside functions (outside ``if TYPE_CHECKING:``)."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            count += sum(isinstance(n, ast.Import | ast.ImportFrom) for n in ast.walk(node))
    return count


def paginators(tree: ast.Module) -> int:
    """Uses of Django's ``Paginator``: imported by name, or read as ``paginator.Paginator``."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            count += sum(a.name == "Paginator" for a in node.names)
        elif isinstance(node, ast.Attribute) and node.attr == "Paginator":
            count += 1
    return count


def is_view_module(rel: str) -> bool:
    """A module of web views: ``views.py``, ``*_views.py``, a ``views/`` package, or a
    shared page helper (``notices_web.py``, ``community/web.py``)."""
    name = rel.rsplit("/", 1)[-1]
    return (name == "views.py" or name.endswith("_views.py") or "/views/" in rel
            or rel in {"core/notices_web.py", "community/web.py"})


def _handled(handler: ast.ExceptHandler) -> list[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [k.id if isinstance(k, ast.Name) else k.attr if isinstance(k, ast.Attribute) else ""
            for k in kinds if k is not None]


def validation_handlers(tree: ast.Module) -> int:
    """``except`` clauses that name ``ValidationError`` (alone or in a tuple): in a view, a
    refusal reaches the form or the messages through ``core.web`` instead."""
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)
               and "ValidationError" in _handled(node))


def missing_handlers(tree: ast.Module) -> int:
    """``except`` clauses that name a model's ``DoesNotExist``: in a view, a record out of
    reach is a scoped ``get_object_or_404`` or the 404 of ``core.web.refusal`` instead."""
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)
               and any(k.endswith("DoesNotExist") for k in _handled(node)))


def _text(root: Path, pattern: str, suffixes: tuple[str, ...] = (".py",), production: bool = True) -> int:
    regex = re.compile(pattern, re.MULTILINE)
    total = 0
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == "core/conventions.py":  # the patterns themselves
            continue
        if path.suffix in suffixes and path.is_file() and (not production or checked(rel)):
            total += len(regex.findall(path.read_text(encoding="utf-8", errors="replace")))
    return total


def _lines(root: Path, rels: tuple[str, ...]) -> int:
    total = 0
    for rel in rels:
        path = root / rel
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.is_file() else []
        total += sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files
                     if "tests/" not in f.as_posix() and "migrations/" not in f.as_posix())
    return total


def _sum_trees(root: Path, count: Callable[[str, ast.Module], int]) -> int:
    return sum(count(rel, tree) for rel, tree in modules(root))


# One field template (FORM_RENDERER) and one error summary for every page (issue #21).
FIELD_PARTIAL = r"""\{%\s*include\s+["'][^"']*field[^"']*\.html["']"""
ERROR_SUMMARY = r'class="error-summary'
ERROR_SUMMARY_TEMPLATE = "templates/includes/errors.html"


def template_hits(root: Path, pattern: str, allowed: frozenset[str] = frozenset()) -> Counter[str]:
    """Occurrences of ``pattern`` in each template (``*.html``) whose path is not in ``allowed``."""
    regex = re.compile(pattern)
    hits: Counter[str] = Counter()
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel not in allowed and "tests/" not in rel:
            hits[rel] = len(regex.findall(path.read_text(encoding="utf-8", errors="replace")))
    return +hits


def figures(root: Path) -> dict[str, int]:
    """Each figure of issue #21's list, for the tree at ``root`` (src/canlian)."""
    prod = [(rel, tree) for rel, tree in modules(root) if checked(rel)]
    writes = Counter({rel: orm_writes(tree) for rel, tree in prod if not rel.endswith("actions.py")})
    regions = Counter({rel: region_filters(tree) for rel, tree in prod if rel not in SCOPING_LAYER})
    return {
        "type: ignore comments": _text(root, r"#\s*type:\s*ignore", production=False),
        "type: ignore comments without an error code": _text(root, r"#\s*type:\s*ignore(?!\[)",
                                                             production=False),
        "ORM writes outside actions.py (calls)": sum(writes.values()),
        "files with ORM writes outside actions.py": len(+writes),
        "region conditions built outside scoping (lines)": sum(regions.values()),
        "files building region conditions outside scoping": len(+regions),
        "server-clock reads of today's date": sum(len(clock_reads(t)) for r, t in prod
                                                  if r != "core/clock.py"),
        "@login_required": _text(root, r"@login_required\b"),
        "scoping.require(...) calls": _text(root, r"scoping\.require\("),
        "DoesNotExist handlers": _text(root, r"except [\w.]*DoesNotExist"),
        "except ValidationError blocks": _text(root, r"except \(?ValidationError"),
        "exception classes": _text(root, r"^class \w+\((?:Exception|ValueError|RuntimeError)\)", ),
        "role strings compared in code and templates": _text(
            root, r"""role (?:==|!=|in) ?[\(\{\[]?["']""", (".py", ".html")),
        "community lines (actions, views, models, queries)": _lines(
            root, ("community/actions.py", "community/views.py", "community/models.py",
                   "community/queries.py")),
        "largest community module (lines)": max(
            (_lines(root, (rel,)) for rel, _t in prod if rel.startswith("community/")), default=0),
        "imports inside functions": sum(nested_imports(t) for _r, t in prod),
        "Paginator uses outside core/lists.py": sum(paginators(t) for r, t in prod
                                                    if r != LIST_LAYER),
        "ready() methods": _text(root, r"def ready\("),
        "transaction.on_commit uses": _text(root, r"on_commit\("),
        "month_start definitions": _text(root, r"def month_start\("),
        "field partials included by hand in templates": sum(template_hits(root, FIELD_PARTIAL).values()),
        "error summaries written outside includes/errors.html": sum(template_hits(
            root, ERROR_SUMMARY, frozenset({ERROR_SUMMARY_TEMPLATE})).values()),
        "references to design.md / policy-rules.md": _text(
            root, r"design\.md|policy-rules\.md", (".py", ".html", ".yaml", ".md", ".txt"),
            production=False),
    }


def mypy_errors(root: Path) -> int:
    """The type checker's error count, run with this checkout's configuration."""
    out = subprocess.run([sys.executable, "-m", "mypy", str(root)],  # noqa: S603 - fixed command
                         capture_output=True, text=True, check=False,
                         cwd=root.parents[1]).stdout
    match = re.search(r"Found (\d+) errors?", out)
    return int(match.group(1)) if match else 0


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    root = Path(args[0]).resolve() if args else Path(__file__).resolve().parents[1]
    rows = figures(root)
    if "--mypy" in argv:
        rows = {"mypy errors": mypy_errors(root), **rows}
    width = max(map(len, rows))
    for name, value in rows.items():
        sys.stdout.write(f"{name:<{width}}  {value:>6}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
