"""The documented deployment, brought up on loopback: PostgreSQL, PgBouncer, gunicorn,
the worker and the scheduler started from the shipped systemd units (their ``ExecStart``
run as plain processes, with the shipped environment file), behind Debian's nginx with the
shipped site file and a self-signed certificate. A person signs in, searches, downloads a
report, through nginx over TLS; health, metrics, static files and the logs are checked.

Runs on PostgreSQL (the pooler needs it) where nginx and pgbouncer are installed
(``scripts/test`` installs them); on CI a missing one is a failure, elsewhere a skip.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from canlian.core import crypto
from canlian.core.tests import processes

DEPLOY = Path(__file__).resolve().parents[4] / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
PASSWORD = "Stack-test-" + secrets.token_urlsafe(12)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's [Service] keys (each a list of values)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def environment_file(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines()
                if line.strip() and not line.startswith("#"))


@pytest.fixture
def stack(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the deployment runs on PostgreSQL (PgBouncer in front of it)")
    missing = [p for p in (NGINX, PGBOUNCER) if not os.path.exists(p)]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"not installed: {missing} (apt-get install nginx-light pgbouncer)")
        pytest.skip(f"not installed: {missing} (apt-get install nginx-light pgbouncer)")
    shared = processes.SharedDatabase(tmp_path, fresh=True)
    started: list[subprocess.Popen] = []
    outside = Path(tempfile.mkdtemp(prefix="canlian-stack-"))  # readable by pgbouncer's user
    os.chmod(outside, 0o755)  # noqa: S103  pgbouncer runs as postgres and reads its files here
    try:
        yield from _bring_up(tmp_path, outside, shared, started)
    finally:
        for process in reversed(started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(outside, ignore_errors=True)
        shared.drop()


def _bring_up(tmp_path, outside, shared, started):
    bindir = str(Path(sys.executable).parent) + "/"
    ports = {name: free_port() for name in ("web", "bouncer", "http", "https")}
    data, static, logs = tmp_path / "data", tmp_path / "static", tmp_path / "logs"
    for folder in (data, static, logs):
        folder.mkdir()

    # Production keys for the encrypted columns, the same for the seed and the served site.
    keys = {"CANLIAN_FIELD_KEYS": f"stack:{crypto.new_key()}", "CANLIAN_INDEX_KEY": crypto.new_key()}
    shared.env.update(keys)
    seeded = processes.run("seed", "--deployment", "yueqing", "--persons", "300", env=shared.env)
    assert seeded.returncode == 0, seeded.stderr
    changed = processes.run("shell", "-c", "from canlian.accounts.models import User\n"
                            "for u in User.objects.all():\n"
                            f"    u.set_password('{PASSWORD}'); u.save()", env=shared.env)
    assert changed.returncode == 0, changed.stderr

    env_file = environment_file((DEPLOY / "canlian.env").read_text())
    env_file.update({
        "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{ports['https']}", "DATABASE_URL": shared.url,
        "CANLIAN_DATA_DIR": str(data), "CANLIAN_STATIC_ROOT": str(static),
        "CANLIAN_BACKUP_DIR": str(tmp_path / "backups"),
        "CANLIAN_NOTIFIER": "canlian.portal.notifiers.Notifier",
        "CANLIAN_METRICS_TOKEN": "stack-metrics-token", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "CANLIAN_REQUIRE_TOTP": "0",  # the sign-in here is by password; TOTP has its own tests
        "CANLIAN_BIND": f"127.0.0.1:{ports['web']}", "CANLIAN_WEB_WORKERS": "2",
        "CANLIAN_SCHEDULE_WORKER_HEARTBEAT": "*/2 * * * * *", **keys,
    })
    base = {k: v for k, v in processes.environment({}).items()
            if not k.startswith(("CANLIAN_", "DATABASE_URL", "DJANGO_"))}
    env = {**base, **env_file, "PYTHONUNBUFFERED": "1"}
    assert processes.run("collectstatic", "--no-input", "-v0", env=env).returncode == 0

    # PgBouncer, from the shipped file (pgbouncer will not run as root: -u postgres).
    ini = (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text()
    ini = ini.replace("canlian = host=127.0.0.1 port=5432 dbname=canlian",
                      f"{shared.name} = host=127.0.0.1 port=5432 dbname={shared.name}")
    ini = re.sub(r"listen_port = \d+", f"listen_port = {ports['bouncer']}", ini)
    ini = ini.replace("auth_type = scram-sha-256", "auth_type = trust")
    ini = ini.replace("/etc/pgbouncer/userlist.txt", str(outside / "userlist.txt"))
    ini = ini.replace("/var/log/postgresql/pgbouncer.log", str(outside / "pgbouncer.log"))
    ini = ini.replace("/var/run/postgresql/pgbouncer.pid", str(outside / "pgbouncer.pid"))
    (outside / "userlist.txt").write_text('"postgres" ""\n')
    (outside / "pgbouncer.ini").write_text(ini)
    if os.geteuid() == 0:
        shutil.chown(outside, "postgres")
    as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
    started.append(subprocess.Popen([PGBOUNCER, *as_user, str(outside / "pgbouncer.ini")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    processes.wait_until(lambda: _listening(ports["bouncer"]), timeout=30)

    # The units' commands, as plain processes.
    def command(name: str) -> tuple[list[str], dict[str, str]]:
        spec = unit(name)
        extra = dict(v.split("=", 1) for v in spec.get("Environment", []))
        if "DATABASE_URL" in extra:
            extra["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{ports['bouncer']}/{shared.name}"
        argv = (spec["ExecStart"][0].replace("/srv/canlian/venv/bin/", bindir)
                .replace("/etc/canlian/gunicorn.conf.py", str(DEPLOY / "gunicorn.conf.py")).split())
        return argv, {**env, **extra}

    outputs = {}
    for name in ("canlian-web.service", "canlian-worker.service", "canlian-scheduler.service"):
        argv, unit_env = command(name)
        for pre in unit(name).get("ExecStartPre", []):
            check = subprocess.run(pre.replace("/srv/canlian/venv/bin/", bindir).split(), env=unit_env,
                                   capture_output=True, text=True, timeout=120)
            assert check.returncode == 0, check.stdout + check.stderr
        outputs[name] = (logs / f"{name}.log").open("w")
        started.append(subprocess.Popen(argv, env=unit_env, stdout=outputs[name],
                                        stderr=subprocess.STDOUT, cwd=tmp_path))

    # nginx: the shipped site file inside a minimal main configuration.
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(outside / "key.pem"), "-out", str(outside / "cert.pem")],
                   check=True, capture_output=True)
    site = (DEPLOY / "nginx" / "canlian.conf").read_text()
    for old, new in (("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
                     ("server 127.0.0.1:8001", f"server 127.0.0.1:{ports['web']}"),
                     ("/etc/canlian/tls/fullchain.pem", str(outside / "cert.pem")),
                     ("/etc/canlian/tls/privkey.pem", str(outside / "key.pem")),
                     ("/srv/canlian/static/", f"{static}/"),
                     ("/var/log/nginx/", f"{logs}/nginx-")):
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (outside / "site.conf").write_text(site)
    main = f"""daemon off; worker_processes 1; pid {outside}/nginx.pid; error_log {logs}/nginx-main.log;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 256; }}
