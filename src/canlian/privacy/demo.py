"""Demo personal-information records: separate consents (some withdrawn), a consent-based
department account (人社局's API account), correction requests in every state and legal holds, written
through the actions so each has its audit entry (and so appears in "who looked")."""

from __future__ import annotations

from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.people.models import Person
from canlian.regions.models import Deployment

from . import actions

SERVICE_ACCOUNT = "renshe-{code}"  # 人社局's system; demo value, unconfirmed


def seed_privacy(deployment: Deployment) -> dict[str, int]:
    staff = User.objects.get(username="federation")
    persons = list(Person.objects.filter(village__code__range=deployment.root.code_range,
                                         life_status="alive").order_by("id")[:60])
    if not persons:
        return {"consents": 0, "correction requests": 0}
    account, _ = User.objects.get_or_create(
        username=SERVICE_ACCOUNT.format(code=deployment.code),
        defaults={"role": Role.FEDERATION_STAFF, "region": deployment.root,
                  "organisation": "人力资源和社会保障局（演示）"})
    actions.set_sharing_purpose(None, account, "share_hrss")
    consents = 0
    # Consents signed on paper at the counter and recorded by staff; every fourth withdrawn.
    for i, person in enumerate(persons[:40]):
        actions.give_consent(staff, person, "share_hrss" if i % 2 == 0 else "share_health")
        consents += 1
        if i % 4 == 0:
            actions.withdraw_consent(staff, person, "share_hrss")
    corrections = 0
    for i, person in enumerate(persons[40:46]):
        made = actions.request_correction(staff, person, what=["民族", "户籍地址", "监护人电话"][i % 3],
                                          correct_value=["回族", "东门社区3号", "13900000000"][i % 3],
                                          reason="本人来电反映（演示）")
        corrections += 1
        if i % 3 == 1:
            actions.decide_correction(staff, made.pk, True, note="已核对户口本并更正")
        elif i % 3 == 2:
            actions.decide_correction(staff, made.pk, False, note="与户口本一致，无需更正")
    holds = 0
    for person in persons[46:48]:
        actions.place_hold(staff, person, "信访案件处理中，暂缓按保存期限处理（演示）")
        holds += 1
    return {"consents": consents, "correction requests": corrections, "legal holds": holds}
