"""Demo logins, one per role, for a seeded deployment. Never run in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from canlian.accounts.models import User
from canlian.accounts.roles import LABELS_ZH, Role
from canlian.regions.models import Deployment, Region

DEMO_PASSWORD = "Canlian-demo-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass
class DemoLogin:
    username: str
    role: Role
    region: Region | None


def ensure_demo_users(deployment: Deployment) -> list[DemoLogin]:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("demo users are not created in production")
    root = deployment.root
    township = root.townships().order_by("code").first()
    village = township.children.order_by("code").first() if township else None
    logins = [
        DemoLogin("federation", Role.FEDERATION_STAFF, root),
        DemoLogin("township", Role.TOWNSHIP_STAFF, township),
        DemoLogin("village", Role.VILLAGE_WORKER, village),
        DemoLogin("assessor", Role.ASSESSOR, root),
        DemoLogin("auditor", Role.AUDITOR, root),
        DemoLogin("employer", Role.EMPLOYER, None),
        DemoLogin("evaluator", Role.EVALUATOR, root),
    ]
    for login in logins:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={"role": login.role, "region": login.region,
                      "first_name": f"演示{LABELS_ZH[login.role]}"},
        )
        if created or user.region_id != (login.region.code if login.region else None):
            user.role = login.role
            user.region = login.region
            user.set_password(DEMO_PASSWORD)
            user.save()
    from canlian.employment.models import Employer

    first = Employer.objects.filter(
        township__code__range=root.code_range, unit_kind="enterprise").order_by("id").first()
    if first is not None:
        first.users.add(User.objects.get(username="employer"))
    return logins
