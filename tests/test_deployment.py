"""A production install as docs/deployment.md describes it (issue 22): the files under
deploy/ that the docs tell people to copy, and what the app does behind them. The
whole install is run by deploy/check.sh (in .ci/run); these are the parts a unit test
can hold."""

import json
import os
import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from cases import attachments
from cases.models import ConsentText
from stations import health
from tests.helpers import login, make_case, png_upload
from tests.test_settings import PROD, run_manage

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "yizhan.conf").read_text()
WEB_UNIT = (DEPLOY / "systemd" / "yizhan-web.service").read_text()
WORKER_UNIT = (DEPLOY / "systemd" / "yizhan-worker.service").read_text()
DOCS = (ROOT / "docs" / "deployment.md").read_text()


def directives(text: str, name: str) -> list[str]:
    return [m.strip() for m in re.findall(rf"^\s*{name}\s+([^;]+);", text, re.M)]


# ---------------------------------------------------------------------------
# Defect 1: the Host header, and the headers Django trusts, set by nginx


def test_nginx_passes_the_sites_host_and_overwrites_the_headers_django_trusts():
    headers = directives(NGINX, "proxy_set_header")
    assert "Host $host" in headers  # not 127.0.0.1:8000: ALLOWED_HOSTS would refuse it
    assert "X-Forwarded-Proto $scheme" in headers
    assert "X-Real-IP $remote_addr" in headers
    # Set, not appended to what the client sent ($proxy_add_x_forwarded_for would be).
    assert "X-Forwarded-For $remote_addr" in headers
    assert "$proxy_add_x_forwarded_for" not in NGINX


def test_a_request_with_the_sites_host_is_served_and_the_upstream_address_is_refused(settings):
    settings.ALLOWED_HOSTS = ["legal.example.org"]
    client = Client()
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/login/", HTTP_HOST="legal.example.org").status_code == 200


# ---------------------------------------------------------------------------
# Defect 2: nginx's body limit is the app's, and the app's page answers beyond it


def test_nginx_takes_exactly_the_request_size_the_app_takes(settings):
    (size,) = directives(NGINX, "client_max_body_size")
    assert size.endswith("m") and int(size[:-1]) * 1024 * 1024 == settings.MAX_REQUEST_BYTES
    assert settings.MAX_REQUEST_BYTES >= 10 * 1024 * 1024 + 6 * 1024 * 1024  # 10 MB + 6 MB
    assert "error_page 413 = @too_large" in NGINX and "/request-too-large" in NGINX


def test_the_page_nginx_sends_an_oversized_request_to_is_the_apps_own(client, settings):
    response = client.get("/request-too-large", HTTP_X_REQUEST_LENGTH=str(40 * 1024 * 1024))
    page = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 413
    assert "这次提交共 40.0 MB，超过了一次最多 25.0 MB 的上限" in page


# ---------------------------------------------------------------------------
# Defect 10: the size and the limit are never shown as the same number


def test_one_byte_over_the_limit_does_not_say_the_size_equals_the_limit(client, settings):
    over = settings.MAX_REQUEST_BYTES + 1
    page = client.get("/request-too-large", HTTP_X_REQUEST_LENGTH=str(over)).content.decode()
    page = page.replace("\xa0", " ")
    assert "这次提交超过了一次最多 25.0 MB 的上限" in page and "共 25.0 MB" not in page
    unknown = client.get("/request-too-large").content.decode().replace("\xa0", " ")
    assert "这次提交超过了一次最多 25.0 MB 的上限" in unknown


def test_gunicorn_runs_without_a_control_socket_and_reloads_gracefully():
    assert "--no-control-socket" in WEB_UNIT  # no home directory for the service user
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in WEB_UNIT
    assert "systemctl reload yizhan-web" in DOCS


# ---------------------------------------------------------------------------
# Defect 3: the consent text ships as data; the home page lists what is missing


def test_a_fresh_database_has_a_current_consent_text_in_both_languages(shipped_consent):
    consent = ConsentText.current()
    assert consent is not None and consent.version == "1.0"
    assert "个人信息保护法" in consent.text
    assert "Personal Information Protection Law" in consent.text_en


