"""The `%kf` / `%%kf` magics: `%load_ext kubeflow_workbench`, then `%kf help`."""

from .display import JOB_MIME, JobOutput, JobTable, KubeflowError, StatusView
from .magics import KubeflowMagics

__all__ = ["JOB_MIME", "JobOutput", "JobTable", "KubeflowError", "KubeflowMagics", "StatusView"]
