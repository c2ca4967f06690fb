"""The jobs pages in the authorization matrix (core/tests/test_authorization_matrix.py): a
roster-import job in each place of the test world, started by that place's township."""

from pathlib import Path

from canlian.jobs import storage
from canlian.jobs.models import Job

IMPORTERS = {"federation": 200, "township": 200, "village": 404, "assessor": 404,
             "auditor": 404, "employer": 403, "citizen": 403, "anonymous": "login"}

MATRIX = {
    "jobs:list": (None, "get", {"federation": 200, "township": 200, "village": 200,
                                "assessor": 200, "auditor": 200, "employer": 403,
                                "citizen": 403, "anonymous": "login"}),
    "jobs:detail": ("job", "get", IMPORTERS),
    "jobs:status": ("job", "get", IMPORTERS),
    "jobs:result": ("job", "get", IMPORTERS),
}


def objects(users, person, village) -> dict:
    township = village.parent
    owner = users.township if township == users.township.region else None
    job = Job.objects.create(kind="people.roster_import", owner=owner, region_code=township.code,
                             state="succeeded", result_file="result.xlsx",
                             result_name="导入错误.xlsx")
    folder: Path = storage.folder(job, create=True)
    (folder / "result.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return {"job": job}
