"""localstripe (a Stripe double from PyPI) served from a thread on 127.0.0.1.

Its own command listens on every interface and pickles its store to /tmp; here its aiohttp app
is bound to 127.0.0.1 on a free port and the store stays in memory."""

import asyncio
import logging
import threading
import time
import urllib.request

from aiohttp import web
from localstripe import resources, server, webhooks


class _DeliveryLog(logging.Handler):
    """localstripe logs each webhook delivery; keep the lines to wait on them."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


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
        webhooks._webhooks.clear()
        self.deliveries.lines.clear()

    def wait_for_delivery(self, event_type: str, timeout: float = 15) -> str:
        """Block until localstripe has posted `event_type` to a webhook (delivered or not).
        Waiting here rather than polling the database keeps the test thread off the live
        server's connection (shared on SQLite) while it handles the event."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.deliveries.lines:
                if f'webhook "{event_type}"' in line:
                    return line
            time.sleep(0.1)
        raise AssertionError(f"localstripe did not send {event_type}: {self.deliveries.lines}")


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
