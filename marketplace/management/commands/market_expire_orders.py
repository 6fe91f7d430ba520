from django.core.management.base import BaseCommand

from marketplace.services import orders_expire_unpaid


class Command(BaseCommand):
    help = "Cancel unpaid orders past their expiry time and release their stock (safe to run repeatedly)."

    def handle(self, *args, **options):
        count = orders_expire_unpaid()
        self.stdout.write(f"{count} unpaid order(s) expired.")
