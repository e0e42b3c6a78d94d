"""Several nodes, tested (issue 18): two gunicorn web nodes and two django-q2 cluster
nodes, each in its own working directory (a copy of the code, its own static files and
var/: no shared local disk), one PostgreSQL database, Redis, and a local S3-compatible
server (moto) for the private files. The commands are the checked-in systemd units'
ExecStart lines (deploy/systemd/), with the paths and the port of this run.

A case is then played across them over HTTP, the way a load balancer would spread it:

1. a volunteer signs in on node A; the session works on node B;
2. intake with a photo on node A; the photo downloads through node B, same bytes;
3. a coordinator on node B asks for closing reports: a task on a worker node renders
   them; the ZIP downloads through node A and holds the stored PDF;
4. the reminder sweep runs on both clusters (the schedule fired, and the task queued
   twice): each reminder is recorded and sent once;
5. the status page's per-address limit counts requests to both nodes together;
6. the login lockout counts failures on both nodes together.

Run by scripts/multinode_check.sh (and .ci/run). Prints what it did; exits 1 on any
difference. Environment: PG_URL (server, no database), MULTINODE_DB, REDIS_HOST_URL,
MULTINODE_REDIS_DB, MULTINODE_PORT_BASE (it uses base … base+2).
"""

import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests import s3server  # noqa: E402

PY = ROOT / ".venv" / "bin" / "python"
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("MULTINODE_DB", "yizhan_multinode")
REDIS = os.environ.get("REDIS_HOST_URL", "redis://127.0.0.1:6379")
REDIS_DB = os.environ.get("MULTINODE_REDIS_DB", "13")
BASE = int(os.environ.get("MULTINODE_PORT_BASE", "18040"))
TIME_LIMIT = int(os.environ.get("MULTINODE_TIME_LIMIT", "240"))
STARTED = time.monotonic()

SECRET = "multinode-check-secret-key-" + "x7Gq2LpR9tVb4NcW8mZk3HsD6fJyA1eU"
FIELD_KEY = "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA="
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "var", "staticfiles", "node_modules", "__pycache__", "*.sqlite3*", "bench"
)

failures: list[str] = []


def say(text: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f}s] {text}", flush=True)


