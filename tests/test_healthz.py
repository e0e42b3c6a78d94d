import json

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "ok": True,
        "database": "ok",
        "task_queue": "ok",
        "files": "ok",
    }


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["ok"] is False


@pytest.mark.django_db
def test_healthz_answers_plain_http_when_everything_else_is_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production (DJANGO_DEBUG=0)
    client = Client()  # a new handler reads the security settings afresh
    assert client.get("/healthz").status_code == 200
    response = client.get("/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
