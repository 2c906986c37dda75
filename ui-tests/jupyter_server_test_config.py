"""Jupyter server for the Galata tests: Galata's settings, the local backend and a throwaway state dir."""
import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (c is the config object jupyter injects)
c.ServerApp.allow_root = True  # noqa: F821 (CI runs as root)
c.ServerApp.port = int(os.environ.get("KFWB_GALATA_PORT", "8888"))  # noqa: F821 (a second run beside a first)

# The workbench under test runs its embedded local backend with state in a fresh directory.
os.environ.setdefault("KFWB_BACKEND", "local")
os.environ.setdefault("KFWB_STATE_DIR", tempfile.mkdtemp(prefix="kfwb-galata-state-"))
# Kernels find their proxy through the runtime dir (newest announced proxy wins): one dir per test server, so
# Galata servers running side by side on one machine never send a kernel's requests to another one's proxy.
os.environ.setdefault("JUPYTER_RUNTIME_DIR", tempfile.mkdtemp(prefix="kfwb-galata-runtime-"))
