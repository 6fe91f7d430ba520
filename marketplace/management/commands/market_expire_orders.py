from django.core.management.base import BaseCommand

from marketplace.services import orders_expire_unpaid, quotes_expire


class Command(BaseCommand):
    help = (
        "Cancel unpaid orders past their expiry time and release their stock, and mark trader quotes "
        "whose offer ran out as expired (safe to run repeatedly)."
    )

    def handle(self, *args, **options):
        count = orders_expire_unpaid()
        self.stdout.write(f"{count} unpaid order(s) expired.")
        quotes = quotes_expire()
        self.stdout.write(f"{quotes} quote offer(s) expired.")
