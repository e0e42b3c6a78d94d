import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROD = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "x8#kq2!vLr9pZ0mW4tYb7nC1eJ5hG3uA6sD8fQ2wE9rT7yU1iO",
    "ALLOWED_HOSTS": "legal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://legal.example.org",
    "STATUS_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
    # Production refuses SQLite; `check` does not connect, so no such database is needed.
    "DATABASE_URL": "postgres://yizhan@127.0.0.1:5432/yizhan",
}


def run_manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SMS_BACKEND",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={**PROD, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "k3Jd9!pQ2xZ7mN4vB8cR1tY6wE0aS5fG",  # 32 random characters: too short for W009
        "ab" * 30,  # long, but only two different characters
        "django-insecure-" + "x8#kq2!vLr9pZ0mW4tYb7nC1eJ5hG3uA6sD8fQ2wE9r",
    ],
)
def test_production_mode_refuses_a_key_that_django_would_call_weak(key):
    result = run_manage("check", env={**PROD, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "50" in result.stderr


def test_a_local_run_makes_its_own_random_key_once_and_keeps_it_private(tmp_path):
    show = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_manage("shell", "-c", show, env={"SECRET_KEY_FILE": str(tmp_path / "key")})
    again = run_manage("shell", "-c", show, env={"SECRET_KEY_FILE": str(tmp_path / "key")})
    other = run_manage("shell", "-c", show, env={"SECRET_KEY_FILE": str(tmp_path / "other")})
    key = first.stdout.split()[-1]
    assert first.returncode == 0, first.stderr
    assert len(key) >= 50 and len(set(key)) >= 5
    assert again.stdout.split()[-1] == key  # the cookie signed yesterday still opens today
    assert other.stdout.split()[-1] != key  # another installation, another key
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "key").read_text().strip() == key


def test_the_local_key_file_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "var/secret_key"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0 and "var/secret_key" in result.stdout


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env={**PROD, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_when_the_status_page_cannot_see_client_addresses():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PROD, "STATUS_CLIENT_IP_HEADER": ""}
    )
    assert result.returncode != 0
    assert "yizhan.W001" in result.stdout + result.stderr


def test_local_defaults_run_with_no_configuration():
    result = run_manage("check", env={"DJANGO_DEBUG": ""})
    assert result.returncode == 0, result.stderr


def test_postgresql_prepares_hot_queries_unless_turned_off():
    show = "from django.db import connection; print(connection.settings_dict['OPTIONS'])"
    url = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/yizhan"}
    on = run_manage("shell", "-c", show, env=url)
    assert "'server_side_binding': True" in on.stdout and "'prepare_threshold': 5" in on.stdout
    off = run_manage("shell", "-c", show, env={**url, "DB_PREPARED_STATEMENTS": "0"})
    assert off.returncode == 0 and "server_side_binding" not in off.stdout
    sqlite = run_manage("shell", "-c", show, env={"DATABASE_URL": "sqlite:///x.sqlite3"})
    assert "server_side_binding" not in sqlite.stdout


def test_a_local_run_prints_text_messages_in_full_and_production_sends_none_by_default():
    # Stored copies mask codes, so locally the terminal is where a tester reads them.
    show = "from django.conf import settings; print(settings.SMS_BACKEND)"
    assert run_manage("shell", "-c", show, env={"DJANGO_DEBUG": ""}).stdout.split()[-1] == (
        "console"
    )
    assert run_manage("shell", "-c", show, env=PROD).stdout.split()[-1] == "outbox"
