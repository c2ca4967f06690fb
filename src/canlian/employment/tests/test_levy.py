"""The employment security fund levy (残保金). No database: plain functions.

The worked examples are those of docs/domain.md §5. Unless a test says
otherwise the levy year is 2025, inside the reduction period (2020-01-01 → 2027-12-31),
and the unit is a Zhejiang enterprise.
"""

import copy
import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from canlian.employment import levy
from canlian.employment.levy import Declaration, Employee, LevyDataError, LevyInputError, compute

D = Decimal
W_AVG = D(120_000)  # the worked examples' employer average wage
W_LOCAL = D(90_000)  # and local average wage: cap 180 000, base 120 000


def declaration(*, year=2025, province="33", unit_kind="enterprise", staff=200, employees=(),
                average_wage=W_AVG, local_average_wage=W_LOCAL, declared_on=None) -> Declaration:
    return Declaration(year=year, province=province, unit_kind=unit_kind, staff=staff,
                       disabled_employees=list(employees), average_wage=average_wage,
                       local_average_wage=local_average_wage, declared_on=declared_on)


def grade4(n=1):
    return [Employee(grade=4) for _ in range(n)]


# --- the worked examples ---------------------------------------------------------------------------


def test_example_1_one_grade_4_employee_pays_90_percent():
    """N=200, r=1.5 %, W_avg=120 000, W_local=90 000: cap 180 000, base 120 000.
    A=1, ratio 0.5 % → (3 − 1) × 120 000 = 240 000 × 90 % = 216 000."""
    r = compute(declaration(employees=grade4()))
    assert r.required == D(3)
    assert r.counted == D(1)
    assert r.actual_ratio == D("0.005")
    assert r.shortfall == D(2)
    assert (r.wage_cap, r.wage_base, r.capped) == (D(180_000), D(120_000), False)
    assert r.gross == D("240000.00")
    assert r.tier is not None and r.tier.pay_rate == D("0.9")
    assert r.payable == D("216000.00")
    assert r.reduction == D("24000.00")


def test_example_2_a_grade_2_employee_counts_two_and_reaches_the_1_percent_tier():
    """The same employee at grade 2: A=2, ratio exactly 1.0 % → (3 − 2) × 120 000 × 50 %
    = 60 000. As the brief notes, this assumes the tier test uses the weighted A."""
    r = compute(declaration(employees=[Employee(grade=2)]))
    assert (r.counted, r.counted_heads, r.weighted_heads) == (D(2), 1, 1)
    assert r.actual_ratio == D("0.01")
    assert r.tier is not None and r.tier.pay_rate == D("0.5")
    assert r.gross == D("120000.00")
    assert r.payable == D("60000.00")


def test_example_3_the_wage_base_is_capped_at_twice_the_local_average():
    """W_avg=250 000 and W_local=100 000 → base min(250 000, 200 000) = 200 000."""
    r = compute(declaration(average_wage=D(250_000), local_average_wage=D(100_000)))
    assert r.cap_multiple == D(2)
    assert r.wage_cap == D(200_000)
    assert r.wage_base == D(200_000)
    assert r.capped is True
    assert r.gross == D("600000.00")  # 3 × 200 000, no disabled employees
    assert r.payable == D("540000.00")  # A/N = 0 < 1 %: 90 %


def test_example_4_an_enterprise_with_30_staff_pays_nothing():
    """Enterprise with N=30 → 0: exempt, although it owes 0.45 × 120 000 before the exemption."""
    r = compute(declaration(staff=30))
    assert r.required == D("0.45")
    assert r.gross == D("54000.00")
    assert r.exempt is True
    assert r.tier is None
    assert r.pay_rate == 0
    assert r.payable == D("0.00")
    assert r.reduction == D("54000.00")


