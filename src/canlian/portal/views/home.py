"""The portal's home (my certificate, my applications, what I may apply for), who I act
for, and the display settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from canlian.accounts.roles import Role
from canlian.benefits import actions as benefits
from canlian.benefits.models import Grant, Subsidy, SubsidyApplication
from canlian.certificates.actions import renewable_certificate
from canlian.programmes.queries import offers_for as programme_offers
from canlian.programmes.queries import subsidy_programmes
from canlian.rights import actions as rights

from .. import actions, display, offers
from ..forms import DisplayForm
from . import tracking
from .common import SESSION_PERSON, PortalRequest, citizen_required


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_authenticated and user.role == Role.CITIZEN):
        return render(request, "portal/welcome.html")
    return _dashboard(request)


def subsidy_offers(person) -> list[dict]:
    """Each subsidy the person might claim: pre-filled, likely eligible, or already running."""
    result = []
    running = set(Grant.objects.filter(person=person).exclude(status="stopped")
                  .values_list("subsidy", flat=True))
    open_apps = {a.subsidy: a for a in SubsidyApplication.objects.filter(
        person=person, state__in=["prefilled", "applied", "reviewed"])}
    for subsidy in Subsidy:
        if subsidy.value in running:
            continue
        application = open_apps.get(subsidy.value)
        if application is not None and application.state != "prefilled":
            continue
        decision = benefits.evaluate(person, subsidy.value, application)
        if application is None and not decision.eligible:
            continue
        result.append({"subsidy": subsidy.value, "label": subsidy.label,
                       "prefilled": application is not None,
                       "amount": decision.monthly_amount,
                       "reasons": [r for r in decision.reasons if r.passed][:4]})
    return result


@citizen_required
def _dashboard(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    certificate = renewable_certificate(person)
    household = person.household.household_type if person.household else "ordinary"
    facts = offers.Facts(certified=bool(certificate and certificate.status == "issued"),
                         category=person.category, grade=person.grade, age=person.age,
                         household_type=household)
    items = tracking.items_for(person)
    on_roll = set(subsidy_programmes().values())
    return render(request, "portal/home.html", {
        "person": person, "certificate": certificate,
        # A subsidy in the programme catalogue is offered there, with its reason.
        "subsidies": [s for s in subsidy_offers(person) if s["subsidy"] not in on_roll]
        if facts.certified and not person.is_deceased else [],
        "services": offers.service_offers(facts) if not person.is_deceased else [],
        "programmes": programme_offers(person)
        if facts.certified and not person.is_deceased else [],
        "open_items": [i for i in items if i["stage"] == "waiting"][:5],
        "persons": actions.persons_for(request.user),
        "rights_cases": rights.cases_for(request.user).filter(person=person)[:5],
    })


@citizen_required
def choose_person(request: PortalRequest) -> HttpResponse:
    """A guardian chooses whose business to do: their own, or a ward's (被监护人)."""
    persons = list(actions.persons_for(request.user))
    if request.method == "POST":
        chosen = actions.acting_for(request.user, request.POST.get("person"))
        if chosen is not None and str(chosen.pk) == request.POST.get("person"):
            request.session[SESSION_PERSON] = chosen.pk
            messages.success(request, _("You are now acting for %(name)s.") % {"name": chosen.name})
            return redirect("portal:home")
        messages.error(request, _("Choose one of the listed persons."))
    return render(request, "portal/choose.html", {"persons": persons,
                                                  "current": request.portal_person})


def display_settings(request: HttpRequest) -> HttpResponse:
    """Text size and contrast; remembered on the account, or in a cookie before sign-in."""
    form = DisplayForm(request.POST or None, initial=display.current(request))
    if request.method == "POST" and form.is_valid():
        prefs = {"text": form.cleaned_data["text"], "contrast": form.cleaned_data["contrast"]}
        if request.user.is_authenticated:
            actions.save_preferences(request.user, prefs)
        messages.success(request, _("Display settings saved."))
        response = redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith(  # type: ignore[arg-type]
            "/portal/") else "portal:settings")
        response.set_cookie(display.COOKIE, display.cookie_value(prefs), max_age=365 * 86400,
                            samesite="Lax", httponly=True)
        return response
    return render(request, "portal/settings.html", {"form": form})