http {{ include /etc/nginx/mime.types; access_log off;
  client_body_temp_path {outside}/body; proxy_temp_path {outside}/proxy;
  fastcgi_temp_path {outside}/fcgi; uwsgi_temp_path {outside}/uwsgi; scgi_temp_path {outside}/scgi;
  include {outside}/site.conf; }}
"""
    (outside / "nginx.conf").write_text(main)
    tested = subprocess.run([NGINX, "-t", "-c", str(outside / "nginx.conf")], capture_output=True,
                            text=True)
    assert tested.returncode == 0, tested.stderr
    started.append(subprocess.Popen([NGINX, "-c", str(outside / "nginx.conf")]))
    processes.wait_until(lambda: _listening(ports["https"]) and _listening(ports["web"]), timeout=120)
    yield {"ports": ports, "cert": str(outside / "cert.pem"), "logs": logs, "shared": shared,
           "static": static, "data": data}


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.django_db(transaction=True)
def test_the_documented_stack_serves_a_sign_in_a_search_and_a_report_through_nginx(stack):
    import requests

    ports, shared = stack["ports"], stack["shared"]
    site = f"https://127.0.0.1:{ports['https']}"
    web = requests.Session()
    web.verify = stack["cert"]
    web.trust_env = False  # REQUESTS_CA_BUNDLE would replace the self-signed certificate

    login = web.get(f"{site}/accounts/login/", timeout=30)
    assert login.status_code == 200, login.text[:500]
    assert login.headers["Strict-Transport-Security"].startswith("max-age=")
    signed_in = web.post(f"{site}/accounts/login/", timeout=30,
                         headers={"Referer": f"{site}/accounts/login/"},
                         data={"username": "federation", "password": PASSWORD,
                               "csrfmiddlewaretoken": web.cookies["csrftoken"]})
    assert signed_in.status_code == 200 and "/accounts/login/" not in signed_in.url, signed_in.text[:800]

    name = shared.rows("SELECT name FROM people_person ORDER BY id LIMIT 1")[0][0]
    # The ID is encrypted at rest: read it in clear through the application, with its keys.
    shown = processes.run("shell", "-c", "from canlian.people.models import Person\n"
                          "print(Person.objects.order_by('id').first().resident_id)",
                          env=shared.env)
    rid = shown.stdout.strip().splitlines()[-1]  # after the shell's own line
    assert shown.returncode == 0 and len(rid) == 18, shown.stderr
    # The search is POSTed and kept in the session; the redirect shows ?s=<token> only.
    found = web.post(f"{site}/people/", data={"q": name,
                                               "csrfmiddlewaretoken": web.cookies["csrftoken"]},
                     headers={"Referer": f"{site}/people/"}, timeout=30)
    assert "?s=" in found.url and name not in found.url
    assert found.status_code == 200 and name in found.text
    request_id = found.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, kept by Canlian

    report = web.get(f"{site}/indicators/yueqing-14th/report/midterm.xlsx", params={"year": 2023},
                     timeout=120)
    assert report.status_code == 200, report.text[:500]
    assert report.content[:2] == b"PK" and "attachment" in report.headers["Content-Disposition"]

    static = web.get(f"{site}/static/canlian/jobs.js", timeout=30)
    assert static.status_code == 200 and "public" in static.headers["Cache-Control"]
    assert "X-Request-ID" not in static.headers  # nginx answered, not gunicorn
    assert web.get(f"{site}/media/", timeout=30).status_code == 404

    plain = requests.get(f"http://127.0.0.1:{ports['http']}/people/", allow_redirects=False, timeout=30)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    health = requests.get(f"http://127.0.0.1:{ports['http']}/healthz", timeout=30)
    assert health.status_code == 200 and health.json()["checks"]["database"]["status"] == "ok"

    def strict_ok():  # the scheduler queues the worker's heartbeat; the worker runs it
        return web.get(f"{site}/healthz", params={"strict": 1}, timeout=30).status_code == 200
    processes.wait_until(strict_ok, timeout=120, every=1)

    assert web.get(f"{site}/metrics", timeout=30).status_code == 401
    metrics = web.get(f"{site}/metrics", headers={"Authorization": "Bearer stack-metrics-token"},
                      timeout=30)
    assert metrics.status_code == 200
    assert 'view="people:list"' in metrics.text and "canlian_queue_depth" in metrics.text

    time.sleep(1)  # let the processes flush their last lines
    logs = {p.name: p.read_text(errors="replace") for p in stack["logs"].iterdir()}
    web_log = logs["canlian-web.service.log"]
    assert f'"request_id": "{request_id}"' in web_log  # gunicorn's access line and Canlian's
    assert logs["nginx-canlian.access.log"].count(request_id) == 1
    from urllib.parse import quote

    for file, text in logs.items():
        for secret in (rid, name, quote(name)):
            assert secret not in text, f"{file} holds personal data"
