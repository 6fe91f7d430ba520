import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.reminders import session_reminders_send


class Command(BaseCommand):
    help = (
        "Remind learners of a session that starts tomorrow (run once a day, e.g. at 08:00 by the "
        "systemd timer in docs/notifications.md). Safe to run twice: each learner is reminded once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the sessions' first day (YYYY-MM-DD); default tomorrow")

    def handle(self, *args, date=None, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"--date: {error}") from None
        else:
            day = timezone.localdate() + datetime.timedelta(days=1)
        sent = session_reminders_send(day=day)
        self.stdout.write(f"{sent} reminder(s) for sessions starting {day.isoformat()}")
