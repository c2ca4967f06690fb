"""Authorization rows for the transfers pages (see core/tests/test_authorization_matrix.py).
Starting a hukou transfer is the federation's (it approves the stop of grants); forwarding an
application is any counter's (who may lodge a certificate application); the inbox answers
only signed messages of a configured peer (401 to everyone else)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}
COUNTERS = {"federation": 200, "township": 200, "village": 200, "auditor": 403, **NO_REGISTRY}

MATRIX = {
    "transfers:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "transfers:start": ("person", "get", {"federation": 200, "township": 403, "village": 403,
                                          "auditor": 403, **NO_REGISTRY}),
    "transfers:forward": (None, "get", COUNTERS),
    "transfers:detail": ("transfer", "get", {**STAFF_READ, **NO_REGISTRY}),
    "transfers:send": ("transfer", "post", {**COUNTERS, "federation": 302, "township": 302,
                                            "village": 302}),
    "transfers:inbox": (None, "post", dict.fromkeys((
        "federation", "township", "village", "assessor", "auditor", "employer", "citizen",
        "anonymous"), 401)),
}


def objects(users, person, village):
    from canlian.transfers.models import Transfer

    return {"transfer": Transfer.objects.create(
        direction="out", kind="hukou", peer="linzi", person=person, village=village,
        resident_id=person.resident_id, name=person.name)}
