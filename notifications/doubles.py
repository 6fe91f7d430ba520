"""Local doubles of the outside services, on 127.0.0.1 only, for tests and the demo
(`manage.py notification_doubles`). Nothing here is used in production.

- BotApiDouble answers `POST /bot<token>/sendMessage` like the Telegram Bot API and records
  each call; `GET /calls` lists them as JSON.
- SmsGatewayDouble answers `POST /send` (the gateway backend's request) and records it;
  `GET /calls` lists them.
Both can be told to fail the next N requests: `double.fail_next(N, status=502)` in Python, or
`POST /_fail?count=N&status=502`."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class _Handler(BaseHTTPRequestHandler):
    server: "_Double"

    def log_message(self, format, *args):  # keep test output clean
        pass

    def _reply(self, status: int, payload: object) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if urlparse(self.path).path == "/calls":
            self._reply(200, self.server.calls)
        else:
            self._reply(404, {"ok": False, "description": "Not Found"})

    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if url.path == "/_fail":
            query = parse_qs(url.query)
            self.server.fail_next(int(query.get("count", ["1"])[0]), status=int(query.get("status", ["502"])[0]))
            self._reply(200, {"ok": True})
            return
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            self._reply(400, {"ok": False, "description": "Bad Request: invalid JSON"})
            return
        status, answer = self.server.answer(url.path, payload, dict(self.headers))
        self._reply(status, answer)


class _Double(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.calls: list[dict] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fail_next(self, count: int = 1, *, status: int = 502) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def _take_failure(self) -> int | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def answer(self, path: str, payload: dict, headers: dict) -> tuple[int, dict]:
        raise NotImplementedError

    def start(self) -> "_Double":
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class BotApiDouble(_Double):
    def answer(self, path, payload, headers):
        parts = path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot") or parts[1] != "sendMessage":
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        failure = self._take_failure()
        if failure:
            return failure, {"ok": False, "error_code": failure, "description": "double told to fail"}
        if not isinstance(payload.get("chat_id"), int) or not payload.get("text"):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat_id and text needed"}
        with self._lock:
            self.calls.append({"token": parts[0][3:], "chat_id": payload["chat_id"], "text": payload["text"]})
            message_id = len(self.calls)
        return 200, {"ok": True, "result": {"message_id": message_id, "chat": {"id": payload["chat_id"]}}}


class SmsGatewayDouble(_Double):
    def answer(self, path, payload, headers):
        if path != "/send":
            return 404, {"error": "not found"}
        failure = self._take_failure()
        if failure:
            return failure, {"error": "double told to fail"}
        if not payload.get("to") or not payload.get("text"):
            return 400, {"error": "to and text needed"}
        with self._lock:
            self.calls.append(
                {
                    "authorization": headers.get("Authorization", ""),
                    "from": payload.get("from"),
                    "to": payload["to"],
                    "text": payload["text"],
                }
            )
        return 200, {"id": len(self.calls), "status": "accepted"}
