"""Authorization matrix: every URL of the staff site, every role, in and out of region.

Each named URL must appear in ``MATRIX`` (a test fails when a new view is added without
being placed here). For each role the expected status is checked on a record inside the
role's region and on one just outside it (another township for township staff, another
village for a village worker, another county for county-level roles):

- ``200``/``302``: allowed; ``403``: the role lacks the capability; ``404``: the record is
  outside the region (its existence is not disclosed); ``login``: sent to sign in.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from canlian.benefits.models import Grant, Roll, SubsidyApplication
from canlian.certificates import actions as cert_actions
from canlian.certificates.models import Certificate
from canlian.certificates.workflow import Kind
from canlian.people.models import RosterImport
from canlian.regions.models import Region
from canlian.todos.models import Todo

ROLES = ["federation", "township", "village", "assessor", "auditor", "employer", "citizen",
         "anonymous"]
STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "employer": 403, "citizen": 403, "anonymous": "login"}

# url name → (object kind or None, method, {role: status in region}).
# Out of region, a role that is allowed in region gets 404 (for object URLs).
MATRIX: dict[str, tuple[str | None, str, dict[str, object]]] = {
    # staff land on their start page; assessors on their queue, employers and citizens on
    # their own pages
    "home": (None, "get", {"federation": 200, "township": 200, "village": 200, "assessor": 302,
                           "auditor": 200, "employer": 302, "citizen": 302,
                           "anonymous": "login"}),
    "people:list": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "people:create": (None, "get", {"federation": 200, "township": 200, "village": 200,
                                    "auditor": 403, **NO_REGISTRY}),
    "people:detail": ("person", "get", {**STAFF_READ, **NO_REGISTRY}),
    "people:edit": ("person", "get", {"federation": 200, "township": 200, "village": 200,
                                      "auditor": 403, **NO_REGISTRY}),
    "people:import": (None, "get", {"federation": 200, "township": 200, "village": 403,
                                    "auditor": 403, **NO_REGISTRY}),
    "people:import_template": (None, "get", {"federation": 200, "township": 200, "village": 403,
                                             "auditor": 403, **NO_REGISTRY}),
    "people:import_result": ("import", "get", {"federation": 404, "township": 200,
                                               "village": 403, "auditor": 403, **NO_REGISTRY}),
    "people:import_errors": ("import", "get", {"federation": 404, "township": 200,
                                               "village": 403, "auditor": 403, **NO_REGISTRY}),
    "people:export": (None, "get", {"federation": 200, "township": 200, "village": 403,
                                    "auditor": 200, **NO_REGISTRY}),
    "certificates:queue": (None, "get", {**STAFF_READ, "assessor": 200, "employer": 403,
                                         "citizen": 403, "anonymous": "login"}),
    "certificates:apply": ("person", "get", {"federation": 200, "township": 200, "village": 200,
                                             "auditor": 403, **NO_REGISTRY}),
    "certificates:application": ("application", "get", {**STAFF_READ, "assessor": 200,
                                                        "employer": 404, "citizen": 404,
                                                        "anonymous": "login"}),
    "certificates:assess": ("application", "post", {"federation": 403, "township": 403,
                                                    "village": 403, "auditor": 403,
                                                    "assessor": 400, "employer": 403,
                                                    "citizen": 403, "anonymous": "login"}),
    "certificates:act": ("application-act", "post", {"federation": 302, "township": 302,
                                                     "village": 302, "auditor": 302,
                                                     "assessor": 302, "employer": 404,
                                                     "citizen": 404, "anonymous": "login"}),
    "certificates:card": ("certificate", "get", {**STAFF_READ, **NO_REGISTRY}),
    "certificates:expiring": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "certificates:todo_done": ("todo", "post", {"federation": 302, "township": 302,
                                                "village": 302, "auditor": 403,
                                                **NO_REGISTRY}),
    "benefits:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "benefits:apply": ("person", "get", {"federation": 200, "township": 200, "village": 200,
                                         "auditor": 403, **NO_REGISTRY}),
    "benefits:application": ("subsidy_application", "get", {**STAFF_READ, **NO_REGISTRY}),
    "benefits:decide": ("subsidy-withdraw", "post", {"federation": 302, "township": 302,
                                                     "village": 302, "auditor": 403,
                                                     "assessor": 403, "employer": 403,
                                                     "citizen": 404, "anonymous": "login"}),
    "benefits:grant": ("grant", "get", {**STAFF_READ, **NO_REGISTRY}),
    "benefits:grant_change": ("grant-suspend", "post", {"federation": 302, "township": 403,
                                                        "village": 403, "auditor": 403,
                                                        **NO_REGISTRY}),
    "benefits:rolls": (None, "get", {"federation": 200, "auditor": 200, "township": 403,
                                     "village": 403, **NO_REGISTRY}),
    "benefits:roll": ("roll", "get", {"federation": 200, "auditor": 200, "township": 403,
                                      "village": 403, **NO_REGISTRY}),
    "benefits:roll_finalise": ("roll", "post", {"federation": 302, "auditor": 403,
                                                "township": 403, "village": 403, **NO_REGISTRY}),
    "benefits:roll_bank_file": ("roll", "get", {"federation": 200, "auditor": 200,
                                                "township": 403, "village": 403, **NO_REGISTRY}),
    "benefits:roll_reconcile": ("roll", "post", {"federation": 302, "auditor": 403,
                                                 "township": 403, "village": 403, **NO_REGISTRY}),
    "audit:list": (None, "get", {"federation": 200, "township": 403, "village": 403,
                                 "auditor": 200, **NO_REGISTRY}),
}
# Pages every signed-in account has for itself (or anyone has): no record, no region.
PUBLIC = {"accounts:login", "accounts:logout", "set_language", "verify",
          "accounts:password_change", "accounts:two_factor", "accounts:two_factor_setup",
          # the SMS gateway's delivery reports, authorised by an unguessable reference
          "exchange:sms_report",
          # the SMS gateway's replies to rating invitations, authorised by a shared token
          "evaluation:sms_inbound"}
# A person outside the user's area is refused plainly (403, "不在您的辖区内"), not hidden.
OUT_OF_AREA_403 = {"people:detail", "people:edit"}


def _app_matrices() -> tuple[dict, list]:
    """Apps may declare their own rows in ``<app>/tests/authorization.py``: ``MATRIX`` (the
    same shape as here) and ``objects(users, person, village) -> dict`` adding the records
    their URLs need to each place of the world below."""
    import importlib

    from django.apps import apps

    rows: dict = {}
    builders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("canlian."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.authorization")
        except ModuleNotFoundError:
            continue
        rows.update(module.MATRIX)
        if hasattr(module, "objects"):
            builders.append(module.objects)
    return rows, builders


APP_ROWS, APP_BUILDERS = _app_matrices()
MATRIX.update(APP_ROWS)


def _names(resolver=None, prefix="") -> set[str]:
    names: set[str] = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace in ("admin", "portal", "api-v1"):  # own matrices in their apps
                continue
            names |= _names(p, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


def test_every_url_is_in_the_matrix():
    assert _names() - PUBLIC - set(MATRIX) == set()


@pytest.fixture
def world(users, regions, make_person, db):
    """Records inside each role's region and just outside it."""
    linzi_county = Region.objects.create(code="370305000000", name="临淄区", level="county",
                                         kind="district")
    linzi_town = Region.objects.create(code="370305003000", name="辛店街道", level="township",
                                       kind="street", parent=linzi_county)
    linzi_village = Region.objects.create(code="370305003201", name="测试村", level="village",
                                          kind="village", parent=linzi_town)
    places = {"in": regions.v1a, "other_village": regions.v1b, "other_township": regions.v2a,
              "other_county": linzi_village}
    objects = {}
    for key, village in places.items():
        person = make_person(village, name=f"人-{key}")
        application = cert_actions.apply(users.federation if key != "other_county" else
                                         _linzi_fed(linzi_county), person,
                                         cert_actions.ApplicationInput(kind=Kind.NEW))
        certificate = Certificate.objects.create(
            person=person, number=person.resident_id + "42", category=4, grade=2,
            issue_date="2024-01-01", valid_until="2034-01-01", issued_by=village.parent.parent
            if village.parent.parent else village, status="replaced")
        todo = Todo.objects.create(person=person, village=village, role="township_staff",
                                   kind="x", title="x")
        subsidy_application = SubsidyApplication.objects.create(
            person=person, subsidy="nursing", state="applied", village=village,
            applied_on="2025-01-01")
        grant = Grant.objects.create(person=person, subsidy="nursing", start_month="2025-01-01")
        roll, _ = Roll.objects.get_or_create(region=village.parent.parent, month="2025-01-01",
                                             defaults={"status": "finalised"})
        extra = {}
        for build in APP_BUILDERS:
            made = build(users, person, village)
            # Two apps naming a record alike would test one app's URL with the other's id
            # (and pass on SQLite, where both ids start at 1).
            clash = set(made) & set(extra)
            assert not clash, f"apps' authorization objects share keys: {clash}"
            extra.update(made)
        objects[key] = {**extra, "person": person, "application": application,
                        "certificate": certificate, "todo": todo,
                        "subsidy_application": subsidy_application, "grant": grant,
                        "roll": roll}
    batch = RosterImport.objects.create(user=users.township, filename="x.xlsx")
    return objects, batch


