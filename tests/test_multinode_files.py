"""The multi-node layout's files (issue 18): deploy/Containerfile and deploy/compose.yaml
run the same commands as the checked-in systemd units, and give the app nodes only
variables config/settings.py reads, with what a node of several needs. Parsed, not run:
no container runtime is needed."""

import json
import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def exec_start(unit: str) -> list[str]:
    text = (DEPLOY / "systemd" / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def in_container(command: list[str]) -> list[str]:
    """The unit's command as a container runs it: reachable from the load balancer."""
    return [("0.0.0.0:8000" if part == "127.0.0.1:8000" else part) for part in command]


def containerfile_instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Containerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def settings_variables() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|int|bool|list)\("([A-Z0-9_]+)"', source))
    names |= set(re.findall(r'get\("([A-Z0-9_]+)"', source))  # s3_storage(environ)
    names |= set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', source))
    return names


def test_the_image_starts_the_web_unit_s_command():
    instructions = containerfile_instructions()
    cmd = json.loads(next(arg for op, arg in instructions if op == "CMD"))
    assert cmd == in_container(exec_start("yizhan-web.service"))
    assert ("WORKDIR", "/srv/yizhan") in instructions  # the units' WorkingDirectory
    assert ("USER", "yizhan") in instructions  # the units' User=, never root


def test_the_image_collects_static_files_for_web_and_worker_nodes():
    runs = " ".join(arg for op, arg in containerfile_instructions() if op == "RUN")
    assert "manage.py collectstatic --noinput" in runs
    assert "fonts-noto-cjk" in runs and "libharfbuzz-subset0" in runs
    assert "pip install --no-cache-dir -r requirements.lock" in runs


def test_compose_runs_the_units_commands_on_two_web_and_two_worker_nodes():
    services = compose()["services"]
    web = in_container(exec_start("yizhan-web.service"))
    worker = exec_start("yizhan-worker.service")
    assert [name for name in services if name.startswith("web-")] == ["web-1", "web-2"]
    assert [name for name in services if name.startswith("worker-")] == ["worker-1", "worker-2"]
    for name in ("web-1", "web-2"):
        assert services[name]["command"] == web
    for name in ("worker-1", "worker-2"):
        assert services[name]["command"] == worker
    for name in ("lb", "db", "db-replica", "redis", "s3"):
        assert name in services


def test_compose_gives_the_app_nodes_only_settings_the_app_reads():
    services = compose()["services"]
    known = settings_variables()
    for name in ("web-1", "web-2", "worker-1", "worker-2", "migrate"):
        environment = services[name]["environment"]
        assert set(environment) <= known, set(environment) - known
        # What a node of several needs: the shared database, queue and files.
        for needed in ("DATABASE_URL", "REDIS_URL", "S3_BUCKET", "S3_ENDPOINT_URL"):
            assert environment[needed], needed
        assert environment["DJANGO_DEBUG"] == "0"
        assert environment["DATABASE_REPLICA_URL"].startswith("postgres://")


def test_every_node_variable_the_docs_name_is_read_by_the_settings():
    known = settings_variables()
    for name in (
        "S3_BUCKET",
        "S3_ENDPOINT_URL",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_REGION",
        "S3_ADDRESSING_STYLE",
        "DATABASE_REPLICA_URL",
        "BATCH_STALL_SECONDS",
    ):
        assert name in known, name
    docs = (ROOT / "docs" / "deployment.md").read_text()
    section = docs[docs.index("## 多台服务器") :]
    for name in ("S3_BUCKET", "DATABASE_REPLICA_URL", "REDIS_URL", "SECRET_KEY"):
        assert name in section, name


def test_the_load_balancer_sends_what_the_app_expects():
    conf = (DEPLOY / "nginx" / "compose-lb.conf").read_text()
    assert "server web-1:8000" in conf and "server web-2:8000" in conf
    assert "proxy_set_header X-Real-IP $remote_addr;" in conf  # STATUS_CLIENT_IP_HEADER
    assert "proxy_set_header X-Forwarded-Proto https;" in conf  # SECURE_PROXY_SSL_HEADER
    single = (DEPLOY / "nginx" / "yizhan.conf").read_text()
    body = re.search(r"client_max_body_size (\w+);", single).group(1)
    assert f"client_max_body_size {body};" in conf


def test_the_image_never_copies_the_venv_the_database_or_case_files():
    """`COPY . .` takes the whole build context; .dockerignore (read by podman and docker)
    keeps out what is this machine's, not the app's."""
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "var", "db.sqlite3*", ".git", "staticfiles"} <= ignored
    assert "COPY . ." in (DEPLOY / "Containerfile").read_text()
