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


# A Khmer orthographic cluster starts at a consonant or independent vowel that is not a subscript
# (not preceded by COENG, U+17D2).
_CLUSTER_START = re.compile(r"(?<!\u17d2)[\u1780-\u17b3]")
INFIX_MAX_LENGTH = 24


def khmer_infixes(text: str | None) -> str:
    """Every cluster-initial suffix of each Khmer run, cut to INFIX_MAX_LENGTH characters, as
    space-separated tokens. Indexed as an autocomplete (prefix) field, they let a query match
    anywhere inside a run, whatever the segmenter did with it: "ក្រមាតម្បាញដៃ" yields
    "តម្បាញដៃ", which the prefix "តម្បាញ" matches (the segmenter split it "ក្រមាត ម្បាញ ដៃ")."""
    if not text:
        return ""
    tokens = []
    for run in _KHMER_RUN.findall(text):
        for match in _CLUSTER_START.finditer(run):
            suffix = run[match.start() : match.start() + INFIX_MAX_LENGTH]
            if len(suffix) > 1:
                tokens.append(suffix)
    return " ".join(dict.fromkeys(tokens))


def khmer_query_words(query: str | None) -> list[str]:
    """The words of a query as the reader typed them, when every one of them is Khmer."""
    words = (query or "").split()
    return words if words and all(_KHMER_RUN.fullmatch(word) for word in words) else []


def romanised_slug(text: str | None) -> str:
    """A readable ASCII slug for a Khmer title: its words (segmented) romanised by anyascii,
    "វគ្គតម្បាញថ្មីបើកចុះឈ្មោះ" → "vkk-tmbanh-thmei-baeuk-choahchhmaoah". Slug rules alone drop
    Khmer vowel signs and subscripts ("វគគតមបញថមបកចឈម")."""
    from anyascii import anyascii
    from django.utils.text import slugify

    return slugify(anyascii(segment(text)))[:200]
