"""Export of the filtered person list to .xlsx, audited per person."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from canlian.audit.models import AuditEvent


def rows_of(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_export_follows_filters_masks_ids_and_audits(client, users, regions, make_person):
    a = make_person(regions.v1a, name="甲", household_type="dibao")
    make_person(regions.v1b, name="乙")
    client.force_login(users.federation)
    response = client.get(reverse("people:export"), {"village": regions.v1a.code})
    rows = rows_of(response)
    assert rows[0][:3] == ("档案号", "姓名", "公民身份号码")
    assert len(rows) == 2
    assert rows[1][1] == "甲" and rows[1][2] == a.masked_id
    assert rows[1][6:8] == ("乐成街道", "东山社区")
    events = AuditEvent.objects.filter(action="export")
    assert [e.person_id for e in events] == [a.pk]


def test_federation_may_export_full_ids_township_may_not(client, users, regions, make_person):
    a = make_person(regions.v1a, name="甲")
    client.force_login(users.federation)
    assert rows_of(client.get(reverse("people:export"), {"full_ids": "1"}))[1][2] == a.resident_id
    client.force_login(users.township)
    assert rows_of(client.get(reverse("people:export"), {"full_ids": "1"}))[1][2] == a.masked_id
