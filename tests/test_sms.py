"""The SMS gateway abstraction: outbox, console and signed HTTP backends, retries."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import SmsMessage
from cases.notices import sms
from cases.tasks import SCHEDULES, retry_sms

PHONE = "+8613800138000"
NUMBER = "110105-2026-00001"
SECRET = "gateway-shared-secret"
T0 = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)


class Gateway:
    """A stand-in SMS gateway on 127.0.0.1 that checks signatures and can be told to fail."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.received = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = sms.verify_signature(
                    body, self.headers.get("X-Timestamp"), self.headers.get("X-Signature"), SECRET
                )
                gateway.received.append({"body": json.loads(body), "valid": valid})
                status = gateway.answers.pop(0) if gateway.answers else 200
                if not valid:
                    status = 401
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_gateway(settings):
    def start(*answers):
        gateway = Gateway(answers)
        settings.SMS_BACKEND = "http"
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_GATEWAY_SECRET = SECRET
        return gateway

    return start


@pytest.mark.django_db
def test_outbox_backend_marks_the_message_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = sms.send_sms(PHONE, "case_accepted", {"number": NUMBER})
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT
    assert message.attempts == 1
    assert NUMBER in message.body
    assert message.body.endswith("【驿站法援】")


@pytest.mark.django_db
def test_nothing_is_handed_to_the_backend_before_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = sms.send_sms(PHONE, "status_code", {"code": "123456"})
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.QUEUED
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_the_same_dedupe_key_queues_one_message():
    first = sms.send_sms(PHONE, "case_accepted", {"number": "110105-2026-00001"}, dedupe_key="k1")
    second = sms.send_sms(PHONE, "case_accepted", {"number": "110105-2026-00001"}, dedupe_key="k1")
    assert first is not None and second is None
    assert SmsMessage.objects.count() == 1


@pytest.mark.django_db
def test_console_backend_prints_the_message(settings, capsys, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "console"
    with django_capture_on_commit_callbacks(execute=True):
        sms.send_sms(PHONE, "case_resolved", {"number": "110105-2026-00001", "outcome": ""})
    out = capsys.readouterr().out
    assert PHONE in out and "110105-2026-00001" in out
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT


SAMPLE_PARAMS = {
    "status_code": {"code": "123456"},
    "case_received": {"number": "530103-2026-00042", "access_code": "12345678"},
    "case_accepted": {"number": "530103-2026-00042"},
    "case_referred": {"number": "530103-2026-00042", "referred_to": "盘龙区人社局劳动保障监察大队"},
    "lawyer_accepted": {
        "number": "530103-2026-00042",
        "lawyer": "欧阳明辉",
        "firm": "云南天外天律师事务所",
    },
    "case_resolved": {
        "number": "530103-2026-00042",
        "outcome": "结果：经调解结案（有调解书），追回 123,456 元。",
    },
    "case_withdrawn": {"number": "530103-2026-00042"},
}


@pytest.mark.parametrize("template", sorted(SAMPLE_PARAMS))
def test_worker_messages_fit_in_one_70_character_sms_and_end_with_the_signature(template):
    body = sms.render(template, SAMPLE_PARAMS[template])
    assert len(body) <= 70, (len(body), body)
    assert body.endswith("【驿站法援】")


def test_a_signature_is_refused_when_the_body_the_secret_or_the_time_differ():
    payload, ts = b'{"body": "x"}', "1790000000"
    good = sms.signature(payload, ts, SECRET)
    now = 1790000010
    assert sms.verify_signature(payload, ts, good, SECRET, now=now)
    assert not sms.verify_signature(payload + b" ", ts, good, SECRET, now=now)
    assert not sms.verify_signature(payload, ts, good, "other-secret", now=now)
    assert not sms.verify_signature(payload, ts, good, SECRET, now=now + 3600)  # a replay
    assert not sms.verify_signature(payload, "not-a-time", good, SECRET, now=now)


@pytest.mark.django_db
def test_http_gateway_receives_a_signed_post_and_a_failure_is_retried_after_backoff(
    http_gateway, django_capture_on_commit_callbacks
):
    with http_gateway(500) as gateway, time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            message = sms.send_sms(PHONE, "case_accepted", {"number": NUMBER})
        message.refresh_from_db()
        assert message.status == SmsMessage.Status.QUEUED
        assert message.attempts == 1
        assert "500" in message.last_error
        assert message.next_attempt_at == T0 + datetime.timedelta(minutes=1)

        assert retry_sms() == 0  # not due yet
        clock.shift(datetime.timedelta(seconds=61))
        assert retry_sms() == 1
        message.refresh_from_db()

    assert message.status == SmsMessage.Status.SENT
    assert message.attempts == 2
    assert [r["valid"] for r in gateway.received] == [True, True]
    body = gateway.received[-1]["body"]
    assert body["phone"] == PHONE and NUMBER in body["body"]
    assert body["id"] == f"yizhan-sms-{message.pk}"


@pytest.mark.django_db
def test_a_wrong_secret_is_refused_by_the_gateway_and_recorded_as_an_error(
    http_gateway, settings, django_capture_on_commit_callbacks
):
    with http_gateway() as gateway:
        settings.SMS_GATEWAY_SECRET = "not-the-shared-secret"
        with django_capture_on_commit_callbacks(execute=True):
            message = sms.send_sms(PHONE, "case_accepted", {"number": NUMBER})
    message.refresh_from_db()
    assert gateway.received[0]["valid"] is False
    assert message.status == SmsMessage.Status.QUEUED and "401" in message.last_error


@pytest.mark.django_db
def test_a_message_that_keeps_failing_is_given_up_after_the_last_attempt(
    http_gateway, django_capture_on_commit_callbacks
):
    with http_gateway(*[503] * 10) as gateway, time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            message = sms.send_sms(PHONE, "case_accepted", {"number": NUMBER})
        for _ in range(10):
            clock.shift(datetime.timedelta(hours=2))
            retry_sms()
        message.refresh_from_db()
    assert message.status == SmsMessage.Status.FAILED
    assert message.attempts == sms.MAX_ATTEMPTS
    assert len(gateway.received) == sms.MAX_ATTEMPTS
    assert message.next_attempt_at is None


@pytest.mark.django_db
def test_an_unreachable_gateway_is_an_error_not_a_crash(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/nothing-listens-here"
    settings.SMS_GATEWAY_SECRET = SECRET
    with django_capture_on_commit_callbacks(execute=True):
        message = sms.send_sms(PHONE, "case_accepted", {"number": NUMBER})
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.QUEUED
    assert "unreachable" in message.last_error


@pytest.mark.django_db
def test_delivering_the_same_message_twice_sends_it_once(http_gateway):
    with http_gateway() as gateway:
        message = sms.send_sms(PHONE, "case_accepted", {"number": NUMBER})  # not committed: no task
        assert sms.deliver(message.pk) == SmsMessage.Status.SENT
        assert sms.deliver(message.pk) == SmsMessage.Status.SENT
    assert len(gateway.received) == 1


@pytest.mark.django_db
def test_a_queued_message_whose_task_was_lost_is_picked_up_by_the_retry_job():
    with time_machine.travel(T0, tick=False) as clock:
        message = sms.send_sms(PHONE, "case_accepted", {"number": NUMBER})
        assert retry_sms() == 0
        clock.shift(datetime.timedelta(minutes=3))
        assert retry_sms() == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT


def test_the_retry_job_is_declared_in_the_schedules():
    assert {"name": "yizhan:retry_sms", "func": "cases.tasks.retry_sms"}.items() <= next(
        s for s in SCHEDULES if s["name"] == "yizhan:retry_sms"
    ).items()


@pytest.mark.django_db
def test_admin_lists_failed_messages_and_retries_them(
    admin_client, django_capture_on_commit_callbacks
):
    failed = SmsMessage.objects.create(
        phone=PHONE,
        template="case_accepted",
        body=f"您的求助{NUMBER}已受理，正在为您安排律师。【驿站法援】",
        status=SmsMessage.Status.FAILED,
        attempts=5,
        last_error="SmsError: gateway answered 503",
    )
    # A row written before codes were masked on the way in: the admin masks it too.
    old_code = SmsMessage.objects.create(
        phone=PHONE,
        template="status_code",
        body="您的案件查询验证码为123456【驿站法援】",
        status=SmsMessage.Status.FAILED,
        attempts=5,
        last_error="SmsError: gateway answered 503",
    )
    url = reverse("admin:cases_smsmessage_changelist")
    page = admin_client.get(url, {"status__exact": "failed"}).content.decode()
    assert "gateway answered 503" in page
    assert "123456" not in page  # codes are masked in the back office
    assert "138****8000" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"action": "retry", "_selected_action": [failed.pk, old_code.pk]}, follow=True
        )
    assert "已重新排队 2 条短信" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == SmsMessage.Status.SENT
    assert failed.sent_at is not None and failed.sent_at <= timezone.now()
    # A code is never sent again from a stored copy: it fails, saying why.
    old_code.refresh_from_db()
    assert old_code.status == SmsMessage.Status.FAILED and "明文不留存" in old_code.last_error


