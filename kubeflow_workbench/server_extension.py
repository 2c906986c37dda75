"""Jupyter server extension: the workbench proxy starts with Jupyter Server, not on the first browser request.

Enabled by `jupyter-config/jupyter_server_config.d/kubeflow_workbench.json`, which the wheel installs into
`etc/jupyter/jupyter_server_config.d/`. With it, the browser (through jupyter-server-proxy) and every kernel
(through the runtime file) share one proxy, one secret and one local backend. Plain IPython outside Jupyter
still starts a standalone proxy (runtime.connect).
"""

from __future__ import annotations

import os
from typing import Any


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "kubeflow_workbench.server_extension"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from .launcher import LauncherError
    from .server_proxy import ensure_server_proxy

    root = os.path.abspath(os.path.expanduser(serverapp.root_dir)) if serverapp.root_dir else None
    try:
        info = ensure_server_proxy(root)
    except LauncherError as error:
        # The server must still start (notebooks work without the workbench); the panel shows the proxy is missing.
        serverapp.log.warning("Kubeflow Workbench: the proxy did not start: %s", error)
        return
    serverapp.log.info(
        "Kubeflow Workbench: proxy (pid %s) at %s serves this server's browser and kernels", info.pid, info.url
    )


def _unload_jupyter_server_extension(serverapp: Any) -> None:
    from .server_proxy import stop_server_proxy

    stop_server_proxy()
