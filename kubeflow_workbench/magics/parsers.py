"""`%kf` command lines → one typed args object per subcommand (argparse, errors as `UsageError`)."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field
from typing import Optional, Union

from IPython.core.error import UsageError

from . import pipelines

FRAMEWORKS = ("pytorch", "tensorflow", "mpi", "xgboost", "jax", "paddle", "trainjob")
#: Replica-count flags and the role names of contract/training.ts they set (the proxy checks which fit).
ROLE_FLAGS = {
    "workers": "Worker",
    "masters": "Master",
    "chiefs": "Chief",
    "ps": "PS",
    "evaluators": "Evaluator",
    "launchers": "Launcher",
    "nodes": "Node",
}


class HelpShown(Exception):
    """`--help` was printed; nothing else to do."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports instead of exiting the kernel."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}\n{self.format_usage().strip()}")

    def exit(self, status: int = 0, message: Optional[str] = None) -> None:  # type: ignore[override]
        if status == 0:
            raise HelpShown()
        raise UsageError(message or f"{self.prog}: invalid arguments")


@dataclass
class HelpArgs:
    topic: Optional[str] = None


@dataclass
class StatusArgs:
    name: Optional[str] = None
    namespace: Optional[str] = None


@dataclass
class JobsArgs:
    namespace: Optional[str] = None


@dataclass
class TrainArgs:
    framework: str
    replicas: dict = field(default_factory=dict)
    image: Optional[str] = None
    cpu: Optional[str] = None
    memory: Optional[str] = None
    gpus: Optional[int] = None
    gpu_resource: Optional[str] = None
    packages: list = field(default_factory=list)
    grace_period: Optional[int] = None
    env: dict = field(default_factory=dict)
    name: Optional[str] = None
    namespace: Optional[str] = None
    runtime: Optional[str] = None
    script: Optional[str] = None
    filename: str = "train.py"
    backend: Optional[str] = None  # "local" | "kubernetes" when --local / --cluster was given
    wait: bool = False


@dataclass
class LogsArgs:
    name: str
    namespace: Optional[str] = None
    replica: Optional[str] = None
    tail: Optional[int] = None
    follow: bool = False


@dataclass
class DeleteArgs:
    name: str
    namespace: Optional[str] = None


@dataclass
class AnalyzeArgs:
    path: str
    label: str
    prediction: str
    slices: list = field(default_factory=list)
    baseline: Optional[str] = None
    weights: Optional[str] = None
    task: Optional[str] = None
    threshold: Optional[float] = None
    title: Optional[str] = None
    metrics: Optional[str] = None


Command = Union[HelpArgs, StatusArgs, JobsArgs, TrainArgs, LogsArgs, DeleteArgs, AnalyzeArgs,
                pipelines.PipelineRunArgs, pipelines.PipelineCompileArgs, pipelines.RunsArgs, pipelines.RunArgs]


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _role_count(text: str) -> tuple[str, int]:
    role, value = _key_value(text)
    try:
        return role, int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ROLE=COUNT, got {text!r}") from None


