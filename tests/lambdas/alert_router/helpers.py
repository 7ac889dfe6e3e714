"""Shared test helpers for the alert router: fixture loading and a local HTTP stand-in for webhooks."""
from __future__ import annotations

import abc
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ALL_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".json", ".txt"))


def fixture_text(name: str) -> str:
    """The raw SNS Message string stored in tests/lambdas/alert_router/fixtures/<name>."""
    return (FIXTURES / name).read_text()


class LocalWebhooks(abc.ABC):
    """A local HTTP server on 127.0.0.1 standing in for webhook receivers; subclasses decide each answer.

    ``answer(path, body)`` returns ``(status, headers, payload)``, or None to hold the request until the server
    stops (the client's timeout fires). A JSON body arrives parsed, anything else as text.
    """

    def __init__(self) -> None:
        self._release = threading.Event()
        webhooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                reply = webhooks.answer(self.path, body)
                if reply is None:
                    webhooks._release.wait(30)
                    return
                status, headers, payload = reply
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @abc.abstractmethod
    def answer(self, path: str, body: Any) -> tuple[int, dict[str, str], bytes] | None:
        """How this stand-in answers one request."""

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Any:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()


class Receiver(LocalWebhooks):
    """A local HTTP server standing in for Slack, PagerDuty and Teams.

    ``behaviour[path]`` is a list of actions consumed per request (the last one repeats): an int status, or
    "hang" to hold the request until the server stops (the client's timeout fires). Every request is recorded.
    """

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, Any]] = []
        self.behaviour: dict[str, list[Any]] = {}

    def answer(self, path: str, body: Any) -> tuple[int, dict[str, str], bytes] | None:
        self.requests.append((path, body))
        actions = self.behaviour.get(path, [200])
        action = actions.pop(0) if len(actions) > 1 else actions[0]
        if action == "hang":
            return None
        status, headers = (action, {}) if isinstance(action, int) else action
        return status, headers, b'{"status":"success","message":"Event processed"}' if status < 300 else b"error"

    def bodies(self, path: str) -> list[Any]:
        """Bodies received on ``path``, in order."""
        return [body for p, body in self.requests if p == path]
