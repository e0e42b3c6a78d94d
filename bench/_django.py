"""What every benchmark needs, in one place: a scratch database that the script owns,
bulk loading with COPY, a way to mount a bare comparison view, and interleaved timing.

SQLite (default): a temporary file. PostgreSQL: a scratch database on the server in
BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432), created and dropped around
the run. With `from_models`, tables come straight from the current models (as pytest
--no-migrations does) instead of the migration history.
"""

import io
import os
import statistics
import sys
import tempfile
import time
import types
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextmanager
def scratch_django(postgres: bool = False, *, from_models: bool = False, q_sync: bool = False):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["Q_SYNC"] = "1" if q_sync else "0"
    drop = None
    if postgres:
        import psycopg

        server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        name = f"yizhan_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{server}/{name}"

        def drop():
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        tmp = tempfile.mkdtemp(prefix="yizhan-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    try:
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        if from_models:
            from django.apps import apps

            settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.ALLOWED_HOSTS = ["testserver"]
        call_command("migrate", run_syncdb=from_models, verbosity=0)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if drop:
            drop()


def _defaults(table: str, columns: list[str]) -> tuple[list[str], list[str]]:
    """The NOT NULL columns of `table` that `columns` leaves out, with the model's default
    for each as COPY text. COPY bypasses Django's defaults; without this, every field
    added to a model breaks the benchmarks that load that table."""
    import json

    from django.apps import apps
    from django.db import models

    model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
    if model is None:
        return [], []
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.null or field.primary_key:
            continue
        if field.db_default is not models.NOT_PROVIDED:
            continue  # the database fills it in
        value = field.get_default()
        if value is None:
            continue
        if isinstance(field, models.JSONField):
            value = json.dumps(value)
        names.append(field.column)
        values.append(str(value))
    return names, values


def copy_rows(table: str, columns: list[str], rows) -> None:
    """Load rows into a PostgreSQL table with COPY, in chunks of 50,000; columns left
    out get the model's default."""
    from django.db import connection

    extra_columns, extra_values = _defaults(table, columns)
    columns = [*columns, *extra_columns]
    tail = "".join("\t" + v for v in extra_values)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        buffer = io.StringIO()
        for n, row in enumerate(rows, 1):
            buffer.write("\t".join(r"\N" if v is None else str(v) for v in row) + tail + "\n")
            if n % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def mount(name: str, bare_view, path_prefix: str = "bench/bare/") -> None:
    """Serve the app's URLs plus `bare_view` at /bench/bare/ (the comparison floor)."""
    from django.conf import settings
    from django.urls import include, path

    urls = types.ModuleType(name)
    urls.urlpatterns = [path(path_prefix, bare_view), path("", include("config.urls"))]
    sys.modules[name] = urls
    settings.ROOT_URLCONF = name


def timed_pair(
    client, url: str, other: str, runs: int, warmup: int = 5, before=None
) -> tuple[float, float]:
    """Median seconds of both pages, one request of each in turn: on a shared machine the
    load changes from second to second, and both figures should see the same load.
    `before()`, when given, runs untimed before each request of `url` (e.g. emptying a
    cache, to time the page drawn afresh)."""
    for _ in range(warmup):
        assert client.get(url).status_code == 200 and client.get(other).status_code == 200
    samples, other_samples = [], []
    for _ in range(runs):
        for target, into in ((url, samples), (other, other_samples)):
            if before is not None and target == url:
                before()
            start = time.perf_counter()
            response = client.get(target)
            into.append(time.perf_counter() - start)
            assert response.status_code == 200, (target, response.status_code)
    return statistics.median(samples), statistics.median(other_samples)


def count_queries(client, url: str) -> int:
    """How many statements one request of `url` runs (counted at the connection, whatever
    DEBUG says)."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        assert client.get(url).status_code == 200
    return count


def print_profile(client, url: str, runs: int, before=None) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for _ in range(runs):
        if before is not None:
            before()
        profiler.enable()
        client.get(url)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(20)
