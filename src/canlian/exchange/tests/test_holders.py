"""The migrated-row rules, without the database."""

import datetime as dt
from decimal import Decimal

import pytest

from canlian.conftest import new_resident_id
from canlian.exchange import holders

TODAY = dt.date(2026, 6, 15)


def row(**extra):
    rid = extra.pop("resident_id", None) or new_resident_id(dt.date(1960, 1, 1))
    base = {"resident_id": rid, "number": f"{rid}42", "category": "肢体残疾", "grade": "二级",
            "issue_date": "2020-03-01"}
    return {**base, **extra}


def test_a_good_certificate_row_gets_its_ten_years():
    cert = holders.certificate(row(), today=TODAY)
    assert (cert.category, cert.grade, cert.status) == (4, 2, "issued")
    assert cert.valid_until == dt.date(2030, 3, 1)


@pytest.mark.parametrize(("extra", "column"), [
    ({"category": "3"}, "category"),
    ({"grade": "一级"}, "grade"),
    ({"number": "11010519491231002X42"}, "number"),
    ({"issue_date": "2020-13-01"}, "issue_date"),
    ({"valid_until": "2035-01-01"}, "valid_until"),
    ({"status": "丢失"}, "status"),
    ({"status": "注销"}, "ended_on"),
    ({"components": "1:2;4:3"}, "components"),
])
def test_disagreeing_columns_are_named(extra, column):
    with pytest.raises(holders.RowRefused) as exc:
        holders.certificate(row(**extra), today=TODAY)
    assert exc.value.column == column


def test_multiple_disability_takes_its_most_severe_component():
    rid = new_resident_id()
    good = holders.certificate(row(resident_id=rid, number=f"{rid}72", category="多重残疾",
                                   grade="2", components="视力残疾:3；肢体残疾:2"), today=TODAY)
    assert good.components == [{"category": 1, "grade": 3}, {"category": 4, "grade": 2}]
    with pytest.raises(holders.RowRefused) as exc:
        holders.certificate(row(resident_id=rid, number=f"{rid}72", category="7", grade="2",
                                components="1:3,4:4"), today=TODAY)
    assert exc.value.column == "grade"
    with pytest.raises(holders.RowRefused):
        holders.certificate(row(resident_id=rid, number=f"{rid}72", category="7", grade="2",
                                components="4:2"), today=TODAY)


def test_an_unmarked_expired_certificate_is_expired_and_a_cancelled_one_has_its_day():
    assert holders.certificate(row(issue_date="2015-01-01"), today=TODAY).status == "expired"
    cancelled = holders.certificate(row(status="注销", ended_on="2024-05-05"), today=TODAY)
    assert (cancelled.status, cancelled.ended_on) == ("cancelled", dt.date(2024, 5, 5))


def test_grant_rows():
    rid = new_resident_id()
    g = holders.grant({"resident_id": rid, "subsidy": "护理补贴", "start_month": "2023-04",
                       "monthly_amount": "100", "bank_account": "6228 4800 1234 5678",
                       "paid_through": "2026-05"}, today=TODAY)
    assert (g.subsidy, g.start_month, g.first_payable_month) == (
        "nursing", dt.date(2023, 4, 1), dt.date(2026, 6, 1))
    assert (g.monthly_amount, g.bank_account, g.needs_long_term_care) == (
        Decimal("100"), "6228480012345678", True)
    for bad, column in (({"subsidy": "低保"}, "subsidy"), ({"start_month": "2027-01"}, "start_month"),
                        ({"monthly_amount": "-5"}, "monthly_amount"),
                        ({"bank_account": "abc"}, "bank_account"),
                        ({"paid_through": "2022-01"}, "paid_through")):
        raw = {"resident_id": rid, "subsidy": "生活补贴", "start_month": "2023-04",
               "monthly_amount": "100", "bank_account": "6228480012345678", **bad}
        with pytest.raises(holders.RowRefused) as exc:
            holders.grant(raw, today=TODAY)
        assert exc.value.column == column


def test_a_refusal_reads_in_the_active_language_and_in_english_for_logs():
    from django.utils import translation

    with pytest.raises(holders.RowRefused) as exc:
        holders.certificate(row(issue_date="2020-3-1x"), today=TODAY)
    assert str(exc.value) == "A date must be YYYY-MM-DD, not '2020-3-1x'"
    with translation.override("zh-hans"):
        assert exc.value.reason == "日期格式应为 YYYY-MM-DD，实际为 '2020-3-1x'"
    with translation.override("en"):
        assert exc.value.reason == "A date must be YYYY-MM-DD, not '2020-3-1x'"
