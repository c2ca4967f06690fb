"""Decisions and renewal reminders are texted to the citizen (短信通知) after they commit.

The development notifier used here is the real ``ConsoleNotifier`` (it writes the
``OutboxMessage`` the dev outbox page shows); the failing gateway is the real
``KannelNotifier`` talking to a loopback server that refuses the message.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from canlian.benefits import actions as benefits
from canlian.benefits.models import Grant, SubsidyApplication
from canlian.benefits.tests.helpers import NURSING, approve
from canlian.certificates import actions as certificates
from canlian.certificates.models import Certificate
from canlian.certificates.tests.walk import noticed
from canlian.certificates.workflow import Action, Kind
from canlian.core import clock
from canlian.exchange.models import SmsDelivery
from canlian.exchange.tests.test_sms import Gateway
from canlian.ops import runner
from canlian.ops.models import RunState, ScheduledRun
from canlian.portal import texts
from canlian.portal.models import OutboxMessage, ReminderText
from canlian.programmes import actions as programmes
from canlian.programmes.models import Application as ProgrammeApplication

OWN = "13812345678"
GUARDIAN = "13987654321"


def outbox():
    return sorted((m.to, m.text) for m in OutboxMessage.objects.all())


@pytest.fixture
def certified(make_person, regions):
    def make(phone=OWN, guardian_phone="", grade=1, name="周一"):
        person = make_person(regions.v1a, name=name, household_type="ordinary", phone=phone,
                             guardian_phone=guardian_phone)
        number = person.resident_id + f"4{grade}"
        Certificate.objects.create(person=person, number=number, category=4, grade=grade,
                                   issue_date=dt.date(2020, 1, 1), valid_until=dt.date(2030, 1, 1),
                                   issued_by=regions.county)
        person.category, person.grade, person.certificate_number = 4, grade, number
        person.save()
        return person

    return make


def reviewed(users, person):
    application = benefits.apply(users.township, person, "nursing", NURSING, bank_name="农业银行",
                                 bank_account="6222021234567890123", today=dt.date(2025, 1, 10))
    benefits.decide_application(users.township, application.pk, "review", today=dt.date(2025, 1, 10))
    return application


# ---- the templates ------------------------------------------------------------------------

def test_texts_are_short_chinese_and_carry_no_identity():
    text = texts.subsidy_approved("nursing", 1200, dt.date(2026, 12, 1))
    assert text == ("【残联】您的重度残疾人护理补贴申请已批准，每月1,200元，自2026年12月起发放。"
                    "详情请登录网上办事查看。")
    assert texts.yuan(Decimal("330.5")) == "330.50元"
    every = [text, texts.subsidy_rejected("living"), texts.certificate_approved("新办"),
             texts.certificate_refused("换领"), texts.certificate_issued("新办", dt.date(2036, 1, 2)),
             texts.certificate_issued("迁移", None), texts.programme_approved("残疾儿童康复救助"),
             texts.programme_refused("残疾儿童康复救助"),
             texts.certificate_renewal_due(dt.date(2027, 3, 4))]
    for message in every:
        assert message.startswith("【残联】") and len(message) <= 70, message
    assert "2036年1月2日" in every[4] and "2027年3月4日" in every[-1]


# ---- decisions ----------------------------------------------------------------------------

def test_an_approved_subsidy_texts_the_amount_and_first_month_after_commit(
        users, certified, django_capture_on_commit_callbacks):
    person = certified()
    application = reviewed(users, person)
    assert outbox() == []  # applying and reviewing text nothing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approve(users, application, today=dt.date(2025, 1, 10))
        assert OutboxMessage.objects.count() == 0  # not before the commit
    assert len(callbacks) == 1
    assert outbox() == [(OWN, "【残联】您的重度残疾人护理补贴申请已批准，每月300元，自2025年1月起"
                              "发放。详情请登录网上办事查看。")]


def test_a_rejection_goes_to_the_guardian_when_the_person_has_no_phone(
        users, certified, django_capture_on_commit_callbacks):
    person = certified(phone="", guardian_phone=GUARDIAN)
    application = reviewed(users, person)
    with django_capture_on_commit_callbacks(execute=True):
        benefits.decide_application(users.township, application.pk, "reject", note="家庭收入超标")
    [(to, text)] = outbox()
    assert to == GUARDIAN and "申请未获批准" in text
    assert "收入" not in text and person.resident_id not in text  # the reason stays on the portal


def test_a_person_with_no_phone_on_file_is_texted_nothing(users, certified,
                                                          django_capture_on_commit_callbacks):
    application = reviewed(users, certified(phone=""))
    with django_capture_on_commit_callbacks(execute=True):
        benefits.decide_application(users.township, application.pk, "reject", note="材料不全")
    assert outbox() == []


def test_a_rolled_back_decision_texts_nothing(users, certified, django_capture_on_commit_callbacks):
    application = reviewed(users, certified())

    @transaction.atomic
    def decide_then_fail():
        benefits.decide_application(users.township, application.pk, "reject", note="材料不全")
        raise RuntimeError("something later in the same transaction failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            decide_then_fail()
        with pytest.raises(ValidationError):  # refused inside the action: rolled back too
            benefits.decide_application(users.township, application.pk, "reject", note=" ")
    assert callbacks == [] and outbox() == []
    assert SubsidyApplication.objects.get(pk=application.pk).state == "reviewed"


def test_a_failing_gateway_does_not_undo_the_decision(users, certified, settings,
                                                      django_capture_on_commit_callbacks):
    person = certified()
    application = reviewed(users, person)
    refusing = Gateway([(403, "Authorization failed for sendsms")])
    settings.CANLIAN_NOTIFIER = "canlian.exchange.sms.KannelNotifier"
    settings.CANLIAN_SMS_URL = refusing.url
    settings.CANLIAN_SMS_REPORT_BASE = ""
    try:
        with django_capture_on_commit_callbacks(execute=True):
            decided = approve(users, application, today=dt.date(2025, 1, 10))
    finally:
        refusing.close()
    assert decided.state == "approved" and Grant.objects.filter(application=application).exists()
    assert len(refusing.requests) == 1 and refusing.requests[0]["to"] == [OWN]
    log = SmsDelivery.objects.get()
    assert log.state == "failed" and log.gateway_status == 403 and log.phone == "138****5678"


def test_a_certificate_application_texts_its_approval_and_completion(
        users, make_person, django_capture_on_commit_callbacks):
    person = make_person(name="李明", phone=OWN)
    application = certificates.apply(users.township, person,
                                      certificates.ApplicationInput(kind=Kind.NEW))
    certificates.assess(users.assessor, application.pk, certificates.AssessmentInput(
        hospital="乐清市人民医院", assessed_on=clock.today(), category=4, grade=2, components=[]))
    with django_capture_on_commit_callbacks(execute=True):
        certificates.advance(users.township, application.pk, Action.REVIEW, note="公示无异议")
    assert outbox() == []  # a review is not a decision the citizen is told of
    noticed(users.township, application)  # the village's public notice has run
    with django_capture_on_commit_callbacks(execute=True):
        certificates.advance(users.federation, application.pk, Action.APPROVE)
    assert outbox() == [(OWN, texts.certificate_approved("新办"))]
    with django_capture_on_commit_callbacks(execute=True):
        issued = certificates.issue(users.federation, application.pk)
    until = issued.certificate.valid_until
    assert (OWN, texts.certificate_issued("新办", until)) in outbox()
    assert f"{until.year}年{until.month}月{until.day}日" in texts.certificate_issued("新办", until)


def test_a_cancellation_is_texted_as_done_without_a_new_card(users, make_person, walk,
                                                           django_capture_on_commit_callbacks):
    person = make_person(name="赵六", phone=OWN)
    walk(person)  # a certificate to cancel (its own texts are not captured)
    with django_capture_on_commit_callbacks(execute=True):
        walk(person, kind=Kind.CANCELLATION, cancel_reason="recovered")
    assert outbox() == sorted([(OWN, texts.certificate_approved("注销")),
                               (OWN, "【残联】您的残疾人证注销申请已办结。详情请登录网上办事查看。")])


def test_a_refused_certificate_application_is_texted(users, make_person,
                                                     django_capture_on_commit_callbacks):
    person = make_person(name="王五", phone=OWN)
    application = certificates.apply(users.township, person,
                                      certificates.ApplicationInput(kind=Kind.NEW))
    with django_capture_on_commit_callbacks(execute=True):
        certificates.advance(users.township, application.pk, Action.REJECT, note="材料不实")
    assert outbox() == [(OWN, "【残联】您的残疾人证新办申请未获通过。原因及救济途径详情请登录网上办事查看。")]


def test_a_programme_refusal_is_texted_with_the_programme_name(
        users, regions, make_person, walk, django_capture_on_commit_callbacks):
    adult = make_person(regions.v1a, name="李四", phone=OWN)
    walk(adult, category=4, grade=3)
    application = programmes.apply(users.township, adult, "transport_concession", channel="offer")
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        programmes.decide(users.township, application.pk, approve=False, note="已享受同类待遇")
    assert ProgrammeApplication.objects.get(pk=application.pk).state == "refused"
    [(to, text)] = outbox()
    assert to == OWN and text.startswith("【残联】您的“") and text.endswith(
        "”申请未获批准。原因及救济途径详情请登录网上办事查看。")
    assert "transport_concession" not in text  # the programme's Chinese name, not its code


# ---- the daily reminders job --------------------------------------------------------------

def run_reminders(capture, slot):
    with capture(execute=True):
        created = ScheduledRun.objects.create(job="reminders", slot=slot)
        row = runner.run(created.pk)
    assert row is not None and row.state == RunState.SUCCEEDED, row and row.error
    return row


def test_the_reminders_job_texts_a_renewal_once_across_runs(
        make_person, regions, settings, django_capture_on_commit_callbacks):
    today = clock.today()
    soon = make_person(name="将到期", phone=OWN)
    until = today + dt.timedelta(days=30)
    Certificate.objects.create(person=soon, number=soon.resident_id + "42", category=4, grade=2,
                               issue_date=until - dt.timedelta(days=3650), valid_until=until,
                               issued_by=regions.county)
    later = make_person(name="还早", phone=GUARDIAN)
    Certificate.objects.create(person=later, number=later.resident_id + "42", category=4, grade=2,
                               issue_date=today, valid_until=today + dt.timedelta(days=400),
                               issued_by=regions.county)
    first = run_reminders(django_capture_on_commit_callbacks, timezone.now())
    assert first.summary["renewal_texts"] == 1
    assert outbox() == [(OWN, texts.certificate_renewal_due(until))]
    second = run_reminders(django_capture_on_commit_callbacks, timezone.now() + dt.timedelta(days=1))
    assert second.summary["renewal_texts"] == 0
    assert OutboxMessage.objects.count() == 1 and ReminderText.objects.count() == 1


def test_a_renewal_text_the_gateway_refused_is_tried_again_next_run(
        make_person, regions, settings, django_capture_on_commit_callbacks):
    today = clock.today()
    soon = make_person(name="将到期", phone=OWN)
    until = today + dt.timedelta(days=10)
    Certificate.objects.create(person=soon, number=soon.resident_id + "42", category=4, grade=2,
                               issue_date=until - dt.timedelta(days=3650), valid_until=until,
                               issued_by=regions.county)
    refusing = Gateway([(403, "Authorization failed for sendsms")])
    settings.CANLIAN_NOTIFIER = "canlian.exchange.sms.KannelNotifier"
    settings.CANLIAN_SMS_URL = refusing.url
    settings.CANLIAN_SMS_REPORT_BASE = ""
    try:
        failed = run_reminders(django_capture_on_commit_callbacks, timezone.now())
    finally:
        refusing.close()
    assert failed.summary["renewal_texts"] == 1 and len(refusing.requests) == 1
    assert not ReminderText.objects.exists()  # not recorded as sent: the next run retries
    settings.CANLIAN_NOTIFIER = "canlian.portal.notifiers.ConsoleNotifier"
    retried = run_reminders(django_capture_on_commit_callbacks, timezone.now() + dt.timedelta(days=1))
    assert retried.summary["renewal_texts"] == 1
    assert outbox() == [(OWN, texts.certificate_renewal_due(until))]