@pytest.mark.parametrize(
    ("employees", "gross", "payable"),
    [
        (grade4(2), D("550000.00"), D("495000.00")),  # A/N = 0.4 % < 1 %: 90 %
        ([Employee(grade=1)], D("550000.00"), D("495000.00")),  # one grade-1 also makes A=2
        (grade4(5), D("250000.00"), D("125000.00")),  # A/N = 1 % exactly: 50 %
    ],
)
def test_example_5_from_the_source_holds_inside_the_reduction_period(employees, gross, payable):
    """N=500, W=100 000: A=2 → 495 000; A=5 → 125 000.

    Checked against the formula: N·r = 7.5 (not rounded). A=2: (7.5 − 2) × 100 000 =
    550 000, and 550 000 × 90 % = 495 000. A=5: 2.5 × 100 000 = 250 000, and A/N = 1 %
    exactly, so 250 000 × 50 % = 125 000. The stated figures are therefore the *reduced*
    amounts and hold only inside 2020–2027 (the unreduced ones are tested below for
    2019). W is taken as both W_avg and W_local (under the cap, so the base is W).
    """
    r = compute(declaration(staff=500, employees=employees, average_wage=D(100_000),
                            local_average_wage=D(100_000)))
    assert r.required == D("7.5")
    assert r.wage_base == D(100_000)
    assert r.gross == gross
    assert r.payable == payable


@pytest.mark.parametrize(("employees", "payable"), [(grade4(2), D("550000.00")), (grade4(5), D("250000.00"))])
def test_example_5_before_the_reduction_period_pays_the_full_amount(employees, payable):
    """In levy year 2019 no reductions were in force: the full 550 000 and 250 000."""
    r = compute(declaration(year=2019, staff=500, employees=employees, average_wage=D(100_000),
                            local_average_wage=D(100_000)))
    assert r.tier is None
    assert r.rules.reductions is None
    assert r.payable == payable == r.gross


# --- the cap: 3× before 2018-04-01, 2× since ------------------------------------------------------


def test_a_year_before_2018_uses_the_3x_cap():
    r = compute(declaration(year=2017, average_wage=D(300_000), local_average_wage=D(90_000)))
    assert r.rules.on == dt.date(2017, 9, 1)  # Zhejiang's window opens in September
    assert r.cap_multiple == D(3)
    assert (r.wage_cap, r.wage_base, r.capped) == (D(270_000), D(270_000), True)
    assert r.payable == D("810000.00")  # 3 × 270 000, no reductions in 2017
    assert "财税〔2015〕72号" in r.rules.wage_cap.basis


def test_the_2018_declaration_window_is_after_the_change_to_2x():
    r = compute(declaration(year=2018, average_wage=D(300_000), local_average_wage=D(90_000)))
    assert r.cap_multiple == D(2)
    assert r.wage_base == D(180_000)
    assert r.payable == D("540000.00")
    assert r.rules.wage_cap.basis == "财税〔2018〕39号"


@pytest.mark.parametrize(("declared_on", "multiple"), [(dt.date(2018, 3, 31), 3), (dt.date(2018, 4, 1), 2)])
def test_the_cap_changes_on_2018_04_01(declared_on, multiple):
    r = compute(declaration(year=2018, declared_on=declared_on, average_wage=D(300_000),
                            local_average_wage=D(90_000)))
    assert r.cap_multiple == multiple
    assert r.wage_base == min(D(300_000), multiple * D(90_000))


def test_a_wage_at_the_cap_is_not_capped():
    r = compute(declaration(average_wage=D(180_000), local_average_wage=D(90_000)))
    assert (r.wage_base, r.capped) == (D(180_000), False)


# --- both provinces ------------------------------------------------------------------------------


@pytest.mark.parametrize("province", ["33", "37"])
def test_both_provinces_use_1_5_percent(province):
    r = compute(declaration(province=province, employees=grade4()))
    assert r.ratio == D("0.015")
    assert r.payable == D("216000.00")