def _linzi_fed(county):
    from canlian.accounts.models import User

    return User.objects.create_user(username="linzi-fed", password="x", role="federation_staff",
                                    region=county)


OUTSIDE = {"federation": "other_county", "auditor": "other_county", "assessor": "other_county",
           "township": "other_township", "village": "other_village", "employer": "in",
           "citizen": "in", "anonymous": "in"}


NO_OBJECT_ARGS = {"services:gaps": ["rehabilitation"]}


def _url(name: str, kind: str | None, record: dict, batch) -> str:
    if kind is None:
        return reverse(name, args=NO_OBJECT_ARGS.get(name, []))
    if kind == "import":
        return reverse(name, args=[batch.pk])
    if isinstance(kind, tuple) and kind[0] == "static":  # ("static", url args…): no record
        return reverse(name, args=list(kind[1:]))
    if isinstance(kind, tuple):  # (record key, extra url args…)
        return reverse(name, args=[record[kind[0]].pk, *kind[1:]])
    if kind == "application-act":
        return reverse(name, args=[record["application"].pk, "withdraw"])
    if kind == "subsidy-withdraw":
        return reverse(name, args=[record["subsidy_application"].pk, "withdraw"])
    if kind == "grant-suspend":
        return reverse(name, args=[record["grant"].pk, "suspend"])
    return reverse(name, args=[record[kind].pk])


