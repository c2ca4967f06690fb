"""The project's form renderer: every field is drawn by one template.

Templates write ``{{ form.x.as_field_group }}`` instead of including a partial by hand;
Django then renders ``includes/field.html`` (label, control, help text, error, required
mark) through the project's own template engine, so the staff pages, the community pages
and the citizens' portal share one field markup (``core/tests/test_conventions.py``
counts templates that still include a field partial).
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import TemplatesSetting


class CanlianRenderer(TemplatesSetting):
    field_template_name = "includes/field.html"

    def get_template(self, template_name: str) -> Any:
        # A form drawn whole ({{ form.as_div }}) keeps Django's field markup (see the template).
        if template_name == "django/forms/div.html":
            template_name = "includes/form_div.html"
        return super().get_template(template_name)
