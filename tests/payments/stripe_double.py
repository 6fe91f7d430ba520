"""localstripe (a Stripe double from PyPI) served from a thread on 127.0.0.1.

Its own command listens on every interface and pickles its store to /tmp; here its aiohttp app
is bound to 127.0.0.1 on a free port and the store stays in memory."""

import asyncio
import logging
import threading
import urllib.request

from aiohttp import web
from localstripe import resources, server, webhooks


class _DeliveryLog(logging.Handler):
    """localstripe logs each webhook delivery; keep the lines to wait on them."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def emit(self, record):
        with self.changed:
            self.lines.append(record.getMessage())
            self.changed.notify_all()


class StripeDouble:
    def __init__(self):
        self.deliveries = _DeliveryLog()
        self.loop = asyncio.new_event_loop()
        self.runner = None
        self.port = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="localstripe", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def js_url(self) -> str:
        return f"{self.url}/js.stripe.com/v3/"

    def _run(self):
        asyncio.set_event_loop(self.loop)
        try:
            self.runner = web.AppRunner(server.app, access_log=None)
            self.loop.run_until_complete(self.runner.setup())
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
        finally:
            self._ready.set()
        self.loop.run_forever()

    def start(self):
        resources.store.dump_to_disk = lambda: None
        access_log = logging.getLogger("aiohttp.access")
        access_log.setLevel(logging.INFO)
        access_log.addHandler(self.deliveries)
        self._thread.start()
        if not self._ready.wait(10) or self.port is None:
            raise RuntimeError("localstripe did not start")
        return self

    def stop(self):
        async def shutdown():
            await self.runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def register_webhook(self, *, url: str, secret: str, events=None, webhook_id="sahakum"):
        """Point localstripe's signed webhooks at `url` (its `/_config/webhooks/<id>` endpoint)."""
        data = f"url={url}&secret={secret}".encode()
        if events:
            data += b"".join(f"&events[]={event}".encode() for event in events)
        request = urllib.request.Request(f"{self.url}/_config/webhooks/{webhook_id}", data=data, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def forget_webhooks(self):
        """Stop sending events to the last test's server: its webhook is registered again (same
        id, through localstripe's public config endpoint) for no event type at all."""
        self.register_webhook(url="http://127.0.0.1:9/", secret="unused", events=["sahakum.none"])
        with self.deliveries.changed:
            self.deliveries.lines.clear()

    def drain(self, timeout: float = 15) -> None:
        """Wait until the webhook sends that localstripe scheduled on our event loop (each event
        1 s after it happens) are done: call before registering a webhook, so that no event of an
        earlier test reaches it."""

        async def scheduled_sends():
            current = asyncio.current_task()
            sends = [
                task
                for task in asyncio.all_tasks()
                if task is not current and task.get_coro().__name__ == webhooks._send_webhook.__name__
            ]
            if sends:
                await asyncio.wait(sends, timeout=timeout)

        asyncio.run_coroutine_threadsafe(scheduled_sends(), self.loop).result(timeout + 1)

    def wait_for_delivery(self, event_type: str, timeout: float = 15) -> str:
        """Block until localstripe has posted `event_type` to a webhook (delivered or not).
        Waiting here rather than polling the database keeps the test thread off the live
        server's connection (shared on SQLite) while it handles the event."""

        def delivered():
            return next((line for line in self.deliveries.lines if f'webhook "{event_type}"' in line), None)

        with self.deliveries.changed:
            line = self.deliveries.changed.wait_for(delivered, timeout)
        if line is None:
            raise AssertionError(f"localstripe did not send {event_type}: {self.deliveries.lines}")
        return line


_shared: StripeDouble | None = None


def shared_stripe_double() -> StripeDouble:
    """One localstripe per test process: its aiohttp app is a module global that can be served
    only once, so every fixture shares this one (stopped when the process exits)."""
    global _shared
    if _shared is None:
        import atexit

        _shared = StripeDouble().start()
        atexit.register(_shared.stop)
    return _shared
