"""A worker node killed mid-task (issue 18): the closing-report batch it was running is
queued again (resume_stalled_batches, scheduled every minute on every cluster) and
finished by another node, with one document version per case, never two. Real
qcluster processes on the Redis broker and PostgreSQL, killed with SIGKILL."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from cases.documents import generate
from cases.models import Case, Document, DocumentBatch
from tests.helpers import make_case, make_world

ROOT = Path(__file__).resolve().parent.parent
Kind = Document.Kind
CASES = 4

needs_redis_and_postgres = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
    reason="needs REDIS_URL and PostgreSQL: the cluster runs in other processes "
    "(.ci/run's task-queue stage provides both)",
)


def test_a_batch_run_twice_makes_one_version_per_case(db):
    world = make_world()
    case = make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.RESOLVED)
    batch = DocumentBatch.objects.create(
        created_by=world.beijing.coordinator, kind=Kind.CLOSING_REPORT, case_ids=[case.pk]
    )
    first = generate.generate(case, Kind.CLOSING_REPORT, world.beijing.coordinator, batch=batch)
    again = generate.generate(case, Kind.CLOSING_REPORT, world.beijing.coordinator, batch=batch)
    assert again.pk == first.pk
    assert Document.objects.filter(case=case).count() == 1
    batch.refresh_from_db()
    assert batch.results == {str(case.pk): first.pk}
    generate.run_batch(batch.pk)  # the whole task again: nothing new
    assert Document.objects.filter(case=case).count() == 1


def test_a_stalled_batch_is_queued_again_once(db, settings, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    world = make_world()
    batch = DocumentBatch.objects.create(
        created_by=world.beijing.coordinator, kind=Kind.CLOSING_REPORT, case_ids=[]
    )
    DocumentBatch.objects.filter(pk=batch.pk).update(
        status=DocumentBatch.Status.RUNNING, heartbeat=timezone.now() - timedelta(minutes=10)
    )
    queued = []
    original = generate.async_task
    generate.async_task = lambda name, *args: queued.append((name, args))
    try:
        assert generate.resume_stalled_batches() == [batch.pk]
        assert generate.resume_stalled_batches() == []  # the heartbeat was renewed
    finally:
        generate.async_task = original
    assert queued == [("cases.tasks.generate_closing_reports", (batch.pk,))]


def cluster(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as under systemd
    )


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(condition, what, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)  # polling another process's work
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.taskqueue
@needs_redis_and_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_node_killed_mid_batch_leaves_one_version_per_case(
    regions, tmp_path, monkeypatch, settings
):
    from django_q.conf import Conf

    world = make_world()
    cases = [
        make_case(world.beijing.station, world.beijing.volunteer, state=Case.State.RESOLVED)
        for _ in range(CASES)
    ]
    monkeypatch.setattr(Conf, "SYNC", False)  # queue to Redis, for the clusters
    settings.BATCH_STALL_SECONDS = 2
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict),
        "Q_SYNC": "0",
        "Q_WORKERS": "1",
        "Q_CLUSTER_NAME": Conf.CLUSTER_NAME,
        "BATCH_STALL_SECONDS": "2",
        "PRIVATE_FILES_ROOT": str(tmp_path / "private"),
        "LOG_LEVEL": "INFO",
    }
    first = cluster(env, tmp_path / "node1.log")
    second = None
    try:
        batch = generate.start_batch(world.beijing.coordinator, [c.pk for c in cases])
        # Kill node 1 as soon as it has stored a document: the batch is mid-way.
        wait_for(lambda: Document.objects.exists(), "node 1 to store its first document")
        kill(first)
        batch.refresh_from_db()
        assert batch.status == DocumentBatch.Status.RUNNING
        done_before = len(batch.results)
        assert done_before < CASES, "node 1 finished before it could be killed"

        second = cluster(env, tmp_path / "node2.log")
        time.sleep(2.5)  # BATCH_STALL_SECONDS without progress
        assert generate.resume_stalled_batches() == [batch.pk]
        wait_for(
            lambda: DocumentBatch.objects.get(pk=batch.pk).status == DocumentBatch.Status.DONE,
            "node 2 to finish the batch",
        )
    finally:
        kill(first)
        if second is not None:
            kill(second)
    batch.refresh_from_db()
    per_case = dict(
        Document.objects.filter(kind=Kind.CLOSING_REPORT)
        .values_list("case")
        .annotate(n=Count("pk"))
        .values_list("case", "n")
    )
    assert per_case == {c.pk: 1 for c in cases}
    assert set(Document.objects.values_list("version", flat=True)) == {1}
    assert batch.errors == {}
    assert sorted(batch.results.values()) == sorted(Document.objects.values_list("pk", flat=True))
    print(f"node 1 stored {done_before} of {CASES} before SIGKILL; node 2 did the rest")
