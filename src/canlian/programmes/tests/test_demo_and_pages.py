"""Both deployments seed programme records; the staff pages, the figures, the simulation
(page and .xlsx) and the portal's “您可能可以申请…” work on them."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from canlian.accounts.models import User
from canlian.core import clock
from canlian.programmes import facts, queries, rules
from canlian.programmes.models import (
    Application,
    BillLine,
    Claim,
    EmployerReward,
    InstitutionGrant,
    Payment,
    RosterLine,
)
from canlian.programmes.queries import offers_for


@pytest.mark.parametrize("deployment", ["yueqing", "linzi"])
def test_both_deployments_have_programme_demo_data(db, settings, client, deployment):
    settings.CANLIAN_DEPLOYMENT = deployment
    call_command("seed", "--deployment", deployment, "--persons", "600", stdout=io.StringIO())
    assert Application.objects.filter(state="offered").exists()
    assert Application.objects.filter(state="approved", programme="care_subsidy").exists()
    assert Payment.objects.exists() and RosterLine.objects.exists()
    assert BillLine.objects.exists() or not Application.objects.filter(
        programme="child_rehab", state="approved").exists()
    federation = User.objects.get(username="federation")
    client.force_login(federation)
    page = client.get(reverse("programmes:index") + "?programme=care_subsidy&state=approved")
    assert page.status_code == 200 and "残疾人托养补贴" in page.content.decode()
    app = Application.objects.filter(state="approved").first()
    assert client.get(reverse("programmes:application", args=[app.pk])).status_code == 200
    figures = client.get(reverse("programmes:figures") + "?programme=care_subsidy")
    assert figures.status_code == 200 and "元" in figures.content.decode()
    assert client.get(reverse("programmes:roster", args=["medical_premium"])).status_code == 200
    # Claims in every state on the confirmed policy roster; rewards where the plan has them.
    assert {c.state for c in Claim.objects.all()} == {"filed", "approved", "paid", "refused"}
    claim = Claim.objects.filter(state="filed").first()
    assert claim.filed_by != federation
    assert "意外伤害保险理赔" in client.get(reverse("programmes:claim", args=[claim.pk])
                                       ).content.decode()
    rewards = client.get(reverse("programmes:rewards")).content.decode()
    if deployment == "linzi":
        assert EmployerReward.objects.filter(state="notice").exists()
        assert EmployerReward.objects.filter(state="paid").exists()
        assert "超比例安排残疾人就业奖励" in rewards
    else:
        assert not EmployerReward.objects.exists() and "本地区规则未设超比例奖励" in rewards
    # Institution support where the plan names it (Linzi): each kind, a paid and an open grant
    supports = client.get(reverse("programmes:supports")).content.decode()
    if deployment == "linzi":
        assert set(InstitutionGrant.objects.values_list("support", "state")) == {
            ("blind_massage", "paid"), ("blind_massage", "applied"),
            ("supported_employment", "paid"), ("supported_employment", "applied")}
        grant = InstitutionGrant.objects.filter(state="applied").first()
        assert grant.workers.filter(counts=True).count() == grant.counted >= grant.persons
        assert client.get(reverse("programmes:support", args=[grant.pk])).status_code == 200
    else:
        assert not InstitutionGrant.objects.exists() and "本地区规则未设此项机构扶持" in supports
    # Simulation: raise the day-care subsidy and lower the rehabilitation age.
    text = (rules.DATA_DIR / f"{deployment}.yaml").read_text(encoding="utf-8")
    draft = text.replace('day: "200.00"', 'day: "260.00"').replace(
        "{rule: age, min: 16, max: 59}", "{rule: age, min: 18, max: 59}")
    sim = queries.simulate(federation, rules.loads(draft), clock.today())
    care = sim.totals("care_subsidy")
    assert care.cost_draft > care.cost_now and care.gains == care.losses == 0
    assert sim.totals("pension_premium").losses >= 0 and sim.persons > 0
    answer = client.post(reverse("programmes:simulate"),
                         {"draft": draft, "on": clock.today().isoformat(), "xlsx": "1"})
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    assert book.sheetnames[0] == "模拟测算" and book["模拟测算"].max_row > 1
    bad = client.post(reverse("programmes:simulate"),
                      {"draft": draft.replace("max: 59}", "max: 59, x: 1}", 1),
                       "on": clock.today().isoformat()})
    assert "项目规则文件 draft.yaml，条目 programmes." in bad.content.decode()
    assert "entry programmes." not in bad.content.decode()  # one language on the page
    # A township worker cannot simulate (federation's capability).
    client.force_login(User.objects.get(username="township"))
    assert client.get(reverse("programmes:simulate")).status_code == 403
    # The portal shows only programmes the person qualifies for, with the reason.
    catalogue = facts.catalogue()
    assert catalogue is not None
    holder = Application.objects.filter(programme="care_subsidy").first().person
    shown = offers_for(holder)
    assert any(o["code"] == "care_subsidy" and o["reasons"] for o in shown)
    for o in shown:
        verdict = rules.decide(catalogue.get(o["code"]), facts.facts_for(holder, clock.today()),
                               clock.today())
        assert verdict is not None and verdict.eligible
