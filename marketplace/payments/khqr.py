"""KHQR (Bakong) payloads: EMVCo merchant-presented QR with the NBC's KHQR tags.

A payload is a run of TLV fields (two-digit tag, two-digit length, value) closed by tag 63, the
CRC16-CCITT (poly 0x1021, init 0xFFFF) of everything before it including "6304". The image
itself is drawn by segno."""

from __future__ import annotations

import binascii
import dataclasses
import hashlib
import io
from decimal import Decimal

import segno

# ISO 4217 numeric codes that KHQR accepts.
CURRENCY_CODES = {"KHR": "116", "USD": "840"}
MERCHANT_CATEGORY_CODE = "5999"  # miscellaneous retail


class KHQRError(ValueError):
    pass


def tlv(tag: str, value: str) -> str:
    length = len(value)
    if not value or length > 99:
        raise KHQRError(f"KHQR field {tag} must hold 1 to 99 characters")
    return f"{tag}{length:02d}{value}"


def crc16(data: str) -> str:
    return f"{binascii.crc_hqx(data.encode('utf-8'), 0xFFFF):04X}"


def format_amount(amount: Decimal, currency: str) -> str:
    # Riel has no minor unit in KHQR; dollars carry up to two decimals.
    if currency == "KHR":
        if amount != amount.to_integral_value():
            raise KHQRError("A riel amount must be whole")
        return str(int(amount))
    return f"{amount.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")


@dataclasses.dataclass(frozen=True)
class Merchant:
    bakong_account_id: str
    name: str
    city: str
    acquiring_bank: str = ""
    mobile_number: str = ""


def build_payload(
    *, merchant: Merchant, amount: Decimal, currency: str, bill_number: str, created_ms: int, expires_ms: int
) -> str:
    """A dynamic (single-use, amount-bearing) individual KHQR for one order, valid from
    `created_ms` to `expires_ms` (milliseconds since the epoch; NBC's SDK requires both)."""
    currency = currency.upper()
    if currency not in CURRENCY_CODES:
        raise KHQRError(f"KHQR supports KHR and USD, not {currency}")
    if amount <= 0:
        raise KHQRError("A KHQR amount must be positive")
    if expires_ms <= created_ms:
        raise KHQRError("A KHQR must expire after it is created")
    account = tlv("00", merchant.bakong_account_id)
    if merchant.acquiring_bank:
        account += tlv("02", merchant.acquiring_bank)
    additional = tlv("01", bill_number[:25])
    if merchant.mobile_number:
        additional += tlv("02", merchant.mobile_number[:25])
    body = "".join(
        [
            tlv("00", "01"),  # payload format indicator
            tlv("01", "12"),  # dynamic QR: one payment, amount included
            tlv("29", account),  # individual Bakong account
            tlv("52", MERCHANT_CATEGORY_CODE),
            tlv("53", CURRENCY_CODES[currency]),
            tlv("54", format_amount(amount, currency)),
            tlv("58", "KH"),
            tlv("59", merchant.name[:25]),
            tlv("60", merchant.city[:15]),
            tlv("62", additional),
            tlv("99", tlv("00", str(created_ms)) + tlv("01", str(expires_ms))),
        ]
    )
    body += "6304"
    return body + crc16(body)


def payload_md5(payload: str) -> str:
    """Bakong's status API looks transactions up by the MD5 of the QR string."""
    return hashlib.md5(payload.encode("utf-8"), usedforsecurity=False).hexdigest()


def qr_svg(payload: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="svg", scale=6, border=2, xmldecl=True)
    return buffer.getvalue()
