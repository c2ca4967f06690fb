"""gunicorn's settings for Canlian (docs/deploy.md): ``gunicorn -c /etc/canlian/gunicorn.conf.py
canlian.wsgi``. nginx in front terminates TLS and serves static files."""

import os

bind = os.environ.get("CANLIAN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("CANLIAN_WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
timeout = 30  # a web statement stops at 30 s first (CANLIAN_WEB_STATEMENT_TIMEOUT)
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
forwarded_allow_ips = "127.0.0.1"
logger_class = "canlian.core.logmask.GunicornLogger"  # resident IDs masked in access lines
accesslog = "-"
errorlog = "-"
# One JSON object a line, with nginx's request id; the path is masked by the logger class.
access_log_format = ('{"time": "%(t)s", "logger": "gunicorn.access", "request_id": '
                     '"%({x-request-id}i)s", "method": "%(m)s", "path": "%(U)s", '
                     '"status": %(s)s, "bytes": %(B)s, "duration_ms": %(M)s}')


def on_starting(server):  # type: ignore[no-untyped-def]
    """Prometheus' multi-process folder is emptied at each start (prometheus-client)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.unlink(os.path.join(folder, name))


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
