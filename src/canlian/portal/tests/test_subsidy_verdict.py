"""The portal's subsidy form judges the citizen's answers, not a guess (issue 23): before
they answer it asks them to ("请回答以下问题"), not a red "不符合"; when they check or send
their answers it shows the verdict, and a changed answer changes it (server-side, no JS)."""

from canlian.benefits.models import SubsidyApplication

URL = "/portal/apply/subsidy/nursing/"


def _verdict(page: str) -> str:
    return page.split('id="verdict"')[1].split("</section>")[0]


def test_no_verdict_before_the_answers_then_one_that_follows_them(signed_in, citizen, walk):
    walk(citizen, category=4, grade=1)
    assert SubsidyApplication.objects.filter(person=citizen, state="prefilled").exists()
    before = _verdict(signed_in.get(URL).content.decode())
    assert "请回答以下问题" in before
    assert "不符合" not in before and "fail" not in before and "verdict-unmet" not in before
    # Ticked: the rules are met, with the monthly amount; nothing was sent.
    ticked = signed_in.post(URL, {"needs_long_term_care": "on", "hukou_in_region": "on",
                                  "check": "1"}).content.decode()
    assert "verdict-met" in _verdict(ticked) and "按您的回答，符合条件" in _verdict(ticked)
    assert "请回答以下问题" not in _verdict(ticked)
    assert 'id="error-summary"' not in ticked  # checking does not refuse the bank fields
    assert SubsidyApplication.objects.get(person=citizen).state == "prefilled"
    # Unticked: the verdict changes, naming the unmet condition.
    unticked = _verdict(signed_in.post(URL, {"hukou_in_region": "on",
                                             "check": "1"}).content.decode())
    assert "verdict-unmet" in unticked and "不需要长期照护" in unticked
    # A send that fails (no bank account) still shows the verdict of the answers sent.
    refused = signed_in.post(URL, {"needs_long_term_care": "on", "hukou_in_region": "on",
                                   "bank_name": "农业银行", "bank_account": ""}).content.decode()
    assert 'id="error-summary"' in refused and "verdict-met" in _verdict(refused)
    # An invalid answer is asked again, not judged.
    bad = _verdict(signed_in.post(URL, {"own_income": "-5", "check": "1"}).content.decode())
    assert "请回答以下问题" in bad