def test_the_consent_text_is_shown_in_the_pages_language(shipped_consent):
    from django.utils import translation

    consent = ConsentText.current()
    with translation.override("en"):
        assert consent.shown_text == consent.text_en
    with translation.override("zh-hans"):
        assert consent.shown_text == consent.text


@pytest.mark.django_db(transaction=True)
def test_the_consent_migration_keeps_an_installations_own_current_text():
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0014_merged_kinds")])
    old_apps = executor.loader.project_state([("cases", "0014_merged_kinds")]).apps
    Old = old_apps.get_model("cases", "ConsentText")
    Old.objects.all().delete()
    Old.objects.create(version="local-3", text="本地的同意书", active=True)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert ConsentText.current().version == "local-3"
    assert ConsentText.objects.get(version="1.0").active is False


def test_the_home_page_tells_a_new_sites_admin_what_is_missing_before_the_first_case(
    client, shipped_consent
):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("first_admin", password="x-Passw0rd-long")
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    for missing in ("工会", "驿站", "工作人员及其岗位", "律师"):
        assert f"<strong>{missing}</strong>：<a" in page
    assert "<strong>个人信息告知同意书</strong>：已完成" in page


@pytest.mark.django_db
def test_the_home_page_takes_the_admin_to_the_back_office_once_all_is_set_up(
    client, world, shipped_consent
):
    client.force_login(world.admin)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


# ---------------------------------------------------------------------------
# Defect 4: a command on the server reads the env file; production refuses SQLite


