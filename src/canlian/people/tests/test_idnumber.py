import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from canlian.people import idnumber
from canlian.people.idnumber import ResidentIdError, validate

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("number", "birth", "sex", "province"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F", "北京市"),  # worked example, X check
        ("440524188001010014", dt.date(1880, 1, 1), "M", "广东省"),  # worked example
        (idnumber.make("330382", dt.date(1988, 2, 29), 123), dt.date(1988, 2, 29), "M", "浙江省"),
        (idnumber.make("370305", dt.date(2015, 6, 1), 246), dt.date(2015, 6, 1), "F", "山东省"),
        (idnumber.make("510104", dt.date(1961, 10, 1), 5), dt.date(1961, 10, 1), "M", "四川省"),
        (idnumber.make("650102", dt.date(2000, 1, 31), 80), dt.date(2000, 1, 31), "F",
         "新疆维吾尔自治区"),
    ],
)
def test_valid_ids_from_several_provinces(number, birth, sex, province):
    parsed = validate(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.sex == sex
    assert parsed.province == province


def test_worked_checksum_examples():
    assert idnumber.check_character("11010519491231002") == "X"
    assert idnumber.check_character("44052418800101001") == "4"


def test_lower_case_x_and_blanks_are_normalised():
    assert validate(" 11010519491231002x ", today=TODAY).number == "11010519491231002X"
    assert validate("110105\u300019491231002X", today=TODAY).number == "11010519491231002X"


def test_yueqing_id_of_a_renamed_county_is_accepted():
    # 330382 (Yueqing, a county-level city since 1993) in an ID of someone born in 1970:
    # stdnum's validate() rejects it because the code did not exist then; we must not.
    number = idnumber.make("330382", dt.date(1970, 3, 8), 17)
    assert validate(number, today=TODAY).address_code == "330382"


@pytest.mark.parametrize(
    ("number", "code", "fragment"),
    [
        ("", "required", "请填写"),
        ("1101051949123100", "length", "实际为 16 位"),
        ("11010519491231002X1", "length", "实际为 19 位"),
        ("1101051949123100AX", "characters", "前 17 位应为数字"),
        ("11010519491231002Y", "characters", "最后一位为数字或 X"),
        ("990105194912310023", "region", "地址码 990105"),
        ("110000194912310029", "region", "地址码 110000"),
        ("110105194902300025", "birth_date", "19490230 不是有效日期"),
        ("110105203001010011", "birth_date", "晚于今天"),
        ("110105187912310013", "birth_date", "早于 1880"),
        ("110105194912310021", "checksum", "最后一位应为 X，实际为 1"),
    ],
)
def test_each_kind_of_invalid_input_has_its_message(number, code, fragment):
    with pytest.raises(ResidentIdError) as info:
        validate(number, today=TODAY)
    assert info.value.code == code
    assert fragment in info.value.message


def test_legacy_15_digit_ids_convert():
    assert idnumber.convert_15("110105491231002") == "11010519491231002X"
    with pytest.raises(ResidentIdError):
        idnumber.convert_15("11010549123100")


def test_mask_keeps_county_and_last_four():
    assert idnumber.mask("330382199001011234") == "330382********1234"
    assert idnumber.mask("123") == "***"


def test_age_on():
    parsed = validate("11010519491231002X", today=TODAY)
    assert parsed.age_on(dt.date(2026, 12, 30)) == 76
    assert parsed.age_on(dt.date(2026, 12, 31)) == 77


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)


@given(birth=dates, seq=st.integers(0, 999))
def test_generated_ids_always_validate(birth, seq):
    number = idnumber.make("330382", birth, seq)
    parsed = validate(number, today=TODAY)
    assert parsed.sex == ("M" if seq % 2 else "F")


@given(birth=dates, seq=st.integers(0, 999), pos=st.integers(0, 16), delta=st.integers(1, 9))
def test_any_single_digit_error_is_caught(birth, seq, pos, delta):
    number = idnumber.make("330382", birth, seq)
    wrong = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    with pytest.raises(ResidentIdError):
        validate(wrong, today=TODAY)
