"""Facts that used to contradict each other on the subsidy pages (issue 23).

- an approved grant showed "✔ eligible 0.00 yuan/month";
- the to-do said "likely eligible" while its pre-filled application said "not eligible";
- lines of a draft roll said "sent to bank";
- the grant's history showed the stored codes ("start", "facts").
"""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from canlian.benefits import actions, rolls
from canlian.benefits.models import GrantChange, Roll, SubsidyApplication
from canlian.benefits.tests.helpers import grant as make_grant
from canlian.core import clock
from canlian.todos.models import Todo


def test_the_to_do_and_its_prefilled_application_come_from_one_evaluation(make_person, walk):
    person = make_person(name="郑一")
    walk(person, category=4, grade=1)  # severe: nursing likely; ordinary household: no living
    application = SubsidyApplication.objects.get(person=person, state="prefilled")
    assert application.subsidy == "nursing"
    # The facts the to-do assumed are the application's, and so is the verdict.
    assert application.needs_long_term_care and application.hukou_in_region
    assert application.eligible and application.monthly_amount > 0
    assert all(r["passed"] for r in application.reasons)
    assert application.monthly_amount == actions.evaluate(
        person, "nursing", application, application.applied_on).monthly_amount
    todo = Todo.objects.get(person=person, kind="subsidy_prefilled")
    assert "可能符合" in todo.title and "护理补贴" in todo.title
    # No to-do and no application where the one evaluation says no (the living subsidy
    # needs a hardship test an ordinary household does not meet).
    assert not SubsidyApplication.objects.filter(person=person, subsidy="living").exists()
    assert Todo.objects.filter(person=person, kind="subsidy_prefilled").count() == 1


def test_prefill_refuses_an_application_its_evaluation_does_not_admit(make_person, walk):
    person = make_person(name="郑二")
    walk(person, category=4, grade=3)  # grade 3: no nursing subsidy
    assert not SubsidyApplication.objects.filter(person=person).exists()
    assert not Todo.objects.filter(person=person, kind="subsidy_prefilled").exists()
    assert actions.prefill(person, "nursing", declared={"needs_long_term_care": True}) is None


def test_an_approved_application_shows_the_grants_real_amount(client, users, certified):
    person = certified(grade=1)
    grant = make_grant(users, person)
    application = grant.application
    amount = actions.monthly_amount_now(grant)
    assert amount > 0
    # Old data (the demo before this fix) stored no amount with approved applications.
    SubsidyApplication.objects.filter(pk=application.pk).update(monthly_amount=Decimal(0))
    client.force_login(users.federation)
    page = client.get(reverse("benefits:application", args=[application.pk])).content.decode()
    assert ", 0.00 元/月" not in page
    assert f"{amount:,.2f} 元/月" in page and "按现行规则计算的发放金额" in page


def test_the_grant_history_names_its_steps_and_draft_lines_are_not_at_the_bank(
        client, users, certified):
    person = certified(grade=1)
    grant = make_grant(users, person)
    actions.suspend(users.federation, grant.pk, dt.date(2025, 3, 1), "住院")
    actions.resume(users.federation, grant.pk, dt.date(2025, 5, 1), "出院")
    month = clock.today().replace(day=1)
    assert set(GrantChange.objects.values_list("action", flat=True)) == {
        "start", "suspend", "resume"}
    rolls.generate(users.federation.region, month, user=users.federation)
    roll = Roll.objects.get()
    assert roll.status == "draft" and roll.lines.exists()
    client.force_login(users.federation)
    page = client.get(reverse("benefits:grant", args=[grant.pk])).content.decode()
    history = page.split('class="timeline"')[1].split("</ol>")[0]
    for code in ("start", "suspend", "resume"):
        assert f" {code} " not in history
    assert "开始发放" in history and "已暂停" in history and "恢复发放" in history
    assert "已送银行" not in page and "未送银行（花名册为草稿）" in page
    roll_page = client.get(reverse("benefits:roll", args=[roll.pk])).content.decode()
    assert "已送银行" not in roll_page and "未送银行" in roll_page
    # Finalised, its lines are at the bank.
    rolls.finalise(roll, user=users.federation)
    page = client.get(reverse("benefits:grant", args=[grant.pk])).content.decode()
    assert "已送银行" in page and "未送银行" not in page
    # In English the same steps have English names.
    page = client.get(reverse("benefits:grant", args=[grant.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Payment started" in page or "开始发放" in page  # the account's language wins


def test_the_certificate_history_shows_names_not_codes(client, users, make_person, walk):
    person = make_person(name="郑三")
    application = walk(person, category=4, grade=2)
    client.force_login(users.federation)
    page = client.get(reverse("certificates:application", args=[application.pk])).content.decode()
    history = page.split('class="timeline"')[1].split("</ol>")[0]
    assert "assess" not in history and "applied" not in history
    assert "录入评定结果（待评定 → 待镇街审核）" in history