CODE_MESSAGES = [
    ("status_code", {"code": "482913"}, "482913"),
    ("case_received", {"number": "110105-2026-00007", "access_code": "20261128"}, "20261128"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["outbox", "console", "http"])
@pytest.mark.parametrize("template, params, code", CODE_MESSAGES)
def test_every_stored_copy_of_a_code_is_masked_whatever_the_backend(
    backend,
    template,
    params,
    code,
    settings,
    capsys,
    http_gateway,
    sms_gateway,
    django_capture_on_commit_callbacks,
):
    with http_gateway() as gateway:
        settings.SMS_BACKEND = backend
        with django_capture_on_commit_callbacks(execute=True):
            message = sms.send_sms(PHONE, template, params)
        stored_at_once = SmsMessage.objects.get(pk=message.pk).body
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT
    for stored in (stored_at_once, message.body, str(list(SmsMessage.objects.values()))):
        assert code not in stored
    assert "*" * len(code) in message.body
    if template == "case_received":
        assert "110105-2026-00007" in message.body  # the case number is not a secret
    # The phone got the code.
    received = {
        "outbox": lambda: sms_gateway[-1][2],
        "console": lambda: capsys.readouterr().out,
        "http": lambda: gateway.received[-1]["body"]["body"],
    }[backend]()
    assert code in received


@pytest.mark.django_db
def test_a_code_the_gateway_refused_fails_at_once_and_is_never_sent_masked(
    http_gateway, django_capture_on_commit_callbacks
):
    with http_gateway(503) as gateway, time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            message = sms.send_sms(PHONE, "status_code", {"code": "654321"})
        clock.shift(datetime.timedelta(hours=2))
        assert retry_sms() == 0
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.FAILED
    assert "503" in message.last_error
    assert len(gateway.received) == 1 and "654321" in gateway.received[0]["body"]["body"]


@pytest.mark.django_db
def test_a_code_message_whose_task_was_lost_fails_instead_of_sending_stars(http_gateway):
    with http_gateway() as gateway, time_machine.travel(T0, tick=False) as clock:
        message = sms.send_sms(PHONE, "status_code", {"code": "333333"})  # no task ran
        clock.shift(datetime.timedelta(minutes=3))
        assert retry_sms() == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.FAILED and "明文不留存" in message.last_error
    assert gateway.received == []
