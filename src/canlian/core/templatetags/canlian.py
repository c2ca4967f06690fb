"""Small template helpers shared by the staff pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    """``{{ mapping|get_item:key }}`` — a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None
