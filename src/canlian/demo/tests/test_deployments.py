"""Both shipped deployments seed (Linzi included: its multiple-disability change
applications are assessed with their components), and on each demo district every
indicator of the deployment's plan has a value, and every drill-down has exactly as
many members as its figure: numerator, denominator, and gap = denominator − numerator."""

import io

import pytest
from django.core.management import call_command

from canlian.core import clock
from canlian.indicators import drill, engine, plans
from canlian.indicators.measures import Scope
from canlian.regions.models import Deployment

PLANS = {"yueqing": "yueqing-14th", "linzi": "linzi-14th"}


@pytest.mark.parametrize("deployment", ["yueqing", "linzi"])
def test_every_indicator_of_the_plan_has_a_value_and_explains_it(db, settings, deployment):
    settings.CANLIAN_DEPLOYMENT = deployment
    call_command("seed", "--deployment", deployment, "--persons", "600", stdout=io.StringIO())
    root = Deployment.current().root
    plan = plans.load(PLANS[deployment])
    year = min(clock.today().year - 1, plan.end)
    results = engine.compute(plan, year, root)
    missing = [r.code for r in results if r.figure.value is None]
    _assert_retention_keeps_the_figures(plan, year, root, results)
    _assert_domain_demo(root)
    assert missing == [], f"{deployment} {year}: no value for {missing}"
    township = root.townships().order_by("code").first()
    for region in (root, township):
        for r in engine.compute(plan, year, region):
            if not drill.supported(r.code):
                continue
            found = {w: drill.members(r.code, Scope(region, year), w, period_start=plan.start)
                     for w in drill.WHICH}
            count = {w: len(m.rows) if isinstance(m.rows, list) else m.rows.count()
                     for w, m in found.items()}
            assert count["numerator"] == r.figure.numerator, (region.code, r.code)
            if r.figure.denominator is not None:
                assert count["denominator"] == r.figure.denominator, (region.code, r.code)
                assert count["gap"] == r.figure.denominator - r.figure.numerator, (region.code,
                                                                                   r.code)


def _assert_retention_keeps_the_figures(plan, year, root, before) -> None:
    """Retention run decades ahead anonymises every deceased person and stopped grant's
    bank account, and no indicator's past figure changes (privacy app)."""
    import datetime as dt

    from canlian.privacy import actions

    done = actions.apply_retention(clock.today() + dt.timedelta(days=365 * 30))
    assert done["deceased_contact"] > 0, done
    after = engine.compute(plan, year, root)
    assert [(r.code, r.figure) for r in after] == [(r.code, r.figure) for r in before]


def _assert_domain_demo(root) -> None:
    """Rights casework (and education, culture) have demo records in every state needed."""
    from canlian.privacy.models import Consent, CorrectionRequest, SharingAccount

    consents = Consent.objects.filter(person__village__code__range=root.code_range)
    assert consents.filter(withdrawn_at__isnull=True).exists()
    assert consents.filter(withdrawn_at__isnull=False).exists()
    assert SharingAccount.objects.exists()
    assert set(CorrectionRequest.objects.filter(village__code__range=root.code_range)
               .values_list("state", flat=True)) == {"pending", "corrected", "rejected"}
    from canlian.rights.models import RightsCase

    cases = RightsCase.objects.filter(village__code__range=root.code_range)
    states = set(cases.values_list("state", flat=True))
    assert {"received", "not_accepted", "closed"} <= states, states
    assert states & {"accepted", "assigned", "referred"}, states
    assert cases.filter(outcome="duplicate").exists()
    assert cases.exclude(satisfaction="").exists() and cases.filter(reopened__gt=0).exists()
    assert cases.filter(escalated_on__isnull=False).exists()
    assert cases.filter(proxy__isnull=False).exists()
    from canlian.education.models import DropoutCase, HomeVisit, Pupil

    pupils = Pupil.objects.filter(village__code__range=root.code_range)
    assert pupils.exists() and pupils.filter(history__source="survey").exists()
    assert DropoutCase.objects.filter(village__code__range=root.code_range).exists()
    assert HomeVisit.objects.filter(plan__pupil__in=pupils).exists()
    from canlian.culture.models import AthleteRecord, Attendance, Delivery

    assert Attendance.objects.filter(event__township__code__range=root.code_range).exists()
    assert AthleteRecord.objects.filter(member__team__township__code__range=root.code_range,
                                        kind="competition").exists()
    assert Delivery.objects.filter(village__code__range=root.code_range).exists()
    from canlian.plantasks import queries as plantasks

    plan = plantasks.current_plan()
    assert plan is not None
    summaries = plantasks.supervision(plan, clock.today())
    totals = plantasks.totals(summaries)
    assert totals["on_track"] and totals["lagging"] and totals["overdue"], totals
    assert {s.department for s in summaries} == {d for t in plan.tasks for d in t.lead}
    from canlian.disclosure import views as disclosure

    published = disclosure.as_json(disclosure.collect())
    assert published["indicators"]["years"], "no reported year to publish"
    assert published["persons_by_category_and_grade"]["total"] not in (0, "<5")
    from canlian.benefits.models import PublicNotice

    notices = PublicNotice.objects.filter(village__code__range=root.code_range)
    assert notices.exists() and notices.filter(applications__isnull=False).exists()
    from canlian.certificates.models import Application as CertificateApplication

    # 公示 of certificate applications: approved ones on a notice that had run before the
    # approval, and reviewed ones both on a running notice and still waiting for one.
    new = CertificateApplication.objects.filter(village__code__range=root.code_range,
                                                kind__in=["new", "change"])
    approved = new.filter(steps__action="approve").select_related("notice")
    assert approved.exists() and all(a.notice and a.notice.ends_on < clock.today()
                                     for a in approved)
    assert new.filter(state="reviewed", notice__ends_on__gte=clock.today()).exists()
    assert new.filter(state="reviewed", notice=None).exists()
    from canlian.accounts.models import User
    from canlian.evaluation import queries as evaluation

    assert User.objects.filter(username="evaluator", role="evaluator").exists()
    midterm = evaluation.report_section(root.code, plan.code, plans.load(plan.code).start + 2)
    satisfaction = midterm["satisfaction"]
    assert satisfaction["total"]["rated"] and satisfaction["topics"] and midterm["findings"]
    assert len(satisfaction["townships"]) > 1
    assert published["satisfaction"]["total"]["rated"] not in (0, None)
