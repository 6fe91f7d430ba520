import argparse

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cms.locks import job_lock


class Command(BaseCommand):
    help = (
        "Run a management command unless the same command is already running (on any server sharing the "
        "PostgreSQL database). For timers and cron: `manage.py run_locked market_expire_orders`."
    )

    def add_arguments(self, parser):
        parser.add_argument("command_name")
        parser.add_argument("command_args", nargs=argparse.REMAINDER)

    def handle(self, *args, command_name, command_args, **options):
        with job_lock(command_name) as acquired:
            if not acquired:
                self.stdout.write(f"{command_name} is already running; skipped.")
                return
            call_command(command_name, *command_args, stdout=self.stdout, stderr=self.stderr)
