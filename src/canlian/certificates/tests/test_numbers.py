import datetime as dt

import pytest

from canlian.certificates import rules
from canlian.certificates.numbers import (
    CertificateNumberError,
    certificate_number,
    parse_certificate_number,
)


def test_build_worked_example():
    assert certificate_number("11010519491231002X", 4, 2) == "11010519491231002X42"
    assert certificate_number("11010519491231002x", "4", "2", reissue=1) == "11010519491231002X42B1"


def test_parse_round_trip_and_reissue():
    parsed = parse_certificate_number("11010519491231002X42B1")
    assert parsed.resident_id == "11010519491231002X"
    assert parsed.category == rules.Category.PHYSICAL
    assert parsed.grade == rules.Grade.TWO
    assert parsed.reissue == 1
    assert str(parsed) == "11010519491231002X42B1"
    assert parse_certificate_number("11010519491231002x42").reissue == 0


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "required"),
        ("11010519491231002X4", "length"),
        ("11010519491231002X42B", "length"),
        ("11010519491231002142", "resident_id"),
        ("11010519491231002X82", "category"),
        ("11010519491231002X05", "category"),
        ("11010519491231002X45", "grade"),
        ("11010519491231002X42C1", "reissue"),
        ("11010519491231002X42B0", "reissue"),
    ],
)
def test_bad_numbers_say_what_is_wrong(text, code):
    with pytest.raises(CertificateNumberError) as info:
        parse_certificate_number(text)
    assert info.value.code == code
    assert info.value.message


def test_build_rejects_bad_parts():
    with pytest.raises(CertificateNumberError, match="category"):
        certificate_number("11010519491231002X", 8, 1)
    with pytest.raises(CertificateNumberError, match="grade"):
        certificate_number("11010519491231002X", 1, 0)
    with pytest.raises(CertificateNumberError) as info:
        certificate_number("110105194912310021", 1, 1)
    assert info.value.code == "resident_id"


def test_severity_and_multiple():
    assert [rules.is_severe(g) for g in (1, 2, 3, 4)] == [True, True, False, False]
    assert rules.multiple_grade([3, 2, 4]) == rules.Grade.TWO
    with pytest.raises(ValueError, match="两类"):
        rules.multiple_grade([2])


def test_cover_colour():
    assert rules.cover_colour(1) == "red"
    assert rules.cover_colour(4) == "green"
    assert rules.cover_colour(7, [1, 4]) == "red"
    assert rules.cover_colour(7, [2, 4]) == "green"


def test_validity_and_renewal_window():
    assert rules.valid_until(dt.date(2020, 2, 29)) == dt.date(2030, 2, 28)
    assert rules.valid_until(dt.date(2021, 5, 1)) == dt.date(2031, 5, 1)
    assert not rules.renewal_due(dt.date(2031, 5, 1), dt.date(2031, 1, 30))
    assert rules.renewal_due(dt.date(2031, 5, 1), dt.date(2031, 1, 31))