def _namespace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--namespace", "-n", help="namespace (default: the proxy's default namespace)")


def _help_parser() -> _Parser:
    p = _Parser(prog="%kf help", description="Show the %kf commands.")
    p.add_argument("topic", nargs="?", help="a subcommand")
    return p


def _status_parser() -> _Parser:
    p = _Parser(prog="%kf status", description="The active backend and connection, or one job's status.")
    p.add_argument("name", nargs="?", help="a job name")
    _namespace(p)
    return p


def _jobs_parser() -> _Parser:
    p = _Parser(prog="%kf jobs", description="List the training jobs of a namespace.")
    _namespace(p)
    return p


def _train_parser() -> _Parser:
    p = _Parser(
        prog="%%kf train",
        description="Run the cell as a distributed training job (the cell is train.py).",
    )
    p.add_argument("--framework", "-f", required=True, choices=FRAMEWORKS, metavar="FRAMEWORK",
                   help=f"one of {', '.join(FRAMEWORKS)}")
    for flag, role in ROLE_FLAGS.items():
        p.add_argument(f"--{flag}", type=int, metavar="N", help=f"number of {role} replicas")
    p.add_argument("--replica", action="append", type=_role_count, default=[], metavar="ROLE=N",
                   help="replicas of any other role, e.g. --replica Node=2")
    p.add_argument("--image", help="container image (cluster backend)")
    p.add_argument("--cpu", help="CPU per replica, e.g. 2 or 500m")
    p.add_argument("--memory", help="memory per replica, e.g. 4Gi")
    p.add_argument("--gpus", type=int, metavar="N", help="GPUs per replica")
    p.add_argument("--gpu-resource", metavar="NAME", help="GPU resource name, e.g. nvidia.com/gpu")
    p.add_argument("--packages", default="", metavar="A,B", help="pip packages to install before the script")
    p.add_argument("--grace-period", type=int, metavar="S",
                   help="seconds a stopped replica gets between SIGTERM and SIGKILL (default 30)")
    p.add_argument("--env", action="append", type=_key_value, default=[], metavar="K=V", help="environment variable")
    p.add_argument("--name", help="job name (default: generated)")
    p.add_argument("--runtime", metavar="NAME", help="TrainingRuntime of a Trainer v2 trainjob")
    p.add_argument("--script", metavar="FILE", help="run this file instead of the cell")
    p.add_argument("--filename", default="train.py", help="file name the cell is saved as (default train.py)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_const", dest="backend", const="local",
                       help="require the local backend (processes on this machine)")
    where.add_argument("--cluster", action="store_const", dest="backend", const="kubernetes",
                       help="require the Kubernetes backend")
    p.add_argument("--wait", action="store_true", help="block until the job finishes")
    _namespace(p)
    return p


def _logs_parser() -> _Parser:
    p = _Parser(prog="%kf logs", description="Print a job's logs (all replicas merged unless --replica).")
    p.add_argument("name")
    p.add_argument("--replica", "-r", help="one replica, e.g. worker-0, or launcher (an MPI launcher has no index)")
    p.add_argument("--tail", type=int, metavar="N", help="last N lines (the proxy's default: 1000)")
    p.add_argument("--follow", "-f", action="store_true", help="keep printing new lines (interrupt to stop)")
    _namespace(p)
    return p


def _delete_parser() -> _Parser:
    p = _Parser(prog="%kf delete", description="Delete a training job.")
    p.add_argument("name")
    _namespace(p)
    return p


def _analyze_parser() -> _Parser:
    p = _Parser(prog="%kf analyze", description="Sliced model metrics of a CSV/Parquet/Arrow file.")
    p.add_argument("path")
    p.add_argument("--label", required=True, help="label column")
    p.add_argument("--prediction", required=True, help="prediction (score) column")
    p.add_argument("--slice", action="append", default=[], dest="slices", metavar="SLICE",
                   help="COLUMN, COLUMN:qN (N quantile buckets) or A*B (a cross); repeatable")
    p.add_argument("--baseline", help="a baseline model's prediction column")
    p.add_argument("--weights", help="row weight column")
    p.add_argument("--task", choices=("binary", "multiclass", "regression"))
    p.add_argument("--threshold", type=float)
    p.add_argument("--title")
    p.add_argument("--metrics", choices=("all", "counts"),
                   help="counts: only the count-based metrics (no ROC-AUC, PR-AUC, log loss); faster on large data")
    return p


#: One line per command for `%kf help`; `%kf help COMMAND` prints every option.
SYNOPSIS = {
    "help": "%kf help [COMMAND]",
    "status": "%kf status [NAME] [--namespace NS]",
    "jobs": "%kf jobs [--namespace NS]",
    "train": "%%kf train --framework F [--workers N …] [--image I] [--local|--cluster] [--wait]  (cell = script)",
    "logs": "%kf logs NAME [--replica worker-0] [--tail N] [--follow]",
    "delete": "%kf delete NAME [--namespace NS]",
    "analyze": "%kf analyze PATH --label COL --prediction COL [--slice COL …]",
}

PARSERS = {
    "help": _help_parser,
    "status": _status_parser,
    "jobs": _jobs_parser,
    "train": _train_parser,
    "logs": _logs_parser,
    "delete": _delete_parser,
    "analyze": _analyze_parser,
}
# Pipelines and runs live in their own module (pipelines.py); registered here for parse() and help.
PARSERS.update({sub: (lambda make=make: make(_Parser)) for sub, make in pipelines.PARSER_MAKERS.items()})
SYNOPSIS.update(pipelines.SYNOPSIS)


def parse(line: str) -> Command:
    """Parses everything after `%kf`; raises `UsageError` (shown without a traceback) or `HelpShown`."""
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise UsageError(f"%kf: cannot split the command line ({error})") from None
    if not words or words[0] in ("-h", "--help"):
        return HelpArgs()
    sub, rest = words[0], words[1:]
    if sub not in PARSERS:
        raise UsageError(f"%kf: unknown command {sub!r}; commands: {', '.join(PARSERS)} (see %kf help)")
    ns = PARSERS[sub]().parse_args(rest)
    if sub in pipelines.PARSER_MAKERS:
        return pipelines.args_of(sub, ns)
    if sub == "help":
        return HelpArgs(ns.topic)
    if sub == "status":
        return StatusArgs(ns.name, ns.namespace)
    if sub == "jobs":
        return JobsArgs(ns.namespace)
    if sub == "logs":
        return LogsArgs(ns.name, ns.namespace, ns.replica, ns.tail, ns.follow)
    if sub == "delete":
        return DeleteArgs(ns.name, ns.namespace)
    if sub == "analyze":
        return AnalyzeArgs(ns.path, ns.label, ns.prediction, ns.slices, ns.baseline, ns.weights, ns.task,
                           ns.threshold, ns.title, ns.metrics)
    replicas = {role: getattr(ns, flag) for flag, role in ROLE_FLAGS.items() if getattr(ns, flag) is not None}
    replicas.update(dict(ns.replica))
    return TrainArgs(
        framework=ns.framework,
        replicas=replicas,
        image=ns.image,
        cpu=ns.cpu,
        memory=ns.memory,
        gpus=ns.gpus,
        gpu_resource=ns.gpu_resource,
        packages=[p.strip() for p in ns.packages.split(",") if p.strip()],
        grace_period=ns.grace_period,
        env=dict(ns.env),
        name=ns.name,
        namespace=ns.namespace,
        runtime=ns.runtime,
        script=ns.script,
        filename=ns.filename,
        backend=ns.backend,
        wait=ns.wait,
    )


def usage(topic: Optional[str] = None) -> str:
    """`%kf help [topic]`: the full help of one subcommand, or the list of all."""
    if topic:
        if topic not in PARSERS:
            raise UsageError(f"%kf help: unknown command {topic!r}; commands: {', '.join(PARSERS)}")
        return PARSERS[topic]().format_help()
    lines = ["Kubeflow Workbench magics (%kf help COMMAND for its options):", ""]
    for name, make in PARSERS.items():
        lines.append(f"  {SYNOPSIS[name]}")
        lines.append(f"      {make().description}")
    return "\n".join(lines)
