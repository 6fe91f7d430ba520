"""Khmer word segmentation for search.

Khmer is written without spaces between words, so a word-based full-text index sees a whole
run ("ម្រេចកំពតសរីរាង្គ") as one token and finds nothing inside it. We segment text into words
with khmercut both when indexing and when querying, so both sides agree on the words."""

import re
from functools import lru_cache

from khmercut import tokenize

_KHMER_RUN = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]+")


@lru_cache(maxsize=4096)
def _segment_run(run: str) -> str:
    return " ".join(token for token in tokenize(run) if token.strip())


def segment(text: str | None) -> str:
    """Return text with a space between Khmer words; non-Khmer text is left as it is."""
    if not text:
        return ""
    return _KHMER_RUN.sub(lambda match: _segment_run(match.group(0)), text)


def contains_khmer(text: str | None) -> bool:
    return bool(text and _KHMER_RUN.search(text))
