"""Canary tests: put the canary's code folder on sys.path (the runtime imports it as top-level modules) and
serve scripted answers from a local HTTP server on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CANARY_CODE = Path(__file__).resolve().parents[3] / "lambdas" / "canary" / "python"
if str(CANARY_CODE) not in sys.path:
    sys.path.insert(0, str(CANARY_CODE))


@dataclass
class Answer:
    """What the server answers on one path."""

    status: int = 200
    body: bytes | str | dict = b""
    delay_s: float = 0.0


@dataclass
class ScriptedServer:
    """A local server whose answers tests set per path; records the headers of every request it got."""

    base_url: str
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            server.requests.append((self.command, self.path, dict(self.headers)))
            answer = server.answers.get(self.path, Answer(status=404, body={"message": "not found"}))
            if answer.delay_s:
                time.sleep(answer.delay_s)
            body = answer.body
            if isinstance(body, dict):
                body = json.dumps(body)
            payload = body.encode() if isinstance(body, str) else body
            self.send_response(answer.status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

    return Handler


@pytest.fixture
def server():
    """A ScriptedServer on 127.0.0.1 with an ephemeral port, shut down after the test."""
    scripted = ScriptedServer(base_url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(scripted))
    httpd.daemon_threads = True
    scripted.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield scripted
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: the port was bound once, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
