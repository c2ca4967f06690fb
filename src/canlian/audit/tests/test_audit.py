"""The audit log is append-only and filterable."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from canlian.audit.actions import record
from canlian.audit.models import AppendOnlyError, AuditEvent


def test_events_cannot_be_changed_or_deleted(users):
    event = record(user=users.federation, action="view", summary="x")
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_database_refuses_updates_even_by_raw_sql(users):
    event = record(user=users.federation, action="view", summary="original")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s",
                       [event.pk])
    event.refresh_from_db()
    assert event.summary == "original"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_querysets_cannot_delete_or_update_the_log(users):
    """Issue #22: on SQLite ``QuerySet.delete()`` emptied the log."""
    record(user=users.federation, action="view", summary="x")
    with pytest.raises((AppendOnlyError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises((AppendOnlyError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.all().update(summary="y")
    assert AuditEvent.objects.count() == 1


def test_the_log_cannot_be_truncated(users):
    """Issue #22: TRUNCATE passed PostgreSQL's row triggers (SQLite has no TRUNCATE; its
    ``DELETE FROM`` without WHERE is refused by the trigger above)."""
    record(user=users.federation, action="view", summary="x")
    statement = ("TRUNCATE audit_auditevent" if connection.vendor == "postgresql"
                 else "DELETE FROM audit_auditevent")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 1


def test_audit_page_filters_by_user_action_and_person(client, users, regions, make_person):
    person = make_person(regions.v1a)
    record(user=users.township, action="view", person=person, obj=person, summary="看过")
    record(user=users.village, action="update", person=person, obj=person, summary="改过")
    client.force_login(users.federation)
    page = client.get(reverse("audit:list"), {"user": "town1"}).context["page"]
    assert [e.summary for e in page.object_list] == ["看过"]
    page = client.get(reverse("audit:list"), {"action": "update"}).context["page"]
    assert [e.summary for e in page.object_list] == ["改过"]
    page = client.get(reverse("audit:list"), {"person": person.pk}).context["page"]
    assert len(page.object_list) == 2


def test_township_events_are_not_shown_outside_region(client, users, regions, make_person):
    person = make_person(regions.v2a)
    record(user=users.township2, action="view", person=person, obj=person, summary="柳市")
    # an auditor bound to township 1's region would not see it; the county auditor does
    client.force_login(users.auditor)
    assert client.get(reverse("audit:list")).context["page"].paginator.count == 1


def test_audit_rows_name_the_person_and_the_kind_of_record(client, users, regions, make_person):
    """A row reads "王芳 330382********1234", not "person 15377"; the IP column is headed
    as an IP address; the kind of record is a word of the page's language, not a code."""
    person = make_person(regions.v1a, name="王芳")
    record(user=users.township, action="view", person=person, obj=person, summary="看过")
    record(user=users.township, action="view", object_type="page", summary="查看页面 /people/")
    client.force_login(users.federation)
    html = client.get(reverse("audit:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"王芳 {person.masked_id}" in html
    assert f"person {person.pk}" not in html and ">page<" not in html
    assert "IP 地址" in html and "页面" in html
