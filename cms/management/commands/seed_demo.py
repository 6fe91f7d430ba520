import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import seed_accounts
from cms.demo import seed_pages

# Each app that has demo data provides `<app>.demo.seed(*, users, pages, log)`.
APP_SEEDERS = [
    "networks.demo",
    "marketplace.demo",
    "marketplace.payments.demo",
    "marketplace.demo_pickups",
    "marketplace.demo_grouptrade",
    "training.demo",
    "notifications.demo",
]


class Command(BaseCommand):
    help = "Build the demo site (pages in Khmer and English, one account per role, demo data). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")
        parser.add_argument(
            "--demo-server",
            action="store_true",
            help="Run with production settings: this server is a public demo and its accounts may have a known password.",
        )

    def handle(self, *args, force=False, demo_server=False, **options):
        if getattr(settings, "IS_PRODUCTION", False) and not demo_server:
            raise CommandError(
                "seed_demo creates accounts with a published password; refusing with production settings "
                "(--force is not enough). For the real site run `manage.py bootstrap`; on a public demo server "
                "pass --demo-server."
            )
        if not settings.DEBUG and not force and not demo_server:
            raise CommandError("seed_demo creates public demo accounts; refusing with DJANGO_DEBUG off (use --force).")
        log = self.stdout.write
        with transaction.atomic():
            log("Accounts")
            users = seed_accounts(log=log)
            log("Pages")
            pages = seed_pages(log=log)
            for module_name in APP_SEEDERS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name != module_name:
                        raise
                    continue
                log(module_name)
                module.seed(users=users, pages=pages, log=log)
        log(self.style.SUCCESS("Demo ready."))
