"""Authorization rows for the privacy app's staff pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}

MATRIX = {
    "privacy:corrections": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    # closing the request redirects to the list; read-only roles get 403
    "privacy:correction_decide": ("correction", "post", {"federation": 302, "township": 302,
                                                         "village": 302, "auditor": 403,
                                                         **NO_REGISTRY}),
    # legal holds (依法保全): federation and township staff, in their region
    "privacy:holds": (None, "get", {"federation": 200, "township": 200, "village": 403,
                                    "auditor": 403, **NO_REGISTRY}),
    "privacy:hold_person": ("person", "get", {"federation": 200, "township": 200,
                                              "village": 403, "auditor": 403, **NO_REGISTRY}),
    "privacy:hold_lift": ("hold", "post", {"federation": 302, "township": 302, "village": 403,
                                           "auditor": 403, **NO_REGISTRY}),
    # consent-based department accounts (按同意共享): federation staff only
    "privacy:sharing": (None, "get", {"federation": 200, "township": 403, "village": 403,
                                      "auditor": 403, **NO_REGISTRY}),
    "privacy:sharing_enable": ("sharing", "post", {"federation": 302, "township": 403,
                                                   "village": 403, "auditor": 403,
                                                   **NO_REGISTRY}),
}


def objects(users, person, village):
    from django.utils import timezone

    from canlian.accounts.models import User
    from canlian.privacy.models import CorrectionRequest, LegalHold, SharingAccount

    return {"correction": CorrectionRequest.objects.create(
        person=person, village=village, what="民族", correct_value="汉族"),
        "hold": LegalHold.objects.create(person=person, reason="信访案件处理中",
                                         placed_at=timezone.now()),
        # a department account of the person's county (an account has no finer region)
        "sharing": SharingAccount.objects.get_or_create(
            purpose="share_hrss", user=User.objects.get_or_create(
                username=f"renshe-{village.code[:6]}",
                defaults={"role": "federation_staff", "region": village.parent.parent,
                          "organisation": "人力资源和社会保障局"})[0])[0]}
