"""Background jobs (django-tasks). Schedule `expire_unpaid_orders` and `expire_quotes` every few
minutes (cron or the worker's scheduler); the management command `market_expire_orders` runs both."""

from django_tasks import task

from .services import orders_expire_unpaid, quotes_expire


@task()
def expire_unpaid_orders() -> int:
    return orders_expire_unpaid()


@task()
def expire_quotes() -> int:
    """Offers past their validity become `expired` (accepting one is refused even before)."""
    return quotes_expire()
