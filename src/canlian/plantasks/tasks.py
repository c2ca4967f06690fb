"""Plan tasks as data (规划重点任务): each plan's numbered measures and 专栏 projects, with
their lead (牵头) and responsible (参与/责任) departments, years and milestones.

The indicator table (``indicators/data/plans``) says *what* a plan measures; this file
says *who does what*. One YAML per plan in ``data/``, read strictly: an unknown key, a
missing field or a bad value is an error naming the file, the task and the field. No
database code: the pages and the supervision bulletin read the frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("measure", "project")  # 主要措施 / 专栏项目
SOURCES = ("plan", "assigned")  # departments named by the plan / assigned (demo, unconfirmed)
TASK_KEYS = {"code", "kind", "section", "title", "lead", "responsible", "departments_source",
             "years", "milestones"}
PLAN_KEYS = {"code", "region", "title", "period", "federation", "source"}


class TaskFileError(ValueError):
    def __init__(self, file: str, where: str, field: str, zh: str, en: str) -> None:
        self.file, self.where, self.field = file, where, field
        self.message = f"任务文件 {file}，{where}，字段 {field}：{zh} ({file}: {where}, {field}: {en})"
        super().__init__(self.message)


@dataclass(frozen=True)
class Milestone:
    """A measurable step the plan's text gives (里程碑); ``year`` None means every year."""

    year: int | None
    text: str


@dataclass(frozen=True)
class Task:
    """One task (重点任务): a measure (主要措施) or a 专栏 project (专栏项目)."""

    code: str
    kind: str
    section: str
    title: str
    lead: tuple[str, ...]  # 牵头部门
    responsible: tuple[str, ...]  # 参与部门 / 责任单位
    departments_source: str
    start: int
    end: int
    milestones: tuple[Milestone, ...] = ()

    @property
    def departments(self) -> tuple[str, ...]:
        return self.lead + tuple(d for d in self.responsible if d not in self.lead)

    def runs_in(self, year: int) -> bool:
        return self.start <= year <= self.end


@dataclass(frozen=True)
class TaskPlan:
    code: str  # the indicator plan's code (indicators/data/plans)
    region: str
    title: str
    start: int
    end: int
    federation: str  # the federation's own name among the departments
    source: str  # the plan text the titles are checked against (data/sources/)
    departments: tuple[str, ...]
    tasks: tuple[Task, ...]

    def task(self, code: str) -> Task:
        for t in self.tasks:
            if t.code == code:
                return t
        raise KeyError(code)

    def tasks_of(self, department: str, *, lead_only: bool = False) -> list[Task]:
        return [t for t in self.tasks
                if department in (t.lead if lead_only else t.departments)]

    @property
    def source_path(self) -> Path:
        return DATA_DIR / self.source


def _fail(file: str, where: str, field: str, zh: str, en: str) -> TaskFileError:
    return TaskFileError(file, where, field, zh, en)


def _names(file: str, where: str, field: str, value: Any, known: set[str] | None,
           *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value) \
            or (required and not value):
        raise _fail(file, where, field, "应为部门名称列表", "expected a list of department names")
    if known is not None:
        unknown = [v for v in value if v not in known]
        if unknown:
            raise _fail(file, where, field, f"未在 departments 中列出：{'、'.join(unknown)}",
                        f"not listed in departments: {', '.join(unknown)}")
    return tuple(value)


def _year_pair(file: str, where: str, field: str, value: Any) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or value[0] > value[1]):
        raise _fail(file, where, field, "应为 [起始年, 结束年]", "expected [first year, last year]")
    return value[0], value[1]


