"""Education support through the actions and pages: the register and its history, the
out-of-school cases, 一人一案, 送教上门, aid, the education department's batch (with
per-row errors), the survey's answers, scoping, and the indicators that read the register
(hand-computed)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.core import clock
from canlian.education import actions, queries
from canlian.education.models import DropoutCase, Pupil, StatusChange
from canlian.indicators import engine
from canlian.surveys import actions as survey_actions
from canlian.todos.models import Todo

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(make_person):
    def make(birth=dt.date(2016, 3, 1), **kw):
        return make_person(resident_id=new_resident_id(birth), **kw)
    return make


def test_history_keeps_every_status_and_the_highest_level_is_never_lost(users, child):
    kid = child(dt.date(2010, 5, 1))
    with clock.frozen(dt.date(2025, 3, 1)):
        actions.set_status(users.township, kid, status="compulsory_school", school="城东中学",
                           highest_level="primary", since=dt.date(2022, 9, 1))
        actions.set_status(users.township, kid, status="upper_secondary", school="乐清职专",
                           highest_level="junior_secondary", since=dt.date(2025, 2, 20))
        pupil = actions.set_status(users.township, kid, status="upper_secondary",
                                   school="乐清职专", highest_level="primary",
                                   since=dt.date(2025, 3, 1))
    assert pupil.highest_level == "junior_secondary"  # a completed level stays completed
    rows = list(StatusChange.objects.filter(pupil=pupil).values_list("status", "since", "until"))
    assert rows == [("compulsory_school", dt.date(2022, 9, 1), dt.date(2025, 2, 19)),
                    ("upper_secondary", dt.date(2025, 2, 20), None)]
    with pytest.raises(ValidationError) as err:
        actions.set_status(users.township, kid, status="not_enrolled", since=clock.today())
    assert "reason" in err.value.message_dict


def test_a_child_out_of_school_opens_a_case_that_closes_on_return(users, child):
    kid = child(dt.date(2016, 3, 1))
    with clock.frozen(dt.date(2025, 9, 26)):
        pupil = actions.set_status(users.township, kid, status="not_enrolled", reason="refused",
                                   since=dt.date(2025, 9, 1))
        # again: no second case
        actions.set_status(users.township, kid, status="not_enrolled", reason="family",
                           since=dt.date(2025, 9, 20))
    case = DropoutCase.objects.get(pupil=pupil)
    assert case.due == dt.date(2025, 10, 30) and case.closed_on is None
    assert Todo.objects.get(kind="education_dropout").due == dt.date(2025, 10, 30)
    with clock.frozen(dt.date(2025, 10, 9)):
        actions.follow_up(users.township, case.pk, note="入户劝返，家长同意送学")
        actions.set_status(users.township, kid, status="compulsory_school", school="城东小学",
                           since=dt.date(2025, 10, 9))
    case.refresh_from_db()
    assert (case.outcome, case.closed_on) == ("returned", dt.date(2025, 10, 9))
    assert "劝返" in case.actions_taken
    with pytest.raises(ValidationError, match="已结案"):
        actions.follow_up(users.township, case.pk, note="x")


def test_placement_home_teaching_and_missed_visits(users, child):
    kid = child(dt.date(2014, 1, 1))
    with clock.frozen(dt.date(2025, 9, 1)):
        pupil = actions.set_status(users.township, kid, status="compulsory_home",
                                   since=dt.date(2025, 9, 1))
        with pytest.raises(ValidationError) as err:
            actions.assess(users.township, pupil.pk, assessed_on=dt.date(2025, 8, 20),
                           assessed_by="市残疾人教育专家委员会", needs="重度脑瘫，需生活照料",
                           recommended="home", decision="home", decided_on=dt.date(2025, 8, 25))
        assert "review_on" in err.value.message_dict
        actions.assess(users.township, pupil.pk, assessed_on=dt.date(2025, 8, 20),
                       assessed_by="市残疾人教育专家委员会", needs="重度脑瘫，需生活照料",
                       recommended="home", decision="home", decided_on=dt.date(2025, 8, 25),
                       review_on=dt.date(2026, 8, 25))
        with pytest.raises(ValidationError, match="不少于 2 次"):
            actions.plan_home_teaching(users.township, pupil.pk, teacher="林老师",
                                       school="乐清特校", visits_per_month=1, content="认知训练",
                                       start=dt.date(2025, 9, 1))
        plan = actions.plan_home_teaching(users.township, pupil.pk, teacher="林老师",
                                          school="乐清特校", visits_per_month=2,
                                          content="认知训练、生活自理", start=dt.date(2025, 9, 1))
    for day in (dt.date(2025, 9, 5), dt.date(2025, 9, 19), dt.date(2025, 10, 10)):
        with clock.frozen(day):
            actions.log_visit(users.township, plan.pk, on=day, minutes=90, done="认知训练")
    with clock.frozen(dt.date(2025, 11, 3)):
        with pytest.raises(ValidationError) as err:
            actions.log_visit(users.township, plan.pk, on=dt.date(2025, 12, 1), minutes=5,
                              done="")
        assert set(err.value.message_dict) == {"on", "minutes", "done"}
        missed = queries.missed_visits(queries.plans_for(actions.pupils_for(users.township)),
                                       clock.today())
    assert [(m["plan"].pk, m["missed"]) for m in missed] == [(plan.pk, [(2025, 10, 1)])]
    aid = actions.grant_aid(users.township, pupil.pk, year=2025, kind="助学金", amount="1500")
    assert aid.amount == 1500
    with pytest.raises(ValidationError, match="已有此项资助"):
        actions.grant_aid(users.township, pupil.pk, year=2025, kind="助学金", amount="1500")


def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(actions.COLUMNS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_the_education_batch_records_good_rows_and_reports_each_bad_one(users, child, regions):
    a = child(dt.date(2015, 4, 1), name="甲")
    b = child(dt.date(2012, 4, 1), name="乙")
    elsewhere = child(dt.date(2015, 4, 1), name="丙", village=regions.v2a)
    with clock.frozen(dt.date(2025, 10, 10)):
        result = actions.import_batch(users.township, _workbook([
            [a.resident_id, "甲", "义务教育·普通学校（随班就读）", "城东小学", "无", "", "2025-09-01"],
            [b.resident_id, "乙", "not_enrolled", "", "primary", "illness", "2025-09-01"],
            ["110101199003070000", "丁", "compulsory_school", "x", "", "", ""],
            [a.resident_id, "错名", "compulsory_school", "x", "", "", ""],
            [elsewhere.resident_id, "丙", "compulsory_school", "x", "", "", ""],
            [b.resident_id, "乙", "在读博士", "", "", "", ""],
            [b.resident_id, "乙", "compulsory_school", "", "", "", "2025/09/01"],
            [b.resident_id, "乙", "compulsory_special", "", "", "", "2025-09-01"],
        ]))
    assert result.rows == 8
    assert [(e["row"], e["column"]) for e in result.errors] == [
        (4, "身份证号"), (5, "姓名"), (6, "身份证号"), (7, "就学状况"), (8, "日期"), (9, "学校")]
    assert result.counts["new"] == 2 and result.counts["cases_opened"] == 1
    assert Pupil.objects.get(person=a).school == "城东小学"
    assert Pupil.objects.get(person=b).status == "not_enrolled"
    assert not Pupil.objects.filter(person=elsewhere).exists()
    with clock.frozen(dt.date(2025, 10, 10)):
        again = actions.import_batch(users.township, _workbook([
            [a.resident_id, "甲", "compulsory_school", "城东小学", "none", "", "2025-09-01"]]))
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 1, "cases_opened": 0,
                            "cases_closed": 0}
    wb = Workbook()
    wb.active.append(["身份证号"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(ValidationError, match="缺少列"):
        actions.import_batch(users.township, out)
    with pytest.raises(PermissionDenied):
        actions.import_batch(users.village, _workbook([]))


def test_survey_answers_join_the_register(users, child, regions):
    kid = child(dt.date(2013, 6, 1))
    adult = child(dt.date(1990, 1, 1))
    for p, status in ((kid, "compulsory_special"), (adult, "finished")):
        survey_actions.add_survey(person=p, year=2025, village=p.village,
                                    surveyed_on=dt.date(2025, 5, 1), education_status=status,
                                    employment_status="not_applicable")
    counts = actions.sync_from_surveys(2025, regions.county.code_range)
    assert counts["new"] == 1
    history = StatusChange.objects.get(pupil__person=kid)
    assert (history.status, history.source) == ("compulsory_special", "survey")


def test_each_township_sees_only_its_own_register(users, child, regions):
    with clock.frozen(dt.date(2025, 10, 1)):
        mine = actions.set_status(users.township, child(dt.date(2021, 1, 1)), status="preschool",
                                  school="城东幼儿园", since=dt.date(2025, 9, 1))
        other = child(dt.date(2021, 1, 1), village=regions.v2a)
        with pytest.raises(PermissionDenied):
            actions.set_status(users.township, other, status="preschool", school="x",
                               since=dt.date(2025, 9, 1))
    assert list(actions.pupils_for(users.township)) == [mine]
    assert not actions.pupils_for(users.township2).exists()
    assert not actions.pupils_for(users.employer).exists()


# ---- the indicators read the register (hand-computed) ---------------------------------------

YEAR = 2024


def _surveyed(make_person, regions, birth, **survey):
    p = make_person(regions.v1a, resident_id=new_resident_id(birth))
    Certificate.objects.create(person=p, number=p.resident_id + "42", category=4, grade=2,
                               issue_date=dt.date(2020, 1, 1), valid_until=dt.date(2030, 1, 1),
                               issued_by=regions.county)
    survey_actions.add_survey(person=p, year=YEAR, village=p.village, grade=2, category=4,
                                surveyed_on=dt.date(YEAR, 5, 1),
                                employment_status="not_applicable", **survey)
    return p


def test_compulsory_and_upper_secondary_indicators_count_the_register(users, make_person,
                                                                        regions):
    # May 2024 survey: the school year begun on 1 September 2023.
    # compulsory (6–15 then): A (7) surveyed not enrolled, registered in school in March;
    # B (8) not enrolled either way; C (14) surveyed not enrolled, the register shows
    # compulsory education completed in July; D (10) surveyed in school.  → 3 of 4
    a = _surveyed(make_person, regions, dt.date(2016, 2, 1), education_status="not_enrolled")
    b = _surveyed(make_person, regions, dt.date(2015, 2, 1), education_status="not_enrolled")
    c = _surveyed(make_person, regions, dt.date(2009, 3, 1), education_status="not_enrolled")
    _surveyed(make_person, regions, dt.date(2014, 1, 1), education_status="compulsory_school")
    # upper secondary (15–18 then, compulsory completed): E (16) surveyed "finished" without
    # the level, the register shows junior secondary completed and an upper-secondary
    # school since September 2023; F (17) completed compulsory by the survey, not in school.
    # → 1 of 2 (by the survey alone: 0 of 1)
    e = _surveyed(make_person, regions, dt.date(2007, 1, 1), education_status="finished")
    _surveyed(make_person, regions, dt.date(2006, 5, 1), education_status="finished",
              finished_compulsory=True)
    before_school = engine.measure("compulsory_education_enrollment", regions.county, YEAR,
                                   2021)[0]
    before_upper = engine.measure("high_school_education_rate", regions.county, YEAR, 2021)[0]
    assert (before_school.numerator, before_school.denominator) == (1, 4)
    assert (before_upper.numerator, before_upper.denominator) == (0, 1)
    with clock.frozen(dt.date(2024, 12, 1)):
        actions.set_status(users.township, a, status="compulsory_school", school="城东小学",
                           since=dt.date(2024, 3, 1))
        actions.set_status(users.township, b, status="not_enrolled", reason="illness",
                           since=dt.date(2024, 3, 1))
        actions.set_status(users.township, c, status="finished", highest_level="junior_secondary",
                           since=dt.date(2024, 7, 1))
        actions.set_status(users.township, e, status="upper_secondary", school="乐清职专",
                           highest_level="junior_secondary", since=dt.date(2023, 9, 1))
    from django.core.cache import cache

    cache.clear()
    school = engine.measure("compulsory_education_enrollment", regions.county, YEAR, 2021)[0]
    upper = engine.measure("high_school_education_rate", regions.county, YEAR, 2021)[0]
    assert (school.numerator, school.denominator, str(school.value)) == (3, 4, "75.0")
    assert (upper.numerator, upper.denominator, str(upper.value)) == (1, 2, "50.0")
    # a status recorded after the year does not count for it
    with clock.frozen(dt.date(2025, 3, 1)):
        actions.set_status(users.township, b, status="compulsory_special", school="乐清特校",
                           since=dt.date(2025, 3, 1))
    cache.clear()
    assert engine.measure("compulsory_education_enrollment", regions.county, YEAR,
                          2021)[0].numerator == 3


def test_staff_pages_and_refusals(client, users, child):
    kid = child(dt.date(2016, 3, 1), name="小林")
    client.force_login(users.township)
    bad = client.post("/education/", {"resident_id": kid.resident_id, "status": "not_enrolled",
                                      "highest_level": "none", "since": "2025-09-01"})
    assert bad.status_code == 400 and "原因" in bad.content.decode()
    ok = client.post("/education/", {"resident_id": kid.resident_id, "status": "not_enrolled",
                                     "highest_level": "none", "reason": "family",
                                     "since": clock.today().isoformat()})
    pupil = Pupil.objects.get(person=kid)
    assert ok.status_code == 302 and ok.url == f"/education/{pupil.pk}/"
    page = client.get("/education/").content.decode()
    assert "小林" in page  # on the out-of-school list
    case = DropoutCase.objects.get(pupil=pupil)
    assert client.post(f"/education/{pupil.pk}/follow_up/", {
        "target": case.pk, f"follow_up-{case.pk}-case": case.pk,
        f"follow_up-{case.pk}-note": "入户家访", f"follow_up-{case.pk}-outcome": ""}
    ).status_code == 302
    assert client.post(f"/education/{pupil.pk}/aid/", {"aid-year": 2025, "aid-kind": "助学金",
                                                       "aid-amount": "-5"}).status_code == 400
    assert client.get(f"/education/{pupil.pk}/").status_code == 200
    assert client.get("/education/import/").status_code == 200
    assert client.get("/education/import/errors/").status_code == 404
    upload = _workbook([[kid.resident_id, "别名", "compulsory_school", "城东小学", "", "", ""]])
    upload.name = "学籍.xlsx"
    result = client.post("/education/import/", {"file": upload})
    assert result.status_code == 200 and "姓名与身份证号不符" in result.content.decode()
    # the rejected rows wait for their download sealed in the session, not in clear
    from django.contrib.sessions.models import Session

    stored = Session.objects.get(session_key=client.session.session_key)
    assert kid.resident_id not in stored.session_data
    assert kid.resident_id not in str(stored.get_decoded())
    download = client.get("/education/import/errors/")
    assert download.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("原行号", "出错列", "原因") and rows[1][0] == 2
    assert rows[1][3] == kid.resident_id and rows[1][4] == "别名"
    client.force_login(users.township2)
    assert client.get(f"/education/{pupil.pk}/").status_code == 404