def test_shandong_rules_change_basis_on_2026_06_01():
    assert compute(declaration(province="37", year=2026)).rules.ratio.basis == "鲁财税〔2026〕8号"
    assert compute(declaration(province="37", year=2026)).rules.on == dt.date(2026, 8, 1)
    before = compute(declaration(province="37", year=2026, declared_on=dt.date(2026, 5, 31)))
    assert "鲁财综〔2018〕31号" in before.rules.ratio.basis
    assert compute(declaration(province="33", year=2026)).rules.ratio.basis.endswith("浙财社〔2017〕26号")


# --- the small-enterprise exemption ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["government", "public_institution", "social_organisation",
                                  "private_non_enterprise"])
def test_the_exemption_is_for_enterprises_only(kind):
    """A government body (or public institution…) with 20 staff is not exempt:
    0.3 × 120 000 = 36 000, A/N = 0 < 1 %, pays 90 % = 32 400."""
    r = compute(declaration(unit_kind=kind, staff=20))
    assert r.exempt is False
    assert r.gross == D("36000.00")
    assert r.payable == D("32400.00")


def test_an_enterprise_with_20_staff_is_exempt():
    assert compute(declaration(staff=20)).payable == 0


@pytest.mark.parametrize(("staff", "exempt"), [(30, True), (D("30.00"), True), (D("30.5"), False),
                                               (31, False)])
def test_the_exemption_threshold_includes_30(staff, exempt):
    assert compute(declaration(staff=staff)).exempt is exempt


def test_an_enterprise_with_31_staff_pays_with_reduction():
    r = compute(declaration(staff=31))
    assert r.required == D("0.465")
    assert r.payable == D("50220.00")  # 0.465 × 120 000 = 55 800 × 90 %


@pytest.mark.parametrize(("year", "declared_on", "exempt"), [
    (2019, None, False),
    (2019, dt.date(2019, 12, 31), False),
    (2019, dt.date(2020, 1, 1), True),  # a late 2019 declaration falls under the 2020 rules
    (2020, None, True),
    (2022, dt.date(2022, 12, 31), True),
    (2023, dt.date(2023, 1, 1), True),  # the extension (公告2023年第8号) continues without a gap
    (2027, dt.date(2027, 12, 31), True),
    (2027, dt.date(2028, 1, 1), False),
    (2028, None, False),
])
def test_the_exemption_and_reductions_run_from_2020_to_2027(year, declared_on, exempt):
    r = compute(declaration(year=year, declared_on=declared_on, staff=30))
    assert r.exempt is exempt
    assert (r.rules.reductions is not None) is exempt
    assert r.payable == (0 if exempt else D("54000.00"))


def test_the_extension_cites_its_own_basis():
    assert compute(declaration(year=2021)).rules.reductions.basis == "财政部公告2019年第98号"
    assert compute(declaration(year=2024)).rules.reductions.basis == "财政部公告2023年第8号"


# --- counting disabled employees ------------------------------------------------------------------


def test_grades_1_and_2_count_double():
    employees = [Employee(grade=1), Employee(grade=2), Employee(grade=3), Employee(grade=4)]
    r = compute(declaration(employees=employees, staff=400))
    assert (r.counted, r.counted_heads, r.weighted_heads) == (D(6), 4, 2)
    assert r.required == D(6)
    assert r.shortfall == 0
    assert r.payable == 0


def test_military_certificate_grades_1_to_3_count_double():
    employees = [Employee(grade=3, military=True), Employee(grade=4, military=True),
                 Employee(grade=10, military=True)]
    r = compute(declaration(employees=employees))
    assert r.counted == D(4)  # 2 + 1 + 1


def test_employees_who_do_not_meet_the_conditions_do_not_count():
    r = compute(declaration(employees=[Employee(grade=1, counted=False), Employee(grade=4)]))
    assert (r.counted, r.counted_heads) == (D(1), 1)
    assert r.payable == D("216000.00")  # as example 1