def check(condition: bool, what: str) -> None:
    say(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def over_time() -> None:
    if time.monotonic() - STARTED > TIME_LIMIT:
        raise TimeoutError(f"the multi-node check took over {TIME_LIMIT} s")


def exec_start(unit: str) -> list[str]:
    """The ExecStart= command of a checked-in unit, as a list."""
    text = (ROOT / "deploy" / "systemd" / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def web_command(port: int) -> list[str]:
    command = exec_start("yizhan-web.service")
    assert command[0].endswith("/.venv/bin/gunicorn"), command
    command[0] = str(ROOT / ".venv" / "bin" / "gunicorn")
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "2"  # two nodes on a 2-core machine
    return command


def worker_command() -> list[str]:
    command = exec_start("yizhan-worker.service")
    assert command[0].endswith("/.venv/bin/python") and command[1:] == ["manage.py", "qcluster"]
    return [str(PY), *command[1:]]


class Node:
    def __init__(self, name: str, scratch: Path, environ: dict, template: Path):
        self.name = name
        self.dir = scratch / name
        shutil.copytree(template, self.dir, symlinks=True)
        (self.dir / "var").mkdir()
        self.env = {
            **environ,
            "STATIC_ROOT": str(self.dir / "staticfiles"),
            "PRIVATE_FILES_ROOT": str(self.dir / "var" / "private"),  # unused with S3
        }
        self.log = self.dir / "var" / f"{name}.log"
        self.process = None

    def run(self, *args, **kwargs):
        return subprocess.run(
            [str(PY), "manage.py", *args],
            cwd=self.dir,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
            **kwargs,
        )

    def start(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=self.dir,
            env=self.env,
            stdout=open(self.log, "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as under systemd
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Browser:
    """A browser behind the TLS-terminating load balancer: X-Forwarded-Proto https (so
    production's secure cookies apply), cookies kept by hand (requests would not send
    Secure cookies over the loopback's plain HTTP)."""

    def __init__(self, address: str = "203.0.113.10"):
        self.cookies: dict[str, str] = {}
        self.address = address

    def request(self, port: int, method: str, path: str, **kwargs) -> requests.Response:
        if method == "POST":
            kwargs["data"] = {**kwargs.get("data", {}), "csrfmiddlewaretoken": self.csrf(port)}
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Real-IP": self.address,
            "Referer": f"https://127.0.0.1:{port}/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **kwargs.pop("headers", {}),
        }
        response = requests.request(
            method,
            f"http://127.0.0.1:{port}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, port, path, **kwargs):
        return self.request(port, "GET", path, **kwargs)

    def post(self, port, path, **kwargs):
        return self.request(port, "POST", path, **kwargs)

    def csrf(self, port: int) -> str:
        if "csrftoken" not in self.cookies:
            self.get(port, "/login/")
        return self.cookies["csrftoken"]

    def login(self, port: int, username: str, password: str) -> requests.Response:
        self.csrf(port)
        return self.post(port, "/login/", data={"username": username, "password": password})


SEED = r"""
import datetime, json
from django.utils import timezone
from cases.deadlines import bookkeeping
from cases.models import Case
from tests.helpers import PASSWORD, make_case, make_world
world = make_world()
bj = world.beijing
resolved = make_case(bj.station, bj.volunteer, state=Case.State.RESOLVED, lawyer=bj.lawyer)
award = make_case(bj.station, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer, claims=["wage"])
today = timezone.localdate()
bookkeeping.record_milestone(award, "award_received", today - datetime.timedelta(days=11), world.admin)
print(json.dumps({
    "password": PASSWORD,
    "volunteer": bj.volunteer.username,
    "coordinator": bj.coordinator.username,
    "station": bj.station.pk,
    "resolved": resolved.pk,
    "worker_phone": str(resolved.worker.phone),
}))
"""

FACTS = r"""
import json
from django.db.models import Count
from cases.models import Document, Reminder, SmsMessage, Notification
print(json.dumps({
    "reminders": Reminder.objects.count(),
    "reminder_duplicates": Reminder.objects.values("deadline", "threshold", "recipient", "channel")
        .annotate(n=Count("pk")).filter(n__gt=1).count(),
    "reminder_notes": Notification.objects.filter(dedupe_key__startswith="reminder:").count(),
    "reminder_note_duplicates": Notification.objects.filter(dedupe_key__startswith="reminder:")
        .values("dedupe_key").annotate(n=Count("pk")).filter(n__gt=1).count(),
    "documents": {str(d.pk): [d.case_id, d.kind, d.version, d.sha256]
                  for d in Document.objects.all()},
}))
"""

QUEUE_SWEEP_TWICE = r"""
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task
Schedule.objects.filter(name="yizhan:deadline_reminders").update(next_run=timezone.now())
async_task("cases.tasks.deadline_reminder_sweep")
async_task("cases.tasks.deadline_reminder_sweep")
"""


def wait_until(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)  # polling other processes
    raise TimeoutError(f"timed out waiting for {what}")


def processed(node: Node, task: str) -> int:
    """How many times a cluster node took the task (its log's "processing" lines)."""
    return sum(
        1 for line in node.log_text().splitlines() if "processing" in line and f".{task}'" in line
    )


def shell(node: Node, code: str) -> str:
    return node.run("shell", "-c", code).stdout


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="yizhan-multinode-"))
    moto_port, port_a, port_b = BASE, BASE + 1, BASE + 2
    redis_url = f"{REDIS}/{REDIS_DB}"
    database_url = f"{PG_URL}/{DB}"
    nodes: list[Node] = []
    moto = None
    try:
        say(f"scratch {scratch}; database {DB}; redis {redis_url}; ports {BASE}-{BASE + 2}")
        subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True, capture_output=True)
        subprocess.run(
            ["dropdb", "--if-exists", "--force", f"--maintenance-db={PG_URL}/postgres", DB],
            check=True,
        )
        subprocess.run(["createdb", f"--maintenance-db={PG_URL}/postgres", DB], check=True)
        moto = s3server.start(moto_port, scratch / "moto.log")
        endpoint = f"http://127.0.0.1:{moto_port}"
        bucket = s3server.new_bucket(endpoint)
        say(f"S3 (moto) at {endpoint}, private bucket {bucket}")

        template = scratch / "code"
        shutil.copytree(ROOT, template, ignore=COPY_IGNORE, symlinks=True)
        environ = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "YIZHAN_ENV_FILE": "",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": SECRET,
            "FIELD_ENCRYPTION_KEY": FIELD_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "Q_CLUSTER_NAME": "yizhan_multinode",
            "Q_WORKERS": "1",
            "SMS_BACKEND": "outbox",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "STAFF_2FA_REQUIRED": "0",
            "STATUS_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
            "STATUS_IP_LIMIT": "4",
            "LOGIN_LOCKOUT_FAILURES": "3",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "INFO",
            **s3server.env_for(endpoint, bucket),
        }
        web_a, web_b = (
            Node("web-a", scratch, environ, template),
            Node("web-b", scratch, environ, template),
        )
        work_1, work_2 = (
            Node("worker-1", scratch, environ, template),
            Node("worker-2", scratch, environ, template),
        )
        nodes = [web_a, web_b, work_1, work_2]
        shutil.rmtree(template)
        say("four working directories, each its own copy of the code and its own var/")

        web_a.run("migrate", "-v", "0")
        web_a.run("setup_schedules")
        seed = json.loads(shell(web_a, SEED).strip().splitlines()[-1])
        say(f"migrated, schedules set up, seeded: {seed['volunteer']}, {seed['coordinator']}")
        web_a.run("collectstatic", "--noinput", "-v", "0")
        # Every node needs the collected static files, workers too (WeasyPrint reads
        # print.css through the manifest); each gets its own copy.
        for node in (web_b, work_1, work_2):
            shutil.copytree(web_a.dir / "staticfiles", node.dir / "staticfiles")
        for node, port in ((web_a, port_a), (web_b, port_b)):
            node.start(web_command(port))
        for node in (work_1, work_2):
            node.start(worker_command())
        say("web:    " + " ".join(web_command(port_a)))
        say("worker: " + " ".join(worker_command()))

        def healthy(port):
            try:
                return (
                    requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
                )
            except requests.RequestException:
                return False

        wait_until(lambda: healthy(port_a) and healthy(port_b), "both web nodes healthy", 90)
        health = requests.get(f"http://127.0.0.1:{port_b}/healthz", timeout=30).json()
        check(
            health == {"ok": True, "database": "ok", "task_queue": "ok", "files": "ok"},
            f"/healthz on both nodes: {health}",
        )
        wait_until(
            lambda: all("[django_q:yizhan_multinode:q]" in n.log_text() for n in (work_1, work_2)),
            "both clusters running",
            60,
        )

        # 1. Sessions work on either node.
        volunteer = Browser()
        response = volunteer.login(port_a, seed["volunteer"], seed["password"])
        check(response.status_code == 302, f"volunteer signs in on A ({response.status_code})")
        response = volunteer.get(port_b, "/cases/")
        check(
            response.status_code == 200,
            f"the same session opens /cases/ on B ({response.status_code})",
        )

        # 2. Intake with a photo on A, downloaded through B.
        photo = make_png()
        data = {
            "station": seed["station"],
            "name": "李大壮",
            "phone": "13800138000",
            "id_number": "",
            "platform": "meituan",
            "arrangement": "crowd",
            "claims": ["injury", "tort"],
            "incident_date": "2026-11-02",
            "facts": "送餐途中与出租车相撞，右脚骨折。",
            "amount_claimed": "50000",
            "evidence": ["medical_records"],
            "consent": "on",
            "parties-TOTAL_FORMS": "1",
            "parties-INITIAL_FORMS": "0",
            "parties-MIN_NUM_FORMS": "0",
            "parties-MAX_NUM_FORMS": "8",
            "parties-0-kind": "platform",
            "parties-0-name": "北京三快科技有限公司",
        }
        response = volunteer.post(
            port_a,
            "/cases/intake/",
            data=data,
            files={"files": ("伤情照片.png", photo, "image/png")},
        )
        location = response.headers.get("Location", "")
        match = re.search(r"/cases/([^/]+)/receipt/", location)
        check(
            response.status_code == 302 and match is not None,
            f"intake on A registers the case ({location})",
        )
        number = match.group(1)
        page = volunteer.get(port_b, f"/cases/{number}/").text
        links = re.findall(rf"/cases/{re.escape(number)}/attachments/(\d+)/", page)
        check(bool(links), f"case {number} shows its photo on B")
        response = volunteer.get(port_b, f"/cases/{number}/attachments/{links[0]}/")
        check(
            response.status_code == 200 and response.content == photo,
            f"the photo uploaded on A downloads through B, same {len(photo)} bytes",
        )
        check(
            "filename*=utf-8''" in response.headers.get("Content-Disposition", ""),
            "its Chinese name is sent RFC 5987-encoded",
        )
        keys = [
            o["Key"]
            for o in s3server.client(endpoint).list_objects_v2(Bucket=bucket).get("Contents", [])
        ]
        check(
            any(k.startswith("attachments/") for k in keys),
            f"the photo is in the bucket ({len(keys)} objects)",
        )
        check(
            not any((n.dir / "var" / "private").exists() for n in nodes),
            "no node wrote a private file to its disk",
        )
        over_time()

        # 3. Documents by a task on a worker node, downloaded through the other web node.
        coordinator = Browser("203.0.113.11")
        coordinator.login(port_b, seed["coordinator"], seed["password"])
        response = coordinator.post(
            port_b, "/cases/closing-reports/", data={"case": [seed["resolved"]]}
        )
        match = re.search(r"/cases/closing-reports/(\d+)/", response.headers.get("Location", ""))
        check(
            match is not None, f"coordinator on B queues closing reports ({response.status_code})"
        )
        batch = match.group(1)
        wait_until(
            lambda: (
                "hx-get" not in coordinator.get(port_b, f"/cases/closing-reports/{batch}/").text
            ),
            "the batch to finish",
            90,
        )
        ran_on = [n.name for n in (work_1, work_2) if processed(n, "generate_closing_reports")]
        check(len(ran_on) == 1, f"the closing report was rendered by one worker node: {ran_on}")
        response = coordinator.get(port_a, f"/cases/closing-reports/{batch}/zip/")
        facts = json.loads(shell(web_a, FACTS).strip().splitlines()[-1])
        stored = {
            sha for _, kind, _, sha in facts["documents"].values() if kind == "closing_report"
        }
        ok_zip = response.status_code == 200
        inside = []
        if ok_zip:
            with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                inside = [archive.read(name) for name in archive.namelist()]
        import hashlib

        check(
            ok_zip and len(inside) == 1 and hashlib.sha256(inside[0]).hexdigest() in stored,
            "its ZIP downloads through A and holds the stored PDF (same SHA-256)",
        )
        over_time()

        # 4. The reminder sweep on both clusters sends each reminder once.
        shell(web_a, QUEUE_SWEEP_TWICE)

        def swept():
            return sum(processed(n, "deadline_reminder_sweep") for n in (work_1, work_2)) >= 2

        wait_until(swept, "the sweep to run on the clusters", 60)
        time.sleep(2)  # the schedule's own run, if the scheduler took it after ours
        facts = json.loads(shell(web_a, FACTS).strip().splitlines()[-1])
        ran = {n.name: processed(n, "deadline_reminder_sweep") for n in (work_1, work_2)}
        check(
            facts["reminders"] > 0,
            f"the sweep recorded {facts['reminders']} reminders (runs per node: {ran})",
        )
        check(
            facts["reminder_duplicates"] == 0 and facts["reminder_note_duplicates"] == 0,
            f"each reminder once: {facts['reminder_notes']} notifications, no duplicates",
        )
        over_time()

        # 5. The status page's per-address limit across nodes (limit 4 per address).
        worker = Browser("198.51.100.7")
        answers = []
        for n in range(6):
            port = port_a if n % 2 == 0 else port_b
            worker.cookies.clear()
            response = worker.post(port, "/status/", data={"phone": f"139000000{n:02d}"})
            answers.append(response.status_code)
        refused = [code for code in answers if code != 302]
        check(
            answers[:4] == [302] * 4 and len(refused) == 2,
            f"status lookups from one address, alternating A/B: {answers} (the 5th and 6th refused)",
        )

        # 6. Login lockout across nodes (3 failures).
        intruder = Browser("198.51.100.8")
        for port in (port_a, port_b, port_a):
            intruder.login(port, seed["volunteer"], "wrong-password-1")
        response = intruder.login(port_b, seed["volunteer"], seed["password"])
        check(
            response.status_code != 302,
            f"3 failures on A, B, A lock the name: the right password on B is refused ({response.status_code})",
        )
        response = Browser("198.51.100.9").login(port_b, seed["volunteer"], seed["password"])
        check(
            response.status_code == 302,
            "another address still signs in (the lock is name + address)",
        )

        for node in nodes:
            errors = [line for line in node.log_text().splitlines() if "Traceback" in line]
            check(not errors, f"{node.name}: no traceback in its log")
    except Exception as exc:  # noqa: BLE001 — report and fail
        failures.append(f"{exc.__class__.__name__}: {exc}")
        if isinstance(exc, subprocess.CalledProcessError):
            print(exc.stderr)
        say(f"FAIL  {exc.__class__.__name__}: {exc}")
        for node in nodes:
            print(
                f"--- {node.name} log (last lines)\n"
                + "\n".join(node.log_text().splitlines()[-25:])
            )
    finally:
        for node in nodes:
            node.stop()
        if moto is not None:
            s3server.stop(moto)
        subprocess.run(
            ["dropdb", "--if-exists", "--force", f"--maintenance-db={PG_URL}/postgres", DB]
        )
        subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], capture_output=True)
        if not os.environ.get("MULTINODE_KEEP"):
            shutil.rmtree(scratch, ignore_errors=True)
    took = time.monotonic() - STARTED
    if failures:
        print(f"multi-node check FAILED in {took:.0f} s: " + "; ".join(failures))
        return 1
    print(f"multi-node check passed in {took:.0f} s")
    return 0


def make_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


if __name__ == "__main__":
    sys.exit(main())
