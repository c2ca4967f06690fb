"""Rating a closed item on the portal and by text message: one rating per item, refusals
said plainly, results scoped by region and suppressed where public."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.benefits.models import SubsidyApplication
from canlian.core import clock
from canlian.evaluation import actions, queries
from canlian.evaluation.models import Invitation, Rating
from canlian.portal import actions as portal
from canlian.portal.models import OutboxMessage
from canlian.portal.tests.conftest import last_code

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(make_person):
    return make_person(name="王芳", phone="13812345678")


@pytest.fixture
def signed_in(client, citizen):
    portal.request_code(citizen.resident_id)
    user = portal.verify_code(citizen.resident_id, last_code())
    client.force_login(user, backend="canlian.accounts.backends.RegionBackend")
    client.user = user
    return client


def test_a_citizen_rates_a_service_once_in_plain_steps(signed_in, citizen, serve, make_person):
    record = serve(citizen)
    other = serve(make_person(name="别人"))
    with clock.frozen(TODAY):
        listing = signed_in.get(reverse("portal:ratings")).content.decode()
        url = reverse("portal:rate", args=["service", record.pk])
        assert url in listing and "基本康复" in listing
        page = signed_in.get(url).content.decode()
        assert "第一步" in page and "5 — 非常满意" in page
        # no score: said beside the field, nothing saved
        missing = signed_in.post(url, {"comment": "很好"})
        assert missing.status_code == 400 and "请选择1到5分" in missing.content.decode()
        assert signed_in.post(url, {"score": "6"}).status_code == 400
        assert not Rating.objects.exists()
        done = signed_in.post(url, {"score": "5", "comment": "老师很耐心"})
        assert done.status_code == 302
        rating = Rating.objects.get()
        assert (rating.kind, rating.object_id, rating.person, rating.score, rating.channel,
                rating.institution.name, rating.topic) == (
            "service", record.pk, citizen, 5, "portal", "乐成康复中心", "rehabilitation")
        assert AuditEvent.objects.filter(object_type="rating", person_id=citizen.pk).exists()
        # re-rating is refused with the reason, the first rating stays
        again = signed_in.post(url, {"score": "1"})
        assert again.status_code in (200, 409)
        assert "不能更改" in signed_in.get(url).content.decode()
        with pytest.raises(actions.RatingRefused) as refused:
            actions.rate(signed_in.user, "service", record.pk, score=1)
        assert refused.value.code == "already_rated"
        assert Rating.objects.get().score == 5
        # another person's item is not there to rate
        assert signed_in.get(reverse("portal:rate", args=["service", other.pk])).status_code == 404
        with pytest.raises(actions.RatingRefused):
            actions.rate(signed_in.user, "service", other.pk, score=4)
        assert signed_in.get(reverse("portal:rate", args=["nonsense", 1])).status_code == 404


def test_decisions_can_be_rated_and_old_items_cannot(signed_in, citizen, serve):
    old = serve(citizen, day=TODAY - dt.timedelta(days=120))
    decision = SubsidyApplication.objects.create(person=citizen, subsidy="nursing",
                                                 state="approved", village=citizen.village,
                                                 applied_on=TODAY - dt.timedelta(days=30))
    pending = SubsidyApplication.objects.create(person=citizen, subsidy="living",
                                                state="applied", village=citizen.village,
                                                applied_on=TODAY - dt.timedelta(days=3))
    with clock.frozen(clock.day_of(decision.updated_at)):
        rating = actions.rate(signed_in.user, "subsidy", decision.pk, score=3)
        assert (rating.topic, rating.closed_on) == ("nursing", clock.day_of(decision.updated_at))
        with pytest.raises(actions.RatingRefused) as not_closed:
            actions.rate(signed_in.user, "subsidy", pending.pk, score=3)
        assert not_closed.value.code == "no_item"
    with clock.frozen(TODAY):
        with pytest.raises(actions.RatingRefused) as late:
            actions.rate(signed_in.user, "service", old.pk, score=4)
        assert late.value.code == "window_closed"
        with pytest.raises(ValidationError) as bad:
            actions.rate(signed_in.user, "service", old.pk, score=0)
        assert "score" in bad.value.message_dict


def test_staff_cannot_rate(users, citizen, serve):
    record = serve(citizen)
    with clock.frozen(TODAY), pytest.raises(PermissionDenied):
        actions.rate(users.federation, "service", record.pk, score=5)


def _inbound(client, **params):
    return client.post(reverse("evaluation:sms_inbound"), params)


def test_invitations_by_text_message_and_replies(client, settings, citizen, serve, regions,
                                                 django_capture_on_commit_callbacks):
    record = serve(citizen, day=TODAY - dt.timedelta(days=1))
    with clock.frozen(TODAY), django_capture_on_commit_callbacks(execute=True):
        assert actions.invite(regions.county, TODAY) == 1
        assert actions.invite(regions.county, TODAY) == 0  # once per item
    invitation = Invitation.objects.get()
    assert (invitation.kind, invitation.object_id, invitation.phone) == ("service", record.pk,
                                                                          "13812345678")
    message = next((m for m in OutboxMessage.objects.all() if m.to == "13812345678"), None)  # encrypted
    assert message is not None and invitation.code in message.text
    code = invitation.code
    # the endpoint exists only with a token, and wants it
    settings.CANLIAN_SMS_INBOUND_TOKEN = ""
    assert _inbound(client, token="", **{"from": "13812345678", "text": f"{code} 5"}
                    ).status_code == 404
    settings.CANLIAN_SMS_INBOUND_TOKEN = "s3cret"
    assert _inbound(client, token="wrong", **{"from": "13812345678", "text": f"{code} 5"}
                    ).status_code == 403
    assert _inbound(client, token="s3cret", text=f"{code} 5").status_code == 400
    with clock.frozen(TODAY):
        def reply(text, phone="+8613812345678"):
            response = _inbound(client, token="s3cret", **{"from": phone, "text": text})
            assert response.status_code == 200
            return response.content.decode()

        assert "未能识别" in reply("很满意")
        assert "评价码无效" in reply(f"{code} 5", phone="13900000000")  # not the phone invited
        assert "评价码无效" in reply("ZZZZZ 5")
        assert not Rating.objects.exists()
        assert "已收到您的评价（4分）" in reply(f"{code.lower()} 4 上门及时")
        rating = Rating.objects.get()
        assert (rating.score, rating.comment, rating.channel, rating.rated_by) == (
            4, "上门及时", "sms", None)
        assert "只能评价一次" in reply(f"{code} 1")
        assert Rating.objects.get().score == 4
    second = serve(citizen, day=TODAY - dt.timedelta(days=2))
    with clock.frozen(TODAY):
        actions.invite(regions.county, TODAY)
    late = Invitation.objects.get(object_id=second.pk)
    with clock.frozen(TODAY + dt.timedelta(days=31)):
        response = _inbound(client, token="s3cret", **{"from": "13812345678",
                                                        "text": f"{late.code} 5"})
        assert "已过期" in response.content.decode()
    assert not Rating.objects.filter(object_id=second.pk).exists()


def test_persons_without_a_phone_are_not_texted(citizen, make_person, serve, regions):
    serve(make_person(name="无电话"), day=TODAY - dt.timedelta(days=1))
    with clock.frozen(TODAY):
        assert actions.invite(regions.county, TODAY) == 0


def _rate_many(users, make_person, serve, village, scores):
    from canlian.accounts.models import User

    for n, score in enumerate(scores):
        person = make_person(village, name=f"人{n}")
        record = serve(person)
        user = User.objects.create_user(username=f"c{village.code}{n}", password="x",
                                        role="citizen", resident_id=person.resident_id)
        actions.rate(user, "service", record.pk, score=score)


def test_results_are_scoped_and_small_groups_suppressed_in_public(client, users, regions,
                                                                  make_person, serve):
    with clock.frozen(TODAY):
        _rate_many(users, make_person, serve, regions.v1a, [5, 4, 4, 3, 5, 2])
        _rate_many(users, make_person, serve, regions.v2a, [1, 2, 5])
    everything = queries.results(Rating.objects.all())
    assert everything["total"]["rated"] == 9
    towns = {r["label"]: r for r in everything["townships"]}
    assert towns["乐成街道"]["rated"] == 6 and towns["乐成街道"]["rate"] == 66.7
    assert towns["柳市镇"]["mean"] == 2.67
    public = queries.public_results()
    towns = {r["label"]: r for r in public["townships"]}
    assert towns["柳市镇"]["suppressed"] and towns["柳市镇"]["rated"] is None \
        and towns["柳市镇"]["mean"] is None
    # with the total (9) shown, 6 would give the hidden 3 away: hidden as well
    assert public["total"]["rated"] == 9 and towns["乐成街道"]["suppressed"]
    assert public["topics"][0]["rated"] == 9  # one kind of service: nothing to hide
    client.force_login(users.federation)
    open_page = client.get(reverse("disclosure:page")).content.decode()
    assert "按服务类别" in open_page and "不足 5 次" in open_page
    client.logout()
    assert client.get(reverse("disclosure:json")).json()["satisfaction"]["total"]["rated"] == 9
    # township staff see their own township only
    client.force_login(users.township)
    page = client.get(reverse("evaluation:results")).content.decode()
    assert "乐成街道" in page and "柳市镇" not in page
    client.force_login(users.federation)
    page = client.get(reverse("evaluation:results"), {"year": TODAY.year}).content.decode()
    assert "乐成街道" in page and "柳市镇" in page and "乐成康复中心" in page
    for role in ("village", "assessor", "employer"):
        client.force_login(getattr(users, role))
        assert client.get(reverse("evaluation:results")).status_code == 403
