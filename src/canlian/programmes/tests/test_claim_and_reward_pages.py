"""The staff pages of accident insurance claims and over-quota employer rewards: lists
scoped to the user's area with filters, filing and deciding with reasons, separation of
duties, the rewards' public notice, and every refusal shown beside its field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from canlian.audit.models import AuditEvent
from canlian.core import clock
from canlian.programmes.models import Claim, EmployerReward

from .test_claims import insured  # noqa: F401
from .test_rewards import YEAR, _declaration, linzi  # noqa: F401

TODAY = clock.today()


def _text(response) -> str:
    return response.content.decode()


def test_a_claim_is_filed_decided_and_paid_through_the_pages(client, users, regions, insured,  # noqa: F811
                                                             make_person):
    client.force_login(users.township)
    url = reverse("programmes:claims")
    assert "投保名单" in _text(client.get(url))
    # an unknown resident ID and a bad claim are refused beside their fields, nothing saved
    page = client.post(url, {"resident_id": "330382199001010000", "kind": "medical",
                             "accident_on": TODAY.isoformat(), "claimed": "100"})
    assert "您的辖区内没有这个身份证号的人员" in _text(page)
    outsider = make_person(regions.v2a, name="外乡人")
    page = client.post(url, {"resident_id": outsider.resident_id, "kind": "medical",
                             "accident_on": TODAY.isoformat(), "claimed": "100"})
    assert "您的辖区内没有这个身份证号的人员" in _text(page)  # another township's person
    page = client.post(url, {"resident_id": insured.resident_id, "kind": "medical",
                             "accident_on": (TODAY + dt.timedelta(days=3)).isoformat(),
                             "claimed": "0"})
    assert "晚于报案日期" in _text(page) and "大于零" in _text(page)
    assert not Claim.objects.exists()
    answer = client.post(url, {"resident_id": insured.resident_id, "kind": "medical",
                               "accident_on": TODAY.isoformat(), "claimed": "12500",
                               "note": "县人民医院住院"})
    claim = Claim.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("programmes:claim",
                                                                       args=[claim.pk])
    assert claim.payable == Decimal("10000.00") and claim.filed_by == users.township
    # the list: masked resident ID, filters, scoped to the area
    listed = _text(client.get(url + "?state=filed&kind=medical"))
    assert "钱一" in listed and insured.resident_id not in listed
    assert "钱一" not in _text(client.get(url + "?kind=death"))
    # the township filter takes a region's code (its key), on PostgreSQL as on SQLite
    assert "钱一" in _text(client.get(url + f"?township={insured.village.parent_id}"))
    client.force_login(users.federation)  # a township of the user's own area narrows the list
    assert "钱一" not in _text(client.get(url + f"?township={regions.t2.pk}"))
    client.force_login(users.township2)
    assert "钱一" not in _text(client.get(url))
    # a township outside the user's area is ignored (core/lists.py): the rows stay scoped
    assert "钱一" not in _text(client.get(url + f"?township={insured.village.parent_id}"))
    assert client.get(reverse("programmes:claim", args=[claim.pk])).status_code == 404
    # the township cannot decide (no approval right); the page says so and nothing changes
    client.force_login(users.township)
    detail = reverse("programmes:claim", args=[claim.pk])
    page = client.post(detail, {"move": "approve", "note": ""})
    assert "您的角色不能办理此环节" in _text(page)
    # the federation: a refusal needs its reason, then approval and the insurer's payment
    client.force_login(users.federation)
    before = AuditEvent.objects.filter(person_id=insured.pk, action="view").count()
    assert "10,000.00 元" in _text(client.get(detail))
    assert AuditEvent.objects.filter(person_id=insured.pk, action="view").count() == before + 1
    page = client.post(detail, {"move": "refuse", "note": ""})
    assert "不予赔付须写明理由" in _text(page)
    assert Claim.objects.get().state == "filed"
    assert client.post(detail, {"move": "approve", "note": "材料齐全"}).status_code == 302
    page = client.post(detail, {"paid_on": (TODAY + dt.timedelta(days=1)).isoformat()})
    assert "发放或赔付日期须在决定之后" in _text(page) and Claim.objects.get().state == "approved"
    assert client.post(detail, {"paid_on": TODAY.isoformat()}).status_code == 302
    assert Claim.objects.get().state == "paid"


def test_the_filer_is_told_another_person_decides(client, users, insured):  # noqa: F811
    client.force_login(users.federation)
    client.post(reverse("programmes:claims"), {
        "resident_id": insured.resident_id, "kind": "death", "accident_on": TODAY.isoformat(),
        "claimed": "50000"})
    claim = Claim.objects.get()
    detail = reverse("programmes:claim", args=[claim.pk])
    assert "提交理赔的人员不能核定" in _text(client.get(detail))
    page = client.post(detail, {"move": "approve"})
    assert "审核人不能审批同一申请" in _text(page) and Claim.objects.get().state == "filed"
    client.force_login(users.federation2)
    assert client.post(detail, {"move": "approve"}).status_code == 302


def test_rewards_are_posted_noticed_and_decided_through_the_pages(client, users, regions,
                                                                   linzi):  # noqa: F811
    _declaration(regions, "甲公司", "91370305MA3C000011", "10.00", "7.500")
    _declaration(regions, "乙公司", "91370305MA3C000022", "9.00", "7.500", township=regions.t2)
    url = reverse("programmes:rewards")
    client.force_login(users.township)
    page = client.post(url, {"year": YEAR})
    assert "您的角色不能办理此环节" in _text(page) and not EmployerReward.objects.exists()
    client.force_login(users.federation)
    assert client.post(url, {"year": "abc"}).status_code == 200  # refused by the form
    answer = client.post(url, {"year": YEAR})
    assert answer.status_code == 302 and EmployerReward.objects.count() == 2
    assert client.post(url, {"year": YEAR}).status_code == 302  # a re-run posts nothing
    assert EmployerReward.objects.count() == 2
    # the township sees its own employer only; filters by year and state
    client.force_login(users.township)
    listed = _text(client.get(url + f"?year={YEAR}&state=notice"))
    assert "甲公司" in listed and "乙公司" not in listed
    assert "甲公司" not in _text(client.get(url + "?state=paid"))
    # the printable notice lists the rewards on notice today, with the total
    notice = _text(client.get(reverse("programmes:reward_notice")))
    assert "甲公司" in notice and "4,000.00 元" in notice and "乙公司" not in notice
    client.force_login(users.federation)
    reward = EmployerReward.objects.get(employer__name="甲公司")
    detail = reverse("programmes:reward", args=[reward.pk])
    assert "公示期" in _text(client.get(detail))
    # the poster cannot decide; another member of staff can, only after the notice
    assert "发布公示的人员不能决定" in _text(client.get(detail))
    client.force_login(users.federation2)
    page = client.post(detail, {"move": "approve"})
    assert "公示期至" in _text(page) and EmployerReward.objects.get(pk=reward.pk).state == "notice"
    EmployerReward.objects.filter(pk=reward.pk).update(
        notice_first=TODAY - dt.timedelta(days=12), notice_last=TODAY - dt.timedelta(days=1))
    page = client.post(detail, {"move": "refuse", "note": " "})
    assert "不予奖励须写明理由" in _text(page) and EmployerReward.objects.get(pk=reward.pk).state == "notice"
    assert client.post(detail, {"move": "approve", "note": "公示无异议"}).status_code == 302
    assert client.post(detail, {"paid_on": TODAY.isoformat()}).status_code == 302
    assert EmployerReward.objects.get(pk=reward.pk).state == "paid"
    assert AuditEvent.objects.filter(object_type="employerreward",
                                     summary__contains="已发放").exists()


def test_an_area_without_the_reward_says_so(client, users):
    client.force_login(users.federation)
    page = client.post(reverse("programmes:rewards"), {"year": YEAR})
    assert "本地区规则未设超比例奖励" in _text(page) and not EmployerReward.objects.exists()
    assert "发布年度奖励公示" not in _text(client.get(reverse("programmes:rewards")))


@pytest.mark.parametrize("name", ["programmes:claims", "programmes:rewards",
                                  "programmes:reward_notice"])
def test_pages_answer_in_english_too(client, users, name):
    client.force_login(users.federation)
    # override: the request activates English in this thread; leave the language as found
    with translation.override(translation.get_language()):
        page = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and page.headers["Content-Language"] == "en"
