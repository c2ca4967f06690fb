"""Rights casework end to end through the actions and the staff pages: intake, acceptance,
assignment, referral, time limits with to-dos, supervision of overdue cases, 代办 with
consent, closure, satisfaction, reopening on appeal, duplicates, statistics; and refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canlian.accounts.models import User
from canlian.core import clock
from canlian.privacy.models import SharingAccount
from canlian.rights import actions, queries
from canlian.rights.models import RightsCase
from canlian.rights.views import AssignForm
from canlian.todos.models import Todo

pytestmark = pytest.mark.django_db
DESCRIPTION = "单位拖欠工资三个月，多次讨要未果，请求帮助。"


def _intake(user, person, **kw):
    args = {"kind": "xinfang", "channel": "walk_in", "subject": "拖欠工资",
            "description": DESCRIPTION}
    args.update(kw)
    return actions.intake(user, person, **args)


def test_a_petition_runs_from_intake_to_satisfaction_and_reopening(users, make_person):
    person = make_person(name="李四")
    with clock.frozen(dt.date(2025, 9, 16)):
        case = _intake(users.village, person)
    # the 15-day limit ends on 1 October (国庆), so on the first working day after it
    assert (case.state, case.accept_due) == ("received", dt.date(2025, 10, 9))
    todo = Todo.objects.get(kind="rights_accept")
    assert todo.due == dt.date(2025, 10, 9) and case.number in todo.title
    with clock.frozen(dt.date(2025, 9, 18)):
        with pytest.raises(PermissionDenied):  # a village worker records but does not accept
            actions.accept(users.village, case.pk)
        case = actions.accept(users.township, case.pk, "属于本机关职责")
    assert case.reply_due == dt.date(2025, 11, 17)  # 18 Sept + 60 days = Monday 17 Nov
    assert Todo.objects.get(kind="rights_accept").done_at is not None
    assert Todo.objects.get(kind="rights_reply").due == dt.date(2025, 11, 17)
    with clock.frozen(dt.date(2025, 9, 19)):
        case = actions.assign(users.township, case.pk, users.village, "请上门了解")
        assert case.state == "assigned"
        with pytest.raises(PermissionDenied):  # extension needs the head's approval
            actions.extend(users.township, case.pk, "需协调人社部门")
        case = actions.extend(users.federation, case.pk, "需协调人社部门")
        assert case.reply_due == dt.date(2025, 12, 17)  # + 30 days
        assert Todo.objects.get(kind="rights_reply").due == dt.date(2025, 12, 17)
        with pytest.raises(ValidationError, match="不能再延期"):
            actions.extend(users.federation, case.pk, "再延一次")
    with clock.frozen(dt.date(2025, 10, 20)):
        with pytest.raises(ValidationError) as err:
            actions.close(users.township, case.pk, "resolved", "  ")
        assert "note" in err.value.message_dict
        case = actions.close(users.township, case.pk, "resolved", "已督促单位补发工资。")
    assert case.state == "closed" and case.closed_on == dt.date(2025, 10, 20)
    assert not Todo.objects.filter(kind__startswith="rights", done_at__isnull=True).exists()
    with clock.frozen(dt.date(2025, 10, 21)):
        case = actions.record_satisfaction(users.township, case.pk, "dissatisfied")
        assert case.satisfaction_channel == "phone"
        # appeal (复查) within 30 days of the reply: the case runs again with 30 days
        case = actions.reopen(users.township, case.pk, "补发不足额", dt.date(2025, 10, 21))
    assert (case.state, case.reopened, case.satisfaction) == ("accepted", 1, "")
    assert case.reply_due == dt.date(2025, 11, 20)
    labels = list(case.steps.values_list("label", flat=True))
    assert labels == ["登记", "受理", "交办", "延期", "办结", "满意度评价", "重新办理（复查）"]


def test_an_appeal_after_the_time_to_appeal_is_refused(users, make_person):
    person = make_person()
    with clock.frozen(dt.date(2025, 3, 3)):
        case = _intake(users.township, person)
        actions.accept(users.township, case.pk)
        actions.close(users.township, case.pk, "explained", "已解释政策。")
    with clock.frozen(dt.date(2025, 4, 10)), pytest.raises(ValidationError, match="复查请求期限"):
        actions.reopen(users.township, case.pk, "不服")


def test_legal_aid_is_referred_within_its_limits(users, make_person):
    person = make_person()
    with clock.frozen(dt.date(2025, 11, 3)):
        case = _intake(users.township, person, kind="legal_aid", channel="hotline")
        assert case.accept_due == dt.date(2025, 11, 10)  # 7 days
        case = actions.accept(users.township, case.pk)
        assert case.assign_due == dt.date(2025, 11, 6)  # 3 days to assign a lawyer
        with pytest.raises(ValidationError):
            actions.refer(users.township, case.pk, " ")
        case = actions.refer(users.township, case.pk, "乐清市法律援助中心")
    assert case.state == "referred" and case.referred_to == "乐清市法律援助中心"
    assert Todo.objects.get(kind="rights_assign").done_at is not None


def test_overdue_cases_are_supervised_by_the_federation_once(users, make_person):
    person = make_person()
    with clock.frozen(dt.date(2025, 11, 3)):
        late = _intake(users.township, person)  # accept by 18 November
        on_time = _intake(users.township, make_person(), kind="complaint")  # by 10 November
        actions.accept(users.township, on_time.pk)
    assert actions.escalate_overdue(dt.date(2025, 11, 18)) == 0
    assert actions.escalate_overdue(dt.date(2025, 11, 19)) == 1
    assert actions.escalate_overdue(dt.date(2025, 11, 20)) == 0  # once
    late.refresh_from_db()
    assert late.escalated_on == dt.date(2025, 11, 19)
    todo = Todo.objects.get(kind="rights_supervise")
    assert todo.role == "federation_staff" and late.number in todo.title
    assert late.steps.filter(kind="escalate").exists()


def test_proxy_needs_recorded_consent_and_a_worker_covering_the_village(users, make_person):
    person = make_person(name="王五")
    case = _intake(users.township, person)
    with pytest.raises(ValidationError) as err:
        actions.appoint_proxy(users.township, case.pk, worker=users.village, consent_how="",
                              consent_on=clock.today(), consent_by="")
    assert {"consent_how", "consent_by"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError, match="代办员"):
        actions.appoint_proxy(users.township, case.pk, worker=users.township2,
                              consent_how="signed", consent_on=clock.today(), consent_by="王五")
    proxy = actions.appoint_proxy(users.township, case.pk, worker=users.village,
                                  consent_how="signed", consent_on=clock.today(),
                                  consent_by="王五", scope="代为反映诉求")
    assert proxy.worker == users.village and proxy.consent_by == "王五"


def test_duplicates_are_linked_to_the_first_case_of_the_same_person(users, make_person):
    person, other = make_person(), make_person()
    first = _intake(users.township, person)
    second = _intake(users.township, person, channel="hotline")
    stranger = _intake(users.township, other)
    assert list(actions.possible_duplicates(second)) == [first]
    with pytest.raises(ValidationError, match="不是同一人"):
        actions.link_duplicate(users.township, second.pk, stranger.pk)
    second = actions.link_duplicate(users.township, second.pk, first.pk)
    assert (second.state, second.outcome, second.duplicate_of) == ("closed", "duplicate", first)
    third = _intake(users.township, person)
    with pytest.raises(ValidationError, match="重复件"):
        actions.link_duplicate(users.township, third.pk, second.pk)


def test_intake_refuses_bad_input_field_by_field_and_other_regions(users, make_person):
    person = make_person()
    with pytest.raises(ValidationError) as err:
        actions.intake(users.township, person, kind="tax", channel="walk_in", subject=" ",
                       description="短", received_on=clock.today() + dt.timedelta(days=1))
    assert set(err.value.message_dict) == {"kind", "subject", "description", "received_on"}
    with pytest.raises(ValidationError, match="热线"):
        _intake(users.township, person, channel="portal")
    with pytest.raises(PermissionDenied):
        _intake(users.township2, person)
    with pytest.raises(PermissionDenied):
        _intake(users.auditor, person)
    assert not RightsCase.objects.exists()


def test_scoping_each_township_sees_its_own_cases(users, make_person, regions):
    mine = _intake(users.township, make_person())
    theirs = _intake(users.township2, make_person(village=regions.v2a))
    assert list(actions.cases_for(users.township)) == [mine]
    assert set(actions.cases_for(users.federation)) == {mine, theirs}
    assert not actions.cases_for(users.employer).exists()
    with pytest.raises(RightsCase.DoesNotExist):
        actions.accept(users.township, theirs.pk)


def test_statistics_per_township_kind_and_outcome_hand_computed(users, make_person, regions):
    a, b = make_person(), make_person(village=regions.v2a)
    with clock.frozen(dt.date(2025, 3, 3)):
        c1 = _intake(users.township, a)
        actions.accept(users.township, c1.pk)
        actions.close(users.township, c1.pk, "resolved", "已解决。")
        actions.record_satisfaction(users.township, c1.pk, "satisfied")
        c2 = _intake(users.township, a)
        actions.accept(users.township, c2.pk)
        actions.close(users.township, c2.pk, "not_supported", "诉求不予支持。")
        actions.record_satisfaction(users.township, c2.pk, "dissatisfied")
        c3 = _intake(users.township2, b, kind="legal_aid")
        actions.refuse(users.township2, c3.pk, "不属于受理范围")
        _intake(users.township, a, kind="complaint")  # open, accept by 10 March
    stats = queries.statistics(actions.cases_for(users.federation), dt.date(2025, 1, 1),
                               dt.date(2025, 12, 31), dt.date(2025, 3, 20))
    rows = {(r["township"], r["kind"]): r for r in stats["rows"]}
    x = rows[("330382002000", "xinfang")]
    assert (x["total"], x["o_resolved"], x["o_not_supported"], x["asked"], x["satisfied"]) == \
        (2, 1, 1, 2, 1)
    assert x["satisfaction_rate"] == 50.0 and x["on_time"] == 2
    assert rows[("330382114000", "legal_aid")]["not_accepted"] == 1
    assert (rows[("330382002000", "complaint")]["open"],
            rows[("330382002000", "complaint")]["overdue"]) == (1, 1)
    assert stats["totals"]["total"] == 4 and stats["totals"]["satisfaction_rate"] == 50.0
    only_mine = queries.statistics(actions.cases_for(users.township2), dt.date(2025, 1, 1),
                                   dt.date(2025, 12, 31), dt.date(2025, 3, 20))
    assert only_mine["totals"]["total"] == 1


def test_staff_pages_register_and_take_steps_and_refuse_bad_posts(client, users, make_person):
    person = make_person(name="赵六")
    client.force_login(users.township)
    response = client.post("/rights/new/", {
        "resident_id": person.resident_id, "kind": "xinfang", "channel": "hotline",
        "received_on": clock.today().isoformat(), "subject": "无障碍设施被占用",
        "description": "小区无障碍坡道被长期占用，轮椅无法通行。"})
    case = RightsCase.objects.get()
    assert response.status_code == 302 and response.url == f"/rights/{case.pk}/"
    page = client.get(f"/rights/{case.pk}/").content.decode()
    assert "无障碍设施被占用" in page and "信访工作条例" in page
    assert client.post(f"/rights/{case.pk}/close/", {"close-outcome": "resolved",
                                                     "close-note": "x"}).status_code == 400
    assert client.post(f"/rights/{case.pk}/accept/", {"accept-note": ""}).status_code == 302
    bad = client.post(f"/rights/{case.pk}/close/", {"close-outcome": "resolved", "close-note": ""})
    assert bad.status_code == 400
    assert client.post(f"/rights/{case.pk}/close/", {"close-outcome": "resolved",
                                                     "close-note": "已清理坡道。"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "closed"
    assert client.get("/rights/?state=all").status_code == 200
    assert "赵六" in client.get("/rights/?state=all").content.decode()
    assert client.get("/rights/statistics/?year=2025").status_code == 200
    client.force_login(users.township2)
    assert client.get(f"/rights/{case.pk}/").status_code == 404
    client.force_login(users.auditor)
    assert client.get(f"/rights/{case.pk}/").status_code == 200
    assert client.post(f"/rights/{case.pk}/reopen/", {}).status_code == 403
    client.force_login(users.employer)
    assert client.get("/rights/").status_code == 403


def test_the_daily_command_escalates_overdue_cases(users, make_person):
    from io import StringIO

    from django.core.management import call_command

    with clock.frozen(dt.date(2025, 1, 2)):
        _intake(users.township, make_person())
    out = StringIO()
    with clock.frozen(dt.date(2025, 3, 3)):
        call_command("rights", "escalate", stdout=out)
    assert out.getvalue().startswith("1 overdue case(s)")


def test_a_departments_service_account_is_not_offered_as_a_case_worker(users, make_person):
    """A consent-based department account is a federation-region user that only calls the
    API: a rights case cannot be assigned to it, nor a proxy recorded with it."""
    person = make_person(name="钱七")
    case = _intake(users.township, person)
    service = User.objects.create(username="renshe-api", role="federation_staff",
                                  region=users.federation.region, organisation="人社局")
    SharingAccount.objects.create(purpose="share_hrss", user=service)
    offered = set(AssignForm(case=case).fields["assignee"].queryset)
    assert users.federation in offered and users.township in offered
    assert service not in offered
