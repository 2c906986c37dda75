"""Find the workbench proxy through its runtime file and talk to it: a small stdlib HTTP client.

The proxy writes `<jupyter runtime dir>/kubeflow-workbench/proxy-<pid>.json` (mode 0600) once it listens:
`{"url", "token", "pid", "started", "version"}`. Kernels of the same user read it to reach the proxy with the
per-launch secret. The secret never appears in any message, repr or exception raised here.
"""

from __future__ import annotations

import codecs
import http.client
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence
from urllib.parse import quote, urlencode, urlsplit

TOKEN_HEADER = "X-Kubeflow-Workbench-Token"
API = "/api/v1"
RUNTIME_SUBDIR = "kubeflow-workbench"
#: Set by the Jupyter server in its environment (so in its kernels'): the URL of that server's proxy.
PROXY_URL_ENV = "KFWB_PROXY_URL"
#: How long a runtime-file candidate gets to answer `/api/v1/info` before the next one is tried.
PROBE_TIMEOUT = 2.0
DEFAULT_TIMEOUT = 60.0


def runtime_dir() -> Path:
    """Where proxies of this user announce themselves (honours `JUPYTER_RUNTIME_DIR`)."""
    from jupyter_core.paths import jupyter_runtime_dir

    return Path(jupyter_runtime_dir()) / RUNTIME_SUBDIR


# Route paths, mirroring contract/routes.ts.
def info_path() -> str:
    return f"{API}/info"


def jobs_path(namespace: str) -> str:
    return f"{API}/namespaces/{quote(namespace, safe='')}/jobs"


def job_path(namespace: str, name: str) -> str:
    return f"{jobs_path(namespace)}/{quote(name, safe='')}"


def job_logs_path(namespace: str, name: str) -> str:
    return f"{job_path(namespace, name)}/logs"


def watch_jobs_path(namespace: str) -> str:
    return f"{API}/namespaces/{quote(namespace, safe='')}/watch/jobs"


@dataclass(frozen=True)
class FieldError:
    """A validation problem at a JSON pointer into the request body, e.g. `/replicas/Worker/count`."""

    path: str
    message: str


class ProxyError(Exception):
    """An error answer of the proxy (`{"error": {code, message, fields}}`), or no answer at all."""

    def __init__(self, status: int, code: str, message: str, fields: Sequence[FieldError] = ()):
        self.status = status
        self.code = code
        self.message = message
        self.fields = list(fields)
        super().__init__(self.describe())

    def lines(self) -> list[str]:
        """The message, then one line per field: what the magics print."""
        return [self.message] + [f"{f.path}: {f.message}" for f in self.fields]

    def describe(self) -> str:
        return "\n  ".join(self.lines())


class ProxyUnavailable(ProxyError):
    """No proxy answered (none running, or it died). Code `proxy_unavailable` is client-side only."""

    def __init__(self, message: str):
        super().__init__(0, "proxy_unavailable", message)


def error_from_body(status: int, body: bytes) -> ProxyError:
    """Parses the proxy's error shape; anything else (an HTML page, a proxy in front) becomes plain text."""
    try:
        error = json.loads(body.decode("utf-8"))["error"]
        fields = [FieldError(str(f.get("path", "")), str(f.get("message", ""))) for f in error.get("fields") or []]
        return ProxyError(status, str(error.get("code", "internal")), str(error["message"]), fields)
    except (ValueError, KeyError, TypeError, AttributeError):
        text = body.decode("utf-8", "replace").strip()
        snippet = text[:200] + ("…" if len(text) > 200 else "")
        return ProxyError(status, "internal", f"the proxy answered HTTP {status}" + (f": {snippet}" if snippet else ""))


@dataclass(frozen=True)
class RuntimeInfo:
    """One runtime file. `token` is kept out of the repr so it cannot leak into a printed traceback."""

    url: str
    token: str = field(repr=False)
    pid: int
    started: str = ""
    version: str = ""
    path: Optional[Path] = None


def read_runtime_file(path: Path) -> Optional[RuntimeInfo]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RuntimeInfo(str(data["url"]), str(data["token"]), int(data["pid"]), str(data.get("started", "")),
                           str(data.get("version", "")), path)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        return True  # os.kill(pid, 0) would terminate the process on Windows; the /info probe decides there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    except OSError:
        return False
    return True


def _candidates(directory: Path) -> list[RuntimeInfo]:
    found = []
    for path in directory.glob("proxy-*.json"):
        try:
            if os.name == "posix" and path.stat().st_uid != os.getuid():
                continue  # only trust files of this user: they hold the secret we send
        except OSError:
            continue
        info = read_runtime_file(path)
        if info is not None:
            found.append(info)
    # Our own server's proxy first, then newest first: ISO timestamps sort as strings; the file time breaks ties
    # and covers a missing `started`.
    own = os.environ.get(PROXY_URL_ENV)
    return sorted(found, key=lambda i: (i.url == own, i.started, _mtime(i.path)), reverse=True)


def _mtime(path: Optional[Path]) -> float:
    try:
        return path.stat().st_mtime if path else 0.0
    except OSError:
        return 0.0


def find_proxy(directory: Optional[Path] = None, probe_timeout: float = PROBE_TIMEOUT) -> Optional[RuntimeInfo]:
    """The announced proxy whose process lives and whose `/api/v1/info` answers: this server's, else the newest.

    Files of dead processes are deleted (a crashed proxy cannot remove its own); files of live processes that do
    not answer are skipped but kept (the proxy may still be starting).
    """
    directory = directory or runtime_dir()
    for info in _candidates(directory):
        if not pid_alive(info.pid):
            try:
                if info.path:
                    info.path.unlink()
            except OSError:
                pass
            continue
        try:
            ProxyClient(info.url, info.token, timeout=probe_timeout).info()
        except (ProxyError, ValueError):  # ValueError: a file with an unusable URL or no token
            continue
        return info
    return None


