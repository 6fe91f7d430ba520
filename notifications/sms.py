"""SMS through django-sms (settings.SMS_BACKEND: its console backend by default). The HTTP
gateway backend below is the only code that talks to the SMS gateway: it POSTs JSON
{"from", "to", "text"} to SMS_GATEWAY_URL with `Authorization: Bearer SMS_GATEWAY_TOKEN`."""

import requests
import sms
from django.conf import settings
from sms.backends.base import BaseSmsBackend

TIMEOUT_SECONDS = 10


class SmsError(Exception):
    pass


class GatewaySmsBackend(BaseSmsBackend):
    def send_messages(self, messages) -> int:
        sent = 0
        for message in messages:
            for recipient in message.recipients:
                try:
                    response = requests.post(
                        settings.SMS_GATEWAY_URL,
                        json={"from": message.originator, "to": recipient, "text": message.body},
                        headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
                        timeout=TIMEOUT_SECONDS,
                    )
                except requests.RequestException as error:
                    if self.fail_silently:
                        continue
                    raise SmsError(f"SMS gateway unreachable: {type(error).__name__}") from error
                if response.status_code >= 300:
                    if self.fail_silently:
                        continue
                    raise SmsError(f"SMS gateway refused: HTTP {response.status_code} {response.text[:200]}")
                sent += 1
        return sent


def send(*, to: str, text: str) -> None:
    try:
        count = sms.Message(text, settings.SMS_SENDER, [to]).send()
    except SmsError:
        raise
    except Exception as error:  # a third-party backend's own error type
        raise SmsError(f"{type(error).__name__}: {error}"[:300]) from error
    if count != 1:
        raise SmsError("the SMS backend sent nothing")