def parse(data: Any, *, file: str) -> TaskPlan:
    if not isinstance(data, dict):
        raise _fail(file, "-", "-", "应为映射", "expected a mapping")
    extra = set(data) - {"plan", "departments", "tasks"}
    if extra:
        raise _fail(file, "-", ", ".join(sorted(extra)), "未知字段", "unknown key")
    head = data.get("plan")
    if not isinstance(head, dict):
        raise _fail(file, "plan", "plan", "缺少规划信息", "missing")
    if set(head) != PLAN_KEYS:
        missing, unknown = PLAN_KEYS - set(head), set(head) - PLAN_KEYS
        raise _fail(file, "plan", ", ".join(sorted(missing | unknown)),
                    "缺少字段" if missing else "未知字段", "missing" if missing else "unknown key")
    start, end = _year_pair(file, "plan", "period", head["period"])
    departments = _names(file, "departments", "departments", data.get("departments"), None,
                         required=True)
    if len(set(departments)) != len(departments):
        raise _fail(file, "departments", "departments", "部门重复", "duplicate department")
    known = set(departments)
    if head["federation"] not in known:
        raise _fail(file, "plan", "federation", "未在 departments 中列出",
                    "not listed in departments")
    raw_tasks = data.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        raise _fail(file, "tasks", "tasks", "应为任务列表", "expected a list of tasks")
    tasks, seen = [], set()
    for i, raw in enumerate(raw_tasks, start=1):
        where = f"任务 #{i}"
        if not isinstance(raw, dict):
            raise _fail(file, where, "-", "应为映射", "expected a mapping")
        code = raw.get("code")
        if not isinstance(code, str) or not code:
            raise _fail(file, where, "code", "应为文本编号（如 \"2.1.3\"）",
                        "expected a text code such as \"2.1.3\"")
        where = f"任务 {code}"
        if code in seen:
            raise _fail(file, where, "code", "编号重复", "duplicate code")
        seen.add(code)
        unknown = set(raw) - TASK_KEYS
        if unknown:
            raise _fail(file, where, ", ".join(sorted(unknown)), "未知字段", "unknown key")
        for key in ("section", "title"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise _fail(file, where, key, "缺少文本", "missing text")
        if raw.get("kind") not in KINDS:
            raise _fail(file, where, "kind", f"应为 {'/'.join(KINDS)}", f"one of {KINDS}")
        if raw.get("departments_source") not in SOURCES:
            raise _fail(file, where, "departments_source", f"应为 {'/'.join(SOURCES)}",
                        f"one of {SOURCES}")
        first, last = _year_pair(file, where, "years", raw.get("years"))
        if first < start or last > end:
            raise _fail(file, where, "years", f"超出规划期 {start}—{end}",
                        f"outside the plan period {start}-{end}")
        milestones = []
        for j, m in enumerate(raw.get("milestones") or [], start=1):
            mwhere = f"{where} 里程碑 #{j}"
            if not isinstance(m, dict) or set(m) != {"year", "text"}:
                raise _fail(file, mwhere, "-", "应为 {year, text}", "expected {year, text}")
            if m["year"] is not None and (not isinstance(m["year"], int)
                                          or not first <= m["year"] <= last):
                raise _fail(file, mwhere, "year", f"应为 {first}—{last} 之间的年份或 null",
                            f"a year within {first}-{last} or null")
            if not isinstance(m["text"], str) or not m["text"].strip():
                raise _fail(file, mwhere, "text", "缺少文本", "missing text")
            milestones.append(Milestone(m["year"], m["text"]))
        tasks.append(Task(
            code=code, kind=raw["kind"], section=raw["section"], title=raw["title"],
            lead=_names(file, where, "lead", raw.get("lead"), known, required=True),
            responsible=_names(file, where, "responsible", raw.get("responsible"), known,
                               required=False),
            departments_source=raw["departments_source"], start=first, end=last,
            milestones=tuple(milestones)))
    return TaskPlan(code=head["code"], region=head["region"], title=head["title"], start=start,
                    end=end, federation=head["federation"], source=head["source"],
                    departments=departments, tasks=tuple(tasks))


def read(path: Path) -> TaskPlan:
    with path.open(encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise _fail(path.name, "-", "-", f"YAML 格式错误：{exc}", f"bad YAML: {exc}") \
                from None
    return parse(data, file=path.name)


def available() -> dict[str, Path]:
    """The shipped task files by plan code (the file is named after the code)."""
    return {p.stem: p for p in sorted(DATA_DIR.glob("*.yaml"))}


@cache
def load(code: str) -> TaskPlan:
    path = available().get(code)
    if path is None:
        raise KeyError(f"no task file {code!r}")
    return read(path)


def for_region(region_name: str) -> TaskPlan | None:
    """The shipped plan of the deployment whose root region is ``region_name``."""
    for code in available():
        plan = load(code)
        if plan.region == region_name:
            return plan
    return None
