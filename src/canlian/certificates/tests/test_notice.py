"""公示: the public notice of certificate applications before the federation approves them
(5 working days in the village, holidays as data; the print list scoped and masked)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.certificates import actions, workflow
from canlian.certificates.models import Application, PublicNotice, Step
from canlian.certificates.tests.walk import assessment
from canlian.certificates.workflow import Action, Kind, State
from canlian.core import clock
from canlian.core.separation import SameReviewerError

MONDAY = dt.date(2025, 6, 9)


def _reviewed(users, person, kind=Kind.NEW, **kwargs):
    application = actions.apply(users.township, person,
                                actions.ApplicationInput(kind=kind, **kwargs))
    if kind in workflow.NEEDS_ASSESSMENT:
        actions.assess(users.assessor, application.pk, assessment())
    actions.advance(users.township, application.pk, Action.REVIEW)
    return Application.objects.get(pk=application.pk)


def test_the_notice_runs_five_working_days_across_the_national_day_holiday(users, make_person):
    application = _reviewed(users, make_person())
    # Monday 2025-09-29; 9-30 a working day, 10-1…10-8 the holiday, Saturday 10-11 an
    # adjusted working day (core/data/holidays.yaml): the fifth working day is 10-11.
    notice = actions.post_notice(users.township, application.village_id, [application.pk],
                                 dt.date(2025, 9, 29), today=dt.date(2025, 9, 29))
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (
        dt.date(2025, 9, 29), dt.date(2025, 10, 11), 5)
    with pytest.raises(actions.NoticeRefused) as refused:
        actions.advance(users.federation, application.pk, Action.APPROVE,
                        today=dt.date(2025, 10, 9))  # calendar days enough, working days not
    assert refused.value.code == "notice_running" and "2025-10-11" in refused.value.message
    assert actions.advance(users.federation, application.pk, Action.APPROVE,
                           today=dt.date(2025, 10, 12)).state == State.APPROVED
    # A notice posted on a Sunday counts from Monday.
    other = _reviewed(users, make_person())
    notice = actions.post_notice(users.township, other.village_id, [other.pk],
                                 dt.date(2025, 6, 8), today=dt.date(2025, 6, 8))
    assert (notice.starts_on, notice.ends_on) == (dt.date(2025, 6, 9), dt.date(2025, 6, 13))


def test_approval_is_refused_without_and_during_the_notice_and_allowed_after(users, make_person):
    application = _reviewed(users, make_person())
    steps = Step.objects.filter(application=application).count()
    with pytest.raises(actions.NoticeRefused, match="须先在村（社区）公示 5 个工作日") as e:
        actions.advance(users.federation, application.pk, Action.APPROVE, today=MONDAY)
    assert e.value.code == "notice_missing"
    with pytest.raises(ValidationError, match="早于今天"):
        actions.post_notice(users.township, application.village_id, [application.pk],
                            MONDAY - dt.timedelta(days=1), today=MONDAY)
    notice = actions.post_notice(users.township, application.village_id, [application.pk],
                                 MONDAY, today=MONDAY)
    assert notice.ends_on == dt.date(2025, 6, 13)
    with pytest.raises(actions.NoticeRefused, match="公示期至 2025-06-13 止") as e:
        actions.advance(users.federation, application.pk, Action.APPROVE,
                        today=dt.date(2025, 6, 13))  # the last day: objections may still come
    assert e.value.code == "notice_running"
    application.refresh_from_db()
    assert application.state == State.REVIEWED
    assert Step.objects.filter(application=application).count() == steps
    approved = actions.advance(users.federation, application.pk, Action.APPROVE,
                               today=dt.date(2025, 6, 14))
    assert approved.state == State.APPROVED
    with pytest.raises(ValidationError):  # posted once only
        actions.post_notice(users.township, application.village_id, [application.pk],
                            MONDAY, today=MONDAY)


def test_the_notice_keeps_the_separation_of_duties(users, make_person):
    application = actions.apply(users.township, make_person(),
                                actions.ApplicationInput(kind=Kind.NEW))
    actions.assess(users.assessor, application.pk, assessment())
    actions.advance(users.federation, application.pk, Action.REVIEW)  # reviewed by fed
    actions.post_notice(users.federation, application.village_id, [application.pk], MONDAY,
                        today=MONDAY)
    with pytest.raises(SameReviewerError):  # the notice has run, the reviewer still may not
        actions.advance(users.federation, application.pk, Action.APPROVE,
                        today=dt.date(2025, 6, 20))
    assert actions.advance(users.federation2, application.pk, Action.APPROVE,
                           today=dt.date(2025, 6, 20)).state == State.APPROVED


def test_kinds_deciding_no_disability_need_no_notice(users, make_person, walk, regions):
    person = make_person(regions.v1a)
    walk(person)
    application = _reviewed(users, person, kind=Kind.TRANSFER, target_village=regions.v1b)
    with pytest.raises(ValidationError, match="无需公示"):
        actions.post_notice(users.township, application.village_id, [application.pk], MONDAY,
                            today=MONDAY)
    assert actions.advance(users.federation, application.pk, Action.APPROVE).state == \
        State.APPROVED
    # A reviewed new application has the notice's working days added to its due date.
    friday = dt.date(2026, 11, 20)
    assert workflow.due_date(State.REVIEWED, friday, Kind.NEW) == \
        workflow.add_working_days(friday, 15)
    assert workflow.due_date(State.REVIEWED, friday, Kind.TRANSFER) == \
        workflow.add_working_days(friday, 10)


def test_a_notice_is_posted_per_village_within_the_reviewers_region(users, make_person,
                                                                    regions):
    application = _reviewed(users, make_person(regions.v1a))
    with pytest.raises(ValidationError):  # another village's code
        actions.post_notice(users.township, regions.v1b.code, [application.pk], MONDAY,
                            today=MONDAY)
    with pytest.raises(ValidationError):  # outside the township's region: not found
        actions.post_notice(users.township2, application.village_id, [application.pk], MONDAY,
                            today=MONDAY)
    with pytest.raises(PermissionDenied):  # village workers do not post notices
        actions.post_notice(users.village, application.village_id, [application.pk], MONDAY,
                            today=MONDAY)
    assert not PublicNotice.objects.exists()


def test_posting_is_audited_per_notice_and_per_person(users, make_person):
    a = _reviewed(users, make_person(name="李小明"))
    b = _reviewed(users, make_person(name="王芳"))
    notice = actions.post_notice(users.township, a.village_id, [a.pk, b.pk], MONDAY,
                                 today=MONDAY)
    created = AuditEvent.objects.get(action="create", object_type="publicnotice",
                                     object_id=str(notice.pk))
    assert created.actor_name == "town1" and "2 人" in created.summary
    assert set(AuditEvent.objects.filter(action="update", summary__startswith="残疾人证申请公示")
               .values_list("person_id", flat=True)) == {a.person_id, b.person_id}
    assert set(Application.objects.filter(notice=notice).values_list("pk", flat=True)) == \
        {a.pk, b.pk}


def test_the_print_list_is_scoped_masked_and_audited(client, users, make_person, regions):
    application = _reviewed(users, make_person(regions.v1a, name="欧阳明华"))
    with clock.frozen(MONDAY):
        notice = actions.post_notice(users.township, application.village_id,
                                     [application.pk], MONDAY, today=MONDAY)
        url = reverse("certificates:notice", args=[notice.pk])
        client.force_login(users.township)
        page = client.get(url).content.decode()
        assert "欧**华" in page and "欧阳明华" not in page
        assert application.person.resident_id not in page
        assert application.person.masked_id in page
        assert "肢体残疾二级" in page and "2025-06-13" in page
        assert AuditEvent.objects.filter(action="view", person_id=application.person_id,
                                         summary__startswith="查看残疾人证公示名单").count() == 1
        client.force_login(users.village)  # the village's own worker
        assert client.get(url).status_code == 200
        client.force_login(users.township2)  # another township: not found, not listed
        assert client.get(url).status_code == 404
        assert url not in client.get(reverse("certificates:notices")).content.decode()


def test_the_pages_post_the_notice_and_show_the_rule(client, users, make_person):
    application = _reviewed(users, make_person(name="赵一"))
    notices = reverse("certificates:notices")
    detail = reverse("certificates:application", args=[application.pk])
    approve = reverse("certificates:act", args=[application.pk, "approve"])
    with clock.frozen(MONDAY):
        client.force_login(users.federation)
        page = client.get(detail).content.decode()
        assert f'action="{approve}"' not in page and "须先在村（社区）公示" in page
        assert "尚未公示" in page
        client.force_login(users.township)
        page = client.get(notices).content.decode()
        assert "赵一" in page and "5 个工作日" in page
        refused = client.post(notices, {"village": application.village_id,
                                        "applications": [application.pk],
                                        "starts_on": "2025-06-01"})
        assert refused.status_code == 200 and "早于今天" in refused.content.decode()
        posted = client.post(notices, {"village": application.village_id,
                                       "applications": [application.pk],
                                       "starts_on": MONDAY.isoformat()})
        notice = PublicNotice.objects.get()
        assert posted["Location"] == reverse("certificates:notice", args=[notice.pk])
        client.force_login(users.federation)
        page = client.get(detail).content.decode()
        assert "2025-06-09 – 2025-06-13" in page and "公示期至 2025-06-13 止" in page
        assert f'action="{approve}"' not in page
        client.post(approve)
        assert Application.objects.get(pk=application.pk).state == State.REVIEWED
    with clock.frozen(dt.date(2025, 6, 16)):
        page = client.get(detail).content.decode()
        assert f'action="{approve}"' in page
        client.post(approve)
        assert Application.objects.get(pk=application.pk).state == State.APPROVED
