"""How many SMS parts a text costs. GSM 03.38 text: 160 characters in one part, 153 per part
when concatenated (characters of the extension table count twice). Anything else — Khmer among
it — goes as UCS-2: 70 UTF-16 code units in one part, 67 per part when concatenated."""

import math

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")

# The most an SMS template may cost once filled with realistic long values.
MAX_SEGMENTS = 3


def encoding(text: str) -> str:
    return "gsm7" if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text) else "ucs2"


def length(text: str) -> int:
    """Length in the units the encoding counts (septets or UTF-16 code units)."""
    if encoding(text) == "gsm7":
        return sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def count(text: str) -> int:
    """Number of parts the gateway charges for."""
    units = length(text)
    single, multi = (160, 153) if encoding(text) == "gsm7" else (70, 67)
    if units <= single:
        return 1
    return math.ceil(units / multi)
