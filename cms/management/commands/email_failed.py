from django.core.management.base import BaseCommand

from cms.outbox import failed_emails, resend


class Command(BaseCommand):
    help = (
        "List emails that could not be sent after every retry (mail server down for hours, address refused); "
        "--resend queues them again for the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--resend", action="store_true", help="Queue every listed email again.")

    def handle(self, *args, **options):
        results = list(failed_emails())
        for result in results:
            kwargs = result.args_kwargs.get("kwargs", {})
            error = (result.traceback or "").strip().splitlines()[-1:] or [result.exception_class_path]
            self.stdout.write(
                f"{result.id}  {result.finished_at:%Y-%m-%d %H:%M}Z  to={','.join(kwargs.get('to', []))}  "
                f"subject={kwargs.get('subject', '')!r}  error={error[0]}"
            )
            if options["resend"]:
                resend(result)
        if options["resend"]:
            self.stdout.write(self.style.SUCCESS(f"{len(results)} email(s) queued again."))
        else:
            self.stdout.write(f"{len(results)} failed email(s).")
