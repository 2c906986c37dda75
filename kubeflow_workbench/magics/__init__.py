"""The `%kf` / `%%kf` magics: `%load_ext kubeflow_workbench`, then `%kf help`."""

from .display import JOB_MIME, JobOutput, JobTable, KubeflowError, StatusView
from .magics import KubeflowMagics
from .pipelines import RUN_MIME, RunOutput, RunStatus, RunTable

__all__ = ["JOB_MIME", "RUN_MIME", "JobOutput", "JobTable", "KubeflowError", "KubeflowMagics", "RunOutput",
           "RunStatus", "RunTable", "StatusView"]
