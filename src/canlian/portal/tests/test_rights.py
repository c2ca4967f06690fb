"""The portal's rights pages without a browser: own cases only, refusals beside fields."""

import pytest

from canlian.rights import actions
from canlian.rights.models import RightsCase

pytestmark = pytest.mark.django_db


def test_a_citizen_files_a_request_and_sees_only_their_own_cases(signed_in, citizen,
                                                                  make_person, users):
    bad = signed_in.post("/portal/rights/new/", {"kind": "complaint", "subject": "x",
                                                  "description": "太短"})
    assert bad.status_code == 200 and "至少10个字" in bad.content.decode()
    assert not RightsCase.objects.exists()
    response = signed_in.post("/portal/rights/new/", {
        "kind": "complaint", "subject": "盲道被占",
        "description": "家门口的盲道被商户长期占用，出行不便。"})
    case = RightsCase.objects.get()
    assert response.status_code == 302 and response.url == f"/portal/rights/{case.pk}/"
    assert (case.person, case.channel, case.submitted_by) == (citizen, "portal", signed_in.user)
    assert not hasattr(case, "proxy") or case.proxy is None
    assert "盲道被占" in signed_in.get("/portal/").content.decode()
    other = make_person(name="别人")
    theirs = actions.intake(users.township, other, kind="xinfang", channel="walk_in",
                            subject="别人的事", description="别人的事情经过和诉求说明")
    assert signed_in.get(f"/portal/rights/{theirs.pk}/").status_code == 404
    # no satisfaction question before the case is closed, and no answer accepted
    assert signed_in.post(f"/portal/rights/{case.pk}/", {"satisfaction": "satisfied"}) \
        .status_code == 200
    case.refresh_from_db()
    assert case.satisfaction == ""