def test_the_double_count_is_configurable_per_province():
    data = yaml.safe_load(levy.DATA_FILE.read_text(encoding="utf-8"))
    data["provinces"]["33"]["double_count"] = [
        {"effective_from": "2015-10-01", "weight": 1, "grades": [1, 2], "military_grades": [1, 2, 3],
         "basis": "test: no double count"},
    ]
    table = levy.parse_table(data)
    zj = compute(declaration(employees=[Employee(grade=2)]), table)
    sd = compute(declaration(province="37", employees=[Employee(grade=2)]), table)
    assert zj.counted == D(1)
    assert zj.payable == D("216000.00")  # back to example 1
    assert sd.counted == D(2)
    assert sd.payable == D("60000.00")  # Shandong keeps the national rule


def test_counts_toward_quota():
    ok = {"on_establishment": False, "contract_months": 12, "paid_at_least_minimum_wage": True,
          "social_insurance_paid": True}
    assert levy.counts_toward_quota(**ok)
    assert not levy.counts_toward_quota(**(ok | {"contract_months": 11}))
    assert levy.counts_toward_quota(**(ok | {"contract_months": 0, "on_establishment": True}))
    assert not levy.counts_toward_quota(**(ok | {"paid_at_least_minimum_wage": False}))
    assert not levy.counts_toward_quota(**(ok | {"social_insurance_paid": False}))


# --- reduction tiers at their boundaries ---------------------------------------------------------


@pytest.mark.parametrize(("staff", "heads", "rate"), [
    (200, 2, D("0.5")),  # exactly 1 %
    (100, 1, D("0.5")),  # exactly 1 %
    (201, 2, D("0.9")),  # 0.995 %
    (D("200.01"), 2, D("0.9")),  # a hair under 1 %
    (D("199.99"), 2, D("0.5")),  # a hair over 1 %
    (200, 0, D("0.9")),  # nobody
])
def test_tier_boundaries(staff, heads, rate):
    r = compute(declaration(staff=staff, employees=grade4(heads)))
    assert r.tier is not None
    assert r.pay_rate == rate


def test_at_or_over_the_ratio_there_is_nothing_to_reduce():
    for heads in (3, 4):
        r = compute(declaration(employees=grade4(heads)))
        assert (r.shortfall, r.gross, r.payable, r.tier) == (0, 0, 0, None)


def test_exactly_1_percent_with_half_a_person_short():
    """N=100, A=1: N·r = 1.5, shortfall 0.5 × 120 000 = 60 000, A/N = 1 %: 50 % → 30 000."""
    r = compute(declaration(staff=100, employees=grade4(1)))
    assert r.shortfall == D("0.5")
    assert r.payable == D("30000.00")


# --- rounding -------------------------------------------------------------------------------------


def test_amounts_are_rounded_half_up_only_at_the_end():
    """N=1, W=3: gross exactly 0.045. Rounded gross is 0.05, but the payable is
    0.045 × 90 % = 0.0405 → 0.04; rounding the gross first would give 0.05."""
    r = compute(declaration(unit_kind="government", staff=1, average_wage=D(3), local_average_wage=D(100)))
    assert r.required == D("0.015")
    assert r.gross == D("0.05")
    assert r.payable == D("0.04")


def test_half_a_fen_rounds_up_not_to_even():
    """Before the reductions the 0.045 is payable as it stands: ROUND_HALF_UP gives 0.05
    where banker's rounding would give 0.04."""
    r = compute(declaration(year=2019, unit_kind="enterprise", staff=1, average_wage=D(3),
                            local_average_wage=D(100)))
    assert r.payable == D("0.05")


def test_required_is_not_rounded():
    r = compute(declaration(staff=D("123.45"), employees=grade4(1)))
    assert r.required == D("1.85175")
    assert r.shortfall == D("0.85175")
    assert r.gross == D("102210.00")  # 0.85175 × 120 000


def test_numbers_may_be_given_as_text_or_int():
    r = compute(declaration(staff="1,200", average_wage="120000.50", local_average_wage=90_000))
    assert r.staff == D(1200)
    assert r.average_wage == D("120000.50")


def test_zero_staff_owes_nothing():
    r = compute(declaration(unit_kind="government", staff=0))
    assert (r.required, r.actual_ratio, r.payable) == (0, None, 0)


