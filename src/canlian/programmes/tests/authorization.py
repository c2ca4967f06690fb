"""Authorization rows for the programme pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}
FEDERATION_ONLY = {"federation": 200, "township": 403, "village": 403, "auditor": 403,
                   **NO_REGISTRY}

MATRIX = {
    "programmes:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:figures": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:application": ("programme_application", "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:simulate": (None, "get", FEDERATION_ONLY),
    "programmes:roster": (("static", "medical_premium"), "get", FEDERATION_ONLY),
    "programmes:claims": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:claim": ("programme_claim", "get", {**STAFF_READ, **NO_REGISTRY}),
    # rewards belong to employers, registered at township level: a village worker's area
    # holds none, and the list is empty for them
    "programmes:rewards": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:reward_notice": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:reward": ("programme_reward", "get", {**STAFF_READ, "village": 404,
                                                      **NO_REGISTRY}),
    # institutions, like employers, are registered at township level
    "programmes:supports": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "programmes:support": ("programme_support", "get", {**STAFF_READ, "village": 404,
                                                        **NO_REGISTRY}),
}


def objects(users, person, village):
    from decimal import Decimal

    from canlian.core import clock
    from canlian.employment.models import Declaration, Employer
    from canlian.programmes.models import (
        Application,
        Claim,
        EmployerReward,
        InstitutionGrant,
        InstitutionWorker,
        Roster,
        RosterLine,
    )
    from canlian.services.models import Institution

    today = clock.today()
    application = Application.objects.create(
        person=person, village=village, programme="medical_premium", version="2024",
        year=today.year, applicant="person", channel="staff")
    roster = Roster.objects.create(programme="accident_insurance", year=today.year,
                                   region=village, department="保险公司",
                                   made_by=users.federation, made_on=today)
    line = RosterLine.objects.create(roster=roster, application=application, person=person,
                                     village=village, amount=Decimal(50), confirmed=True)
    claim = Claim.objects.create(person=person, village=village, programme="accident_insurance",
                                 roster_line=line, kind="medical", accident_on=today,
                                 reported_on=today, claimed=Decimal(100), payable=Decimal(100),
                                 filed_by=users.township)
    employer = Employer.objects.create(name=f"单位{village.code}",
                                       credit_code=f"91{village.code[-12:]}0000",
                                       unit_kind="enterprise", township=village.parent)
    declaration = Declaration.objects.create(
        employer=employer, year=today.year - 1, staff=Decimal(100), average_wage=Decimal(1),
        local_average_wage=Decimal(1), state="approved", standing="over",
        counted=Decimal(5), required=Decimal(2))
    reward = EmployerReward.objects.create(
        declaration=declaration, employer=employer, township=village.parent,
        year=today.year - 1, persons=3, amount=Decimal(6000), notice_first=today,
        notice_last=today, posted_by=users.federation)
    institution = Institution.objects.create(name=f"按摩{village.code}", kind="blind_massage",
                                             township=village.parent, opened_on=today)
    grant = InstitutionGrant.objects.create(
        institution=institution, township=village.parent, support="blind_massage",
        version="2024-01-01", year=today.year, named=1, counted=1, persons=1,
        amount=Decimal(2000), applied_by=users.township, applied_on=today)
    InstitutionWorker.objects.create(grant=grant, person=person, village=village, counts=True)
    return {"programme_application": application, "programme_claim": claim,
            "programme_reward": reward, "programme_support": grant}
