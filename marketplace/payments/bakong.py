"""Bakong transaction status checks, behind a small pluggable client.

`PAYMENTS_BAKONG_CLIENT` names the class (default `BakongOpenAPIClient`); with no
`BAKONG_API_TOKEN` there is no client and KHQR payments are confirmed by staff."""

from __future__ import annotations

import dataclasses
import json
import logging
import urllib.error
import urllib.request
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TransactionStatus:
    paid: bool
    amount: Decimal | None = None
    currency: str = ""
    reference: str = ""


class BakongClient:
    """Interface: look a KHQR up by the MD5 of its payload."""

    def check_transaction(self, *, md5: str) -> TransactionStatus:
        raise NotImplementedError


class BakongUnavailable(Exception):
    pass


class BakongOpenAPIClient(BakongClient):
    """NBC's Bakong Open API: POST /v1/check_transaction_by_md5 with a bearer token.
    responseCode 0 with data means paid; 1 means not found (yet)."""

    def __init__(self, *, base_url: str, token: str, timeout: float = 10):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def check_transaction(self, *, md5: str) -> TransactionStatus:
        request = urllib.request.Request(
            f"{self.base_url}/v1/check_transaction_by_md5",
            data=json.dumps({"md5": md5}).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310  # noqa: S310  # BAKONG_API_BASE from settings, never user input
                body = json.load(response)
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            logger.warning("Bakong status check failed: %s", error)
            raise BakongUnavailable(str(error)) from error
        data = body.get("data") or {}
        if body.get("responseCode") != 0 or not data:
            return TransactionStatus(paid=False)
        return TransactionStatus(
            paid=True,
            amount=Decimal(str(data.get("amount"))),
            currency=str(data.get("currency", "")).upper(),
            reference=str(data.get("hash", "")),
        )


def get_client() -> BakongClient | None:
    if not settings.BAKONG_API_TOKEN:
        return None
    client_class = import_string(settings.PAYMENTS_BAKONG_CLIENT)
    return client_class(base_url=settings.BAKONG_API_BASE, token=settings.BAKONG_API_TOKEN)