# --- the breakdown --------------------------------------------------------------------------------


def test_breakdown_of_example_1():
    lines = compute(declaration(employees=grade4())).breakdown()
    assert all(len(line) == 3 for line in lines)
    by_en = {en: value for _, en, value in lines}
    assert by_en["prior-year average staff N"] == "200 人"
    assert by_en["disabled employees required N×r"] == "3 人"
    assert by_en["actual ratio A/N"] == "0.50%"
    assert by_en["shortfall max(0, N×r − A)"] == "2 人"
    assert by_en["levy before reductions"] == "240,000.00 元"
    assert "A/N < 1%：按 90% 缴纳" in by_en["tiered reduction"]
    assert lines[-1] == ("实际应缴残保金", "levy payable", "216,000.00 元")


def test_breakdown_shows_double_counting():
    r = compute(declaration(staff=400, employees=[Employee(grade=1), Employee(grade=3)]))
    by_zh = {zh: value for zh, _, value in r.breakdown()}
    assert by_zh["实际安排残疾人就业人数 A（1、2 级按 2 人计）"] == "3 人（1 × 2 + 1）"


def test_breakdown_shows_the_exemption_and_the_cap():
    r = compute(declaration(staff=30, average_wage=D(250_000), local_average_wage=D(100_000)))
    by_zh = {zh: value for zh, _, value in r.breakdown()}
    assert "30 人（含）以下的企业暂免征收" in by_zh["暂免征收"]
    assert "按上限计征" in by_zh["计征工资基数 min(平均工资, 上限)"]
    assert by_zh["应缴额（减免前）"] == "90,000.00 元"  # 0.45 × 200 000
    assert by_zh["实际应缴残保金"] == "0.00 元"
    assert "分档减缴" not in by_zh


def test_an_exempt_size_enterprise_at_the_ratio_is_not_marked_exempt():
    r = compute(declaration(staff=30, employees=grade4(1)))
    assert (r.shortfall, r.exempt, r.payable) == (0, False, 0)


def test_breakdown_tier_label_at_1_percent():
    r = compute(declaration(employees=[Employee(grade=2)]))
    zh, en = levy.tier_label(r.rules, r.tier)
    assert zh.startswith("1% ≤ A/N < 1.5%：按 50% 缴纳")
    assert en == "1% ≤ A/N < 1.5%: pay 50%"


# --- bad input ------------------------------------------------------------------------------------


def bad(**kwargs) -> LevyInputError:
    with pytest.raises(LevyInputError) as info:
        compute(declaration(**kwargs))
    return info.value


@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"staff": -1}, "staff", "negative"),
    ({"staff": "abc"}, "staff", "not_a_number"),
    ({"staff": True}, "staff", "not_a_number"),
    ({"staff": D("NaN")}, "staff", "not_a_number"),
    ({"staff": 2, "employees": grade4(3)}, "disabled_employees", "more_than_staff"),
    ({"average_wage": D(-1)}, "average_wage", "negative"),
    ({"local_average_wage": D(-1)}, "local_average_wage", "negative"),
    ({"local_average_wage": D(0)}, "local_average_wage", "zero"),
    ({"province": "44"}, "province", "unknown"),
    ({"province": 33}, "province", "unknown"),
    ({"unit_kind": "company"}, "unit_kind", "unknown"),
    ({"year": 2014}, "year", "no_rules"),
    ({"year": 2015}, "year", "no_rules"),  # 2015-09-01 is before 财税〔2015〕72号
    ({"year": "2025"}, "year", "invalid"),
    ({"year": 2015, "declared_on": dt.date(2015, 9, 30)}, "declared_on", "no_rules"),
    ({"declared_on": dt.date(2024, 12, 31)}, "declared_on", "before_year"),
    ({"employees": [Employee(grade=5)]}, "disabled_employees[0].grade", "grade"),
    ({"employees": [Employee(grade=4), Employee(grade=0)]}, "disabled_employees[1].grade", "grade"),
    ({"employees": [Employee(grade=11, military=True)]}, "disabled_employees[0].grade", "grade"),
    ({"employees": [4]}, "disabled_employees[0]", "invalid"),
])
def test_bad_input_names_its_field(kwargs, field, code):
    e = bad(**kwargs)
    assert (e.field, e.code) == (field, code)
    assert e.message and str(e)  # the active language (Chinese in tests); str() for logs


