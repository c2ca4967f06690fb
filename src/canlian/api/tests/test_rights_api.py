"""The rights statistics over the API: counts per township and kind, scoped by the key's
region, no persons."""

import datetime as dt

import pytest

from canlian.core import clock
from canlian.rights import actions

pytestmark = pytest.mark.django_db


def test_rights_statistics_per_township_and_kind(client, users, api_key, make_person, regions):
    with clock.frozen(dt.date(2025, 3, 3)):
        case = actions.intake(users.township, make_person(), kind="legal_aid", channel="hotline",
                              subject="工伤", description="工伤赔偿纠纷，请求法律援助。")
        actions.accept(users.township, case.pk)
        actions.close(users.township, case.pk, "resolved", "已指派律师。")
        actions.intake(users.township2, make_person(village=regions.v2a), kind="xinfang",
                       channel="letter", subject="补贴", description="反映补贴发放不及时的问题。")
    rows = client.get("/api/v1/rights/statistics/2025",
                      **api_key(users.township, ["indicators:read"])).json()
    assert rows == [{"township": "330382002000", "kind": "legal_aid", "received": 1, "open": 0,
                     "not_accepted": 0,
                     "closed_by_outcome": {"resolved": 1, "partly": 0, "not_supported": 0,
                                           "explained": 0, "withdrawn": 0, "duplicate": 0},
                     "overdue": 0, "supervised": 0, "reopened": 0, "satisfaction_asked": 0,
                     "satisfied": 0}]
    everything = client.get("/api/v1/rights/statistics/2025",
                            **api_key(users.federation, ["indicators:read"])).json()
    assert {(r["township"], r["kind"]) for r in everything} == {
        ("330382002000", "legal_aid"), ("330382114000", "xinfang")}
    assert client.get("/api/v1/rights/statistics/1999",
                      **api_key(users.federation, ["indicators:read"])).status_code == 422
