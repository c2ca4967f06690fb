"""Pure formulas: rates and verdicts."""

from decimal import Decimal

import pytest

from canlian.indicators import plans
from canlian.indicators.formulas import Status, rate, status, trajectory

D = Decimal
YQ = plans.load("yueqing-14th")
LZ = plans.load("linzi-14th")


def test_rate():
    assert rate(0, 0) is None
    assert rate(0, 5) == D("0.0")
    assert rate(5, 5) == D("100.0")
    assert rate(3480, 4000) == D("87.0")  # docs/domain.md §8 worked example
    assert rate(2, 3) == D("66.7")
    with pytest.raises(ValueError, match="subset"):
        rate(6, 5)


def test_both_plans_load_with_every_comparator():
    assert (len(YQ.indicators), len(YQ.text_targets)) == (13, 1)
    assert (len(LZ.indicators), len(LZ.text_targets)) == (11, 2)
    comparators = {i.target.comparator for p in (YQ, LZ) for i in p.all_indicators}
    assert comparators == {"gt", "ge", "eq", "tracks"}
    assert str(LZ.indicator("rehabilitation_coverage").baseline) == ">90"


def test_met_on_track_behind_and_no_data():
    rehab = YQ.indicator("rehabilitation_coverage")  # baseline 100, target = 100
    assert status(rehab, D("99.96"), 2023, YQ).status == Status.MET
    assert status(rehab, D("99.0"), 2023, YQ).status == Status.BEHIND
    assert status(rehab, None, 2023, YQ).status == Status.NO_DATA
    employment = YQ.indicator("employment_rate")  # 55 → ≥ 61 by 2025
    assert trajectory(D(55), D(61), 2020, 2025, 2023) == D("58.6")
    assert status(employment, D("58.6"), 2023, YQ).status == Status.ON_TRACK
    assert status(employment, D("58.5"), 2023, YQ).status == Status.BEHIND
    assert status(employment, D("61"), 2023, YQ).status == Status.MET
    assert status(employment, D("60"), 2025, YQ).status == Status.BEHIND


def test_counts_in_period_and_per_year_and_tracks():
    training = LZ.indicator("vocational_training_count")  # > 1000 person-times in 2021–2025
    assert status(training, D(400), 2022, LZ).status == Status.ON_TRACK  # 2/5 of 1000
    assert status(training, D(399), 2022, LZ).status == Status.BEHIND
    assert status(training, D(1001), 2024, LZ).status == Status.MET
    per_year = YQ.indicator("vocational_training_per_year")
    assert status(per_year, D(200), 2022, YQ).status == Status.MET
    assert status(per_year, D(199), 2022, YQ).status == Status.BEHIND
    income = YQ.indicator("household_income_growth")
    assert status(income, D("6.1"), 2023, YQ, series_value=D("6.0")).status == Status.MET
    assert status(income, D("5.9"), 2023, YQ, series_value=D("6.0")).status == Status.BEHIND
    assert status(income, D("5.9"), 2023, YQ).status == Status.NO_DATA


def test_bad_plan_files_name_file_indicator_and_field(tmp_path):
    import yaml

    data = yaml.safe_load((plans.DATA_DIR / "linzi-2021-2025.yaml").read_text(encoding="utf-8"))
    data["indicators"][3]["target"]["comparator"] = "lt"
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(plans.PlanError) as info:
        plans.load(path)
    assert (info.value.file, info.value.field) == ("mine.yaml", "target.comparator")
    assert "pension_insurance_rate" in info.value.where
    data["indicators"][3]["target"] = {"comparator": "gt", "value": "lots"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(plans.PlanError, match=r"target\.value"):
        plans.load(path)
    data["indicators"][3]["target"] = {"comparator": "gt", "value": 96}
    data["indicators"][4]["code"] = "pension_insurance_rate"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(plans.PlanError, match="duplicate"):
        plans.load(path)
    data["indicators"][4]["code"] = "happiness_index"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(plans.PlanError, match="no definition"):
        plans.load(path)
    data["plan"]["period"] = [2025, 2021]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(plans.PlanError, match="end before start"):
        plans.load(path)
