"""One logging set-up: a line per request with request id, user id, status and duration; UTC
timestamps; errors mailed to ADMINS."""

import logging
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from cms.request_log import REQUEST_ID, RequestContextFilter, UTCFormatter


def _request_records(caplog):
    return [record for record in caplog.records if record.name == "sahakum.request"]


@pytest.mark.django_db
def test_one_line_per_request_with_id_user_status_duration(client, django_user_model, caplog):
    user = django_user_model.objects.create_superuser(username="ops", email="ops@example.org", password="x-long-pw-1")
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="sahakum.request"):
        response = client.get("/admin/", HTTP_X_REQUEST_ID="lb-1234")
    assert response["X-Request-ID"] == "lb-1234"
    (record,) = _request_records(caplog)
    assert record.request_id == "lb-1234"
    assert record.user_id == str(user.pk)
    message = record.getMessage()
    assert "method=GET path=/admin/ status=200" in message
    assert re.search(r"duration_ms=\d+\.\d", message)


@pytest.mark.django_db
def test_anonymous_request_gets_a_fresh_id_and_a_junk_header_is_not_trusted(client, caplog):
    with caplog.at_level(logging.INFO, logger="sahakum.request"):
        response = client.get("/km/no-such-page/", HTTP_X_REQUEST_ID="bad id\nforged=1")
    (record,) = _request_records(caplog)
    assert re.fullmatch(r"[0-9a-f]{32}", record.request_id)
    assert response["X-Request-ID"] == record.request_id
    assert record.user_id == "-"
    assert "status=404" in record.getMessage()


def test_lines_are_key_value_in_utc():
    formatter = UTCFormatter(settings.LOGGING["formatters"]["line"]["format"])
    record = logging.LogRecord("marketplace", logging.WARNING, __file__, 1, "stock low", None, None)
    record.created = 0.0  # 1970-01-01T00:00:00Z, 07:00 in Phnom Penh
    record.msecs = 5
    token = REQUEST_ID.set("abc123")
    try:
        RequestContextFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    line = formatter.format(record)
    assert line == ("1970-01-01T00:00:00.005Z level=WARNING logger=marketplace request_id=abc123 user_id=- stock low")


@pytest.mark.django_db
@override_settings(ADMINS=[("ops@example.org", "ops@example.org")], ROOT_URLCONF="tests.ops.urls_error")
def test_server_error_is_mailed_to_admins(client):
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    assert [message.to for message in mail.outbox] == [["ops@example.org"]]
    assert "boom from the error-mail test" in mail.outbox[0].body


@pytest.mark.django_db
@override_settings(ADMINS=[], ROOT_URLCONF="tests.ops.urls_error")
def test_no_admins_no_mail(client):
    client.raise_request_exception = False
    assert client.get("/explode/").status_code == 500
    assert mail.outbox == []
