"""One workbench proxy per Jupyter server, shared by the browser and every kernel.

Started with the server (by the server extension, or by `setup_proxy` if jupyter-server-proxy asks first),
stopped with it. The browser reaches it through jupyter-server-proxy (no command: only its port and secret);
kernels find it through its runtime file like any proxy, preferring the one named by `KFWB_PROXY_URL`, which the
server sets in its own environment and so in every kernel it starts. A live proxy already announced in the
runtime dir (left by a server that crashed, or a standalone one) is used instead of starting a second: two
proxies on one state dir would fight over the same local jobs, and the proxy itself refuses that (its state-dir
lock). A proxy this server started is restarted if it dies, on the same port with the same secret, so the
browser's jupyter-server-proxy route and the kernels' URL keep working.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import subprocess
import threading
import time
from typing import Optional
from urllib.parse import urlsplit

from .runtime import PROXY_URL_ENV, RuntimeInfo, find_proxy, pid_alive

SERVER_LOG = "server.log"
_STOP_GRACE = 10.0
#: Seconds before restarting a dead proxy, doubling while restarts fail.
RESTART_BACKOFF = (1.0, 30.0)

_log = logging.getLogger("kubeflow_workbench")

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
            os.environ[PROXY_URL_ENV] = found.url
            return found
        from .launcher import launch_proxy

        _shared, _process = launch_proxy(root_dir, SERVER_LOG)
        os.environ[PROXY_URL_ENV] = _shared.url
        atexit.register(stop_server_proxy)
        threading.Thread(
            target=_supervise, args=(_process, _shared, root_dir), name="kubeflow-workbench-proxy", daemon=True
        ).start()
        return _shared


def _supervise(process: subprocess.Popen, info: RuntimeInfo, root_dir: Optional[str]) -> None:
    """Restarts the server's proxy when it dies (not when the server stops it), same port and secret."""
    from .launcher import LauncherError, launch_proxy

    global _shared, _process
    delay = RESTART_BACKOFF[0]
    while True:
        code = process.wait()
        with _guard:
            if _process is not process:
                return  # stopped by the server (or replaced): nothing to restart
        _log.warning("Kubeflow Workbench: the proxy (pid %s) exited with %s; restarting it in %.0f s",
                     process.pid, code, delay)
        time.sleep(delay)
        try:
            restarted, new_process = launch_proxy(root_dir, SERVER_LOG, port=port_of(info), secret=info.token)
        except LauncherError as error:
            _log.warning("Kubeflow Workbench: the proxy did not restart: %s", error)
            delay = min(delay * 2, RESTART_BACKOFF[1])
            continue
        with _guard:
            if _process is not process:  # the server stopped while we restarted
                new_process.terminate()
                return
            _shared, _process = restarted, new_process
        _log.info("Kubeflow Workbench: the proxy is back (pid %s) at %s", new_process.pid, restarted.url)
        process, info, delay = new_process, restarted, RESTART_BACKOFF[0]


def stop_server_proxy() -> None:
    """Stops the proxy this server started (not an adopted one); its jobs keep running for the next proxy."""
    global _shared, _process
    with _guard:
        process, _shared, _process = _process, None, None
        os.environ.pop(PROXY_URL_ENV, None)
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=_STOP_GRACE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
