"""A fake workbench proxy for tests (used by conftest.py's `fake_proxy` fixture and importable by tests).

The fake proxy is a real HTTP server in a thread: it checks the secret header like the real one (401 without it),
records every request, and answers from a route table the test fills. A runtime file announces it, so the code
under test finds it exactly as it finds the real proxy.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Optional, Union
from urllib.parse import parse_qs, urlsplit

TOKEN_HEADER = "X-Kubeflow-Workbench-Token"


def info_body(kind: str = "local", state: str = "connected", namespace: str = "default", **extra: Any) -> dict:
    backend = {"kind": kind, "selected": "auto", "state": state, "namespace": namespace, **extra}
    return {"backend": backend, "versions": {"proxy": "0.1.0", "node": "v20.0.0", "clientNode": "1.4.0"}}


def job_body(name: str = "train-abc", namespace: str = "default", phase: str = "Created", **extra: Any) -> dict:
    return {
        "name": name,
        "namespace": namespace,
        "framework": "pytorch",
        "kind": "PyTorchJob",
        "backend": "local",
        "phase": phase,
        "created": "2026-11-23T07:00:00Z",
        "conditions": [],
        "replicas": [{"name": "worker-0", "role": "Worker", "index": 0, "phase": "Pending"}],
        **extra,
    }


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: dict
    body: Any


Handler = Callable[[BaseHTTPRequestHandler, Recorded], None]


@dataclass
class FakeProxy:
    url: str
    token: str
    runtime_file: Path
    server: ThreadingHTTPServer
    routes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)

    def route(self, method: str, path: str, answer: Union[Handler, Any], status: int = 200) -> None:
        """Answer `method path` with JSON `answer` (and `status`), or let a handler write the response."""
        self.routes[(method, path)] = answer if callable(answer) else _json_handler(status, answer)

    def calls(self, method: str, path: Optional[str] = None) -> list:
        return [r for r in self.requests if r.method == method and (path is None or r.path == path)]


def _json_handler(status: int, body: Any) -> Handler:
    def handle(h: BaseHTTPRequestHandler, _request: Recorded) -> None:
        send_json(h, status, body)

    return handle


def send_json(h: BaseHTTPRequestHandler, status: int, body: Any) -> None:
    data = json.dumps(body).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)


def error_json(code: str, message: str, fields: Optional[list] = None) -> dict:
    error: dict = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


def start_fake_proxy(directory: Path, pid: Optional[int] = None, started: Optional[str] = None) -> FakeProxy:
    token = secrets.token_urlsafe(32)

    class Handle(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            record = Recorded(
                self.command,
                parts.path,
                {k: v[0] for k, v in parse_qs(parts.query).items()},
                dict(self.headers.items()),
                json.loads(raw) if raw else None,
            )
            fake.requests.append(record)
            if self.headers.get(TOKEN_HEADER) != token:
                send_json(self, 401, error_json("unauthorized", "missing or wrong token"))
                return
            handler = fake.routes.get((self.command, parts.path))
            if handler is None:
                send_json(self, 404, error_json("not_found", f"no route {self.command} {parts.path}"))
                return
            handler(self, record)

        do_GET = do_POST = do_DELETE = _serve

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_address[1]}"
    pid = os.getpid() if pid is None else pid
    directory.mkdir(parents=True, exist_ok=True)
    runtime_file = directory / f"proxy-{pid}.json"
    fake = FakeProxy(url, token, runtime_file, server)
    fake.route("GET", "/api/v1/info", info_body())
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    write_runtime_file(runtime_file, url, token, pid, started)
    return fake


def write_runtime_file(path: Path, url: str, token: str, pid: int, started: Optional[str] = None) -> None:
    started = started or datetime.now(timezone.utc).isoformat()
    path.write_text(json.dumps({"url": url, "token": token, "pid": pid, "started": started, "version": "0.1.0"}))
    path.chmod(0o600)