def test_messages_say_what_is_wrong():
    assert "不能为负数" in bad(staff=-1).message
    assert "3 counted disabled employees is more than the average staff of 2" in bad(
        staff=2, employees=grade4(3)).message
    assert "no levy rules for province '44'" in bad(province="44").message
    assert "2014" in bad(year=2014).message
    assert "缺少安排比例" in bad(year=2014).message  # translated through gettext
    assert "当地社会平均工资不能为 0" in bad(local_average_wage=D(0)).message
    assert str(bad(local_average_wage=D(0))) == "The local average wage cannot be 0"
    assert "残疾人证等级应为 1–4 级" in bad(employees=[Employee(grade=5)]).message


def test_uncounted_employees_may_exceed_staff():
    r = compute(declaration(unit_kind="government", staff=1,
                            employees=[Employee(grade=4), Employee(grade=4, counted=False)]))
    assert r.counted_heads == 1


# --- the rules file -------------------------------------------------------------------------------


def shipped_data() -> dict:
    return yaml.safe_load(levy.DATA_FILE.read_text(encoding="utf-8"))


def test_the_shipped_table_loads():
    table = levy.shipped_table()
    assert set(table.provinces) == {"33", "37"}
    rules = table.rules_on("33", dt.date(2025, 9, 1))
    assert (rules.ratio.ratio, rules.wage_cap.multiple) == (D("0.015"), D(2))
    assert [(t.min_ratio, t.pay_rate) for t in rules.reductions.tiers] == [(D("0.01"), D("0.5")),
                                                                           (D(0), D("0.9"))]
    assert (rules.exemption.max_staff, rules.exemption.unit_kinds) == (D(30), ("enterprise",))


def test_load_table_reads_a_file(tmp_path):
    path = tmp_path / "levy.yaml"
    path.write_text(yaml.safe_dump(shipped_data(), allow_unicode=True), encoding="utf-8")
    assert levy.load_table(path).provinces["37"].name == "山东省"


def broken(mutate) -> LevyDataError:
    data = copy.deepcopy(shipped_data())
    mutate(data)
    with pytest.raises(LevyDataError) as info:
        levy.parse_table(data, file="levy.yaml")
    return info.value


def test_unknown_keys_are_errors():
    e = broken(lambda d: d["national"]["wage_cap"][0].update(effective_form="2015-10-01"))
    assert e.field == "effective_form"
    assert "未知字段" in e.message


def test_overlapping_versions_are_errors():
    def mutate(d):
        d["national"]["reductions"][1]["effective_from"] = "2022-06-01"
    assert "overlap" in broken(mutate).message


def test_tiers_need_a_zero_tier():
    def mutate(d):
        d["national"]["reductions"][0]["tiers"] = [{"min_ratio": "0.01", "pay_rate": "0.5"}]
    assert "min_ratio" in broken(mutate).message


def test_ratio_must_be_a_fraction():
    def mutate(d):
        d["provinces"]["33"]["ratio"][0]["ratio"] = "1.5"  # meant 1.5 %
    e = broken(mutate)
    assert e.field == "ratio"


def test_province_codes_must_be_quoted_strings():
    def mutate(d):
        d["provinces"][33] = d["provinces"].pop("33")
    assert "two quoted digits" in broken(mutate).message


def test_every_version_needs_a_basis():
    def mutate(d):
        del d["national"]["double_count"][0]["basis"]
    assert broken(mutate).field == "basis"


def test_a_province_must_list_its_ratio():
    def mutate(d):
        del d["provinces"]["37"]["ratio"]
    assert broken(mutate).field == "ratio"


