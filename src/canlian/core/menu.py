"""The staff site's main menu, built from the signed-in user's capabilities.

Each entry says which capability shows it (``accounts.roles.Capability``), so the menu
follows the roles table instead of naming roles in the template; ``base.html`` renders
``menu`` and marks the current entry (``aria-current``) by the URL's app or name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from canlian.accounts.roles import Capability


@dataclass(frozen=True)
class Entry:
    url: str  # the URL name
    label: str | Promise
    capability: Capability | None  # None: every staff role (the work queue)
    app: str = ""  # current when the request's app is this one…
    name: str = ""  # …or its URL name is this one


ENTRIES = (
    Entry("home", _("My work"), Capability.VIEW_PEOPLE, name="home"),
    Entry("people:list", _("Persons"), Capability.VIEW_PEOPLE, app="people"),
    Entry("certificates:queue", _("Work queue"), None, name="queue"),
    Entry("benefits:index", _("Two subsidies"), Capability.VIEW_PEOPLE, app="benefits"),
    Entry("surveys:index", _("Annual survey"), Capability.VIEW_PEOPLE, app="surveys"),
    Entry("services:index", _("Services"), Capability.VIEW_PEOPLE, app="services"),
    Entry("community:index", _("Community support"), Capability.VIEW_PEOPLE, app="community"),
    Entry("care:index", _("Care"), Capability.VIEW_PEOPLE, app="care"),
    Entry("programmes:index", _("Programmes (1+X)"), Capability.VIEW_PEOPLE, app="programmes"),
    Entry("certificates:expiring", _("Renewals"), Capability.VIEW_PEOPLE, name="expiring"),
    Entry("employment:index", _("Employment"), Capability.VIEW_PEOPLE, app="employment"),
    Entry("education:index", _("Education support"), Capability.VIEW_PEOPLE, app="education"),
    Entry("culture:index", _("Culture and sports"), Capability.VIEW_PEOPLE, app="culture"),
    Entry("rights:index", _("Rights casework"), Capability.VIEW_PEOPLE, app="rights"),
    Entry("indicators:dashboard", _("Plan indicators"), Capability.VIEW_PEOPLE, app="indicators"),
    Entry("plantasks:mine", _("My plan tasks"), Capability.REPORT_PLAN_TASKS, app="plantasks"),
    Entry("plantasks:supervision", _("Plan tasks"), Capability.SUPERVISE_PLAN_TASKS,
          name="supervision"),
    Entry("evaluation:home", _("Third-party evaluation"), Capability.EVALUATE),
    Entry("evaluation:results", _("Satisfaction"), Capability.VIEW_SATISFACTION, name="results"),
    Entry("employment:mine", _("My unit"), Capability.OWN_UNIT),
    Entry("transfers:index", _("Transfers between regions"), Capability.VIEW_PEOPLE,
          app="transfers"),
    Entry("audit:list", _("Audit log"), Capability.VIEW_AUDIT, app="audit"),
    Entry("privacy:holds", _("Legal holds"), Capability.MANAGE_LEGAL_HOLDS, name="holds"),
    Entry("privacy:sharing", _("Sharing by consent"), Capability.MANAGE_DATA_SHARING,
          name="sharing"),
)


def entries_for(user: Any) -> list[Entry]:
    """The entries ``user`` may open, in menu order (none for a visitor)."""
    if not user.is_authenticated:
        return []
    return [e for e in ENTRIES
            if (user.is_staff_role if e.capability is None else user.can(e.capability))]


def context(request: HttpRequest) -> dict[str, Any]:
    """``menu``: (href, label, current) for each entry the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_citizen:
        return {"menu": []}
    match = getattr(request, "resolver_match", None)
    app, name = (match.app_name, match.url_name) if match else ("", "")
    return {"menu": [(_href(e.url), e.label,
                      bool((e.app and e.app == app) or (e.name and e.name == name)))
                     for e in entries_for(user)]}


_HREFS: dict[tuple[str, str], str] = {}


def _href(url_name: str) -> str:
    """``reverse(url_name)``, kept per script prefix: the menu's eighteen reversals were a
    tenth of the busiest page's rendering, and a URL name's path never changes while the
    process runs (the URLs have no language prefix)."""
    key = (get_script_prefix(), url_name)
    if key not in _HREFS:
        _HREFS[key] = reverse(url_name)
    return _HREFS[key]
