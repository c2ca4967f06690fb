"""The consistency checks and the cities file (pure modules)."""

import copy

import pytest

from canlian.province import checks
from canlian.province.cities import CitiesError, read


def _doc(**over):
    doc = {
        "format": "canlian-aggregates", "version": 1, "plan": "linzi-14th", "year": 2025,
        "frozen": True,
        "indicators": [
            {"code": "rate", "name": "覆盖率", "unit": "percent", "numerator": 7,
             "denominator": 10, "value": 70.0,
             "townships": [{"code": "t1", "name": "甲", "numerator": 3, "denominator": 4,
                            "value": 75.0},
                           {"code": "t2", "name": "乙", "numerator": 4, "denominator": 6,
                            "value": 66.7}]},
            {"code": "growth", "name": "增长", "unit": "percent_per_year", "numerator": None,
             "denominator": None, "value": 5.1,
             "townships": [{"code": "t1", "name": "甲", "numerator": None, "denominator": None,
                            "value": 4.0}]},
        ],
        "persons": {"total": 9, "townships": [{"code": "t1", "persons": 4},
                                              {"code": "t2", "persons": 5}]},
    }
    doc.update(over)
    return doc


def test_a_consistent_document_has_no_problem():
    assert checks.check(_doc(), "linzi-14th", 2025) == []
    assert checks.check(_doc(), "linzi-14th", 2025, first_frozen=_doc()) == []


def test_a_numerator_above_its_denominator_is_flagged_where_it_is():
    doc = _doc()
    doc["indicators"][0]["townships"][0]["numerator"] = 5  # 5 of 4
    doc["indicators"][0]["numerator"] = 9
    found = checks.check(doc, "linzi-14th", 2025)
    assert {"check": "over", "indicator": "rate", "township": "t1", "numerator": 5,
            "denominator": 4} in found
    assert all(p["check"] == "over" for p in found)  # the total still adds up


def test_a_total_that_is_not_the_sum_of_its_townships_is_flagged():
    doc = _doc()
    doc["indicators"][0]["denominator"] = 11
    doc["persons"]["total"] = 10
    found = checks.check(doc, "linzi-14th", 2025)
    assert {"check": "sum", "indicator": "rate", "township": None, "part": "denominator",
            "total": 11, "townships_sum": 10} in found
    assert {"check": "sum", "indicator": None, "township": None, "part": "persons",
            "total": 10, "townships_sum": 9} in found
    # a growth rate has no numerator to add up: never a sum problem
    assert not [p for p in found if p["indicator"] == "growth"]


def test_negative_counts_wrong_plan_and_unknown_format():
    doc = _doc()
    doc["indicators"][0]["townships"][1]["denominator"] = -1
    assert any(p["check"] == "negative" and p["township"] == "t2"
               for p in checks.check(doc, "linzi-14th", 2025))
    assert [p["check"] for p in checks.check(_doc(), "linzi-14th", 2024)] == ["mismatch"]
    assert checks.check(_doc(version=2), "linzi-14th", 2025) == [
        {"check": "format", "indicator": None, "township": None, "got": "canlian-aggregates"}]
    assert checks.check(["not", "a", "document"], "linzi-14th", 2025)[0]["check"] == "format"


def test_a_frozen_year_that_changed_is_flagged_by_indicator():
    first = _doc()
    now = copy.deepcopy(first)
    now["indicators"][1]["townships"][0]["value"] = 4.5
    found = checks.check(now, "linzi-14th", 2025, first_frozen=first)
    assert found == [{"check": "frozen_changed", "indicator": "growth", "township": None}]
    unfrozen = _doc(frozen=False)
    assert checks.check(unfrozen, "linzi-14th", 2025, first_frozen=first) == [
        {"check": "frozen_changed", "indicator": None, "township": None, "unfrozen": True}]


def test_the_cities_file_is_read_strictly(tmp_path):
    path = tmp_path / "cities.yaml"
    path.write_text("province: 山东省\ncities:\n"
                    "  - {code: linzi, name: 临淄区, url: 'http://a.example/', key_env: K,"
                    " plan: linzi-14th, years: [2025, 2024, 2025]}\n", encoding="utf-8")
    province = read(path, {"K": "cl_secret"})
    city = province.cities[0]
    assert (province.name, city.url, city.key, city.years) == (
        "山东省", "http://a.example", "cl_secret", (2024, 2025))
    with pytest.raises(CitiesError, match="environment variable K is empty"):
        read(path, {})
    for bad, message in (("cities: []", "non-empty list"),
                         ("cities:\n  - {code: Linzi, name: a, url: 'http://a', key: k, plan: p,"
                          " years: [2025]}", "lower-case"),
                         ("cities:\n  - {code: a, name: a, url: 'ftp://a', key: k, plan: p,"
                          " years: [2025]}", "http"),
                         ("cities:\n  - {code: a, name: a, url: 'http://a', key: k, plan: p,"
                          " years: 2025}", "years"),
                         ("cities:\n  - {code: a, name: a, url: 'http://a', plan: p,"
                          " years: [2025]}", "key_env")):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(CitiesError, match=message):
            read(path, {})
    with pytest.raises(CitiesError, match=r"missing\.yaml"):
        read(tmp_path / "missing.yaml", {})
