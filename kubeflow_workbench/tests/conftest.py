"""Shared fixtures: an isolated Jupyter runtime dir, a fake workbench proxy on loopback, an IPython shell."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from proxy_fakes import start_fake_proxy

EXAMPLE_PIPELINES = Path(__file__).resolve().parents[2] / "examples" / "pipelines"


@pytest.fixture
def runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`<JUPYTER_RUNTIME_DIR>/kubeflow-workbench` in a fresh temp dir (created)."""
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    directory = tmp_path / "runtime" / "kubeflow-workbench"
    directory.mkdir(parents=True)
    return directory


@pytest.fixture
def fake_proxy(runtime_dir: Path):
    fake = start_fake_proxy(runtime_dir)
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def shell():
    """The in-process IPython shell with the extension loaded (unloaded again afterwards)."""
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "kubeflow_workbench")
    yield ip
    ip.run_line_magic("unload_ext", "kubeflow_workbench")


@pytest.fixture
def document(tmp_path: Path) -> Path:
    """The example pipeline document, copied with its node files into a fresh folder."""
    shutil.copytree(EXAMPLE_PIPELINES, tmp_path / "pipes")
    return tmp_path / "pipes" / "demo.kfpipeline"
