from django.core.management.base import BaseCommand

from notifications.tasks import retry_due


class Command(BaseCommand):
    help = (
        "Queue the failed notifications whose next attempt is due (needed only with a task backend that cannot defer)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{retry_due()} notification(s) queued again")
