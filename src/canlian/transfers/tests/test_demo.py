"""The demo's transfers on both deployments: every state is shown, and seeding twice adds
nothing."""

import datetime as dt

import pytest

from canlian.accounts.models import User
from canlian.benefits.models import Grant
from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.people.models import Person
from canlian.regions import loader
from canlian.regions.models import Deployment
from canlian.transfers.demo import seed_transfers
from canlian.transfers.models import Transfer


def _holders(village, count=4):
    today = clock.today()
    for i in range(count):
        person = Person(resident_id=new_resident_id(), name=f"持证{i}", village=village,
                        phone=f"1380000{i:04d}")
        person.derive_from_id()
        person.save()
        cert = Certificate.objects.create(
            person=person, number=f"{person.resident_id}41", category=4, grade=1,
            issue_date=today - dt.timedelta(days=300), valid_until=today + dt.timedelta(days=3000),
            issued_by=village)
        Person.objects.filter(pk=person.pk).update(category=4, grade=1,
                                                   certificate_number=cert.number)
        Grant.objects.create(person=person, subsidy="nursing", start_month=dt.date(2024, 1, 1),
                             needs_long_term_care=True, hukou_in_region=True)


@pytest.mark.parametrize("code", ["yueqing", "linzi"])
def test_the_demo_shows_every_state_on_both_deployments(db, settings, code):
    settings.CANLIAN_DEPLOYMENT = code
    deployment = loader.load(code, villages_per_township=2)
    village = deployment.root.villages().order_by("code").first()
    User.objects.create_user(username="federation", password="x", role="federation_staff",
                             region=deployment.root)
    _holders(village)
    counts = seed_transfers(Deployment.current())
    assert counts == {"transfers": 5, "transfer arrivals": 1, "forwarded applications": 1}
    states = sorted(Transfer.objects.values_list("direction", "kind", "state"))
    assert states == [("in", "application", "accepted"), ("in", "hukou", "completed"),
                      ("out", "hukou", "completed"), ("out", "hukou", "refused"),
                      ("out", "hukou", "requested")]
    assert Transfer.objects.filter(state="refused").exclude(reason="").count() == 1
    assert Transfer.objects.exclude(last_error="").count() == 1
    arrival = Transfer.objects.get(direction="in", kind="hukou")
    assert arrival.person.certificate_number == arrival.certificate_number
    assert seed_transfers(Deployment.current()) == {}
