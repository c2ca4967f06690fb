"""The audit log names every kind of record in the reader's language, never by its code."""

from __future__ import annotations

import re

from django.apps import apps
from django.utils import translation

from canlian.audit.views import OBJECT_LABELS, record_label

# Django's own and third-party apps never appear in the audit log.
OURS = "canlian."


def _our_model_codes() -> set[str]:
    return {str(m._meta.model_name) for m in apps.get_models()
            if m.__module__.startswith(OURS)}


def test_every_model_code_reads_in_chinese():
    with translation.override("zh-hans"):
        english = {code: str(record_label(code)) for code in _our_model_codes()
                   if re.search(r"[A-Za-z]", str(record_label(code)))}
    assert english == {}


def test_every_model_code_reads_in_english_too():
    with translation.override("en"):
        chinese = {code: str(record_label(code)) for code in _our_model_codes()
                   if re.search(r"[\u4e00-\u9fff]", str(record_label(code)))}
    assert chinese == {}


def test_the_callers_own_codes_have_names():
    with translation.override("zh-hans"):
        for code in ("programmeapplication", "programmepayment", "migration", "bulletin",
                     "progressreport", "page", "job"):
            assert not re.search(r"[A-Za-z]", str(OBJECT_LABELS[code])), code


def test_an_unknown_code_is_shown_as_it_is():
    assert record_label("no-such-kind") == "no-such-kind"
