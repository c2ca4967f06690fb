"""The dashboard's report buttons run the evaluation report as a background job (issue 23):
the job page follows it and offers the file when done; a region outside the account's area
is refused."""

from django.urls import reverse

from canlian.jobs.models import Job, JobState

YEAR = 2024


def test_the_excel_report_runs_as_a_job_and_is_downloaded_from_the_job_page(client, users):
    client.force_login(users.federation)
    dashboard = client.get(reverse("indicators:plan", args=["yueqing-14th"]), {"year": YEAR})
    assert 'method="post" action="/indicators/yueqing-14th/report/final.xlsx' in (
        dashboard.content.decode())
    url = reverse("indicators:report", args=["yueqing-14th", "final", "xlsx"])
    response = client.post(f"{url}?year={YEAR}")
    job = Job.objects.get(kind="indicators.report")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail",
                                                                           args=[job.pk])
    assert job.state == JobState.SUCCEEDED, job.error if hasattr(job, "error") else job
    assert job.result_name == f"yueqing-14th-{YEAR}-final.xlsx"
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:result", args=[job.pk]) in page
    download = client.get(reverse("jobs:result", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # an .xlsx (zip) file


def test_a_township_cannot_make_the_report_of_another_township(client, users, regions):
    client.force_login(users.township)
    url = reverse("indicators:report", args=["yueqing-14th", "final", "xlsx"])
    assert client.post(f"{url}?year={YEAR}&region={regions.t2.code}").status_code == 404
    assert not Job.objects.filter(kind="indicators.report").exists()
