"""Scheduled jobs run under a lock: a second run while the first holds it skips."""

import os
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from cms.locks import _advisory_key, job_lock


@contextmanager
def held_elsewhere(name):
    """The lock held by another process/session, as a second timer run would see it."""
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        other = psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
            password=settings["PASSWORD"] or None,
            autocommit=True,
        )
        try:
            other.execute("SELECT pg_advisory_lock(%s)", [_advisory_key(name)])
            yield
            other.execute("SELECT pg_advisory_unlock(%s)", [_advisory_key(name)])
        finally:
            other.close()
    else:
        with job_lock(name) as acquired:  # flock: another open file description conflicts
            assert acquired
            yield


@pytest.fixture
def expire_calls(monkeypatch):
    import marketplace.management.commands.market_expire_orders as command

    calls = []
    monkeypatch.setattr(command, "orders_expire_unpaid", lambda: calls.append(os.getpid()) or 0)
    return calls


@pytest.mark.django_db(transaction=True)
def test_second_run_skips_while_the_first_holds_the_lock(expire_calls):
    with held_elsewhere("market_expire_orders"):
        out = StringIO()
        call_command("run_locked", "market_expire_orders", stdout=out)
    assert "already running; skipped" in out.getvalue()
    assert expire_calls == []

    out = StringIO()
    call_command("run_locked", "market_expire_orders", stdout=out)
    assert expire_calls == [os.getpid()]
    assert "0 unpaid order(s) expired." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_arguments_pass_through_and_locks_are_per_command(expire_calls, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    with held_elsewhere("market_expire_orders"):
        out = StringIO()
        call_command("run_locked", "prune_db_task_results", "--min-age-days", "14", stdout=out)
    assert "skipped" not in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_lock_is_released_after_a_failing_run(monkeypatch):
    import marketplace.management.commands.market_expire_orders as command

    def fail():
        raise RuntimeError("database went away")

    monkeypatch.setattr(command, "orders_expire_unpaid", fail)
    with pytest.raises(RuntimeError):
        call_command("run_locked", "market_expire_orders", stdout=StringIO())
    with job_lock("market_expire_orders") as acquired:
        assert acquired
