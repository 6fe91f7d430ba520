import pytest
import sms
from django.test import override_settings

from notifications.doubles import BotApiDouble, SmsGatewayDouble

BOT_TOKEN = "123456:TEST"
WEBHOOK_SECRET = "webhook-secret-for-tests"


@pytest.fixture
def bot():
    """The local Telegram Bot API double, and the site configured to use it."""
    double = BotApiDouble().start()
    with override_settings(
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_API_BASE=double.url,
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        TELEGRAM_BOT_USERNAME="sahakum_test_bot",
    ):
        yield double
    double.stop()


@pytest.fixture
def gateway():
    """The local SMS gateway double, and the site's SMS going through the gateway backend."""
    double = SmsGatewayDouble().start()
    with override_settings(
        SMS_BACKEND="notifications.sms.GatewaySmsBackend",
        SMS_GATEWAY_URL=double.url + "/send",
        SMS_GATEWAY_TOKEN="gateway-token",
        SMS_SENDER="Sahakum",
    ):
        yield double
    double.stop()


@pytest.fixture
def sms_outbox():
    """django-sms's in-memory backend: sms.outbox collects what would be sent."""
    sms.outbox = []
    with override_settings(SMS_BACKEND="sms.backends.locmem.SmsBackend"):
        yield sms.outbox
