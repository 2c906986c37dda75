"""One proxy per Jupyter server: started with the server by the extension that `jupyter-config/` enables, the
same proxy for the browser (through jupyter-server-proxy) and for kernels (through its runtime file), stopped
with the server; and a second proxy never supervises the same local state dir.

Runs a real `jupyter server` and the REAL proxy bundle (`npm run build:proxy`); a missing bundle fails on purpose.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kubeflow_workbench import launcher, runtime, server_proxy
from kubeflow_workbench.launcher import LauncherError

REPO = Path(__file__).resolve().parents[2]
TOKEN = "server-extension-test-token"


def _bundle() -> Path:
    bundle = Path(os.environ.get("KFWB_PROXY_BUNDLE") or launcher.BUNDLE)
    if not bundle.is_file():
        pytest.fail(f"the proxy bundle {bundle} is missing: run `npm run build:proxy` first")
    return bundle


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait_until(check, what: str, limit: float = 90.0):
    """Readiness polling of a separate process (nothing to subscribe to); not a timing assertion."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _runtime_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("proxy-*.json"))


@pytest.fixture
def isolated(runtime_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment of a server with only the repository's jupyter-config/ and throwaway state."""
    _bundle()
    monkeypatch.setenv("KFWB_BACKEND", "local")
    monkeypatch.setenv("KFWB_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("KFWB_NAMESPACE", raising=False)
    monkeypatch.delenv("KFWB_ROOT_DIR", raising=False)
    (tmp_path / "root").mkdir()
    return {
        **os.environ,
        # The file the wheel installs into etc/jupyter/jupyter_server_config.d/, read from the source tree.
        "JUPYTER_CONFIG_PATH": str(REPO / "jupyter-config"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }


def test_the_wheel_installs_the_config_that_enables_the_extension():
    config = json.loads((REPO / "jupyter-config" / "jupyter_server_config.d" / "kubeflow_workbench.json").read_text())
    assert config == {"ServerApp": {"jpserver_extensions": {"kubeflow_workbench.server_extension": True}}}
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"jupyter-config/jupyter_server_config.d" = "etc/jupyter/jupyter_server_config.d"' in pyproject


def test_one_proxy_for_the_browser_and_every_kernel(isolated, runtime_dir, tmp_path):
    port = _free_port()
    log = open(tmp_path / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={tmp_path / 'root'}"]
        + (["--allow-root"] if os.geteuid() == 0 else []),
        env=isolated, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    auth = {"Authorization": f"token {TOKEN}"}
    try:
        _wait_until(lambda: _try(lambda: _get(port, "/api/status", auth)[0] == 200), "the Jupyter server")
        # Started with the server, before any browser request: exactly one proxy, a child of the server.
        files = _wait_until(lambda: _runtime_files(runtime_dir), "the proxy's runtime file")
        assert len(files) == 1
        proxy = runtime.read_runtime_file(files[0])
        assert proxy is not None
        assert _parent_of(proxy.pid) == server.pid

        # A kernel finds that proxy (runtime file) and creates a job on its local backend…
        kernel = runtime.connect(start=False)
        assert kernel.url == proxy.url
        spec = {"name": "shared-1", "framework": "pytorch", "replicas": {"Worker": {"count": 1}},
                "command": [sys.executable, "-c", "print('hello')"]}
        kernel.post(runtime.jobs_path("default"), spec)

        # …and the browser, through jupyter-server-proxy, sees the same job on the same proxy.
        status, body = _get(port, "/kubeflow-workbench/api/v1/namespaces/default/jobs", auth)
        assert status == 200, body[:300]
        assert [job["name"] for job in json.loads(body)["items"]] == ["shared-1"]
        assert len(_runtime_files(runtime_dir)) == 1  # the browser's request started no second proxy
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    # Stopped with the server: the proxy is gone and so is its runtime file.
    _wait_until(lambda: not runtime.pid_alive(proxy.pid) or _is_zombie(proxy.pid), "the proxy to stop")
    assert _runtime_files(runtime_dir) == []


def test_a_dead_proxy_is_restarted_on_the_same_port_with_the_same_secret(isolated, runtime_dir, tmp_path):
    port = _free_port()
    log = open(tmp_path / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={tmp_path / 'root'}"]
        + (["--allow-root"] if os.geteuid() == 0 else []),
        env=isolated, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    auth = {"Authorization": f"token {TOKEN}"}
    try:
        _wait_until(lambda: _try(lambda: _get(port, "/api/status", auth)[0] == 200), "the Jupyter server")
        first = runtime.read_runtime_file(_wait_until(lambda: _runtime_files(runtime_dir), "the proxy")[0])
        assert first is not None
        os.kill(first.pid, signal.SIGKILL)  # a crash: no chance to clean up

        def restarted():
            files = [runtime.read_runtime_file(f) for f in _runtime_files(runtime_dir)]
            return next((f for f in files if f and f.pid != first.pid and runtime.pid_alive(f.pid)), None)

        second = _wait_until(restarted, "the restarted proxy")
        # Same URL and secret: the browser's route (fixed at server start) and the kernels' URL work again.
        assert (second.url, second.token) == (first.url, first.token)
        assert _parent_of(second.pid) == server.pid
        status, body = _wait_until(
            lambda: _try(lambda: (lambda r: r if r[0] == 200 else None)(
                _get(port, "/kubeflow-workbench/api/v1/info", auth))),
            "the browser's route to answer again",
        )
        assert json.loads(body)["backend"]["kind"] == "local"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def test_a_kernel_prefers_its_own_servers_proxy_over_a_newer_one(isolated, runtime_dir, tmp_path, monkeypatch):
    own = launcher.launch_proxy(None, "own.log", timeout=60, env={"KFWB_STATE_DIR": str(tmp_path / "a")})[0]
    newer = launcher.launch_proxy(None, "newer.log", timeout=60, env={"KFWB_STATE_DIR": str(tmp_path / "b")})[0]
    try:
        assert runtime.find_proxy().url == newer.url  # without a hint: the newest
        monkeypatch.setenv(runtime.PROXY_URL_ENV, own.url)  # what a kernel of the server that started `own` has
        assert runtime.find_proxy().url == own.url
    finally:
        _stop(own.pid)
        _stop(newer.pid)


def test_the_server_uses_an_announced_proxy_instead_of_starting_a_second(isolated, runtime_dir):
    standalone = launcher.start_standalone(timeout=60)
    try:
        shared = server_proxy.ensure_server_proxy(None)
        assert (shared.pid, shared.url) == (standalone.pid, standalone.url)
        config = launcher.setup_proxy()
        assert config["command"] == [] and config["port"] == server_proxy.port_of(standalone)
        assert config["request_headers_override"] == {"X-Kubeflow-Workbench-Token": standalone.token}
        assert len(_runtime_files(runtime_dir)) == 1
    finally:
        server_proxy.stop_server_proxy()  # not ours: left running…
        assert runtime.pid_alive(standalone.pid)
        _stop(standalone.pid)  # …until its owner stops it


def test_a_second_proxy_on_the_same_state_dir_refuses_its_local_backend(isolated, runtime_dir, tmp_path):
    first = launcher.start_standalone(timeout=60)
    try:
        with pytest.raises(LauncherError) as caught:
            # Another runtime dir, so it is not found as "the running proxy": only the state dir is shared.
            launcher.launch_proxy(None, "second.log", timeout=60, directory=tmp_path / "other-runtime")
        message = str(caught.value)
        assert f"Another Kubeflow Workbench proxy (pid {first.pid}) already runs the local backend" in message
        assert "KFWB_STATE_DIR" in message
        assert runtime.ProxyClient(first.url, first.token).info()  # the first one is untouched
    finally:
        _stop(first.pid)


def _try(check):
    try:
        return check()
    except OSError:
        return False


def _parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2:].split()[1])


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2:].split()[0] == "Z"


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and runtime.pid_alive(pid) and not _is_zombie(pid):
        time.sleep(0.05)
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
