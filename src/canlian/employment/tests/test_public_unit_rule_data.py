"""Policy texts come from the deployment's rule data: Yueqing's /employment/ does not cite
Linzi's (Shandong) public-unit rule; Linzi's does, from data/public_units.yaml."""

import datetime as dt

import pytest
from django.urls import reverse

from canlian.employment import quota
from canlian.regions.models import Deployment


def test_the_rule_is_read_per_deployment_and_strictly(tmp_path):
    assert quota.public_unit_rule("yueqing", dt.date(2025, 1, 1)) is None
    linzi = quota.public_unit_rule("linzi", dt.date(2025, 1, 1))
    assert (linzi.government_min_posts, linzi.public_institution_min_posts) == (50, 67)
    assert "临淄" in linzi.basis
    assert quota.public_unit_rule("linzi", dt.date(2020, 12, 31)) is None
    bad = tmp_path / "public_units.yaml"
    bad.write_text(quota.PUBLIC_UNITS_FILE.read_text(encoding="utf-8").replace(
        "min_disabled: 1", "min_disabld: 1"), encoding="utf-8")
    with pytest.raises(quota.PublicUnitDataError, match=r"deployments.linzi\[0\], min_disabld"):
        quota.load_public_unit_rules(bad)


def test_yueqing_does_not_cite_linzi_and_linzi_cites_its_plan(client, users, settings):
    client.force_login(users.federation)
    settings.CANLIAN_DEPLOYMENT = "yueqing"
    page = client.get(reverse("employment:index")).content.decode()
    assert "临淄" not in page
    Deployment.objects.filter(code="yueqing").update(code="linzi")
    settings.CANLIAN_DEPLOYMENT = "linzi"
    page = client.get(reverse("employment:index")).content.decode()
    assert "临淄区残疾人事业发展" in page
