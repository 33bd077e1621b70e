"""A LibreTranslate-compatible server on loopback for the tests (no translation model can be
downloaded here): `POST /translate` answers `{"translatedText": "[<target>] <q>"}`, so a test
sees which language was asked for and of what text; `GET /languages` lists the six languages.

It speaks the API the production client speaks: a JSON or form body with `q`, `source`,
`target`, `format` and `api_key`; with `source = "auto"` it also answers `detectedLanguage`
(Arabic script: ar, Cyrillic: uk, else nl, or what a test sets in `detect`). With `api_key` set
it refuses requests without that key (403), as a server started with `--api-keys` does; with
`status` set it answers that status and an error, as a failing server does. Every request is
recorded in `requests`.

    with FakeTranslate() as server:
        settings = TranslationSettings(url=server.url)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

LANGUAGES = ("nl", "en", "ar", "tr", "pl", "uk")


def guess_language(text: str) -> str:
    if any("\u0600" <= c <= "\u06ff" for c in text):
        return "ar"
    if any("\u0400" <= c <= "\u04ff" for c in text):
        return "uk"
    return "nl"


class FakeTranslate:
    def __init__(self, api_key: str | None = None) -> None:
        self.api_key = api_key
        self.status: int | None = None  # set to answer every request with this error status
        self.detect: Callable[[str], str] = guess_language
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> FakeTranslate:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeTranslate:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def translations(self) -> list[tuple[str, str, str]]:
        """(source, target, text) of every /translate request, in order."""
        return [(r["source"], r["target"], r["q"]) for r in self.requests if "q" in r]

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        if self.status is not None:
            return self.status, {"error": "the fake server was told to fail"}
        if self.api_key is not None and body.get("api_key") != self.api_key:
            return 403, {"error": "Invalid API key"}
        q, source, target = body.get("q"), body.get("source"), body.get("target")
        if not isinstance(q, str) or not source or target not in LANGUAGES:
            return 400, {"error": "Invalid request"}
        answer: dict[str, Any] = {"translatedText": f"[{target}] {q}"}
        if source == "auto":
            detected = self.detect(q)
            answer["detectedLanguage"] = {"confidence": 90, "language": detected}
            if detected == target:
                answer["translatedText"] = q
        elif source not in LANGUAGES:
            return 400, {"error": f"{source} is not supported"}
        return 200, answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # quiet: the test reads `requests`

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a test of the timeout)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/languages":
                    listed = [{"code": c, "name": c, "targets": list(LANGUAGES)} for c in LANGUAGES]
                    self._reply(200, listed)
                else:
                    self._reply(404, {"error": "Not Found"})

            def do_POST(self) -> None:  # noqa: N802
                if self.path != "/translate":
                    self._reply(404, {"error": "Not Found"})
                    return
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                self._reply(*fake.answer(body))

        return Handler


def closed_port_url() -> str:
    """The URL of a loopback port nobody listens on: a translation server that is down."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
