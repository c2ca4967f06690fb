"""The two national subsidies on the programme engine (issue #24: "the two existing
subsidies run on the same engine"), end to end in both deployments.

Each deployment's rule file lists ``living_subsidy`` and ``nursing_subsidy``, decided by
the subsidy rules themselves (``{rule: subsidy}``) and settled on the subsidy roll
(``settlement: {kind: subsidy_roll}``): a certificate issued → the portal offers them with
the reason → the application the engine opens is the benefits app's own → township review,
public notice, federation approval → the monthly roll pays each month once, and a re-run
pays nothing more; an ineligible person sees no offer and is refused with the reasons.
"""

import datetime as dt
from decimal import Decimal

import pytest

from canlian.benefits import actions as subsidies
from canlian.benefits import ledger, rolls
from canlian.benefits.models import Grant, RollLine, SubsidyApplication
from canlian.core import clock
from canlian.people.models import Person
from canlian.portal import actions as portal
from canlian.portal.tests.conftest import last_code
from canlian.programmes import actions, queries, rules
from canlian.programmes.actions import ProgrammeError
from canlian.programmes.models import Application
from canlian.regions.models import Deployment

NURSING = {"needs_long_term_care": True, "care_months": 12}
CODES = {"living": "living_subsidy", "nursing": "nursing_subsidy"}


@pytest.fixture(params=["yueqing", "linzi"])
def deployment(request, regions):
    Deployment.objects.update(code=request.param)
    return request.param


def _certified(make_person, walk, regions, *, household, category, grade, name):
    person = make_person(regions.v1a, name=name, household_type=household,
                         phone="13812345678")
    walk(person, category=category, grade=grade)  # CertificateIssued: "1+X" runs
    return Person.objects.get(pk=person.pk)


def _assumed(person):
    """The declared facts "1+X" assumes before the person answers (a long-term care need
    for a severe grade), as the subsidy pages evaluate a pre-filled application."""
    return subsidies.assumed_facts(person.category, person.grade)


@pytest.mark.parametrize("code", ["yueqing", "linzi"])
def test_both_files_list_the_subsidies_on_the_subsidy_roll(code):
    catalogue = rules.shipped(code)
    for subsidy, programme in CODES.items():
        version = catalogue.get(programme).latest
        assert version.settlement.kind == "subsidy_roll"
        assert version.settlement.subsidy == subsidy
        assert version.benefit.from_subsidy_rules and version.benefit.amount == 0
        # one definition: the subsidy rule set decides, nothing else is checked
        assert [r.rule for r in version.eligibility] == ["subsidy"]


def test_a_subsidy_roll_block_is_checked_strictly():
    text = (rules.DATA_DIR / "yueqing.yaml").read_text(encoding="utf-8")
    good = "settlement: {kind: subsidy_roll, subsidy: nursing}"
    assert good in text
    with pytest.raises(rules.RuleFileError, match="subsidy_roll"):  # the subsidy not named
        rules.loads(text.replace(good, "settlement: {kind: subsidy_roll}"))
    with pytest.raises(rules.RuleFileError, match="of: living"):  # decided by another rule
        rules.loads(text.replace(good, "settlement: {kind: subsidy_roll, subsidy: living}"))
    with pytest.raises(rules.RuleFileError, match="from_subsidy_rules"):  # a second amount
        rules.loads(text.replace(good, "settlement: {kind: ledger}"))
    with pytest.raises(rules.RuleFileError, match="automatic"):
        rules.loads(text.replace(
            "channels: [portal, staff, offer]\n      eligibility:\n        - {rule: subsidy, of: nursing}",
            "channels: [automatic]\n      eligibility:\n        - {rule: subsidy, of: nursing}"))