def env_file(tmp_path, values: dict) -> Path:
    path = tmp_path / "yizhan.env"
    lines = ["# the server's settings"] + [f"{k}={v}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_command_in_a_fresh_shell_reads_the_env_file_it_is_pointed_to(tmp_path):
    path = env_file(tmp_path, {**PROD, "SITE_NAME": "'驿站 法援 <测试>'"})
    show = "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.SITE_NAME)"
    result = run_manage("shell", "-c", show, env={"YIZHAN_ENV_FILE": str(path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "False django.db.backends.postgresql 驿站 法援 <测试>"


def test_the_environment_wins_over_the_env_file(tmp_path):
    path = env_file(tmp_path, {**PROD, "SITE_NAME": "文件里的"})
    show = "from django.conf import settings as s; print(s.SITE_NAME)"
    result = run_manage(
        "shell", "-c", show, env={"YIZHAN_ENV_FILE": str(path), "SITE_NAME": "环境里的"}
    )
    assert result.stdout.split()[-1] == "环境里的"


def test_production_refuses_to_fall_back_to_sqlite(tmp_path):
    values = {k: v for k, v in PROD.items() if k != "DATABASE_URL"}
    path = env_file(tmp_path, values)
    result = run_manage("migrate", env={"YIZHAN_ENV_FILE": str(path), "DATABASE_URL": ""})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr and str(path) in result.stderr


def test_a_named_env_file_that_is_missing_is_an_error_not_the_defaults(tmp_path):
    result = run_manage("check", env={"YIZHAN_ENV_FILE": str(tmp_path / "nope.env")})
    assert result.returncode != 0 and "nope.env" in result.stderr


def test_the_units_and_the_docs_name_the_same_env_file_the_settings_read():
    from django.conf import settings

    assert settings.DEFAULT_ENV_FILE == "/etc/yizhan.env"
    for unit in (WEB_UNIT, WORKER_UNIT):
        assert "EnvironmentFile=/etc/yizhan.env" in unit
    assert "/etc/yizhan.env" in DOCS and "chmod 600 /etc/yizhan.env" in DOCS


# ---------------------------------------------------------------------------
# Defect 5: private files are private on disk


@pytest.mark.django_db
def test_attachments_are_written_0600_in_0700_folders(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    case = make_case(world.beijing.station, world.beijing.volunteer)
    stored = attachments.save_attachment(case, png_upload(), world.beijing.volunteer)
    path = Path(stored.file.path)
    assert path.stat().st_mode & 0o777 == 0o600
    folder = path.parent
    while folder != tmp_path:
        assert folder.stat().st_mode & 0o777 == 0o700, folder
        folder = folder.parent


def test_static_files_stay_readable_by_the_service_user(settings):
    # collectstatic runs as root; the private upload modes would lock gunicorn out.
    assert settings.STORAGES["staticfiles"]["OPTIONS"] == {
        "file_permissions_mode": 0o644,
        "directory_permissions_mode": 0o755,
    }


def test_the_services_run_with_a_private_umask():
    for unit in (WEB_UNIT, WORKER_UNIT):
        assert "UMask=0077" in unit and "WantedBy=multi-user.target" in unit
        assert "After=" in unit and "User=yizhan" in unit


# ---------------------------------------------------------------------------
# Defect 6: a dead cluster on the Redis broker makes /healthz fail


class RedisLikeBroker:
    """Stands in for django-q2's Redis broker: the cluster's heartbeat keys."""

    def __init__(self, heartbeats):
        self.heartbeats = heartbeats

    def ping(self):
        return True

    def get_stats(self, pattern):
        return self.heartbeats


@pytest.mark.django_db
def test_healthz_fails_when_no_cluster_beats_on_the_redis_broker(client, monkeypatch):
    from django_q.conf import Conf
    from django_q.signing import SignedPackage

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(health, "get_broker", lambda: RedisLikeBroker([]))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["task_queue"] == "stalled: no task cluster is running"

    beat = SignedPackage.dumps({"cluster_id": "x"}, True)
    monkeypatch.setattr(health, "get_broker", lambda: RedisLikeBroker([beat]))
    assert client.get("/healthz").status_code == 200


# ---------------------------------------------------------------------------
# Defect 7: searches by phone number never put the number in a URL


@pytest.mark.django_db
def test_a_search_by_phone_is_posted_and_the_number_never_reaches_a_url(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    phone = str(case.worker.phone)[-11:]
    login(client, bj.volunteer)
    for name in ("cases:station_cases", "cases:triage"):
        user = bj.volunteer if name == "cases:station_cases" else bj.coordinator
        login(client, user)
        response = client.post(reverse(name), {"q": phone})
        assert response.status_code == 302
        assert phone not in response["Location"] and "qs=" in response["Location"]
        page = client.get(response["Location"]).content.decode()
        assert case.number in page
        assert 'method="post"' in page and phone not in re.sub(r'value="[^"]*"', "", page)


@pytest.mark.django_db
def test_a_search_link_from_another_session_says_the_search_has_lapsed(client, world):
    bj = world.beijing
    make_case(bj.station, bj.volunteer)
    login(client, bj.volunteer)
    response = client.get(reverse("cases:station_cases"), {"qs": "not-this-sessions"})
    assert response.status_code == 200
    assert "这次搜索已失效" in response.content.decode()
    assert "这次搜索已失效" not in client.get(reverse("cases:station_cases")).content.decode()


def test_the_search_forms_post():
    for name in ("station_cases", "triage"):
        template = (ROOT / "templates" / "cases" / f"{name}.html").read_text()
        assert '<form method="post" class="toolbar" role="search">{% csrf_token %}' in template


# ---------------------------------------------------------------------------
# Defect 8: hashed static file names, cached for a long time


def test_production_serves_static_files_with_hashed_names(tmp_path):
    show = "from django.conf import settings as s; print(s.STORAGES['staticfiles']['BACKEND'])"
    result = run_manage("shell", "-c", show, env=PROD)
    assert result.stdout.split()[-1] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_the_deployment_check_uses_the_files_the_docs_point_to():
    check = (DEPLOY / "check.sh").read_text()
    for name in (
        "deploy/nginx/yizhan.conf",
        "deploy/systemd/yizhan-web.service",
        "deploy/systemd/yizhan-worker.service",
        "deploy/yizhan.env.example",
    ):
        assert name in DOCS and name in check
    assert "deploy/check.sh" in (ROOT / ".ci" / "run").read_text()
    assert os.access(DEPLOY / "check.sh", os.X_OK)


def test_documents_find_the_hashed_static_files_production_links_to(settings, tmp_path):
    from cases.documents.generate import static_file_for

    settings.STATIC_ROOT = tmp_path / "staticfiles"
    hashed = settings.STATIC_ROOT / "css" / "print.0123456789ab.css"
    hashed.parent.mkdir(parents=True)
    hashed.write_text("body { font-family: serif }")
    assert static_file_for("file:///static/css/print.0123456789ab.css") == hashed.resolve()
    assert static_file_for("file:///static/../secret_key") is None
    assert static_file_for("file:///static/css/nothing.css") is None
