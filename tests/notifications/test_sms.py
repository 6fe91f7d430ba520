"""SMS backends: the gateway backend against the local double, the console backend by default."""

import pytest
import sms
from django.conf import settings

from accounts import phone
from notifications import sms as sms_channel


def test_console_backend_is_the_default():
    assert settings.SMS_BACKEND == "sms.backends.console.SmsBackend"


def test_console_backend_prints(capsys):
    sms_channel.send(to="+85512345678", text="សួស្តី")
    assert "+85512345678" in capsys.readouterr().out


def test_gateway_backend_posts_to_the_gateway(gateway):
    sms_channel.send(to="+85512345678", text="សួស្តី")
    assert gateway.calls == [
        {"authorization": "Bearer gateway-token", "from": "Sahakum", "to": "+85512345678", "text": "សួស្តី"}
    ]


def test_gateway_refusal_is_an_error(gateway):
    gateway.fail_next(1, status=503)
    with pytest.raises(sms_channel.SmsError, match="503"):
        sms_channel.send(to="+85512345678", text="x")
    assert gateway.calls == []


def test_gateway_unreachable_is_an_error(settings):
    settings.SMS_BACKEND = "notifications.sms.GatewaySmsBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    with pytest.raises(sms_channel.SmsError, match="unreachable"):
        sms_channel.send(to="+85512345678", text="x")


def test_fail_silently_sends_nothing(gateway):
    gateway.fail_next(1)
    connection = sms.get_connection(fail_silently=True)
    assert sms.Message("x", "Sahakum", ["+85512345678"], connection=connection).send(fail_silently=True) == 0


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("012 345 678", "+85512345678"),
        ("+855 12 345 678", "+85512345678"),
        ("85512345678", "+85512345678"),
        ("097 1234 567", "+855971234567"),
        ("12", ""),
        ("", ""),
        ("not a phone", ""),
    ],
)
def test_phone_rule(raw, expected):
    assert phone.e164(raw) == expected
