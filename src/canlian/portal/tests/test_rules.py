"""The portal's pure rules: one-time codes, plain-word statuses, "1+X" service offers."""

import pytest

from canlian.portal import offers, otp, status


def test_codes_are_six_digits_and_vary():
    codes = {otp.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 150


def test_a_code_matches_only_its_own_id_and_secret():
    stored = otp.digest("s3cret", "33038219700517001X", "123456")
    assert otp.matches("s3cret", "33038219700517001x", "123456", stored)
    assert otp.matches("s3cret", "33038219700517001X", " 123 456 ", stored)
    assert not otp.matches("s3cret", "330382197005170029", "123456", stored)
    assert not otp.matches("other", "33038219700517001X", "123456", stored)
    assert not otp.matches("s3cret", "33038219700517001X", "123457", stored)
    assert not otp.matches("s3cret", "33038219700517001X", "12345", stored)


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"), ("138-1234-5678", "138****5678"), ("123", "***"),
])
def test_phone_masking(phone, masked):
    assert otp.mask_phone(phone) == masked


def test_every_state_a_citizen_can_meet_has_plain_words():
    from canlian.benefits.models import ApplicationState
    from canlian.certificates.workflow import State
    from canlian.people.models import ContactChangeState
    from canlian.services.models import RenovationState, RequestState

    for kind, states in (("certificate", [s.value for s in State]),
                         ("subsidy", ApplicationState.values), ("renovation", RenovationState.values),
                         ("service", RequestState.values), ("contact", ContactChangeState.values)):
        for state in states:
            stage, headline, next_step = status.plain(kind, state)
            assert (kind, state) in status.PLAIN, (kind, state)
            assert stage in (status.DONE, status.WAITING, status.STOPPED)
            assert headline and next_step


def test_unknown_state_falls_back_to_the_raw_state():
    assert status.plain("subsidy", "mystery") == ("waiting", "mystery", "")


def _facts(**kw):
    base = {"certified": True, "category": 4, "grade": 2, "age": 40, "household_type": "dibao"}
    return offers.Facts(**{**base, **kw})


def test_no_offers_without_a_certificate():
    assert offers.service_offers(_facts(certified=False)) == []


def test_severe_physical_disability_in_hardship_gets_all_three():
    got = [o.programme for o in offers.service_offers(_facts())]
    assert got == ["rehabilitation", "device", "renovation"]
    renovation = offers.service_offers(_facts())[-1]
    assert "hardship" in renovation.why or "困难" in renovation.why


def test_mild_mental_disability_gets_rehabilitation_only():
    got = [o.programme for o in offers.service_offers(_facts(category=6, grade=4,
                                                             household_type="ordinary"))]
    assert got == ["rehabilitation"]


def test_children_are_offered_the_childrens_rehabilitation_programme():
    why = offers.service_offers(_facts(age=5, category=2, grade=3))[0].why
    assert "抢救性康复" in why
