"""Case lifecycle figures on the embedded default (SQLite file, WAL, IMMEDIATE):
the full intake POST (2 parties, 1 photo), the station list at 1,000 cases, the triage
board at 100 received cases, and the case page. Prints medians; fixed data sizes.

    .venv/bin/python bench/intake.py [--intakes 200] [--runs 30]
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_ms(samples):
    return statistics.median(samples) * 1000


def timed_get(client, url, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return median_ms(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--intakes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="yizhan-bench-intake-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["PRIVATE_FILES_ROOT"] = f"{tmp}/private"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["Q_SYNC"] = "1"

    import django
    from django.apps import apps
    from django.conf import settings

    django.setup()
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from PIL import Image

    from cases.models import Case
    from tests.helpers import PASSWORD, make_case, make_consent, make_world

    world = make_world()
    make_consent()
    bj = world.beijing
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(buffer, "JPEG")
    photo = buffer.getvalue()

    client = Client()
    assert client.login(username=bj.volunteer.username, password=PASSWORD)
    samples = []
    for i in range(args.intakes):
        data = {
            "station": bj.station.pk,
            "name": f"骑手{i}",
            "phone": f"137{i:08d}",
            "platform": "meituan",
            "arrangement": "crowd",
            "claims": ["injury", "tort"],
            "incident_date": "2026-11-02",
            "facts": "送餐途中与出租车相撞，右脚骨折。",
            "amount_claimed": "50000",
            "evidence": ["medical_records"],
            "consent": "on",
            "parties-TOTAL_FORMS": "3",
            "parties-INITIAL_FORMS": "0",
            "parties-0-kind": "platform",
            "parties-0-name": "某平台公司",
            "parties-1-kind": "other_driver",
            "parties-1-name": "出租车司机",
            "parties-2-kind": "employer",
            "files": [SimpleUploadedFile("伤情.jpg", photo, "image/jpeg")],
        }
        start = time.perf_counter()
        response = client.post("/cases/intake/", data)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 302, response.content[:500]
    print(
        f"intake POST (2 parties, 1 JPEG of {len(photo)} B), {args.intakes} runs: "
        f"median {median_ms(samples):.1f} ms, p95 {sorted(samples)[int(len(samples) * 0.95)] * 1000:.1f} ms"
    )

    while Case.objects.filter(station=bj.station).count() < 1000:
        make_case(bj.station, bj.volunteer)
    print("station list, 1,000 cases, page 1:", f"{timed_get(client, '/cases/', args.runs):.1f} ms")
    print(
        "station list, phone search:",
        f"{timed_get(client, '/cases/?q=13700000042', args.runs):.1f} ms",
    )
    coordinator = Client()
    assert coordinator.login(username=bj.coordinator.username, password=PASSWORD)
    received = Case.objects.filter(state="received", region_code="110105").count()
    print(
        f"triage board ({received} received in scope, 20 per page):",
        f"{timed_get(coordinator, '/cases/triage/', args.runs):.1f} ms",
    )
    case = Case.objects.filter(attachments__isnull=False).first()
    print("case page:", f"{timed_get(coordinator, case.get_absolute_url(), args.runs):.1f} ms")


if __name__ == "__main__":
    main()
