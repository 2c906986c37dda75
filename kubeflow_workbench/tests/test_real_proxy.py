"""The REAL proxy bundle, started standalone with the local backend, driven by the magics.

Depends on the lead's build: `npm run build:proxy` writes kubeflow_workbench/proxy_dist/proxy.mjs
(or point KFWB_PROXY_BUNDLE at a bundle). A missing bundle FAILS this test on purpose: it is not skipped.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import stat
import time
from pathlib import Path

import pytest

from kubeflow_workbench import launcher, runtime
from kubeflow_workbench.magics import StatusView


def _stop(pid: int) -> None:
    """SIGTERM our child and reap it (a zombie would still look alive to runtime.pid_alive)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


@pytest.fixture
def start_real_proxy(runtime_dir, tmp_path, monkeypatch):
    """Starts the real bundle standalone (local backend, throwaway state) and stops it afterwards."""
    monkeypatch.setenv("KFWB_BACKEND", "local")
    monkeypatch.setenv("KFWB_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("KFWB_NAMESPACE", raising=False)
    started = []

    def start():
        bundle = Path(os.environ.get("KFWB_PROXY_BUNDLE") or launcher.BUNDLE)
        if not bundle.is_file():
            pytest.fail(
                f"the proxy bundle {bundle} is missing: run `npm run build:proxy` first "
                "(this test runs the real proxy and is deliberately not skipped)"
            )
        started.append(launcher.start_standalone(timeout=60))
        return started[-1]

    yield start
    for info in started:
        _stop(info.pid)


def test_real_proxy_standalone_with_local_backend(start_real_proxy, runtime_dir, shell):
    real_proxy = start_real_proxy()
    # The proxy announced itself in the runtime dir, readable by this user only, and discovery finds it.
    runtime_file = runtime_dir / f"proxy-{real_proxy.pid}.json"
    assert stat.S_IMODE(runtime_file.stat().st_mode) == 0o600
    assert runtime.find_proxy().url == real_proxy.url

    # Nothing is answered without the secret.
    host, port = real_proxy.url.rsplit("/", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/api/v1/info")
    refused = connection.getresponse()
    assert refused.status == 401 and json.loads(refused.read())["error"]["code"] == "unauthorized"
    connection.close()

    view = shell.run_line_magic("kf", "status")
    assert isinstance(view, StatusView)
    assert view.backend["kind"] == "local" and view.backend["state"] == "connected"
    assert repr(view).startswith("Connected to the local backend")
    assert real_proxy.token not in repr(view)

    table = shell.run_line_magic("kf", "jobs")
    assert repr(table) == f"No training jobs in namespace {view.backend['namespace']}."
