"""The roster import from the command line: progress, summary, error workbook beside the file."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from canlian.conftest import new_resident_id
from canlian.people.models import Person
from canlian.people.tests.test_roster import workbook


def test_import_command_writes_the_error_workbook(tmp_path, users, regions):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook(
        [["甲", new_resident_id(), "", "", "", regions.v1a.code, "", "", "", "", ""],
         ["乙", "123", "", "", "", regions.v1a.code, "", "", "", "", ""]]))
    out = io.StringIO()
    call_command("import", "persons", str(path), "--as", "town1", stdout=out, stderr=io.StringIO())
    assert "1 new" in out.getvalue()
    assert "1 rejected" in out.getvalue()
    assert Person.objects.filter(name="甲").exists()
    errors = load_workbook(tmp_path / "roster.errors.xlsx").active
    assert list(errors.iter_rows(values_only=True))[1][:2] == (3, "公民身份号码")


def test_import_command_refuses_roles_without_import(tmp_path, users):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook([]))
    with pytest.raises(CommandError, match="may not import"):
        call_command("import", "persons", str(path), "--as", "aud", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no user"):
        call_command("import", "persons", str(path), "--as", "nobody")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "persons", str(tmp_path / "missing.xlsx"), "--as", "town1")
