"""KHQR payloads checked by an independent decoder written here from the EMVCo merchant-
presented QR spec: TLV walk plus a bit-by-bit CRC16-CCITT (the generator uses binascii)."""

from decimal import Decimal

import pytest

from marketplace.payments import khqr

MERCHANT = khqr.Merchant(bakong_account_id="sahakum@aclb", name="Sahakum", city="Siem Reap", acquiring_bank="ACLEDA")


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
    payload = khqr.build_payload(
        merchant=MERCHANT, amount=Decimal("12.50"), currency="USD", bill_number="SK000123", created_ms=1_764_000_000_000
    )
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
    assert parse_tlv(fields["99"])["00"] == "1764000000000"


def test_riel_amount_is_whole_and_coded_116():
    payload = khqr.build_payload(
        merchant=MERCHANT, amount=Decimal("4100"), currency="KHR", bill_number="SK1", created_ms=1
    )
    fields = decode(payload)
    assert (fields["53"], fields["54"]) == ("116", "4100")


def test_a_changed_amount_breaks_the_crc():
    payload = khqr.build_payload(
        merchant=MERCHANT, amount=Decimal("12.50"), currency="USD", bill_number="A", created_ms=1
    )
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
        khqr.build_payload(merchant=MERCHANT, amount=amount, currency=currency, bill_number="A", created_ms=1)


def test_qr_image_is_an_svg_encoding_the_payload():
    payload = khqr.build_payload(merchant=MERCHANT, amount=Decimal("1"), currency="USD", bill_number="A", created_ms=1)
    svg = khqr.qr_svg(payload)
    assert svg.startswith(b"<?xml") and b"<svg" in svg
