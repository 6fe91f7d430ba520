"""Codes and tokens: the one generator for each kind.

- A secret token proves that a link is the holder's (an order page, an enrolment page): long,
  random, URL-safe, compared in constant time.
- A readable code is read aloud over the phone or typed from paper (order references,
  certificate verification codes): upper-case letters and digits without 0/O or 1/I."""

import secrets

READABLE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TOKEN_BYTES = 24


def secret_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_matches(given: str | None, expected: str) -> bool:
    return bool(given) and bool(expected) and secrets.compare_digest(str(given), expected)


def readable_code(length: int, prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))
