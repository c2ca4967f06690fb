"""Programme participation feeds the plan indicators through their one definition
(``indicators.measures.survey_conditions``): a premium subsidy confirmed on the year's
roster counts as insured although the survey said not insured, and the indicator's list
of persons (``drill``) names the same person the figure counts."""

import io

import openpyxl

from canlian.core import clock
from canlian.indicators import drill, measures
from canlian.programmes import actions
from canlian.programmes.models import Application
from canlian.surveys import actions as survey_actions

TODAY = clock.today()


def _confirmation(rows):
    book = openpyxl.Workbook()
    book.active.append(["身份证号", "结果", "说明"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_confirmed_premium_counts_in_the_insurance_rate(users, regions, make_person, walk):
    person = make_person(regions.v1a, name="钱一")
    walk(person, category=4, grade=1)  # severe: enrolled automatically
    survey_actions.add_survey(person=person, year=TODAY.year, village=person.village,
                                surveyed_on=TODAY, grade=1, category=4,
                                medical_insured=False,
                                employment_status="retired")
    scope = measures.Scope(regions.county, TODAY.year)

    def rate():
        return measures.survey_rates(measures.Scope(regions.county, TODAY.year))[
            "medical_insurance_rate"][regions.t1.code]

    assert rate() == (0, 1)
    app = Application.objects.get(person=person, programme="medical_premium")
    actions.review(users.township, app.pk)
    actions.decide(users.federation, app.pk, approve=True)
    roster = actions.make_roster(users.federation, "medical_premium", TODAY.year)
    assert rate() == (0, 1)  # sent, not yet confirmed by 医保
    actions.read_confirmation(users.federation, roster.pk,
                              _confirmation([[person.resident_id, "成功", ""]]))
    assert rate() == (1, 1)
    listed = drill.members("medical_insurance_rate", scope, "numerator")
    assert [p.pk for p in listed.rows] == [person.pk]


def test_participants_of_a_programme_without_settlement_are_refused(regions):
    import pytest

    from canlian.programmes.queries import participants

    with pytest.raises(ValueError, match="no participation defined"):
        participants(regions.county, TODAY.year, "transport_concession")


def test_figures_count_persons_paid_per_township_and_month_within_the_scope(
        users, regions, make_person, walk):
    import datetime as dt
    from decimal import Decimal

    from canlian.care import actions as care
    from canlian.programmes import queries
    from canlian.services import actions as services

    person = make_person(regions.v1a, name="赵五")
    walk(person, category=4, grade=1)
    home = services.register_institution(users.township, {
        "name": "乐成街道残疾人之家", "kind": "home_of_disabled", "township": regions.t1,
        "capacity": 10, "opened_on": TODAY - dt.timedelta(days=400)})
    care.set_places(users.township, home, "day", 5)
    care.place(users.township, person, home, mode="day", start_date=TODAY - dt.timedelta(days=30),
               reason="白天无人照料", payer="subsidised")
    app = actions.apply(users.township, person, "care_subsidy", channel="staff")
    actions.review(users.township, app.pk)
    actions.decide(users.federation, app.pk, approve=True)
    assert actions.pay(users.federation, "care_subsidy", TODAY) == 1
    row = next(r for r in queries.figures(users.federation, TODAY.year)
               if r["programme"] == "care_subsidy")
    assert (row["township"], row["applied"], row["approved"], row["paid"], row["amount"]) == (
        "乐成街道", 1, 1, 1, Decimal("200.00"))
    # another township's staff see none of it
    assert not [r for r in queries.figures(users.township2, TODAY.year)
                if r["programme"] == "care_subsidy"]
    months = queries.monthly(users.federation, TODAY.year, "care_subsidy")
    assert len(months) == 12
    this = months[TODAY.month - 1]
    assert (this["paid"], this["amount"]) == (1, Decimal("200.00"))
    assert sum(m["paid"] for m in months) == 1
