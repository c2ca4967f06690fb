"""Unified social credit codes (GB 32100-2015). No database: plain functions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from canlian.employment import uscc
from canlian.employment.uscc import CreditCodeError, validate

# Published codes from python-stdnum's own tests (tests/test_cn_uscc.doctest), which lists
# them as "found online"; each is also checked against stdnum below.
PUBLISHED = [
    "91110000600037341L",  # enterprise, Beijing (the commonly cited example)
    "121200004013590816",  # 事业单位, Tianjin
    "91310115MA1K3BTP2B",  # enterprise, Shanghai Pudong, letters in the organisation code
    "91371082775260043P",  # enterprise, Shandong
    "92340602MA2PBMEM24",  # 个体工商户, Anhui
    "91620105L015101280",  # organisation code starting with a letter
]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert stdnum_uscc.is_valid(code)  # independent confirmation
    assert validate(code) == code


@pytest.mark.parametrize(
    "first17",
    [
        "11330382002000001",  # 机关, Yueqing
        "12370305MB1234567",  # 事业单位, Linzi
        "51330382MJ9876543",  # 社会团体
        "52370305MJ0000012",  # 民办非企业单位
        "53100000500021676",  # 基金会 registered nationally (region 100000)
        "91330382MA2CP0001",  # 企业
        "93370305MA3C00001",  # 农民专业合作社
        "N2330382MF0000001",  # 村级集体经济组织: stdnum.validate rejects the letter, we do not
        "A1110000MB0000001",  # 军队事业单位
        "Y1330382MC0000001",  # 其他
    ],
)
def test_codes_built_with_make_are_valid(first17):
    code = uscc.make(first17)
    assert len(code) == 18
    assert code[-1] == stdnum_uscc.calc_check_digit(first17)
    assert validate(code) == code


def test_the_commonly_cited_code_rebuilds_with_make():
    assert uscc.make("91110000600037341") == "91110000600037341L"


def test_a_letter_authority_is_accepted_although_stdnum_validate_rejects_it():
    code = uscc.make("N2330382MF0000001")
    assert not stdnum_uscc.is_valid(code)
    assert uscc.is_valid(code)


def test_parse_names_the_parts():
    parsed = uscc.parse("12370305MB1234567" + uscc.check_character("12370305MB1234567"))
    assert (parsed.authority, parsed.entity_type, parsed.region) == ("1", "2", "370305")
    assert parsed.organisation_code == "MB1234567"
    assert (parsed.authority_label, parsed.entity_type_label) == ("机构编制", "事业单位")
    assert parsed.unit_kind == "public_institution"
    assert uscc.parse("91110000600037341L").unit_kind == "enterprise"
    assert uscc.parse(uscc.make("11330382002000001")).unit_kind == "government"
    assert uscc.parse(uscc.make("93370305MA3C00001")).unit_kind is None  # left to staff
    assert str(parsed) == parsed.code


def test_our_alphabet_is_stdnums():
    assert stdnum_uscc._alphabet == uscc.ALPHABET
    assert not set(uscc.EXCLUDED_LETTERS) & set(uscc.ALPHABET)
    assert len(uscc.ALPHABET) == 31


@pytest.mark.parametrize(
    "text",
    [
        "91110000600037341l",  # lower case
        " 91110000600037341L ",
        "9111 0000 6000 3734 1L",
        "91-110000-600037341L",
        "９１１１００００６０００３７３４１Ｌ",  # full-width, as typed with a Chinese IME
        "911100006000\u300037341L",  # ideographic space
    ],
)
def test_input_is_normalised(text):
    assert validate(text) == "91110000600037341L"


def error(text) -> CreditCodeError:
    with pytest.raises(CreditCodeError) as info:
        validate(text)
    return info.value


def test_required():
    assert error("").code == "required"
    assert error("  ").code == "required"


@pytest.mark.parametrize(("text", "length"), [("91110000600037341", 17), ("91110000600037341LL", 19),
                                              ("12345", 5)])
def test_length(text, length):
    e = error(text)
    assert e.code == "length"
    assert f"实际为 {length} 位" in e.message
    assert f"got {length}" in str(e)  # str() is the English, for logs


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_each_excluded_letter_is_named(letter):
    text = "911100006000373" + letter + "1L"
    e = error(text)
    assert e.code == "characters"
    assert "I、O、Z、S、V" in e.message
    assert f"第 16 位「{letter}」" in e.message
    assert str(e).startswith("Only digits and capital letters")  # str() is the English


def test_a_letter_o_for_a_zero_gets_a_hint():
    e = error("911100006OOO37341L")
    assert e.code == "characters"
    assert "O 应为 0？" in e.message
    assert e.message.count("O 应为 0") == 1  # one hint per letter


def test_chinese_characters_are_not_allowed():
    e = error("9111000060003734号L")
    assert e.code == "characters"
    assert "「号」" in e.message


@pytest.mark.parametrize("first", ["0", "B", "C", "X"])
def test_unknown_registration_authority(first):
    e = error(uscc.make(first + "1110000600037341"))
    assert e.code == "authority"
    assert f"登记管理部门代码 {first} 不存在" in e.message


@pytest.mark.parametrize("prefix", ["94", "15", "Y2", "N4", "90", "1A"])
def test_entity_type_must_exist_under_its_authority(prefix):
    e = error(uscc.make(prefix + "110000600037341"))
    assert e.code == "entity_type"
    assert f"机构类别代码 {prefix[1]}" in e.message


def test_region_must_be_digits():
    e = error(uscc.make("9111A000600037341"))
    assert e.code == "region"
    assert "6 位数字" in e.message


@pytest.mark.parametrize("region", ["990000", "000000", "200000", "101000"])
def test_region_must_be_a_province_or_national(region):
    e = error(uscc.make("91" + region + "600037341"))
    assert e.code == "region"
    assert region[:2] in e.message


def test_wrong_check_character_says_which_is_expected():
    e = error("91110000600037341N")
    assert e.code == "checksum"
    assert "应为 L，实际为 N" in e.message
    assert "should be L, got N" in str(e)


def test_make_rejects_bad_input():
    with pytest.raises(CreditCodeError) as info:
        uscc.make("9111000060003734")  # 16 characters
    assert info.value.code == "characters"
    with pytest.raises(CreditCodeError):
        uscc.make("9111000060003734O")  # letter O


def test_is_valid():
    assert uscc.is_valid("91110000600037341L")
    assert not uscc.is_valid("91110000600037341N")
    assert not uscc.is_valid("")


# --- properties --------------------------------------------------------------------------------

authority_types = st.sampled_from([a + t for a, (_, types) in uscc.AUTHORITIES.items() for t in types])
regions = st.sampled_from(["110000", "330382", "370305", "100000", "440300", "650102"])
bodies = st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9)


@given(head=authority_types, region=regions, body=bodies)
def test_every_code_made_is_valid_and_agrees_with_stdnum(head, region, body):
    code = uscc.make(head + region + body)
    assert validate(code) == code
    assert uscc.check_character(code[:17]) == stdnum_uscc.calc_check_digit(code)


@given(head=authority_types, region=regions, body=bodies, pos=st.integers(8, 17),
       replacement=st.sampled_from(uscc.ALPHABET))
def test_any_single_changed_character_after_the_region_is_caught(head, region, body, pos, replacement):
    """MOD 31-3 detects every single substitution, so one mistyped character in the
    organisation code or the check character always fails the checksum."""
    code = uscc.make(head + region + body)
    if code[pos] == replacement:
        return
    changed = code[:pos] + replacement + code[pos + 1:]
    with pytest.raises(CreditCodeError) as info:
        validate(changed)
    assert info.value.code == "checksum"
