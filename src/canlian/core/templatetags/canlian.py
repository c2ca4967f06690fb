"""Small template helpers shared by the staff pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    """``{{ mapping|get_item:key }}`` — a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None


@register.filter(needs_autoescape=True)
def lang_parts(text: Any, autoescape: bool = True) -> str:
    """``{{ message|lang_parts }}`` — wrap passages in the other language than the page's in
    ``<span lang="…">`` (WCAG 3.1.2 Language of Parts); see core/langparts.py."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    from canlian.core.langparts import parts

    escape = conditional_escape if autoescape else (lambda s: s)
    html = []
    for piece, lang in parts(str(text), get_language() or "zh-hans"):
        html.append(f'<span lang="{lang}">{escape(piece)}</span>' if lang else str(escape(piece)))
    return mark_safe("".join(html))  # noqa: S308 - every piece is escaped above
