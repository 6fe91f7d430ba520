"""/healthz checks the database and the cache, and answers a load balancer over plain HTTP."""

import socket

import pytest
from django.db import OperationalError
from django.test import override_settings

from cms import health


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_database_down_is_503(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database: OperationalError" in response.content


@pytest.mark.django_db
def test_cache_down_is_503(client):
    redis = {
        "BACKEND": "cms.redis_cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={"default": redis}):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"cache" in response.content


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["sahakum.example.org"])
def test_load_balancer_probe_over_plain_http_by_internal_address(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    # Everything else still insists on an allowed host and on HTTPS.
    assert client.get("/km/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/km/", HTTP_HOST="sahakum.example.org").status_code == 301


@pytest.mark.django_db
@override_settings(ADMINS=[("ops@example.org", "ops@example.org")])
def test_a_failing_probe_warns_but_does_not_mail_admins_every_few_seconds(client, monkeypatch, caplog):
    from django.core import mail

    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    for _probe in range(3):
        assert client.get("/healthz").status_code == 503
    assert mail.outbox == []
    assert [record.levelname for record in caplog.records if record.name == "cms.health"] == ["WARNING"] * 3
