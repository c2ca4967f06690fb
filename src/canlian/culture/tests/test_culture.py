"""Culture and sports through the actions and pages: attendance by list, sheet and QR scan
feeding the coverage indicator (hand-computed), teams and athletes, deliveries, refusals."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from canlian.certificates import actions as certificate_actions
from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.culture import actions
from canlian.culture.models import Attendance
from canlian.indicators import engine
from canlian.services.models import ServiceRecord
from canlian.surveys import actions as survey_actions
from canlian.surveys.models import AnnualSurvey

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(make_person, regions):
    def make(village=None, grade=2, category=4, name="张三", survey_year=None):
        p = make_person(village or regions.v1a, name=name,
                        resident_id=new_resident_id(dt.date(1980, 1, 1)))
        cert = Certificate.objects.create(person=p, number=p.resident_id + f"{category}{grade}",
                                          category=category, grade=grade,
                                          issue_date=dt.date(2020, 1, 1),
                                          valid_until=dt.date(2030, 1, 1),
                                          issued_by=regions.county)
        p.grade, p.category, p.certificate_number = grade, category, cert.number
        p.save()
        if survey_year:
            survey_actions.add_survey(person=p, year=survey_year, village=p.village, grade=grade,
                                        category=category, employment_status="retired",
                                        surveyed_on=dt.date(survey_year, 5, 1))
        p.cert = cert
        return p
    return make


def _event(users, regions, on=dt.date(2024, 6, 1), kind="culture"):
    with clock.frozen(on):
        return actions.create_event(users.township, kind=kind, title="助残日文艺汇演", on=on,
                                    place="文化礼堂", organiser="乐成街道残联", township=regions.t1,
                                    sign_language=True, accessible_seating=True)


def test_group_attendance_feeds_the_coverage_indicator(users, regions, certified):
    # four surveyed persons in 2024: two attend by list, one by QR at the door, one not
    a, b, c, d = (certified(survey_year=2024, name=n) for n in "甲乙丙丁")
    before = engine.measure("culture_sports_coverage", regions.county, 2024, 2021)[0]
    assert (before.numerator, before.denominator) == (0, 4)
    event = _event(users, regions)
    assert event.accessibility == ["手语翻译", "无障碍座席"]
    with clock.frozen(dt.date(2024, 6, 1)):
        assert actions.attend(users.township, event.pk, [a.pk, b.pk], "list") == 2
        assert actions.attend(users.township, event.pk, [a.pk], "list") == 0  # once
        url = f"https://canlian.example/verify/{certificate_actions.verification_token(c.cert)}/"
        assert actions.attend_by_scan(users.township, event.pk, url) == c
        with pytest.raises(ValidationError, match="已登记"):
            actions.attend_by_scan(users.township, event.pk, url)
        with pytest.raises(ValidationError, match="无法识别"):
            actions.attend_by_scan(users.township, event.pk, "https://x/verify/forged/")
    assert ServiceRecord.objects.filter(service_type__code="culture_event").count() == 3
    assert Attendance.objects.get(person=c).how == "qr"
    from django.core.cache import cache

    cache.clear()
    after = engine.measure("culture_sports_coverage", regions.county, 2024, 2021)[0]
    assert (after.numerator, after.denominator, str(after.value)) == (3, 4, "75.0")
    assert not AnnualSurvey.objects.get(person=d).served_culture


def test_attendance_refusals(users, regions, certified):
    other = certified(regions.v2a)
    event = _event(users, regions)
    with clock.frozen(dt.date(2024, 6, 1)), pytest.raises(PermissionDenied):
        actions.attend(users.township, event.pk, [other.pk], "list")
    future = _event(users, regions, on=dt.date(2024, 7, 1))
    with clock.frozen(dt.date(2024, 6, 1)), pytest.raises(ValidationError, match="尚未举行"):
        actions.attend(users.township, future.pk, [certified().pk], "list")
    with pytest.raises(ValidationError) as err:
        actions.create_event(users.township, kind="x", title=" ", on=clock.today(), place="p",
                             organiser="o", township=regions.t1)
    assert {"kind", "title"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError, match="管辖"):
        actions.create_event(users.township, kind="sports", title="t", on=clock.today(),
                             place="p", organiser="o", township=regions.t2)


def test_a_sign_in_sheet_records_good_rows_and_reports_bad_ones(users, regions, certified):
    a, b = certified(name="甲"), certified(name="乙")
    far = certified(regions.v2a, name="丙")
    event = _event(users, regions)
    wb = Workbook()
    ws = wb.active
    for row in (["姓名", "身份证号"], ["甲", a.resident_id], ["乙", b.resident_id],
                ["错", "12345"], ["丙", far.resident_id], ["丁", b.resident_id]):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with clock.frozen(dt.date(2024, 6, 2)):
        result = actions.attend_by_sheet(users.township, event.pk, out)
    # row 4: not a resident ID, row 5 outside the region, row 6 the same ID as row 3
    # with another name (the last row of an ID is the one read)
    assert result.rows == 5
    assert [(e["row"], e["column"]) for e in result.errors] == [
        (4, "身份证号"), (5, "身份证号"), (6, "姓名")]
    assert result.added == 1
    assert set(Attendance.objects.values_list("person__name", flat=True)) == {"甲"}


def test_teams_athletes_and_deliveries(users, regions, certified, make_person):
    with clock.frozen(dt.date(2025, 3, 1)):
        team = actions.create_team(users.township, name="乐成街道残疾人艺术团", kind="art_troupe",
                                   township=regions.t1, coach="王老师")
        runner = certified(name="跑者")
        member = actions.add_member(users.township, team.pk, runner, role="田径")
        with pytest.raises(ValidationError, match="已是该队成员"):
            actions.add_member(users.township, team.pk, runner)
        entry = actions.log_athlete(users.township, member.pk, kind="competition",
                                    name="省残运会", on=dt.date(2025, 2, 20), result="银牌")
        assert entry.result == "银牌"
        blind = certified(grade=1, category=1, name="盲人")
        mild = certified(grade=4, name="轻度")
        actions.deliver(users.township, blind, item="radio_for_blind",
                        delivered_on=dt.date(2025, 2, 1))
        with pytest.raises(ValidationError, match="已配送"):
            actions.deliver(users.township, blind, item="radio_for_blind",
                            delivered_on=dt.date(2025, 2, 2))
        with pytest.raises(ValidationError, match="重度"):
            actions.deliver(users.township, mild, item="five_ones",
                            delivered_on=dt.date(2025, 2, 1))
        actions.deliver(users.township, blind, item="five_ones", delivered_on=dt.date(2025, 2, 1))
    assert actions.deliveries_for(users.township).count() == 2
    assert not actions.deliveries_for(users.township2).exists()


def test_staff_pages(client, users, regions, certified):
    person = certified(name="小王")
    client.force_login(users.township)
    response = client.post("/culture/", {"kind": "sports", "title": "轮椅篮球友谊赛",
                                         "on": clock.today().isoformat(), "place": "体育馆",
                                         "organiser": "残联", "township": regions.t1.code,
                                         "captions": "on"})
    assert response.status_code == 302
    event_url = response.url
    page = client.get(f"{event_url}?village={regions.v1a.code}").content.decode()
    assert "小王" in page and "字幕" in page
    pk = event_url.rstrip("/").split("/")[-1]
    ticked = client.post(f"/culture/events/{pk}/attend/list/", {"person": [person.pk],
                                                                "village": regions.v1a.code})
    assert ticked.status_code == 302
    assert Attendance.objects.filter(person=person).exists()
    assert client.post(f"/culture/events/{pk}/attend/scan/", {"scan": "x"}).status_code == 400
    assert client.get("/culture/teams/").status_code == 200
    assert client.get("/culture/deliveries/").status_code == 200
    bad = client.post("/culture/deliveries/", {"resident_id": person.resident_id,
                                               "item": "radio_for_blind",
                                               "delivered_on": clock.today().isoformat()})
    assert bad.status_code == 400 and "视力" in bad.content.decode()
