"""The 500 and 503 pages: Chinese first (English through i18n), rendered without the
database, with the site's look and headers; and the ``canlian`` command's one-line
database errors."""

import pytest
from django.db import connection
from django.test import Client

from canlian.core import startup
from canlian.core.tests import processes

ERRORS = pytest.mark.urls("canlian.core.tests.error_urls")


def _client() -> Client:
    return Client(raise_request_exception=False)


@ERRORS
def test_a_bug_shows_the_chinese_500_page():
    response = _client().get("/test-errors/bug/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "系统出错了" in html and "Server Error" not in html
    assert "/static/canlian/site.css" in html
    assert "Content-Security-Policy" in response.headers


@ERRORS
@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "数据库暂时无法连接"),
                                                   ("en", "The database cannot be reached")])
def test_a_lost_database_shows_the_503_page(language, heading):
    client = _client()
    client.cookies["django_language"] = language
    response = client.get("/test-errors/database/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.fixture
def database_down(django_db_blocker):
    """The real database made unreachable (a closed port; a file in no directory): the
    open connection is set aside (an in-memory SQLite database lives only as long as it),
    so the next query connects anew, and fails."""
    with django_db_blocker.unblock():
        saved, handle = dict(connection.settings_dict), connection.connection
        connection.connection = None
        if connection.vendor == "postgresql":
            connection.settings_dict.update(HOST="127.0.0.1", PORT=1)
        else:
            connection.settings_dict["NAME"] = "/nonexistent/canlian.sqlite3"
        try:
            yield
        finally:
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
            connection.connection = handle


def test_pages_answer_503_while_the_database_is_down(database_down):
    client = _client()
    client.cookies["sessionid"] = "x" * 32  # a signed-in user: reading the session needs it
    response = client.get("/people/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "数据库暂时无法连接" in html and '<html lang="zh-Hans">' in html
    assert "Content-Security-Policy" in response.headers


def test_the_command_prints_one_line_when_the_database_is_unreachable(tmp_path):
    url = ("postgres://postgres@127.0.0.1:1/canlian" if connection.vendor == "postgresql"
           else "sqlite:////nonexistent/canlian.sqlite3")
    env = processes.environment({"DATABASE_URL": url})
    result = processes.run("migrate", env=env, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("canlian migrate: cannot reach the database")
    assert len(result.stderr.strip().splitlines()) == 2  # the error, and --traceback for more


def test_describe_names_other_database_errors_in_one_line():
    from django.db import IntegrityError

    line = startup.describe(IntegrityError('duplicate key value violates unique constraint "x"\n'
                                           "DETAIL: Key (id)=(1) already exists."))
    assert line == ('database error (IntegrityError): duplicate key value violates '
                    'unique constraint "x"')
