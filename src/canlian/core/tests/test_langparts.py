"""Language of parts (core/langparts.py): which runs of a text are in the other language."""

from django.template import Context, Template
from django.utils import translation

from canlian.core.langparts import parts


def test_a_bilingual_refusal_marks_its_english_half_on_a_chinese_page():
    assert parts("该账号已停用，请联系残联 (this account is disabled)", "zh-hans") == [
        ("该账号已停用，请联系残联 ", None), ("(this account is disabled)", "en")]


def test_numbers_and_single_letters_are_not_english():
    assert parts("已生成 8080 行", "zh-hans") == [("已生成 8080 行", None)]
    assert parts("等级 A", "zh-hans") == [("等级 A", None)]
    assert parts("请上传 PDF、PNG 或 JPEG 文件", "zh-hans") == [("请上传 PDF、PNG 或 JPEG 文件", None)]


def test_chinese_labels_on_an_english_page_are_marked():
    assert parts("Category: 视力残疾 grade 一级", "en") == [
        ("Category: ", None), ("视力残疾", "zh-Hans"), (" grade ", None), ("一级", "zh-Hans")]


def test_the_filter_escapes_and_wraps():
    with translation.override("zh-hans"):
        html = Template("{% load canlian %}{{ m|lang_parts }}").render(
            Context({"m": "错误 <b> (wrong value)"}))
    assert html == '错误 &lt;b&gt; <span lang="en">(wrong value)</span>'
