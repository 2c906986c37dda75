"""Typed args → the plain JSON the proxy validates (contract/schemas). No defaults beyond what the flags say:
the proxy fills and checks everything else, so every client gets the same rules and the same messages."""

from __future__ import annotations

from typing import Any, Optional

from .parsers import ROLE_FLAGS, TrainArgs

#: When no replica flag is given: the smallest job that runs (XGBoost needs its Master, a TrainJob counts Nodes).
#: Only a convenience for the flags: which roles a framework allows is the schema's business (the proxy checks).
DEFAULT_REPLICAS = {"xgboost": {"Master": 1}, "trainjob": {"Node": 1}}
ONE_WORKER = {"Worker": 1}

_FLAG_OF_ROLE = {role: f"--{flag}" for flag, role in ROLE_FLAGS.items()}
_FLAG_OF_FIELD = {
    "/framework": "--framework",
    "/name": "--name",
    "/image": "--image",
    "/resources/cpu": "--cpu",
    "/resources/memory": "--memory",
    "/resources/gpus": "--gpus",
    "/resources/gpuResource": "--gpu-resource",
    "/packages": "--packages",
    "/terminationGracePeriodSeconds": "--grace-period",
    "/env": "--env",
    "/runtimeRef": "--runtime",
    "/source": "the cell",
}


def pytorch_workers(replicas: dict[str, int]) -> dict[str, int]:
    """PyTorch: `--workers N` means N processes in all (WORLD_SIZE = N), as the form's default of Master 1 +
    Worker 1 means 2: one Master (rank 0; Training Operator v1 sets MASTER_ADDR and RANK only when a Master
    exists) and N - 1 Workers. With `--masters` given, the counts are taken as they are. See docs/magics.md."""
    workers = replicas.get("Worker")
    if "Master" in replicas or workers is None or workers < 1:
        return replicas
    rest = {role: n for role, n in replicas.items() if role != "Worker"}
    return {"Master": 1, **({"Worker": workers - 1} if workers > 1 else {}), **rest}


def training_spec(args: TrainArgs, source: str, filename: Optional[str] = None) -> dict[str, Any]:
    """An ITrainingJobSpec (contract/training.ts): the script travels as `source` and runs as `python <file>`."""
    replicas = args.replicas or DEFAULT_REPLICAS.get(args.framework, ONE_WORKER)
    if args.framework == "pytorch":
        replicas = pytorch_workers(replicas)
    spec: dict[str, Any] = {
        "framework": args.framework,
        "replicas": {role: {"count": count} for role, count in replicas.items()},
        "source": {"filename": filename or args.filename, "content": source},
    }
    if args.name:
        spec["name"] = args.name
    if args.image:
        spec["image"] = args.image
    resources = {
        "cpu": args.cpu,
        "memory": args.memory,
        "gpus": args.gpus,
        "gpuResource": args.gpu_resource,
    }
    resources = {k: v for k, v in resources.items() if v is not None}
    if resources:
        spec["resources"] = resources
    if args.packages:
        spec["packages"] = list(args.packages)
    if args.grace_period is not None:
        spec["terminationGracePeriodSeconds"] = args.grace_period
    if args.env:
        spec["env"] = dict(args.env)
    if args.runtime:
        spec["runtimeRef"] = {"name": args.runtime}
    return spec


def flag_for_path(path: str) -> Optional[str]:
    """The `%%kf train` option behind a field path of the proxy's error, to point the user at what to change."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[1] == "replicas":
        return _FLAG_OF_ROLE.get(parts[2], "--replica")
    for prefix, flag in _FLAG_OF_FIELD.items():
        if path == prefix or path.startswith(prefix + "/"):
            return flag
    return None


def analysis_slice(text: str) -> Any:
    """`COL` → "COL"; `COL:qN` → N quantile buckets; `A*B` → a cross of the parts (each may be `COL:qN`)."""
    if "*" in text:
        return {"cross": [analysis_slice(part) for part in text.split("*") if part]}
    column, sep, buckets = text.rpartition(":")
    if sep and column and buckets[:1] == "q" and buckets[1:].isdigit():
        return {"feature": column, "buckets": {"quantiles": int(buckets[1:])}}
    return text
