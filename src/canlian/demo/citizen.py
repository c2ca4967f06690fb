"""The demo citizen: a certified person with a severe disability to try the portal with.

Chosen from the seeded registry (not created), so the portal shows real demo records: the
certificate, the pre-filled nursing subsidy of "1+X", and the history of past applications.
"""

from __future__ import annotations

from canlian.benefits import actions as benefits
from canlian.benefits.models import Grant
from canlian.people.models import Person
from canlian.regions.models import Deployment
from canlian.transfers.models import Transfer


def demo_citizen(deployment: Deployment) -> Person | None:
    low, high = deployment.root.code_range
    candidates = (Person.objects.filter(village__code__range=(low, high), life_status="alive",
                                        grade__in=[1, 2], birth_date__year__gte=1950)
                  .exclude(phone="").exclude(certificate_number=None)
                  .exclude(pk__in=Grant.objects.filter(subsidy="nursing").values("person_id"))
                  # a long-registered resident, not the transfer demo's arrival
                  .exclude(pk__in=Transfer.objects.exclude(person=None).values("person_id"))
                  .order_by("village__code", "id"))
    person = candidates.first()
    if person is not None:
        benefits.prefill(person, "nursing", source_event="演示")
    return person
