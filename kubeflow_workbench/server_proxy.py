"""One workbench proxy per Jupyter server, shared by the browser and every kernel.

Started with the server (by the server extension, or by `setup_proxy` if jupyter-server-proxy asks first),
stopped with it. The browser reaches it through jupyter-server-proxy (no command: only its port and secret);
kernels find it through its runtime file like any proxy. A live proxy already announced in the runtime dir
(left by a server that crashed, or a standalone one) is used instead of starting a second: two proxies on one
state dir would fight over the same local jobs, and the proxy itself refuses that (its state-dir lock).
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import threading
from typing import Optional
from urllib.parse import urlsplit

from .runtime import RuntimeInfo, find_proxy, pid_alive

SERVER_LOG = "server.log"
_STOP_GRACE = 10.0

_guard = threading.Lock()
_shared: Optional[RuntimeInfo] = None
_process: Optional[subprocess.Popen] = None


def port_of(info: RuntimeInfo) -> int:
    port = urlsplit(info.url).port
    if port is None:
        raise ValueError(f"the proxy URL {info.url!r} names no port")
    return port


def ensure_server_proxy(root_dir: Optional[str]) -> RuntimeInfo:
    """The server's proxy: the one already running (ours or announced), else a new one for `root_dir`.

    Idempotent and thread-safe: the server extension and jupyter-server-proxy may both ask, in either order.
    Raises `LauncherError` (with what to install or build) when no proxy can be started.
    """
    global _shared, _process
    with _guard:
        if _shared is not None and (_process.poll() is None if _process else pid_alive(_shared.pid)):
            return _shared
        _shared, _process = None, None
        found = find_proxy()
        if found is not None:
            _shared = found  # not ours to stop: whoever started it owns it
            return found
        from .launcher import launch_proxy

        _shared, _process = launch_proxy(root_dir, SERVER_LOG)
        atexit.register(stop_server_proxy)
        return _shared


def stop_server_proxy() -> None:
    """Stops the proxy this server started (not an adopted one); its jobs keep running for the next proxy."""
    global _shared, _process
    with _guard:
        process, _shared, _process = _process, None, None
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=_STOP_GRACE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
