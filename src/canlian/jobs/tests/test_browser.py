"""A job's page in a real browser: the progress moves while the job runs (polled by
jobs.js, no inline script), the page shows the result when the job ends, and it passes
axe-core; the 500 and 503 pages pass axe-core too."""

import pytest
from django.utils import timezone

from canlian.conftest import PASSWORD
from canlian.core import browser
from canlian.jobs import runner, storage
from canlian.jobs.models import Job, JobState

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(browser.at_start_page)


def test_the_job_page_follows_the_job_to_its_result(live_server, users):
    job = Job.objects.create(kind="people.roster_import", owner=users.township,
                             region_code=users.township.region.code, state=JobState.RUNNING,
                             params={"filename": "花名册.xlsx"})
    context = runner.Context(job)
    context.progress(100, total=400)
    with browser.page(live_server.url) as page:
        _sign_in(page, "town1")
        page.goto(f"/jobs/{job.pk}/")
        assert page.locator("#job-progress").get_attribute("value") == "25"
        if browser.axe_available():
            assert browser.axe_violations(page) == []
        context._written = 0  # write the next report at once
        context.progress(300, total=400)
        page.wait_for_function("document.getElementById('job-progress').value === 75")
        assert page.locator("#job-count").inner_text() == "300 / 400"

        (storage.folder(job) / "result.xlsx").write_bytes(b"PK\x03\x04")
        Job.objects.filter(pk=job.pk).update(
            state=JobState.SUCCEEDED, finished_at=timezone.now(), done=400, total=400,
            result={"rows": 400, "created": 399, "updated": 0, "unchanged": 0, "rejected": 1},
            result_file="result.xlsx", result_name="导入错误-1.xlsx")
        page.get_by_role("link", name="下载 导入错误-1.xlsx").wait_for()
        assert page.locator("#job-state").inner_text() == "已完成"
        if browser.axe_available():
            assert browser.axe_violations(page) == []


@pytest.mark.urls("canlian.core.tests.error_urls")
@pytest.mark.skipif(not browser.axe_available(), reason="axe-core (npm) is not installed")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_error_pages_pass_axe(live_server, language):
    with browser.page(live_server.url) as page:
        page.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])
        for url, status in (("/test-errors/bug/", 500), ("/test-errors/database/", 503)):
            response = page.goto(url)
            assert response.status == status
            assert page.locator("link[rel=stylesheet]").count() == 1
            assert browser.axe_violations(page) == [], url