def connect(start: bool = True, announce: Optional[Callable[[str], None]] = None) -> "ProxyClient":
    """A client for the running proxy; with `start`, starts a standalone one when none runs (and says so)."""
    info = find_proxy()
    if info is not None:
        return ProxyClient(info.url, info.token, runtime=info)
    if not start:
        raise ProxyUnavailable(
            "no Kubeflow Workbench proxy is running for this user "
            f"(no live runtime file in {runtime_dir()}); open JupyterLab or run %kf status to start one"
        )
    from .launcher import LauncherError, start_standalone

    try:
        started = start_standalone()
    except LauncherError as error:
        raise ProxyUnavailable(str(error)) from None
    (announce or _announce_to_stderr)(
        f"No Kubeflow Workbench proxy was running, so this kernel started one (pid {started.pid}, {started.url}). "
        f"It keeps running for other kernels; stop it with: kill {started.pid}"
    )
    return ProxyClient(started.url, started.token, runtime=started, started_here=True)


def _announce_to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


class ProxyClient:
    """JSON over HTTP to the proxy on loopback, with the secret header on every request.

    `ProxyClient()` with no URL finds the running proxy (starting a standalone one if needed, see `connect`).
    Uses `http.client` directly: no environment HTTP proxies (which would receive the secret) and no redirects.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        runtime: Optional[RuntimeInfo] = None,
        started_here: bool = False,
    ):
        if url is None:
            found = connect()
            url, token, runtime, started_here = found.url, found._token, found.runtime, found.started_here
        if not token:
            raise ValueError("ProxyClient needs the proxy's token")
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the proxy URL must be http://host:port, got {url!r}")
        self.url = url.rstrip("/")
        self._host = parts.hostname
        self._port = parts.port or 80
        self._prefix = parts.path.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.runtime = runtime
        self.started_here = started_here

    def __repr__(self) -> str:
        return f"ProxyClient({self.url!r})"

    # JSON requests -------------------------------------------------------------------------------------------
    def get(self, path: str, query: Optional[Mapping[str, Any]] = None) -> Any:
        return self._json("GET", path, query)

    def post(self, path: str, body: Any = None, query: Optional[Mapping[str, Any]] = None) -> Any:
        return self._json("POST", path, query, body)

    def delete(self, path: str, query: Optional[Mapping[str, Any]] = None) -> Any:
        return self._json("DELETE", path, query)

    def info(self) -> dict:
        return self.get(info_path())

    def stream(self, path: str, query: Optional[Mapping[str, Any]] = None, follow: bool = False) -> Iterator[str]:
        """Text as it arrives (logs, server-sent events). `follow` waits without a read timeout.

        Sends `Accept: text/event-stream` because jupyter-server-proxy only streams (instead of buffering) such
        requests; harmless when talking to the proxy directly.
        """
        connection, response = self._send(
            "GET", path, query, None, accept="text/event-stream", timeout=None if follow else self.timeout
        )
        try:
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            while True:
                chunk = response.read1(65536)
                if not chunk:
                    break
                text = decoder.decode(chunk)
                if text:
                    yield text
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
        except OSError as error:
            raise ProxyUnavailable(f"the connection to the workbench proxy at {self.url} broke ({error})") from None
        finally:
            connection.close()

    # plumbing -------------------------------------------------------------------------------------------------
    def _json(self, method: str, path: str, query: Optional[Mapping[str, Any]], body: Any = None) -> Any:
        connection, response = self._send(method, path, query, body, accept="application/json", timeout=self.timeout)
        try:
            raw = response.read()
        except OSError as error:
            raise ProxyUnavailable(f"the workbench proxy at {self.url} stopped answering ({error})") from None
        finally:
            connection.close()
        if not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            raise ProxyError(response.status, "internal", f"the proxy answered {method} {path} with invalid JSON") from None

    def _send(self, method: str, path: str, query: Optional[Mapping[str, Any]], body: Any, accept: str,
              timeout: Optional[float]) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        target = self._prefix + path
        if query:
            target += "?" + urlencode({k: v for k, v in query.items() if v is not None})
        headers = {TOKEN_HEADER: self._token, "Accept": accept}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        try:
            connection.request(method, target, body=data, headers=headers)
            response = connection.getresponse()
        except OSError as error:
            connection.close()
            raise ProxyUnavailable(f"the workbench proxy at {self.url} does not answer ({_reason(error)})") from None
        if response.status >= 400:
            try:
                raw = response.read()
            except OSError:
                raw = b""
            connection.close()
            raise error_from_body(response.status, raw)
        return connection, response


def _reason(error: OSError) -> str:
    if isinstance(error, TimeoutError) or "timed out" in str(error):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return error.strerror or type(error).__name__


def iter_events(chunks: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """Server-sent events from text chunks: `(event name, parsed JSON data)`; comments (heartbeats) skipped."""
    buffer = ""
    for chunk in chunks:
        buffer += chunk.replace("\r\n", "\n")
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            event, data = "message", []
            for line in block.split("\n"):
                if line.startswith(":"):
                    continue
                key, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if key == "event":
                    event = value
                elif key == "data":
                    data.append(value)
            if data:
                try:
                    yield event, json.loads("\n".join(data))
                except ValueError:
                    continue