@pytest.mark.django_db
def test_certificate_offer_application_decision_roll_paid_once(deployment, users, regions,
                                                              make_person, walk, client):
    person = _certified(make_person, walk, regions, household="dibao", category=4, grade=1,
                        name="周一")
    today = clock.today()
    # (a) the engine's evaluation offers both, with the subsidy rules' reasons and amount
    offers = {o["code"]: o for o in queries.offers_for(person)}
    for subsidy, code in CODES.items():
        offer = offers[code]
        decision = subsidies.evaluate(person, subsidy, _assumed(person))
        assert decision.eligible and offer["amount"] == decision.monthly_amount > 0
        assert any(rules.SUBSIDY_ZH[subsidy] in r and "符合" in r for r in offer["reasons"])
        # the offer is the benefits app's pre-filled application, not a programme record
        assert offer["state_code"] == "offered" and offer["app_kind"] == "subsidy"
        assert offer["app_id"] == SubsidyApplication.objects.get(
            person=person, subsidy=subsidy, state="prefilled").pk
    assert not Application.objects.filter(person=person, programme__in=CODES.values()).exists()

    # ... and the portal shows them under "您可能可以申请", with the reason
    portal.request_code(person.resident_id)
    citizen = portal.verify_code(person.resident_id, last_code())
    client.force_login(citizen, backend="canlian.accounts.backends.RegionBackend")
    home = client.get("/portal/").content.decode()
    for subsidy in CODES:
        assert rules.SUBSIDY_ZH[subsidy] in home and f"/portal/apply/subsidy/{subsidy}/" in home
    assert "符合" in home
    # a subsidy is applied for on its own form (declared facts, bank account)
    redirect = client.get("/portal/apply/programme/nursing_subsidy/")
    assert redirect.status_code == 302 and redirect["Location"] == "/portal/apply/subsidy/nursing/"

    # (b) the application opened from the engine is the subsidy's own (the pre-filled one)
    app = actions.apply(users.township, person, "nursing_subsidy", channel="staff",
                        declared=NURSING)
    assert isinstance(app, SubsidyApplication)
    assert app.state == "applied" and app.eligible and app.subsidy == "nursing"
    assert SubsidyApplication.objects.filter(person=person, subsidy="nursing").count() == 1
    with pytest.raises(ProgrammeError, match=r"已有|already"):  # open already
        actions.apply(users.township, person, "nursing_subsidy", channel="staff")
    with pytest.raises(ProgrammeError, match=r"花名册|subsidy roll"):  # not the programme ledger
        actions.pay(users.federation, "nursing_subsidy", today)
    # the benefits workflow: township review, public notice, federation approval with reasons
    subsidies.decide_application(users.township, app.pk, "review", today=today)
    notice = subsidies.post_notice(users.township, app.village_id, [app.pk], today, today=today)
    day = notice.ends_on + dt.timedelta(days=1)
    with clock.frozen(day):
        subsidies.decide_application(users.federation, app.pk, "approve", today=day)
        grant = Grant.objects.get(application=app)
        assert grant.start_month == today.replace(day=1)
        month = day.replace(day=1)
        roll = rolls.generate(regions.county, month).roll
        rolls.finalise(roll)
        again = rolls.generate(regions.county, month)  # a re-run pays nothing more
        assert not again.changed
    paid = list(RollLine.objects.filter(person=person, subsidy="nursing")
                .values_list("period", "amount"))
    months = sorted(p for p, _a in paid)
    assert months and len(months) == len(set(months))  # each month once
    assert months[0] == today.replace(day=1) and months[-1] == month
    assert all(a == app.monthly_amount for _p, a in paid)
    assert ledger.double_payments() == []
    # the next month pays that month only
    nxt = rolls.add_months(month, 1)
    with clock.frozen(nxt):
        rolls.finalise(rolls.generate(regions.county, nxt).roll)
    assert RollLine.objects.filter(person=person, subsidy="nursing").count() == len(months) + 1
    assert ledger.double_payments() == []

    # (c) the programme figures read the subsidy's applications and roll
    rows = [r for r in queries.figures(users.federation, month.year)
            if r["programme"] == "nursing_subsidy"]
    assert rows and rows[0]["name"] == "重度残疾人护理补贴"
    if month.year == today.year:
        assert sum(r["applied"] for r in rows) == 1 and sum(r["approved"] for r in rows) == 1
    living = [r for r in queries.figures(users.federation, today.year)
              if r["programme"] == "living_subsidy"]
    assert sum(r["offered"] for r in living) == 1  # pre-filled, not yet sent
    year_lines = RollLine.objects.filter(person=person, subsidy="nursing", period__year=month.year)
    assert sum(r["paid"] for r in rows) == 1
    assert sum(r["amount"] for r in rows) == sum(line.amount for line in year_lines)
    by_month = queries.monthly(users.federation, month.year, "nursing_subsidy")
    assert by_month[month.month - 1]["paid"] == 1
    assert by_month[month.month - 1]["amount"] == app.monthly_amount
    # the staff page lists them with their figures
    client.force_login(users.federation)
    page = client.get("/programmes/figures/").content.decode()
    assert "重度残疾人护理补贴" in page and "困难残疾人生活补贴" in page


