"""The Kannel notifier against a real HTTP server on loopback that speaks Kannel's sendsms:
retries a temporary failure, never a refused request, logs every message with its digits
masked, and takes the delivery report back."""

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from canlian.exchange.models import SmsDelivery
from canlian.exchange.sms import KannelNotifier, SmsError


class Gateway:
    """A loopback Kannel: answers each request with the next scripted (status, body)."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                gateway.requests.append(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))
                status, body = gateway.script.pop(0) if gateway.script else (202, "0: Accepted for delivery")
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/sendsms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    made = []

    def start(*script):
        g = Gateway(script)
        made.append(g)
        settings.CANLIAN_SMS_URL = g.url
        settings.CANLIAN_SMS_USERNAME = "canlian"
        settings.CANLIAN_SMS_PASSWORD = "s3cret"
        settings.CANLIAN_SMS_FROM = "10690001"
        settings.CANLIAN_SMS_BACKOFF = 0.01
        settings.CANLIAN_SMS_REPORT_BASE = "https://canlian.example.gov.cn"
        return g

    yield start
    for g in made:
        g.close()


def test_a_temporary_failure_is_retried_and_the_message_logged(db, gateway, client):
    g = gateway((503, "3: Temporal failure, try again later"))
    KannelNotifier().send("13812345678", "【残联】您的登录验证码是 482913，5分钟内有效。")
    assert len(g.requests) == 2
    sent = g.requests[-1]
    assert sent["to"] == ["13812345678"] and sent["username"] == ["canlian"]
    assert sent["text"] == ["【残联】您的登录验证码是 482913，5分钟内有效。"]
    assert (sent["coding"], sent["charset"], sent["from"]) == (["2"], ["UTF-8"], ["10690001"])
    log = SmsDelivery.objects.get()
    assert (log.state, log.attempts, log.gateway_status, log.phone) == (
        "sent", 2, 202, "138****5678")
    assert "482913" not in log.text and "****" in log.text
    report = sent["dlr-url"][0]
    assert report.startswith("https://canlian.example.gov.cn/exchange/sms/report/")
    path = urllib.parse.urlsplit(report).path
    assert client.get(path, {"status": "1"}).status_code == 200
    log.refresh_from_db()
    assert (log.state, log.report_code) == ("delivered", 1)
    assert client.get(reverse("exchange:sms_report", args=["0" * 32]),
                      {"status": "1"}).status_code == 404
    assert client.get(path, {"status": "x"}).status_code == 400


def test_a_refused_request_is_not_retried(db, gateway):
    g = gateway((403, "Authorization failed for sendsms"))
    with pytest.raises(SmsError, match="403"):
        KannelNotifier().send("13812345678", "测试")
    assert len(g.requests) == 1
    log = SmsDelivery.objects.get()
    assert (log.state, log.attempts) == ("failed", 1)


def test_an_unreachable_gateway_fails_after_every_attempt(db, gateway, settings):
    g = gateway()
    g.close()  # nobody listens on the port any more
    with pytest.raises(SmsError, match="no connection"):
        KannelNotifier().send("13812345678", "测试")
    assert SmsDelivery.objects.get().attempts == settings.CANLIAN_SMS_ATTEMPTS


def test_the_portal_sends_its_sign_in_code_through_the_gateway(db, gateway, settings, make_person):
    """The portal's one-time code goes out through the configured notifier."""
    from canlian.portal import actions as portal

    g = gateway()
    settings.CANLIAN_NOTIFIER = "canlian.exchange.sms.KannelNotifier"
    person = make_person(phone="13900001111")
    portal.request_code(person.resident_id)
    assert g.requests[0]["to"] == ["13900001111"]
    assert "验证码" in g.requests[0]["text"][0]
    assert SmsDelivery.objects.get().state == "sent"
