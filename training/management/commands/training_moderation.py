from django.core.management.base import BaseCommand

from training.moderation import ensure_course_moderation


class Command(BaseCommand):
    help = "Let trainers edit course pages and submit them for an editor's approval (idempotent)."

    def handle(self, *args, **options):
        workflow = ensure_course_moderation()
        self.stdout.write(self.style.SUCCESS(f"Course pages moderated by the workflow “{workflow.name}”."))
