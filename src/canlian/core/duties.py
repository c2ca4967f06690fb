"""Separation of duties (审批分离): the person who reviews a case must not also approve it.

One federation account could review, approve and issue a certificate within a minute,
which defeats the point of a second look. Every workflow that has a review and an approval
names its two steps here, and one rule decides, whatever the roles' capabilities: the
approving step is refused to whoever did the reviewing step of the same case.

| workflow | reviewing step (审核) | approving step (审批) |
|---|---|---|
| certificates — 残疾人证办理 | township review | federation approval |
| benefits — 两项补贴 | township review | federation approval |
| renovations — 家庭无障碍改造 | on-site assessment | acceptance |
| declarations — 按比例就业年审 | first check | approval |
| bank results — 花名册银行对账 | finalising the roll | applying the bank's result file |
| insurance claims — 意外伤害保险理赔 | filing the claim | deciding it (approve or refuse) |
| employer rewards — 超比例安排残疾人就业奖励 | posting for public notice | deciding it |
| institution support — 辅助性就业机构 / 盲人按摩机构扶持 | applying | deciding it |

Pure module: no Django, no database. ``core/separation.py`` turns a conflict into the
refusal the user reads, and apps call it from their actions and their pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Workflow(StrEnum):
    CERTIFICATE = "certificate"
    SUBSIDY = "subsidy"
    RENOVATION = "renovation"
    DECLARATION = "declaration"
    BANK_RESULT = "bank_result"
    INSURANCE_CLAIM = "insurance_claim"
    EMPLOYER_REWARD = "employer_reward"
    INSTITUTION_SUPPORT = "institution_support"


@dataclass(frozen=True)
class Separation:
    """The two steps of a workflow that must be done by two different people."""

    workflow: Workflow
    reviewing: str
    approving: str


SEPARATIONS: dict[Workflow, Separation] = {
    Workflow.CERTIFICATE: Separation(Workflow.CERTIFICATE, "review", "approve"),
    Workflow.SUBSIDY: Separation(Workflow.SUBSIDY, "review", "approve"),
    Workflow.RENOVATION: Separation(Workflow.RENOVATION, "assess", "accept"),
    Workflow.DECLARATION: Separation(Workflow.DECLARATION, "check", "approve"),
    Workflow.BANK_RESULT: Separation(Workflow.BANK_RESULT, "finalise", "reconcile"),
    # programmes: the filer, poster or applicant may neither approve nor refuse
    Workflow.INSURANCE_CLAIM: Separation(Workflow.INSURANCE_CLAIM, "file", "decide"),
    Workflow.EMPLOYER_REWARD: Separation(Workflow.EMPLOYER_REWARD, "post", "decide"),
    Workflow.INSTITUTION_SUPPORT: Separation(Workflow.INSTITUTION_SUPPORT, "apply", "decide"),
}


def conflicts(workflow: Workflow, step: str, *, reviewer_id: int | None,
              actor_id: int | None) -> bool:
    """Whether ``actor_id`` may not do ``step`` of a case that ``reviewer_id`` reviewed.

    Only the approving step is ever refused, and only to the same person; a case with no
    recorded reviewer (imported history, a system step) or an anonymous actor is not."""
    separation = SEPARATIONS[workflow]
    if step != separation.approving:
        return False
    return reviewer_id is not None and actor_id is not None and reviewer_id == actor_id
