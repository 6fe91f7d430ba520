"""A lock for scheduled jobs, so a timer that fires while the previous run is still going (or
the same timer on two app servers) skips instead of running twice at once.

PostgreSQL: a session advisory lock, shared by every server using the database. Elsewhere
(SQLite, one machine): an flock on a file in the temporary directory."""

import fcntl
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"sahakum:{name}".encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Yields True when this process holds the lock for `name`, False when another one does."""
    if connection.vendor == "postgresql":
        key = _advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    path = (
        Path(tempfile.gettempdir())
        / f"sahakum-job-{hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:16]}.lock"
    )
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
