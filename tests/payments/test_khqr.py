"""KHQR payloads checked by an independent decoder written here from the EMVCo merchant-
presented QR spec: TLV walk plus a bit-by-bit CRC16-CCITT (the generator uses binascii)."""

import time
from decimal import Decimal

import pytest

from marketplace.payments import khqr
from tests.payments.khqr_sdk import sdk_verify

MERCHANT = khqr.Merchant(bakong_account_id="sahakum@aclb", name="Sahakum", city="Siem Reap", acquiring_bank="ACLEDA")
NOW_MS = int(time.time() * 1000)
LATER_MS = NOW_MS + 15 * 60 * 1000


def build(amount, currency="USD", bill_number="A", created_ms=NOW_MS, expires_ms=LATER_MS):
    return khqr.build_payload(
        merchant=MERCHANT,
        amount=amount,
        currency=currency,
        bill_number=bill_number,
        created_ms=created_ms,
        expires_ms=expires_ms,
    )


def parse_tlv(text: str) -> dict[str, str]:
    fields, position = {}, 0
    while position < len(text):
        tag, length = text[position : position + 2], int(text[position + 2 : position + 4])
        value = text[position + 4 : position + 4 + length]
        assert len(value) == length, f"field {tag} is cut short"
        assert tag not in fields, f"field {tag} repeated"
        fields[tag] = value
        position += 4 + length
    return fields


def crc16_ccitt_bitwise(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def decode(payload: str) -> dict[str, str]:
    assert payload[-8:-4] == "6304", "the CRC must be the last field"
    expected = crc16_ccitt_bitwise(payload[:-4].encode())
    assert int(payload[-4:], 16) == expected, "CRC mismatch"
    return parse_tlv(payload)


def test_usd_payload_carries_amount_currency_merchant_and_a_valid_crc():
    payload = build(Decimal("12.50"), "USD", "SK000123")
    fields = decode(payload)
    assert fields["00"] == "01"
    assert fields["01"] == "12"  # dynamic: single payment of a fixed amount
    assert parse_tlv(fields["29"]) == {"00": "sahakum@aclb", "02": "ACLEDA"}
    assert fields["53"] == "840"
    assert fields["54"] == "12.5"
    assert fields["58"] == "KH"
    assert fields["59"] == "Sahakum"
    assert fields["60"] == "Siem Reap"
    assert parse_tlv(fields["62"])["01"] == "SK000123"
    # Tag 99: creation and expiry times, both required by NBC's SDK for a dynamic KHQR.
    assert parse_tlv(fields["99"]) == {"00": str(NOW_MS), "01": str(LATER_MS)}


def test_riel_amount_is_whole_and_coded_116():
    payload = build(Decimal("4100"), "KHR", "SK1")
    fields = decode(payload)
    assert (fields["53"], fields["54"]) == ("116", "4100")


def test_a_changed_amount_breaks_the_crc():
    payload = build(Decimal("12.50"))
    tampered = payload.replace("540412.5", "540413.5")
    assert tampered != payload
    with pytest.raises(AssertionError, match="CRC"):
        decode(tampered)


@pytest.mark.parametrize(
    "amount,currency",
    [(Decimal("0"), "USD"), (Decimal("-1"), "USD"), (Decimal("10.5"), "KHR"), (Decimal("1"), "EUR")],
)
def test_bad_amounts_and_currencies_are_refused(amount, currency):
    with pytest.raises(khqr.KHQRError):
        build(amount, currency)


def test_qr_image_is_an_svg_encoding_the_payload():
    payload = build(Decimal("1"))
    svg = khqr.qr_svg(payload)
    assert svg.startswith(b"<?xml") and b"<svg" in svg


def test_a_qr_cannot_expire_before_it_is_created():
    with pytest.raises(khqr.KHQRError):
        build(Decimal("1"), expires_ms=NOW_MS)


@pytest.mark.parametrize(
    "amount, currency, code, shown",
    [
        (Decimal("12.50"), "USD", "840", "12.5"),
        (Decimal("15"), "USD", "840", "15"),
        (Decimal("27750"), "KHR", "116", "27750"),
    ],
)
def test_nbc_sdk_accepts_and_decodes_our_khqr(amount, currency, code, shown):
    """Issue 10 #1: NBC's own SDK (npm bakong-khqr) says isValid and decodes what we meant:
    USD with cents, USD whole, KHR."""
    [result] = sdk_verify(build(amount, currency, "SK7Q2M4X"))
    assert result["isValid"] is True, result
    decoded = result["decoded"]
    assert decoded["transactionAmount"] == shown
    assert decoded["transactionCurrency"] == code
    assert decoded["billNumber"] == "SK7Q2M4X"
    assert decoded["bakongAccountID"] == "sahakum@aclb"
    assert decoded["expirationTimestamp"] == str(LATER_MS)


def test_nbc_sdk_refuses_a_dynamic_khqr_without_expiry():
    """What the site produced before issue 10 #1: tag 99 with the creation time only."""
    payload = build(Decimal("12.50"))
    fields = decode(payload)
    body = payload[: payload.index("99" + f"{len(fields['99']):02d}")]
    old = body + "9917" + "0013" + str(NOW_MS) + "6304"
    old += f"{crc16_ccitt_bitwise(old.encode()):04X}"
    decode(old)  # well-formed for our own decoder
    [result] = sdk_verify(old)
    assert result["isValid"] is False
