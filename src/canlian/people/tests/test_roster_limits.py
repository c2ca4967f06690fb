"""A roster cannot exhaust the server (zip bombs, endless rows, oversized requests), and
text with control characters is refused row by row (issue #22)."""

import io
import zipfile

import pytest
from django.urls import reverse

from canlian.conftest import new_resident_id
from canlian.core import sheets
from canlian.people import roster
from canlian.people.models import Person

from .test_roster import HEADER, workbook


def _inflated(rows: int, filler: int = 0) -> bytes:
    """A valid workbook whose sheet is rewritten with ``rows`` rows (and ``filler`` bytes of
    one long, highly compressible cell): small on disk, large once unpacked."""
    base = io.BytesIO(workbook([]))
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>甲</t></is></c></row>'
                               for i in range(2, rows + 2))
                if filler:
                    body += (f'<row r="{rows + 2}"><c r="A{rows + 2}" t="inlineStr"><is><t>'
                             + "x" * filler + "</t></is></c></row>")
                head, tail = data.decode().split("<sheetData>")[0], "</sheetData></worksheet>"
                data = f"{head}<sheetData>{body}{tail}".encode()
            dst.writestr(item, data)
    return out.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(sheets, "CalamineWorkbook", type("X", (), {"from_filelike": refuse,
                                                                   "from_path": refuse}))


def test_too_many_rows_are_refused_before_parsing(users, settings, no_parsing):
    settings.CANLIAN_MAX_ROSTER_ROWS = 1000
    with pytest.raises(roster.RosterError, match="1,000"):
        roster.import_persons(users.township, io.BytesIO(_inflated(1500)))


def test_a_zip_bomb_is_refused_before_parsing(users, settings, no_parsing):
    settings.CANLIAN_MAX_ROSTER_UNCOMPRESSED = 2 * 1024 * 1024
    bomb = _inflated(1, filler=20 * 1024 * 1024)
    assert len(bomb) < 200 * 1024
    with pytest.raises(roster.RosterError, match="MB"):
        roster.import_persons(users.township, io.BytesIO(bomb))


def test_the_upload_page_says_why(client, users, settings):
    settings.CANLIAN_MAX_ROSTER_UNCOMPRESSED = 2 * 1024 * 1024
    upload = io.BytesIO(_inflated(1, filler=20 * 1024 * 1024))
    upload.name = "roster.xlsx"
    client.force_login(users.township)
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 400
    assert "MB" in response.content.decode()


def test_requests_over_the_cap_are_refused_before_reading(client, users, settings):
    settings.CANLIAN_MAX_ROSTER_BYTES = 1024
    client.force_login(users.township)
    upload = io.BytesIO(b"PK\x03\x04" + b"0" * 4096)
    upload.name = "roster.xlsx"
    assert client.post(reverse("people:import"), {"file": upload}).status_code == 413
    settings.CANLIAN_MAX_REQUEST_BYTES = 1024
    assert client.post(reverse("people:create"), {"name": "x" * 4096}).status_code == 413


def test_control_characters_are_refused_row_by_row(users, regions):
    good = new_resident_id()
    rows = [["张\u200b三", new_resident_id(), "", "", "", regions.v1a.code, "", "", "", "", ""],
            ["李四", new_resident_id(), "", "", "东山\u202e1号", regions.v1a.code, "", "", "",
             "", ""],
            ["王五", good, "", "", "", regions.v1a.code, "", "", "", "", ""]]
    result = roster.import_persons(users.township, io.BytesIO(workbook(rows, HEADER)))
    assert result.created == 1 and Person.objects.get().resident_id == good
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名"), (3, "住址")]
    assert "U+200B" in result.errors[0].reason
    assert "\u200b" not in result.errors[0].values["name"]
