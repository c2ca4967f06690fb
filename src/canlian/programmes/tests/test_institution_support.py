"""Support for supported-employment units (辅助性就业机构) and blind-massage institutions
(盲人按摩机构), Linzi's employment projects, end to end: staff apply with the institution's
disabled workers, every worker is checked by the rule file and the reasons recorded, another
person decides with reasons, and the payment is recorded once. Bad worker lists are refused
as a whole with every line's problem; nothing is saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.programmes import actions, rules
from canlian.programmes.actions import ProgrammeError
from canlian.programmes.models import InstitutionGrant, InstitutionWorker
from canlian.regions.models import Deployment
from canlian.services.models import Institution

TODAY = clock.today()


@pytest.fixture
def linzi(regions):
    Deployment.objects.update(code="linzi")  # Linzi's rule file names both supports


def _worker(make_person, village, name, category, grade, born=dt.date(1980, 3, 1)):
    person = make_person(village, name=name, resident_id=new_resident_id(born))
    Certificate.objects.create(person=person, number=person.resident_id + "11",
                               category=category, grade=grade, issue_date="2020-01-01",
                               valid_until="2040-01-01", issued_by=village.parent,
                               status="issued")
    return person


def _institution(regions, kind, name="临淄盲人按摩中心", township=None):
    return Institution.objects.create(name=name, kind=kind, township=township or regions.t1,
                                      capacity=30, opened_on=dt.date(2020, 1, 1))


def test_blind_massage_support_from_application_to_payment(users, regions, make_person, linzi):
    centre = _institution(regions, "blind_massage")
    blind = [_worker(make_person, regions.v1a, f"盲人{i}", 1, 2) for i in range(3)]
    deaf = _worker(make_person, regions.v1b, "聋人", 2, 3)
    grant = actions.apply_support(users.township, centre, "blind_massage", TODAY.year,
                                  [p.resident_id for p in [*blind, deaf]])
    # 3 of 4 count (demo 2,000 yuan each); the hearing-disabled worker is recorded, not paid
    assert (grant.named, grant.counted, grant.persons) == (4, 3, 3)
    assert grant.amount == Decimal("6000.00") and grant.state == "applied"
    refused = InstitutionWorker.objects.get(grant=grant, person=deaf)
    assert not refused.counts and any(not r["passed"] and "听力" in r["zh"]
                                      for r in refused.reasons)
    assert all(w.counts for w in InstitutionWorker.objects.filter(grant=grant, person__in=blind))
    # a second application of the same institution and year is refused
    with pytest.raises(ProgrammeError, match="已申请"):
        actions.apply_support(users.township, centre, "blind_massage", TODAY.year,
                              [p.resident_id for p in blind])
    # the township cannot decide; a refusal needs its reason; the applicant is not the decider
    with pytest.raises(PermissionDenied):
        actions.decide_support(users.township, grant.pk, approve=True)
    with pytest.raises(ProgrammeError, match="写明理由"):
        actions.decide_support(users.federation, grant.pk, approve=False)
    with pytest.raises(ProgrammeError, match="只有已批准"):
        actions.pay_support(users.federation, grant.pk, paid_on=TODAY)
    actions.decide_support(users.federation, grant.pk, approve=True, note="名单核实无误")
    with pytest.raises(ProgrammeError):
        actions.decide_support(users.federation2, grant.pk, approve=False, note="再议")
    with pytest.raises(ProgrammeError, match="不晚于今天"):
        actions.pay_support(users.federation, grant.pk, paid_on=TODAY + dt.timedelta(days=1))
    paid = actions.pay_support(users.federation, grant.pk, paid_on=TODAY)
    assert paid.state == "paid" and paid.paid_on == TODAY
    with pytest.raises(ProgrammeError, match="只有已批准"):
        actions.pay_support(users.federation, grant.pk, paid_on=TODAY)  # never twice


def test_the_applicant_cannot_decide(users, regions, make_person, linzi):
    centre = _institution(regions, "blind_massage")
    workers = [_worker(make_person, regions.v1a, f"盲人{i}", 1, 1) for i in range(2)]
    grant = actions.apply_support(users.federation, centre, "blind_massage", TODAY.year,
                                  [p.resident_id for p in workers])
    with pytest.raises(ProgrammeError, match="审核人不能审批"):
        actions.decide_support(users.federation, grant.pk, approve=True)
    assert actions.decide_support(users.federation2, grant.pk, approve=True).state == "approved"


def test_supported_employment_counts_intellectual_mental_or_severe_workers(
        users, regions, make_person, linzi):
    unit = _institution(regions, "supported_employment", name="阳光工场")
    ok = [_worker(make_person, regions.v1a, "智力", 5, 3), _worker(make_person, regions.v1a,
                                                                     "精神", 6, 4),
          _worker(make_person, regions.v1a, "重度肢体", 4, 1),
          _worker(make_person, regions.v1a, "多重", 7, 2),
          _worker(make_person, regions.v1a, "智力二", 5, 2)]
    mild = _worker(make_person, regions.v1a, "轻度肢体", 4, 4)
    old = _worker(make_person, regions.v1a, "年长", 5, 3, born=dt.date(1950, 1, 1))
    grant = actions.apply_support(users.township, unit, "supported_employment", TODAY.year,
                                  [p.resident_id for p in [*ok, mild, old]])
    assert (grant.counted, grant.amount) == (5, Decimal("15000.00"))
    reasons = {w.person_id: w.reasons for w in grant.workers.all()}
    assert any("均不满足" in r["zh"] for r in reasons[mild.pk])
    assert any("不在 16–59 周岁" in r["zh"] for r in reasons[old.pk])


def test_bad_worker_lists_are_refused_with_every_line(users, regions, make_person, linzi):
    centre = _institution(regions, "blind_massage")
    blind = [_worker(make_person, regions.v1a, f"盲人{i}", 1, 2) for i in range(2)]
    elsewhere = _worker(make_person, regions.v2a, "外镇", 1, 2)
    with pytest.raises(ProgrammeError) as exc:
        actions.apply_support(users.township, centre, "blind_massage", TODAY.year,
                              [blind[0].resident_id, "12345", blind[0].resident_id,
                               elsewhere.resident_id])
    message = exc.value.message
    assert "第 2 行" in message and "不是有效的身份证号" in message
    assert "第 3 行" in message and "重复" in message
    assert "第 4 行" in message and "辖区内没有" in message
    with pytest.raises(ProgrammeError, match="列出"):
        actions.apply_support(users.township, centre, "blind_massage", TODAY.year, ["  "])
    # too few count: one blind worker and one who is not blind (minimum 2, demo value)
    deaf = _worker(make_person, regions.v1a, "聋人", 2, 2)
    with pytest.raises(ProgrammeError, match="不足 2 人"):
        actions.apply_support(users.township, centre, "blind_massage", TODAY.year,
                              [blind[0].resident_id, deaf.resident_id])
    # the wrong kind of institution, a year too far back
    unit = _institution(regions, "supported_employment", name="阳光工场")
    with pytest.raises(ProgrammeError, match="不是盲人按摩机构"):
        actions.apply_support(users.township, unit, "blind_massage", TODAY.year,
                              [p.resident_id for p in blind])
    with pytest.raises(ProgrammeError, match="本年度或上一年度"):
        actions.apply_support(users.township, centre, "blind_massage", TODAY.year - 3,
                              [p.resident_id for p in blind])
    assert not InstitutionGrant.objects.exists()
    # a worker counts for one institution of the kind a year
    actions.apply_support(users.township, centre, "blind_massage", TODAY.year,
                          [p.resident_id for p in blind])
    other = _institution(regions, "blind_massage", name="第二按摩店")
    with pytest.raises(ProgrammeError, match="已计入其他机构"):
        actions.apply_support(users.township, other, "blind_massage", TODAY.year,
                              [blind[0].resident_id, blind[1].resident_id])


def test_an_area_without_the_support_refuses(users, regions, make_person):
    centre = _institution(regions, "blind_massage")
    with pytest.raises(ProgrammeError, match="未设此项机构扶持"):
        actions.apply_support(users.township, centre, "blind_massage", TODAY.year, ["x"])


def test_support_rules_are_pure():
    support = rules.shipped("linzi").support_on("blind_massage", dt.date(2025, 6, 1))
    assert support is not None and support.institution_kind == "blind_massage"
    assert rules.support_amount(support, 1)[0] == 0
    assert rules.support_amount(support, 40)[:2] == (30, Decimal("60000.00"))
    facts = rules.Facts(birth_date=dt.date(1990, 1, 1), certificate_valid=True, category=1,
                        grade=3)
    assert rules.worker_verdict(support, facts, dt.date(2025, 6, 1))[0]
    dead = rules.Facts(birth_date=dt.date(1990, 1, 1), alive=False, certificate_valid=True,
                       category=1, grade=3)
    assert not rules.worker_verdict(support, dead, dt.date(2025, 6, 1))[0]
    assert rules.shipped("yueqing").support_on("blind_massage", dt.date(2025, 6, 1)) is None
    with pytest.raises(rules.RuleFileError, match="institution_support"):
        rules.loads(_with_support("min_persons: 3\n      max_persons: 1"))
    with pytest.raises(rules.RuleFileError, match="institution_kind"):
        rules.loads(_with_support("min_persons: 2\n      max_persons: 30\n"
                                  "      institution_kind: care"))


def _with_support(replacement: str) -> str:
    text = (rules.DATA_DIR / "linzi.yaml").read_text(encoding="utf-8")
    assert "min_persons: 2\n      max_persons: 30" in text
    return text.replace("min_persons: 2\n      max_persons: 30", replacement, 1)


def test_the_pages_apply_decide_and_pay(client, users, regions, make_person, linzi):
    from django.urls import reverse

    centre = _institution(regions, "blind_massage")
    _institution(regions, "blind_massage", name="外镇按摩店", township=regions.t2)
    blind = [_worker(make_person, regions.v1a, f"盲人{i}", 1, 2) for i in range(2)]
    url = reverse("programmes:supports")
    client.force_login(users.township)
    page = client.get(url).content.decode()
    assert "盲人按摩机构扶持" in page and "外镇按摩店" not in page  # another township's
    sent = {"support": "blind_massage", "institution": centre.pk, "year": TODAY.year,
            "workers": f"{blind[0].resident_id}\n{blind[0].resident_id}"}
    page = client.post(url, sent).content.decode()
    assert "第 2 行：该职工重复列出" in page and not InstitutionGrant.objects.exists()
    assert blind[0].resident_id in page  # the list typed is kept to correct
    sent["workers"] = "\n".join(p.resident_id for p in blind)
    answer = client.post(url, sent)
    grant = InstitutionGrant.objects.get()
    assert answer["Location"] == reverse("programmes:support", args=[grant.pk])
    detail = reverse("programmes:support", args=[grant.pk])
    page = client.get(detail).content.decode()
    assert "视力" in page and blind[0].resident_id not in page  # reasons; IDs masked
    assert "您的角色不能办理此环节" in client.post(detail, {"move": "approve"}).content.decode()
    client.force_login(users.federation)
    assert "不予扶持须写明理由" in client.post(detail, {"move": "refuse"}).content.decode()
    assert client.post(detail, {"move": "approve"}).status_code == 302
    assert client.post(detail, {"paid_on": TODAY.isoformat()}).status_code == 302
    assert InstitutionGrant.objects.get().state == "paid"
    listed = client.get(url + "?support=blind_massage&state=paid").content.decode()
    assert "临淄盲人按摩中心" in listed and "4,000.00 元" in listed
