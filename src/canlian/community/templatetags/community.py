"""Template helpers of the community pages: texts that the rules give in both languages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def in_language(item: Any) -> str:
    """``{"zh": …, "en": …}`` (a stored reason or flag) in the page's language."""
    if not isinstance(item, dict):
        return str(item or "")
    english = (get_language() or "zh-hans").startswith("en")
    return str(item.get("en" if english else "zh") or item.get("zh") or "")


@register.filter
def choice_label(code: Any, choices: Any) -> str:
    """The label of ``code`` among ``choices`` (pairs), or the code itself."""
    return str(dict(choices).get(code, code))


@register.filter
def choice_labels(codes: Any, choices: Any) -> str:
    """Labels of a list of codes, comma-separated."""
    labels = dict(choices)
    joiner = ", " if (get_language() or "zh-hans").startswith("en") else "、"
    return joiner.join(str(labels.get(c, c)) for c in codes or [])
