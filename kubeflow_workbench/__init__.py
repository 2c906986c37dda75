"""Kubeflow Workbench: the prebuilt JupyterLab extension, the bundled Node proxy and the `%kf` magics.

Everything that talks to a cluster lives in the proxy; this package only finds it (runtime.py), starts it
(launcher.py) and sends it plain JSON (magics/, analyze.py).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "analyze", "load_ipython_extension", "unload_ipython_extension"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "kubeflow-workbench"}]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext kubeflow_workbench`: registers `%kf` / `%%kf`."""
    from .magics import KubeflowMagics

    ipython.register_magics(KubeflowMagics)


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext kubeflow_workbench`: removes `%kf` / `%%kf` again."""
    from .magics import KubeflowMagics

    registered = ipython.magics_manager.registry.pop(KubeflowMagics.__name__, None)
    if registered is not None:
        for kind in ("line", "cell"):
            ipython.magics_manager.magics[kind].pop("kf", None)


class _Package(types.ModuleType):
    """Makes `kubeflow_workbench.analyze` the function although a submodule of that name exists.

    Importing the submodule (``from kubeflow_workbench.analyze import MIME``) makes the import system bind the
    *module* on the package; the property wins over that binding, and the import stays lazy so that
    `import kubeflow_workbench` (done by jupyter-server-proxy at server start) does not pull in pandas/pyarrow.
    """

    @property
    def analyze(self) -> Any:
        try:
            module = importlib.import_module(".analyze", __name__)
        except ImportError as error:
            raise AttributeError(f"kubeflow_workbench.analyze is not available here ({error})") from error
        return module.analyze

    @analyze.setter
    def analyze(self, _module: Any) -> None:
        pass  # the import system binding the submodule: keep the function visible


sys.modules[__name__].__class__ = _Package
