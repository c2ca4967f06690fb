"""The subsidy pages as staff use them: apply, review, approve, roll, finalise, bank file."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from canlian.benefits.models import Grant, PublicNotice, Roll, SubsidyApplication
from canlian.benefits.tests.test_grants_and_rolls import _bank_result
from canlian.core import clock
from canlian.jobs.models import Job


def test_walk_a_nursing_subsidy_through_the_pages(client, users, make_person, walk, regions):
    person = make_person(name="吴二")
    walk(person, category=4, grade=1)  # the 1+X subscriber pre-fills the application
    client.force_login(users.township)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "预填" in page or "Pre-filled" in page
    r = client.post(reverse("benefits:apply", args=[person.pk]), {
        "subsidy": "nursing", "needs_long_term_care": "on", "care_months": "12",
        "hukou_in_region": "on", "bank_name": "农业银行", "bank_account": "6228480000000000011"})
    application = SubsidyApplication.objects.get(person=person, subsidy="nursing")
    assert r["Location"] == reverse("benefits:application", args=[application.pk])
    detail = client.get(r["Location"]).content.decode()
    assert "一级" in detail  # the reasons name the grade that qualified
    client.post(reverse("benefits:decide", args=[application.pk, "review"]))
    application.refresh_from_db()
    assert application.reviewed_by == users.township
    page = client.get(reverse("benefits:application", args=[application.pk])).content.decode()
    assert "town1" in page  # who reviewed is shown
    # 公示: the township posts the village's notice; approval waits until it has run.
    listing = client.get(reverse("benefits:notices")).content.decode()
    assert "吴二" in listing
    r = client.post(reverse("benefits:notices"), {
        "village": application.village_id, "applications": [application.pk],
        "starts_on": clock.today().isoformat()})
    notice = PublicNotice.objects.get()
    assert r["Location"] == reverse("benefits:notice", args=[notice.pk])
    assert notice.working_days == 5 and notice.applications.get() == application
    printable = client.get(r["Location"]).content.decode()
    assert "吴二" in printable and f"{notice.ends_on:%Y-%m-%d}" in printable
    client.force_login(users.federation)
    month = clock.today().strftime("%Y-%m")
    r = client.post(reverse("benefits:decide", args=[application.pk, "approve"]),
                    {"start_month": month}, follow=True)
    assert "公示期至" in r.content.decode()
    assert not Grant.objects.filter(person=person).exists()
    with clock.frozen(notice.ends_on + dt.timedelta(days=1)):
        client.post(reverse("benefits:decide", args=[application.pk, "approve"]),
                    {"start_month": month})
    grant = Grant.objects.get(person=person, subsidy="nursing")
    assert grant.status == "active"
    # The roll is made by a background job; its page links the roll when done.
    r = client.post(reverse("benefits:rolls"), {"month": month})
    roll = Roll.objects.get()
    job = Job.objects.get(kind="benefits.roll")
    assert r["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == "succeeded" and job.result["detail_pk"] == roll.pk
    job_page = client.get(r["Location"]).content.decode()
    assert reverse("benefits:roll", args=[roll.pk]) in job_page
    page = client.get(reverse("benefits:roll", args=[roll.pk])).content.decode()
    assert "吴二" in page
    client.post(reverse("benefits:roll_finalise", args=[roll.pk]))
    roll.refresh_from_db()
    assert roll.status == "finalised"
    bank = client.get(reverse("benefits:roll_bank_file", args=[roll.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(bank.streaming_content))).worksheets[0]
                .iter_rows(values_only=True))
    assert rows[1][1] == "吴二"
    assert "*" in rows[1][2]
    line = roll.lines.get()
    upload = _bank_result([[line.id, "吴二", float(line.amount), "失败", "账号错误"]])
    upload.name = "result.xlsx"
    # Who finalised the roll may not confirm the bank's results (审批分离): the page says
    # so instead of offering the upload, and a post anyway is refused.
    page = client.get(reverse("benefits:roll", args=[roll.pk])).content.decode()
    reconcile = reverse("benefits:roll_reconcile", args=[roll.pk])
    assert f'action="{reconcile}"' not in page
    assert "notice separation" in page
    r = client.post(reverse("benefits:roll_reconcile", args=[roll.pk]), {"file": upload},
                    follow=True)
    assert "不同的人" in r.content.decode() or "different people" in r.content.decode()
    line.refresh_from_db()
    assert line.payment_status == "pending"
    upload.seek(0)
    client.force_login(users.federation2)
    client.post(reverse("benefits:roll_reconcile", args=[roll.pk]), {"file": upload})
    line.refresh_from_db()
    assert (line.payment_status, line.failure_reason) == ("failed", "账号错误")
    assert "账号错误" in client.get(reverse("benefits:rolls")).content.decode()


def test_grant_suspend_needs_a_reason_and_the_right_role(client, users, make_person, walk):
    person = make_person()
    grant = Grant.objects.create(person=person, subsidy="nursing", start_month="2025-01-01")
    client.force_login(users.township)
    assert client.post(reverse("benefits:grant_change", args=[grant.pk, "suspend"]),
                       {"month": "2025-03", "reason": "x"}).status_code == 403
    client.force_login(users.federation)
    r = client.post(reverse("benefits:grant_change", args=[grant.pk, "suspend"]),
                    {"month": "2025-03", "reason": ""}, follow=True)
    assert "暂停原因" in r.content.decode()
    grant.refresh_from_db()
    assert grant.status == "active"
    client.post(reverse("benefits:grant_change", args=[grant.pk, "suspend"]),
                {"month": "2025-03", "reason": "待核实"})
    grant.refresh_from_db()
    assert grant.status == "suspended"


def test_other_allowances_are_named_amount_fields_not_typed_codes():
    """Each allowance taken 择高 has its own amount field labelled with its name; staff no
    longer type codes such as "elderly_living 200"."""
    from django.utils import translation

    from canlian.benefits.forms import ApplyForm

    with translation.override("zh-hans"):
        form = ApplyForm({"subsidy": "nursing", "allowance_elderly_care": "100",
                          "allowance_elderly_living": ""})
        assert "老年人护理补贴（元/月）" in str(form["allowance_elderly_care"].label)
        assert form.is_valid(), form.errors
        assert form.declared()["other_allowances"] == {"elderly_care": "100"}
        assert not ApplyForm({"subsidy": "nursing", "allowance_elderly_care": "-1"}).is_valid()
    with translation.override("en"):
        assert ApplyForm()["allowance_elderly_care"].label == "elderly care allowance (yuan a month)"