def _check(client, users, name, where, world) -> None:
    objects, batch = world
    kind, method, expected_by_role = MATRIX[name]
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(users, role))
        place = "in" if where == "in" else OUTSIDE[role]
        url = _url(name, kind, objects[place], batch)
        Todo.objects.update(done_at=None)  # POSTs of earlier roles must not hide the record
        SubsidyApplication.objects.update(state="applied")
        response = getattr(client, method)(url)
        expected = expected_by_role[role]
        if where == "out" and _has_record(kind) and expected in (200, 302, 400):
            expected = 403 if name in OUT_OF_AREA_403 else 404
        if expected == "login":
            assert response.status_code == 302, (name, role, where, response.status_code)
            assert "/accounts/login/" in response["Location"], (name, role)
        else:
            assert response.status_code == expected, (name, role, where, response.status_code)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix_in_region(client, users, world, name):
    _check(client, users, name, "in", world)


def _has_record(kind) -> bool:
    return kind not in (None, "import") and not (isinstance(kind, tuple) and kind[0] == "static")


@pytest.mark.parametrize("name", sorted(n for n, v in MATRIX.items() if _has_record(v[0])))
def test_matrix_out_of_region(client, users, world, name):
    _check(client, users, name, "out", world)


def test_admin_is_closed_to_every_role(client, users):
    for role in ROLES[:-1]:
        client.force_login(getattr(users, role))
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
