"""The lifecycle walked through the staff pages, as the demo logins would."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.certificates.models import Application, Certificate
from canlian.certificates.tests.walk import noticed
from canlian.certificates.workflow import Kind
from canlian.core import clock


def post(client, user, url, data=None, **extra):
    client.force_login(user)
    return client.post(url, data or {}, **extra)


def test_walk_the_whole_lifecycle_in_the_ui(client, users, make_person):
    person = make_person(name="赵一")
    r = post(client, users.township, reverse("certificates:apply", args=[person.pk]),
             {"kind": "new", "reason": "首次申请"})
    application = Application.objects.get(person=person)
    assert r["Location"] == reverse("certificates:application", args=[application.pk])

    client.force_login(users.assessor)
    queue = client.get(reverse("certificates:queue")).content.decode()
    assert "赵一" in queue
    r = client.post(reverse("certificates:assess", args=[application.pk]), {
        "hospital": "乐清市人民医院", "assessed_on": clock.today().isoformat(),
        "category": 6, "grade": 2, "components": "", "findings": "精神分裂症"})
    assert r.status_code == 302

    client.force_login(users.township)
    assert "赵一" in client.get(reverse("certificates:queue")).content.decode()
    post(client, users.township, reverse("certificates:act", args=[application.pk, "review"]),
         {"note": "材料齐全"})
    noticed(users.township, application)
    post(client, users.federation, reverse("certificates:act", args=[application.pk, "approve"]))
    r = post(client, users.federation, reverse("certificates:act", args=[application.pk, "issue"]))
    certificate = Certificate.objects.get(person=person)
    assert r["Location"] == reverse("certificates:card", args=[certificate.pk])
    card = client.get(r["Location"]).content.decode()
    assert certificate.number in card
    assert "<svg" in card
    assert "/verify/" in card
    actions = list(AuditEvent.objects.filter(person_id=person.pk).order_by("id").values_list(
        "action", flat=True))
    # the five steps with the public notice after the review, the "1+X" offers the issue
    # opened (programme engine), the card's view
    assert actions == ["create", "transition", "transition", "update", "transition",
                       "transition", "create", "view"]


def test_illegal_step_in_the_ui_shows_a_message(client, users, make_person):
    person = make_person()
    post(client, users.township, reverse("certificates:apply", args=[person.pk]), {"kind": "new"})
    application = Application.objects.get(person=person)
    r = post(client, users.federation,
             reverse("certificates:act", args=[application.pk, "approve"]), follow=True)
    assert "不能执行" in r.content.decode()
    application.refresh_from_db()
    assert application.state == "applied"


def test_applications_of_another_township_are_404(client, users, make_person, regions):
    person = make_person(regions.v2a)
    post(client, users.township2, reverse("certificates:apply", args=[person.pk]), {"kind": "new"})
    application = Application.objects.get(person=person)
    client.force_login(users.township)
    assert client.get(reverse("certificates:application", args=[application.pk])).status_code == 404
    r = client.post(reverse("certificates:act", args=[application.pk, "reject"]), {"note": "x"})
    assert r.status_code == 404
    assert client.get(reverse("certificates:apply", args=[person.pk])).status_code == 404
    application.refresh_from_db()
    assert application.state == "applied"


def test_attachment_type_and_size_are_checked(client, users, make_person):
    person = make_person()
    post(client, users.township, reverse("certificates:apply", args=[person.pk]), {"kind": "new"})
    application = Application.objects.get(person=person)
    fake = io.BytesIO(b"MZ\x90 an executable")
    fake.name = "scan.pdf"
    r = post(client, users.township,
             reverse("certificates:act", args=[application.pk, "reject"]),
             {"note": "材料不全", "attachment": fake}, follow=True)
    assert "PDF、PNG 或 JPEG" in r.content.decode() or "PDF, PNG or JPEG" in r.content.decode()
    application.refresh_from_db()
    assert application.state == "applied"
    pdf = io.BytesIO(b"%PDF-1.4 minimal")
    pdf.name = "scan.pdf"
    post(client, users.township, reverse("certificates:act", args=[application.pk, "reject"]),
         {"note": "材料不全", "attachment": pdf})
    application.refresh_from_db()
    assert application.state == "rejected"
    assert application.steps.last().attachment.name.endswith(".pdf")


def test_queue_marks_overdue_applications(client, users, make_person):
    person = make_person(name="钱二")
    post(client, users.township, reverse("certificates:apply", args=[person.pk]), {"kind": "new"})
    Application.objects.filter(person=person).update(due=clock.today() - dt.timedelta(days=1))
    client.force_login(users.assessor)
    page = client.get(reverse("certificates:queue")).content.decode()
    assert "逾期" in page or "Overdue" in page


@pytest.mark.parametrize("role", ["employer", "citizen"])
def test_queue_is_not_for_portal_roles(client, users, role):
    client.force_login(getattr(users, role))
    assert client.get(reverse("certificates:queue")).status_code == 403


def test_transfer_out_of_region_then_invisible(client, users, make_person, walk, regions):
    person = make_person(regions.v1a)
    walk(person)
    post(client, users.federation, reverse("certificates:apply", args=[person.pk]),
         {"kind": "transfer", "target_village": regions.v2a.code})
    application = Application.objects.get(person=person, kind=Kind.TRANSFER)
    post(client, users.township, reverse("certificates:act", args=[application.pk, "review"]))
    for step in ("approve", "issue"):
        post(client, users.federation, reverse("certificates:act", args=[application.pk, step]))
    client.force_login(users.township)
    refused = client.get(reverse("people:detail", args=[person.pk]))  # now outside the area
    assert refused.status_code == 403 and "不在您的辖区" in refused.content.decode()
    client.force_login(users.township2)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200


def test_expiring_page_and_command(client, users, make_person, walk):
    person = make_person(name="孙三")
    walk(person)
    Certificate.objects.filter(person=person).update(
        valid_until=clock.today() + dt.timedelta(days=40))
    client.force_login(users.township)
    assert "孙三" in client.get(reverse("certificates:expiring"), {"within": 60}).content.decode()
    assert "孙三" not in client.get(reverse("certificates:expiring"),
                                   {"within": 30}).content.decode()
    out = io.StringIO()
    call_command("certificates", "expiring", "--within", "90d", stdout=out)
    assert "孙三" in out.getvalue()
    assert "1 certificate(s) expire within 90 days" in out.getvalue()
    Certificate.objects.filter(person=person).update(valid_until=dt.date(2020, 1, 1))
    out = io.StringIO()
    call_command("certificates", "expire", stdout=out)
    assert "1 certificate(s) marked expired" in out.getvalue()


def test_todo_done(client, users, make_person, walk):
    person = make_person()
    walk(person)
    todo = person.todos.get(kind="check_eligibility")
    client.force_login(users.township2)  # other township: cannot close it
    assert client.post(reverse("certificates:todo_done", args=[todo.pk])).status_code == 404
    client.force_login(users.township)
    # nothing was applied for since the certificate: closing it needs a reason
    client.post(reverse("certificates:todo_done", args=[todo.pk]))
    todo.refresh_from_db()
    assert todo.done_at is None
    client.post(reverse("certificates:todo_done", args=[todo.pk]), {"note": "本人不符合条件"})
    todo.refresh_from_db()
    assert todo.done_at is not None and todo.done_note == "本人不符合条件"
    assert todo.done_by == users.township


def test_the_history_names_each_step_and_state_in_words(client, users, make_person):
    person = make_person(name="钱二")
    post(client, users.township, reverse("certificates:apply", args=[person.pk]),
         {"kind": "new", "reason": "首次申请"})
    application = Application.objects.get(person=person)
    client.force_login(users.assessor)
    client.post(reverse("certificates:assess", args=[application.pk]), {
        "hospital": "乐清市人民医院", "assessed_on": clock.today().isoformat(),
        "category": 6, "grade": 2, "components": "", "findings": "精神分裂症"})
    client.force_login(users.township)
    page = client.get(reverse("certificates:application", args=[application.pk])).content.decode()
    assert "提交申请（待评定）" in page
    assert "录入评定结果（待评定 → 待镇街审核）" in page
    assert "· apply" not in page and "assess (" not in page
