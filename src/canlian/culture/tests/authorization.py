"""Authorization rows for the culture pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}

MATRIX = {
    "culture:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "culture:teams": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "culture:deliveries": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    # Events and teams belong to a township: a village worker sees those of their township.
    "culture:event": ("culture_event", "get", {**STAFF_READ, **NO_REGISTRY, "village": 404}),
    "culture:team": ("culture_team", "get", {**STAFF_READ, **NO_REGISTRY, "village": 404}),
    # an empty scan is refused (400) for staff who may edit; read-only roles get 403
    "culture:attend": (("culture_event", "scan"), "post",
                       {"federation": 400, "township": 400, "village": 404, "auditor": 403,
                        **NO_REGISTRY}),
}


def objects(users, person, village):
    from canlian.core import clock
    from canlian.culture.models import Event, Team

    township = village.parent
    event = Event.objects.create(kind="culture", title="读书会", on=clock.today(), place="文化站",
                                 organiser="残联", township=township)
    team = Team.objects.create(name="艺术团", kind="art_troupe", township=township)
    return {"culture_event": event, "culture_team": team}
