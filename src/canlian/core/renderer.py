"""The project's form renderer: every field is drawn by one template.

Templates write ``{{ form.x.as_field_group }}`` instead of including a partial by hand;
Django then renders ``includes/field.html`` (label, control, help text, error, required
mark) through the project's own template engine, so the staff pages, the community pages
and the citizens' portal share one field markup (``core/tests/test_conventions.py``
counts templates that still include a field partial).
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class CanlianRenderer(TemplatesSetting):
    field_template_name = "includes/field.html"
