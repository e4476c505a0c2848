"""A real webhook receiver for tests: an HTTP server in a thread that counts POSTs per delivery id.

Like a careful production receiver it processes each delivery id once and
drops replays (still answering 200, so the sender stops retrying); ``posts``
counts every POST that arrived, ``processed`` the ones it acted on.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, port: int = 0, *, answer: dict[str, Any] | None = None) -> None:
        self.posts: Counter[str] = Counter()
        self.processed: list[str] = []
        self.bodies: dict[str, bytes] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.paths: list[str] = []
        self.answer = answer or {}
        self.hold_at: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _take(self, key: str, path: str, body: bytes, headers: dict[str, str]) -> bool:
        """Count the POST; True when the test asked to hold this one (the n-th) unanswered."""
        with self.lock:
            self.posts[key] += 1
            self.paths.append(path)
            if key not in self.bodies:
                self.processed.append(key)
                self.bodies[key], self.headers[key] = body, headers
            return self.hold_at is not None and sum(self.posts.values()) == self.hold_at

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("X-EcoLedger-Delivery", "")
                headers = {name.lower(): value for name, value in self.headers.items()}
                if receiver._take(key, self.path, body, headers):
                    receiver.held.set()
                    receiver.release.wait(30)
                answer = json.dumps(receiver.answer).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the sender died while we held its request

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
