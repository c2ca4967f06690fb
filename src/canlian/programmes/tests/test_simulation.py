"""The simulation groups persons by the facts the rules read and counts each group per
township: the same counts and costs as deciding person by person."""

import datetime as dt
from decimal import Decimal

from canlian.core import clock
from canlian.people.models import Person
from canlian.programmes import queries, rules

TODAY = clock.today()


def test_grouped_simulation_counts_every_person_in_their_township(users, regions, make_person,
                                                                 walk):
    born = TODAY.replace(year=TODAY.year - 30) - dt.timedelta(days=10)
    for village, name in ((regions.v1a, "甲"), (regions.v1b, "乙"), (regions.v2a, "丙")):
        p = make_person(regions.v1a, name=name)
        Person.objects.filter(pk=p.pk).update(birth_date=born)  # the same facts: one group
        walk(p, category=4, grade=1)  # by the first township's staff, then moved
        Person.objects.filter(pk=p.pk).update(village=village)
    text = (rules.DATA_DIR / "yueqing.yaml").read_text(encoding="utf-8")
    draft = rules.loads(text.replace('amount: "380.00"', 'amount: "400.00"').replace(
        "{rule: age, min: 16, max: 59}", "{rule: age, min: 31, max: 59}"))
    sim = queries.simulate(users.federation, draft, TODAY)
    medical = sim.programmes["medical_premium"]
    assert {t: (i.now, i.draft) for t, i in medical.items()} == {"乐成街道": (2, 2),
                                                                 "柳市镇": (1, 1)}
    total = sim.totals("medical_premium")
    assert (total.cost_now, total.cost_draft) == (Decimal("1140.00"), Decimal("1200.00"))
    pension = sim.totals("pension_premium")
    assert (pension.now, pension.draft, pension.losses, pension.gains) == (3, 0, 3, 0)
    assert len(sim.losers) == 3 and all("周岁" in x["why"] for x in sim.losers
                                        if x["programme"] == "pension_premium")


def test_the_outcome_key_holds_everything_a_verdict_depends_on():
    """Facts with the same outcome key get the same eligibility and amount, for every
    shipped programme: the simulation decides once per key and must not miss a fact."""
    import datetime as dt
    import itertools

    from canlian.benefits import rulesets
    from canlian.programmes import rules

    on = dt.date(2026, 6, 1)
    for code in rules.available():
        subsidy_rules = rulesets.load_shipped(code)
        grid = [rules.Facts(birth_date=dt.date(on.year - age, 3, 1), alive=alive,
                            certificate_valid=valid, category=category, grade=grade,
                            household_type=household, pension_insured=insured,
                            medical_insured=insured, school=school, care_modes=modes,
                            care_government_paid=paid, employment=work,
                            subsidy_rules=subsidy_rules)
                for age, alive, valid, category, grade, household, insured, school, modes,
                paid, work in itertools.product(
                    (3, 7, 15, 20, 45, 61, 70), (True, False), (True, False), (1, 4, 5),
                    (1, 3, 4), ("ordinary", "dibao"), (True, False),
                    (None, "higher"), (frozenset(), frozenset({"day"})), (False, True),
                    (None, "self_employed"))]
        for programme in rules.shipped(code):
            version = programme.latest
            seen: dict = {}
            for f in grid:
                verdict = rules.decide_version(programme.code, version, f, on)
                key = rules.outcome_key(version, f, on)
                outcome = (verdict.eligible, verdict.amount)
                assert seen.setdefault(key, outcome) == outcome, (code, programme.code, key)
            assert len(seen) < len(grid)  # the key does group facts
