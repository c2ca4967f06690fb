"""Demo transfers between deployments (跨省通办) for a seeded district (``canlian seed``).

A seeded district runs alone, so the demo plays the other deployment (Yueqing's partner is
Linzi and Linzi's is Yueqing) through the same actions the exchange uses: its answers are
applied with ``record_answer`` and its messages are taken with ``receive``. The demo
federation login then sees, on *Transfers between regions*:

- a certificate holder whose hukou moved to the other deployment (accepted and completed:
  grants stopped after the move month, open work closed, the certificate transferred out);
- a move the other side refused, with its reason;
- a move still waiting for the other side, which could not be reached (retrying);
- a person who arrived from the other deployment, registered with the certificate number
  kept and the subsidies its rules allow pre-filled;
- a living-subsidy application lodged at the other deployment for a person whose hukou is
  here, opened here for the township to decide.
All names and numbers are demo values.
"""

from __future__ import annotations

import datetime as dt
import uuid

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.core import clock
from canlian.people import idnumber
from canlian.regions.models import Deployment, Region

from . import actions, peers
from .models import Transfer

PARTNER = {"yueqing": ("linzi", "临淄区残疾人联合会", "370305", "370305001201"),
           "linzi": ("yueqing", "乐清市残疾人联合会", "330382", "330382002201")}


def seed_transfers(deployment: Deployment, *, today: dt.date | None = None) -> dict[str, int]:
    today = today or clock.today()
    if deployment.code not in PARTNER or Transfer.objects.exists():
        return {}
    code, name, id_prefix, their_village = PARTNER[deployment.code]
    user = User.objects.filter(role=Role.FEDERATION_STAFF, region=deployment.root).first()
    if user is None:
        return {}
    peer = peers.Peer(code, name, f"https://{code}.example.invalid", b"demo-key-" * 4)
    holders = list(scoping.people_for(user).filter(
        certificates__status="issued", death_date__isnull=True).distinct().order_by("id")[:4])
    if len(holders) < 4:
        return {}
    moved_on = today.replace(day=1)
    done = actions.start_transfer(user, holders[0], peer_code=code, village_code=their_village,
                                  moved_on=moved_on, peer=peer)
    actions.record_answer(done.pk, {"id": str(done.uid), "state": "accepted"}, peer)
    actions.record_answer(done.pk, {"id": str(done.uid), "state": "completed"}, peer)
    refused = actions.start_transfer(user, holders[1], peer_code=code,
                                     village_code=f"{id_prefix}999201", moved_on=moved_on,
                                     peer=peer)
    actions.record_answer(refused.pk, {
        "id": str(refused.uid), "state": "refused",
        "reason": f"迁入地村（社区）代码 {id_prefix}999201 不在{name}辖区内"}, peer)
    waiting = actions.start_transfer(user, holders[2], peer_code=code,
                                     village_code=their_village, moved_on=moved_on, peer=peer)
    actions.record_failure(waiting.pk, f"{name}无法连接：ConnectionError")

    village = Region.objects.filter(level="village", code__startswith=deployment.root.code[:6]
                                    ).order_by("code").first()
    assert village is not None
    rid = idnumber.make(id_prefix, dt.date(1978, 6, 6), 417)
    arrival = {
        "type": "transfer.request", "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{rid}")),
        "from": code, "village_code": village.code, "moved_on": moved_on.isoformat(),
        "person": {"resident_id": rid, "name": "秦迁入", "phone": "13700000417",
                   "address": f"{village.name}新村 8 号"},
        "certificate": {"number": f"{rid}41", "category": 4, "grade": 1,
                        "issue_date": (today - dt.timedelta(days=800)).isoformat(),
                        "valid_until": (today + dt.timedelta(days=2800)).isoformat()},
        "paid_through": {"nursing": f"{moved_on:%Y-%m}"}}
    arrived = actions.receive(peer, arrival)
    actions.receive(peer, {"type": "transfer.complete", "id": arrival["id"]})
    lodged = actions.receive(peer, {
        "type": "application.forward", "id": str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                            f"demo:forward:{holders[3].pk}")),
        "from": code, "subject": "living", "lodged_at": name,
        "person": {"resident_id": holders[3].resident_id, "name": holders[3].name,
                   "phone": holders[3].phone},
        "declared": {}, "note": "在外地务工，居住地代收"})
    return {"transfers": Transfer.objects.count(),
            "transfer arrivals": int(arrived["state"] == "accepted"),
            "forwarded applications": int(lodged["state"] in ("accepted", "refused"))}