@pytest.mark.django_db
def test_an_ineligible_person_sees_no_subsidy_offer_and_is_refused(deployment, users, regions,
                                                                   make_person, walk):
    person = _certified(make_person, walk, regions, household="ordinary", category=4, grade=4,
                        name="吴四")
    offers = {o["code"] for o in queries.offers_for(person)}
    assert not offers & set(CODES.values())
    assert not SubsidyApplication.objects.filter(person=person).exists()
    for subsidy, code in CODES.items():
        with pytest.raises(ProgrammeError, match=rules.SUBSIDY_ZH[subsidy]) as refused:
            actions.apply(users.township, person, code, channel="staff")
        assert "不符合" in refused.value.message
    assert not SubsidyApplication.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_the_engine_amount_is_the_subsidy_rules_amount(deployment, users, regions, make_person,
                                                       walk):
    person = _certified(make_person, walk, regions, household="dibao", category=5, grade=2,
                        name="郑五")
    verdicts = {v.code: v for v in actions.evaluate(person)}
    for subsidy, code in CODES.items():
        decision = subsidies.evaluate(person, subsidy, _assumed(person))
        assert verdicts[code].eligible == decision.eligible
        assert verdicts[code].amount == (decision.monthly_amount if decision.eligible
                                         else Decimal("0.00"))
    # the simulation costs them as monthly cash (× 12) from the same amounts
    sim = queries.simulate(users.federation, rules.shipped(deployment), clock.today())
    assert sim.totals("living_subsidy").now >= 1
    assert sim.totals("living_subsidy").cost_now == verdicts["living_subsidy"].amount * 12


@pytest.mark.parametrize("code", ["yueqing", "linzi"])
def test_the_simulation_key_of_a_subsidy_holds_its_outcome(code):
    """The simulation decides once per outcome key: for a subsidy the key keeps only the
    side of the income limit and no age, and facts alike in it get the same verdict."""
    import itertools

    from canlian.benefits import eligibility, rulesets

    ruleset = rulesets.load_shipped(code)
    on = clock.today()
    limit = eligibility.household_income_limit(ruleset, "living", on)
    incomes = [None, Decimal("100.00"), Decimal("5000.00")]
    if limit is not None:
        incomes += [limit - Decimal("0.01"), limit]
    catalogue = rules.shipped(code)
    for programme in CODES.values():
        version = catalogue.get(programme).on(on)
        seen: dict[tuple, tuple] = {}
        for born, category, grade, household, income, modes in itertools.product(
                (dt.date(1950, 5, 1), dt.date(1990, 5, 1), dt.date(2015, 5, 1)), range(1, 8),
                range(1, 5), ("ordinary", "dibao", "tekun"), incomes,
                (frozenset(), frozenset({"residential"}))):
            f = rules.Facts(birth_date=born, certificate_valid=True, category=category,
                            grade=grade, household_type=household, income_per_capita=income,
                            care_modes=modes, subsidy_rules=ruleset)
            verdict = rules.decide_version(programme, version, f, on)
            outcome = (verdict.eligible, verdict.amount)
            assert seen.setdefault(rules.outcome_key(version, f, on), outcome) == outcome
        assert len(seen) < 7 * 4 * 3 * len(incomes) * 2 * 3  # fewer keys than facts
