"""Small template helpers shared by the staff pages and the portal.

The number filters are the one way pages show amounts and counts: digits grouped by
three (2,422,260.00), whole numbers without a trailing ".0" (260, not 260.0), and the
unit in the page's language ("元"/"yuan", "人次"/"person-times"), so no page prints a
bare "2422260.00" or "9.00 / 4.500".
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from canlian.core.langparts import parts

register = template.Library()

DASH = "—"


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    """``{{ mapping|get_item:key }}`` — a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None


@register.filter(needs_autoescape=True)
def lang_parts(text: Any, autoescape: bool = True) -> str:
    """``{{ message|lang_parts }}`` — wrap passages in the other language than the page's in
    ``<span lang="…">`` (WCAG 3.1.2 Language of Parts); see core/langparts.py."""
    escape = conditional_escape if autoescape else (lambda s: s)
    html = []
    for piece, lang in parts(str(text), get_language() or "zh-hans"):
        html.append(f'<span lang="{lang}">{escape(piece)}</span>' if lang else str(escape(piece)))
    return mark_safe("".join(html))  # noqa: S308 - every piece is escaped above


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def group(value: Any, places: int | None = None) -> str:
    """``value`` with digits grouped by three; ``places`` fixed decimals, or (None) as
    many as the value needs, so 260.0 → "260" and 4.500 → "4.5". Not a number → "—"."""
    number = _decimal(value)
    if number is None:
        return DASH
    if places is not None:
        return f"{number.quantize(Decimal(1).scaleb(-places)):,.{places}f}"
    if number == number.to_integral_value():
        return f"{number.to_integral_value():,.0f}"
    return f"{number.normalize():,f}"


@register.filter
def money(value: Any) -> str:
    """``{{ amount|money }}`` → "2,422,260.00": an amount of yuan without its unit, for
    text that already names the unit."""
    return group(value, 2)


@register.filter
def yuan(value: Any) -> str:
    """``{{ amount|yuan }}`` → "2,422,260.00 元" (English: "2,422,260.00 yuan")."""
    if _decimal(value) is None:
        return DASH
    return gettext("%(amount)s yuan") % {"amount": group(value, 2)}


@register.filter
def num(value: Any, unit: str = "") -> str:
    """``{{ n|num }}`` → "7,385"; ``{{ n|num:_("person-times") }}`` → "260 人次"."""
    text = group(value)
    return f"{text} {unit}" if unit and text != DASH else text
