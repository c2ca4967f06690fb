"""The roll and its bank file run as background jobs (issue 23): the roll pages start them,
the job page shows the progress and links the roll or offers the file; the same rules as
the pages (rolls are the federation's; only a finalised roll has a bank file)."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from canlian.audit.models import AuditEvent
from canlian.benefits import rolls
from canlian.benefits.models import Roll
from canlian.benefits.tests.helpers import grant as make_grant
from canlian.core import clock
from canlian.jobs import actions as jobs
from canlian.jobs.models import Job, JobState


def test_the_bank_file_is_written_by_a_job_and_downloaded_from_its_page(client, users,
                                                                        certified):
    person = certified(grade=1, name="钱一")
    make_grant(users, person)
    month = clock.today().replace(day=1)
    roll = rolls.generate(users.federation.region, month, user=users.federation).roll
    client.force_login(users.federation)
    url = reverse("benefits:roll_bank_file", args=[roll.pk])
    # A draft roll has no bank file, as a job either.
    assert client.post(url).status_code == 404
    assert not Job.objects.exists()
    rolls.finalise(roll, user=users.federation)
    page = client.get(reverse("benefits:roll", args=[roll.pk])).content.decode()
    assert f'method="post" action="{url}"' in page
    before = AuditEvent.objects.filter(action="export").count()
    response = client.post(url)
    job = Job.objects.get(kind="benefits.bank_file")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.done == job.total == roll.line_count
    assert job.result_name == f"发放文件-{month:%Y-%m}-1.xlsx"
    assert AuditEvent.objects.filter(action="export").count() > before
    assert reverse("jobs:result", args=[job.pk]) in client.get(
        response["Location"]).content.decode()
    download = client.get(reverse("jobs:result", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
                .iter_rows(values_only=True))
    assert rows[1][1] == "钱一"
    # The auditor may read it too; a township may not start it.
    client.force_login(users.township)
    assert client.post(url).status_code == 403
    assert Job.objects.count() == 1


@translation.override("zh-hans")
def test_a_roll_job_outside_the_federation_fails_with_a_reason(users):
    job = jobs.start(users.federation, "benefits.bank_file", params={"roll": 999999})
    assert job.state == JobState.FAILED and "辖区" in job.error
    with pytest.raises(PermissionDenied):  # checked before the job is recorded
        jobs.start(users.township, "benefits.roll", params={"month": "2025-01-01"})
    assert not Job.objects.filter(kind="benefits.roll").exists()
    bad = jobs.start(users.federation, "benefits.roll", params={"month": "soon"})
    assert bad.state == JobState.FAILED and "月份" in bad.error
    assert not Roll.objects.exists()
