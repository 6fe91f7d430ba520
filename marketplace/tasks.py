"""Background jobs (django-tasks). Schedule `expire_unpaid_orders` every few minutes (cron or
the worker's scheduler); the management command `market_expire_orders` does the same."""

from django_tasks import task

from .services import orders_expire_unpaid


@task()
def expire_unpaid_orders() -> int:
    return orders_expire_unpaid()
