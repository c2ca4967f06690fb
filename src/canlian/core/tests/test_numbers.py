"""Amounts and counts read the same on every page: grouped digits, a unit, no ".0"."""

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation

from canlian.core.templatetags.canlian import group, money, num, yuan


def test_group_money_and_counts():
    assert group(Decimal("2422260.00"), 2) == "2,422,260.00"
    assert money("1055381.4") == "1,055,381.40"
    assert group(260.0) == "260"
    assert group(Decimal("4.500")) == "4.5"
    assert num(7385) == "7,385"
    assert (money(None), num(""), yuan(None), num("x")) == ("—", "—", "—", "—")


def test_units_follow_the_page_language():
    page = Template('{% load i18n canlian %}{{ a|yuan }} · {{ n|num:_("person-times") }}')
    context = Context({"a": Decimal("2422260"), "n": 260.0})
    with translation.override("zh-hans"):
        assert page.render(context) == "2,422,260.00 元 · 260 人次"
        assert intcomma(2422260) == "2,422,260"  # Django's zh_Hans default grouped nothing
    with translation.override("en"):
        assert page.render(context) == "2,422,260.00 yuan · 260 person-times"
