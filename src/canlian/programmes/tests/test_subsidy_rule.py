"""The two subsidies' eligibility in the programme engine: a programme's ``subsidy`` rule
is decided by the subsidy rule set itself (``benefits.eligibility.decide``, from the same
registry facts as the gap list), so the engine, the gap list and the subsidy pages give one
answer. Checked over every category, grade and household type, in both deployments."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from canlian.benefits import eligibility, likely, rulesets
from canlian.programmes import rules

ON = dt.date(2026, 6, 1)
SUBSIDY = {s: rules.Subsidy(rule="subsidy", of=s) for s in ("living", "nursing")}


def _facts(ruleset, category, grade, household, income=None, **extra):
    return rules.Facts(birth_date=dt.date(1980, 1, 1), certificate_valid=True,
                       category=category, grade=grade, household_type=household,
                       income_per_capita=income, subsidy_rules=ruleset, **extra)


@pytest.mark.parametrize("code", ["yueqing", "linzi"])
def test_the_engine_decides_as_the_subsidy_rules(code):
    ruleset = rulesets.load_shipped(code)
    seen = set()
    for category, grade, household, subsidy in itertools.product(
            range(1, 8), range(1, 5), ("ordinary", "dibao", "dibao_edge"), SUBSIDY):
        reason = rules.check(SUBSIDY[subsidy], _facts(ruleset, category, grade, household), ON)
        decision = eligibility.decide(ruleset, subsidy, eligibility.registry_facts(
            category=category, grade=grade, household_type=household, income=None,
            birth_date=dt.date(1980, 1, 1)), ON)
        assert reason.passed == decision.eligible, (code, category, grade, household, subsidy)
        assert rules.SUBSIDY_ZH[subsidy] in reason.text_zh
        shown = decision.reasons if decision.eligible else decision.failed
        assert all(r.text_zh in reason.text_zh for r in shown)  # its reasons, in its words
        seen.add((subsidy, reason.passed))
    # both outcomes occur for both subsidies: the comparison above is not vacuous
    assert seen == {(s, ok) for s in SUBSIDY for ok in (True, False)}


def test_a_dead_person_or_no_certificate_or_no_rule_set_fails_with_the_reason():
    ruleset = rulesets.load_shipped("yueqing")
    dead = _facts(ruleset, 4, 1, "dibao", alive=False)
    assert not rules.check(SUBSIDY["nursing"], dead, ON).passed
    lost = rules.Facts(birth_date=dt.date(1980, 1, 1), certificate_valid=False, category=4,
                       grade=1, subsidy_rules=ruleset)
    assert not rules.check(SUBSIDY["nursing"], lost, ON).passed
    nothing = rules.check(SUBSIDY["living"], _facts(None, 4, 1, "dibao"), ON)
    assert not nothing.passed and "本地区未设" in nothing.text_zh


def test_a_rule_file_may_use_the_subsidy_rule_in_any_of():
    text = (rules.DATA_DIR / "yueqing.yaml").read_text(encoding="utf-8")
    marker = "eligibility:\n"
    assert marker in text
    draft = text.replace(marker, marker + "        - {rule: subsidy, of: living}\n", 1)
    catalogue = rules.loads(draft)
    first = next(iter(catalogue))
    assert isinstance(first.latest.eligibility[0], rules.Subsidy)
    with pytest.raises(rules.RuleFileError, match=r"eligibility\.0\.of"):
        rules.loads(text.replace(marker, marker + "        - {rule: subsidy, of: x}\n", 1))


@pytest.mark.django_db
def test_the_gap_list_and_the_engine_agree(regions):
    rows = likely.Rules(ON)
    ruleset = rulesets.load_shipped("yueqing")
    for category, grade, household in itertools.product(range(1, 8), range(1, 5),
                                                        ("ordinary", "dibao")):
        row = {"alive": 1, "category": category, "grade": grade, "household_type": household,
               "below_limit": None}
        for subsidy in SUBSIDY:
            engine = rules.check(SUBSIDY[subsidy], _facts(ruleset, category, grade, household),
                                 ON).passed
            assert rows.eligible(subsidy, row) == engine, (category, grade, household, subsidy)
    # Zhejiang's income test: one fen below the limit passes in both, at the limit fails
    limit = likely.income_limit(ON)
    assert limit is not None
    for below, income in ((1, limit - Decimal("0.01")), (0, limit)):
        row = {"alive": 1, "category": 4, "grade": 4, "household_type": "ordinary",
               "below_limit": below}
        engine = rules.check(SUBSIDY["living"], _facts(ruleset, 4, 4, "ordinary", income), ON)
        assert rows.eligible("living", row) == engine.passed == bool(below)
