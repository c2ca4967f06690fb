"""Authorization rows for the exchange pages (see core/tests/test_authorization_matrix.py):
migration imports are the importer's own (another user's gets 404, like the roster import's),
the exports are figures of the user's region."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}
IMPORTERS = {"federation": 200, "township": 200, "village": 403, "auditor": 403, **NO_REGISTRY}

FEDERATION_ONLY = {"federation": 200, "township": 403, "village": 403, "auditor": 403,
                   **NO_REGISTRY}

MATRIX = {
    "exchange:verification_keys": (None, "get", FEDERATION_ONLY),
    "exchange:verification_key_revoke": ("verification_key", "post",
                                         {**FEDERATION_ONLY, "federation": 302}),
    "exchange:index": (None, "get", IMPORTERS),
    "exchange:template": (("static", "certificates"), "get", IMPORTERS),
    "exchange:result": ("migration_import", "get", {**IMPORTERS, "federation": 404}),
    "exchange:result_workbook": ("migration_import", "get", {**IMPORTERS, "federation": 404}),
    "exchange:subsidy_monthly": (("static", "2025-01"), "get", {**STAFF_READ, **NO_REGISTRY}),
    "exchange:indicators_annual": (("static", 2025), "get", {**STAFF_READ, **NO_REGISTRY}),
    "exchange:survey_annual": (("static", 2025), "get", {**STAFF_READ, **NO_REGISTRY}),
}


def objects(users, person, village):
    from canlian.api.actions import issue_verification_key
    from canlian.exchange.models import MigrationImport

    # an import is its importer's own: the township's in its township, another's elsewhere
    importer = users.township if users.township.region.contains(village.code) else users.township2
    # a key is its federation's own: the county's federation here, a Linzi one elsewhere
    issuer = users.federation
    if not issuer.region.contains(village.code):
        from canlian.accounts.models import User

        issuer = User.objects.create(username=f"fed-{village.code}", role="federation_staff",
                                     region=village.parent.parent)
    key, _ = issue_verification_key(issuer, "区交通运输局", ["verify:valid"])
    return {"migration_import": MigrationImport.objects.create(kind="certificates",
                                                               user=importer),
            "verification_key": key}
