"""One way to run jobs at the same moment in threads, each on its own database connection
(like oscar.test.utils.run_concurrently). Only meaningful on PostgreSQL, where row locks are real."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import translation


def run_concurrently(count: int, job: Callable[[int], Any], *, language: str = "en", timeout: float = 120) -> list:
    """Start `count` threads that wait at a barrier, then each call `job(index)`.

    Returns one entry per index: what the job returned, or the exception it raised (so the test
    asserts on refusals as well as successes). Each thread closes its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            with translation.override(language):
                results[index] = job(index)
        except Exception as error:  # noqa: BLE001 — returned to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"threads still running after {timeout} s (deadlock?): {stuck}"
    return results


def errors(results: list) -> list[BaseException]:
    return [result for result in results if isinstance(result, BaseException)]
