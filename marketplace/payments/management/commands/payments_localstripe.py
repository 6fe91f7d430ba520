"""Serve localstripe (a Stripe double, from requirements-test.txt) on 127.0.0.1 for the demo,
with its signed webhooks pointed at the local site. Its own command listens on every
interface; this one does not."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run localstripe on 127.0.0.1 and send its webhooks to this site (demo and manual testing only)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8420)
        parser.add_argument(
            "--webhook-url",
            # The site's port follows PORT, as `make demo`/`make serve` do (default 8000).
            default=f"http://127.0.0.1:{os.environ.get('PORT') or 8000}/payments/stripe/webhook/",
            help="Where localstripe posts its signed events (default: the site on 127.0.0.1:$PORT).",
        )

    def handle(self, *args, port, webhook_url, **options):
        try:
            from aiohttp import web
            from localstripe import resources, server
            from localstripe.webhooks import register_webhook
        except ImportError as error:
            raise CommandError("localstripe is not installed: make install-test") from error
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise CommandError("Set STRIPE_WEBHOOK_SECRET (any value, the same for the site) first.")
        resources.store.dump_to_disk = lambda: None  # keep its store in memory, not in /tmp
        register_webhook(
            "sahakum",
            webhook_url,
            settings.STRIPE_WEBHOOK_SECRET,
            ["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"],
        )
        self.stdout.write(f"localstripe on http://127.0.0.1:{port}/ → webhooks to {webhook_url}")
        web.run_app(server.app, host="127.0.0.1", port=port, print=None)