def test_a_new_year_is_a_data_change():
    """Adding a version (e.g. a 1.6 % ratio from 2030) changes the levy from that date only."""
    data = shipped_data()
    data["provinces"]["33"]["ratio"].append(
        {"effective_from": "2030-01-01", "ratio": "0.016", "basis": "test: a later notice"})
    table = levy.parse_table(data)
    assert compute(declaration(year=2029), table).required == D(3)
    assert compute(declaration(year=2030), table).required == D("3.2")


def test_the_rule_modules_do_not_import_django():
    code = ("import sys, canlian.employment.levy, canlian.employment.quota, canlian.employment.uscc; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- properties -----------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
local_wages = st.decimals(min_value=1, max_value=300_000, places=2, allow_nan=False, allow_infinity=False)
employees = st.lists(
    st.builds(Employee, grade=st.integers(1, 4), counted=st.booleans(), military=st.just(False)),
    max_size=12,
)


@st.composite
def declarations(draw):
    staff = draw(st.one_of(st.integers(0, 2_000),
                           st.decimals(min_value=0, max_value=2_000, places=2, allow_nan=False,
                                       allow_infinity=False)))
    people = draw(employees)
    people = [e for e in people if e.counted][: int(staff)] + [e for e in people if not e.counted]
    return declaration(year=draw(st.integers(2016, 2030)), province=draw(st.sampled_from(["33", "37"])),
                       unit_kind=draw(st.sampled_from(list(levy.UNIT_KINDS))), staff=staff,
                       employees=people, average_wage=draw(money), local_average_wage=draw(local_wages))


@given(declarations())
def test_payable_is_never_negative_nor_more_than_gross(decl):
    r = compute(decl)
    assert 0 <= r.payable <= r.gross
    assert r.wage_base <= r.wage_cap
    assert r.capped == (r.wage_base < r.average_wage)
    assert r.shortfall >= 0
    if r.exempt:
        assert r.payable == 0
    assert r.payable == r.payable.quantize(levy.FEN)


@given(declarations(), st.integers(1, 4))
def test_one_more_disabled_employee_never_increases_the_levy(decl, grade):
    heads = sum(1 for e in decl.disabled_employees if e.counted)
    if heads + 1 > decl.staff:
        return
    more = declaration(year=decl.year, province=decl.province, unit_kind=decl.unit_kind, staff=decl.staff,
                       employees=[*decl.disabled_employees, Employee(grade=grade)],
                       average_wage=decl.average_wage, local_average_wage=decl.local_average_wage)
    before, after = compute(decl), compute(more)
    assert after.payable <= before.payable
    assert after.gross <= before.gross


@given(declarations())
def test_the_order_of_employees_does_not_matter(decl):
    reversed_decl = declaration(year=decl.year, province=decl.province, unit_kind=decl.unit_kind,
                                staff=decl.staff, employees=list(reversed(decl.disabled_employees)),
                                average_wage=decl.average_wage, local_average_wage=decl.local_average_wage)
    assert compute(decl).payable == compute(reversed_decl).payable


@given(declarations(), money)
def test_a_higher_average_wage_never_lowers_the_levy(decl, extra):
    richer = declaration(year=decl.year, province=decl.province, unit_kind=decl.unit_kind, staff=decl.staff,
                         employees=decl.disabled_employees, average_wage=decl.average_wage + extra,
                         local_average_wage=decl.local_average_wage)
    assert compute(richer).payable >= compute(decl).payable


def test_breakdown_values_are_written_once_in_chinese():
    # A tier with a reduction and a capped wage: the values carried English beside the Chinese.
    r = compute(declaration(employees=grade4(), average_wage=D(500_000)))
    values = {en: value for _, en, value in r.breakdown()}
    assert values["kind of unit"] == "企业"
    assert values["tiered reduction"].endswith("缴纳（财政部公告2023年第8号）")
    assert values["wage base min(average wage, cap)"].endswith("（超过上限，按上限计征）")
    assert not any(re.search(r"[a-z]{3,}", v) for v in values.values())
