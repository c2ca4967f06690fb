import pytest

from canlian.regions import codes


@pytest.mark.parametrize(
    ("code", "level"),
    [("330000000000", "province"), ("330300000000", "city"), ("330382000000", "county"),
     ("330382001000", "township"), ("330382001201", "village")],
)
def test_level_is_read_from_trailing_zeros(code, level):
    assert codes.level_of(code) == level


def test_ranges_nest():
    assert codes.code_range("330382001000") == ("330382001000", "330382001999")
    assert codes.code_range("330382000000") == ("330382000000", "330382999999")
    assert codes.is_within("330382001201", "330382001000")
    assert not codes.is_within("330382002201", "330382001000")
    assert not codes.is_within("370305001201", "330382000000")
    assert codes.code_range("330382001201") == ("330382001201", "330382001201")


@pytest.mark.parametrize("bad", ["33038200100", "33038200100X", "", "3303820010000"])
def test_bad_codes(bad):
    with pytest.raises(codes.RegionCodeError, match="12 位数字"):
        codes.check(bad)
