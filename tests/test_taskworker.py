"""The task worker stops within seconds when its process group is sent SIGTERM, as
systemd and the dev runner (`make run`) do: real processes, a real signal."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Seconds: 1–3 s measured on an idle machine. Before the fix qcluster hung until SIGKILL
# (so a generous limit still tells a hang apart: a loaded CI machine took over 12 s once),
# and the dev runner took its 15 s fallback (so its limit must stay below 15 s).
QCLUSTER_STOP_WITHIN = 30
RUNNER_STOP_WITHIN = 12


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A migrated SQLite database of its own, the ORM broker, no Redis."""
    database = tmp_path_factory.mktemp("taskworker") / "db.sqlite3"
    environment = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "Q_SYNC"}
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{database}",
        Q_SYNC="0",
        Q_CLUSTER_NAME="yizhan_stop_test",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=120,
    )
    return environment


def start(args, env):
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, as under systemd
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    return process, lines


def wait_for(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)  # polling another process
    raise AssertionError(f"timed out waiting for {what}")


def alive(pgid: int) -> list[str]:
    """The processes of a group that still run (zombies have stopped)."""
    out = subprocess.run(
        ["ps", "-o", "stat=,pid=", "-g", str(pgid)], capture_output=True, text=True
    ).stdout
    return [line for line in out.splitlines() if line.strip() and not line.strip().startswith("Z")]


def stop_group(process, pgid, lines, within: int) -> float:
    began = time.monotonic()
    os.killpg(pgid, signal.SIGTERM)
    try:
        process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        os.killpg(pgid, signal.SIGKILL)
        process.wait()
        output = "".join(lines[-20:])
        raise AssertionError(f"still running {within} s after SIGTERM:\n{output}") from None
    wait_for(lambda: not alive(pgid), "the group's other processes to go", within)
    return time.monotonic() - began


def run_and_stop_a_cluster(env) -> float:
    process, lines = start(["qcluster"], env)
    try:
        wait_for(lambda: any("[yizhan_stop_test]" in line for line in lines), "the cluster")
        wait_for(lambda: len(alive(process.pid)) >= 4, "the cluster's processes")
        return stop_group(process, process.pid, lines, QCLUSTER_STOP_WITHIN)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_the_task_worker_stops_within_seconds_when_its_process_group_gets_sigterm(env):
    # Three rounds: before the fix the hang depended on timing (2 of 3 single runs hung).
    for _round in range(3):
        took = run_and_stop_a_cluster(env)
        print(f"qcluster stopped {took:.1f} s after SIGTERM to its group")


def test_make_runs_server_and_worker_stop_together_on_sigterm(env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process, lines = start(["runserver_with_worker", f"127.0.0.1:{port}"], env)
    try:
        wait_for(lambda: any("任务队列已启动" in line for line in lines), "the worker")
        worker = int(re.search(r"进程 (\d+)", "".join(lines)).group(1))

        def serving():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            except OSError:
                return False

        wait_for(serving, "the server")
        wait_for(lambda: len(alive(worker)) >= 4, "the cluster's processes")
        took = stop_group(process, process.pid, lines, RUNNER_STOP_WITHIN)
        wait_for(lambda: not alive(worker), "the worker's group", RUNNER_STOP_WITHIN)
    finally:
        for group in {process.pid, locals().get("worker")} - {None}:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
    print(f"runserver_with_worker stopped {took:.1f} s after SIGTERM")
