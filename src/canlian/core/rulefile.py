"""The one reader of rule files (YAML beside an app, ``data/*.yaml``): the file is parsed,
then checked against a schema (pydantic models, one per kind of file, strict and refusing
unknown keys, so a misspelt key is caught rather than ignored), and a file that cannot be
used raises :class:`RuleFileError` naming the file, the path inside it
(``visits.rules[2].every_days``) and the reason, in Chinese and English.

No Django: the rule modules that read their data through it stay pure.

A schema checks each value where it stands (types, ranges, choices) and, with
:func:`refuse` inside a validator, what one value means next to another (a duplicate code,
a minimum above a maximum); the reader then builds its plain rule objects from the
validated model. A schema's model derives from :class:`Schema`::

    class Band(Schema):
        min_age: Age
        points: Points

    rules = rulefile.load(path, DeploymentFile)        # or rulefile.validate(data, …, file=…)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints
from pydantic import ValidationError as PydanticError
from pydantic_core import PydanticCustomError

from canlian.core.rule_text import gettext_noop, translated

M = TypeVar("M", bound=BaseModel)


class RuleFileError(ValueError):
    """A rule file that cannot be used: ``file``, ``where`` (the path inside it, ``-`` for
    the whole file) and the reason (``zh``, ``en``); ``message`` says all three."""

    def __init__(self, file: str, where: str, zh: str, en: str) -> None:
        self.file, self.where, self.zh, self.en = file, where, zh, en
        self.message = f"规则文件 {file}，{where}：{zh} ({file}: {where}: {en})"
        super().__init__(self.message)

    @classmethod
    def at(cls, file: str, loc: list[Any], zh: str, en: str, data: Any,
           key: str | None = None) -> RuleFileError:
        """The error at ``loc`` (pydantic's location: keys and list indexes) of ``data``;
        ``key`` is the missing or unknown key of the mapping at ``loc``, if that is the
        problem. A file kind whose errors name places its own way overrides this."""
        return cls(file, where_of(loc), zh, en)


class Schema(BaseModel):
    """A part of a rule file: strict types (``"3"`` is not a number, ``1`` not ``true``),
    unknown keys refused, the validated value frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def refuse(zh: str, en: str, field: str | None = None) -> PydanticCustomError:
    """The error a validator raises for a rule of the file kind (``raise refuse(...)``);
    ``field`` is the path of the value it concerns when the validator checks a whole
    mapping (``"min_age"``, ``"rules.2.code"``)."""
    return PydanticCustomError("rule_file", "{en}", {"zh": zh, "en": en, "field": field})


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise refuse(f"数值应写作字符串，如 \"1.5\"，实际为 {value!r}",
                     f"write numbers as text such as \"1.5\", got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise refuse(f"不是数字：{value!r}", f"not a number: {value!r}") from None
    if not number.is_finite():
        raise refuse(f"不是数字：{value!r}", f"not a number: {value!r}")
    return number


# An amount or a multiple written as text ("1.5") or a whole number, read exactly.
Number = Annotated[Decimal, BeforeValidator(_number)]
# Non-empty text, surrounding blanks removed.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def one_of(allowed: Iterable[Any]) -> Callable[[Any], Any]:
    """A validator: a non-empty list of values from ``allowed`` (None stays None), as a
    tuple without repeats."""
    allowed = tuple(allowed)

    def check(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, list | tuple) or not value:
            raise refuse("应为非空列表", "expected a non-empty list")
        for item in value:
            if item not in allowed or isinstance(item, bool):
                raise refuse(f"{item!r} 不在可选值中（{', '.join(map(str, allowed))}）",
                             f"{item!r} is not one of {', '.join(map(str, allowed))}")
        return tuple(dict.fromkeys(value))

    return check


def keyed(keys: Iterable[Any], low: int = 0, high: int = 1000) -> Callable[[Any], Any]:
    """A validator: a mapping from some of ``keys`` to whole numbers from ``low`` to ``high``."""
    keys = tuple(keys)

    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise refuse("应为映射", "expected a mapping")
        for key, number in value.items():
            if key not in keys or isinstance(key, bool):
                raise refuse(f"未知的键 {key!r}（可用：{', '.join(map(str, keys))}）",
                             f"unknown key {key!r} (expected one of {', '.join(map(str, keys))})")
            if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
                raise refuse(f"{key} 应为 {low}–{high} 之间的整数，实际为 {number!r}",
                             f"{key}: expected a whole number from {low} to {high}, got {number!r}")
        return dict(value)

    return check


# Chinese for pydantic's own errors (its English ``msg`` is kept beside it).
_ZH = {
    "missing": "缺少字段", "extra_forbidden": "未知字段",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "string_type": "应为文本", "string_too_short": "应为非空文本",
    "list_type": "应为列表", "tuple_type": "应为列表", "too_short": "应为非空列表",
    "dict_type": "应为映射", "model_type": "应为映射", "model_attributes_type": "应为映射",
    "greater_than_equal": "不应小于 {ge}", "less_than_equal": "不应大于 {le}",
    "greater_than": "应大于 {gt}", "less_than": "应小于 {lt}",
    "literal_error": "不在可选值中（{expected}）", "date_type": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "union_tag_invalid": "{discriminator} 的值 {tag} 无法识别（可用：{expected_tags}）",
    "string_pattern_mismatch": "格式不符（应匹配 {pattern}）",
}


def where_of(loc: Iterable[Any]) -> str:
    """A pydantic location as a path: ``("visits", "rules", 2, "code")`` → ``visits.rules[2].code``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "-"


def row_at(loc: list[Any], data: Any) -> tuple[str, list[Any]] | None:
    """For a file of versioned rows: the place of the row ``loc`` lies in (the path up to its
    first list index, with the row's ``effective_from``: ``subsidies.nursing[1] (2026-01-01)``)
    and the rest of ``loc`` inside the row; None when ``loc`` is in no list."""
    index = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
    if index is None:
        return None
    where = where_of(loc[:index + 1])
    row: Any = data
    for part in loc[:index + 1]:
        try:
            row = row[part]
        except (KeyError, IndexError, TypeError):
            row = None
            break
    if isinstance(row, dict) and row.get("effective_from") is not None:
        where += f" ({row['effective_from']})"
    return where, loc[index + 1:]


def _error(file: str, exc: PydanticError, error: type[RuleFileError], data: Any) -> RuleFileError:
    """The first problem of a failed validation, as ``error`` (a :class:`RuleFileError`)."""
    first = exc.errors(include_url=False)[0]
    kind, loc, ctx = first["type"], list(first["loc"]), first.get("ctx") or {}
    if kind == "rule_file":
        loc += [int(part) if part.isdigit() else part
                for part in str(ctx.get("field") or "").split(".") if part]
        return error.at(file, loc, ctx["zh"], ctx["en"], data)
    if kind in ("missing", "extra_forbidden") and loc:  # named at the mapping that lacks or has it
        key = loc.pop()
        verb = "missing key(s)" if kind == "missing" else "unknown key(s)"
        return error.at(file, loc, f"{_ZH[kind]} {key}", f"{verb} {key}", data, key=str(key))
    zh = _ZH.get(kind, "格式不符").format(**{k: str(v) for k, v in ctx.items()})
    value = first.get("input")
    shown = f"，实际为 {value!r}" if not isinstance(value, dict | list) else ""
    return error.at(file, loc, zh + shown, first["msg"], data)


def validate(data: Any, schema: type[M], *, file: str, error: type[RuleFileError] = RuleFileError) -> M:
    """``data`` (parsed YAML) checked against ``schema``, or ``error`` (a
    :class:`RuleFileError`, or the subclass of a file kind) for its first problem."""
    if not isinstance(data, dict):
        raise error.at(file, [], f"应为映射，实际为 {type(data).__name__}",
                       f"expected a mapping, got {type(data).__name__}", data)
    try:
        return schema.model_validate(data)
    except PydanticError as exc:
        raise _error(file, exc, error, data) from None


def read(path: str | Path, error: type[RuleFileError] = RuleFileError,
         loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> Any:
    """The parsed YAML of ``path``: ``FileNotFoundError`` without it, ``error`` with the
    line of a syntax error or an impossible value (an unquoted 2024-13-01). ``loader`` is a
    ``SafeLoader`` (:class:`DatesAsText` for a schema that reads its dates itself)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(translated(gettext_noop("Rules file %(path)s not found"),
                                           {"path": path})) from None
    return parse_text(text, path.name, error, loader)


def parse_text(text: str, file: str, error: type[RuleFileError] = RuleFileError,
               loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> Any:
    """The parsed YAML of ``text`` (a file's content, or a draft pasted into a page, named
    ``file`` in errors): ``error`` with the line of a syntax error or an impossible value."""
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise error.at(file, [f"第 {line} 行"], "YAML 语法错误",
                       f"YAML syntax error at line {line}", None) from None
    except ValueError as exc:
        raise error.at(file, [], f"YAML 中有无效的值：{exc}",
                       f"invalid value in the YAML: {exc}", None) from None


def load(path: str | Path, schema: type[M], error: type[RuleFileError] = RuleFileError,
         loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> M:
    """Read ``path`` and check it against ``schema`` (:func:`read`, :func:`validate`)."""
    return validate(read(path, error, loader), schema, file=Path(path).name, error=error)


class DatesAsText(yaml.SafeLoader):
    """A SafeLoader that leaves dates as text, so that an impossible date such as
    ``2024-13-01`` is reported by the schema with its place in the file instead of failing
    inside PyYAML."""


DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
