"""The separation-of-duties rule (审批分离), tested directly: pure, no database."""

import pytest

from canlian.core.duties import SEPARATIONS, Workflow, conflicts


@pytest.mark.parametrize("workflow", list(Workflow))
def test_the_reviewer_may_not_do_the_approving_step(workflow):
    approving = SEPARATIONS[workflow].approving
    assert conflicts(workflow, approving, reviewer_id=7, actor_id=7)
    assert not conflicts(workflow, approving, reviewer_id=7, actor_id=8)


@pytest.mark.parametrize("workflow", list(Workflow))
def test_other_steps_and_unknown_reviewers_are_not_refused(workflow):
    separation = SEPARATIONS[workflow]
    assert not conflicts(workflow, separation.reviewing, reviewer_id=7, actor_id=7)
    assert not conflicts(workflow, "reject", reviewer_id=7, actor_id=7)
    assert not conflicts(workflow, separation.approving, reviewer_id=None, actor_id=7)
    assert not conflicts(workflow, separation.approving, reviewer_id=7, actor_id=None)


def test_every_workflow_of_the_issue_is_covered():
    assert set(SEPARATIONS) == {Workflow.CERTIFICATE, Workflow.SUBSIDY, Workflow.RENOVATION,
                                Workflow.DECLARATION, Workflow.BANK_RESULT,
                                Workflow.INSURANCE_CLAIM, Workflow.EMPLOYER_REWARD,
                                Workflow.INSTITUTION_SUPPORT}
