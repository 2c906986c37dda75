"""`%%kf tune`, `%kf studies`, `%kf study NAME`, `%kf delete study NAME`: hyperparameter studies.

The cell is the training script; it reads its parameters from environment variables (the parameter name in
upper case, `-` → `_`: `lr` → `LR`) or from `${trialParameters.NAME}` in --arg, and prints `name=value` lines
(Katib's StdOut format, the same on a cluster and locally). The magics only build the StudySpec JSON
(contract/schemas/study.schema.json); the proxy validates it and its messages are shown verbatim.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence
from urllib.parse import quote

from IPython.core.error import UsageError

from ..runtime import ProxyError
from .display import KubeflowError, _table_html, _table_text
from .parsers import (
    FRAMEWORKS,
    PARSERS,
    ROLE_FLAGS,
    SYNOPSIS,
    HelpShown,
    TrainArgs,
    _key_value,
    _Parser,
    _role_count,
)
from .specs import DEFAULT_REPLICAS, training_spec

STUDY_MIME = "application/vnd.kubeflow.study+json"
ALGORITHMS = ("random", "tpe", "grid", "multivariate-tpe", "hyperband", "bayesianoptimization", "cmaes", "sobol")
COMMANDS = ("tune", "studies", "study")

#: Where a proxy error's field path points in the %%kf tune options.
_FLAG_OF_FIELD = {
    "/objective/metricName": "--objective",
    "/objective/type": "--maximize/--minimize",
    "/objective/goal": "--goal",
    "/parameters": "--param",
    "/algorithm": "--algorithm",
    "/earlyStopping": "--early-stopping",
    "/maxTrialCount": "--trials",
    "/parallelTrialCount": "--parallel",
    "/maxFailedTrialCount": "--max-failed",
    "/metricsCollector/format": "--metric-format",
    "/seed": "--seed",
    "/name": "--name",
    "/trial/source": "the cell",
    "/trial/args": "--arg",
    "/trial/env": "--env",
    "/trial/image": "--image",
    "/trial/packages": "--packages",
    "/trial/replicas": "--workers",
    "/trial/framework": "--framework",
}


def studies_path(namespace: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/studies"


def study_path(namespace: str, name: str) -> str:
    return f"{studies_path(namespace)}/{quote(name, safe='')}"


def flag_for_path(path: str) -> Optional[str]:
    for prefix, flag in sorted(_FLAG_OF_FIELD.items(), key=lambda kv: -len(kv[0])):
        if path == prefix or path.startswith(prefix + "/"):
            return flag
    return None


@dataclass
class TuneArgs:
    train: TrainArgs
    objective: str
    maximize: bool
    params: list = field(default_factory=list)
    algorithm: str = "tpe"
    settings: dict = field(default_factory=dict)
    trials: int = 12
    parallel: Optional[int] = None
    max_failed: Optional[int] = None
    early_stopping: Optional[str] = None
    goal: Optional[float] = None
    metric_format: Optional[str] = None
    seed: Optional[int] = None
    args: list = field(default_factory=list)


def parse_param(text: str) -> dict[str, Any]:
    """`lr=double:1e-4:1e-1[:log]`, `layers=int:1:4[:STEP]`, `opt=categorical:sgd,adam`, `bs=discrete:16,32`."""
    name, sep, rest = text.partition("=")
    parts = rest.split(":")
    kind = parts[0]
    if not sep or not name or kind not in ("int", "double", "categorical", "discrete"):
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected NAME=int:MIN:MAX, NAME=double:MIN:MAX[:log], NAME=categorical:A,B or "
            "NAME=discrete:1,2,4")
    param: dict[str, Any] = {"name": name, "parameterType": kind}
    try:
        if kind in ("categorical", "discrete"):
            values = [v for v in ":".join(parts[1:]).split(",") if v]
            param["list"] = values if kind == "categorical" else [float(v) if "." in v or "e" in v else int(v)
                                                                     for v in values]
            return param
        number = int if kind == "int" else float
        if len(parts) < 3:
            raise ValueError("needs MIN:MAX")
        param["min"], param["max"] = number(parts[1]), number(parts[2])
        for extra in parts[3:]:
            if extra in ("log", "logUniform"):
                param["distribution"] = "logUniform"
            elif extra in ("normal", "logNormal", "uniform"):
                param["distribution"] = extra
            else:
                param["step"] = number(extra)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None
    return param


def _tune_parser() -> _Parser:
    p = _Parser(prog="%%kf tune", description="Tune the cell's training script: a study of many trials.")
    p.add_argument("--objective", required=True, metavar="METRIC", help="metric the script prints as METRIC=value")
    direction = p.add_mutually_exclusive_group(required=True)
    direction.add_argument("--maximize", action="store_true")
    direction.add_argument("--minimize", action="store_true")
    p.add_argument("--goal", type=float, help="stop once a trial reaches this value")
    p.add_argument("--param", action="append", type=parse_param, default=[], metavar="NAME=TYPE:…",
                   help="a parameter: lr=double:1e-4:1e-1:log, layers=int:1:4, opt=categorical:sgd,adam")
    p.add_argument("--algorithm", default="tpe", choices=ALGORITHMS, metavar="NAME", help=", ".join(ALGORITHMS))
    p.add_argument("--setting", action="append", type=_key_value, default=[], metavar="K=V",
                   help="algorithm setting, e.g. --setting eta=3")
    p.add_argument("--trials", type=int, default=12, metavar="N", help="maxTrialCount (default 12)")
    p.add_argument("--parallel", type=int, metavar="N", help="parallelTrialCount (default 3)")
    p.add_argument("--max-failed", type=int, metavar="N", help="maxFailedTrialCount")
    p.add_argument("--early-stopping", choices=("medianstop",), help="stop bad trials early")
    p.add_argument("--metric-format", metavar="REGEX", help="custom metric regex with two groups (name, value)")
    p.add_argument("--seed", type=int, help="seed of the local suggestions")
    p.add_argument("--arg", action="append", default=[], metavar="ARG",
                   help="script argument, may use ${trialParameters.NAME}")
    p.add_argument("--framework", "-f", default="pytorch", choices=FRAMEWORKS, metavar="FRAMEWORK",
                   help="trial job framework (default pytorch with one Master: a single process)")
    for flag, role in ROLE_FLAGS.items():
        p.add_argument(f"--{flag}", type=int, metavar="N", help=f"number of {role} replicas per trial")
    p.add_argument("--replica", action="append", type=_role_count, default=[], metavar="ROLE=N")
    p.add_argument("--image", help="container image (cluster backend)")
    p.add_argument("--cpu")
    p.add_argument("--memory")
    p.add_argument("--gpus", type=int)
    p.add_argument("--packages", default="", metavar="A,B")
    p.add_argument("--env", action="append", type=_key_value, default=[], metavar="K=V")
    p.add_argument("--name", help="study name (default: generated)")
    p.add_argument("--filename", default="train.py")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_const", dest="backend", const="local")
    where.add_argument("--cluster", action="store_const", dest="backend", const="kubernetes")
    p.add_argument("--namespace", "-n")
    return p


def parse_tune(words: Sequence[str]) -> TuneArgs:
    ns = _tune_parser().parse_args(list(words))
    replicas = {role: getattr(ns, flag) for flag, role in ROLE_FLAGS.items() if getattr(ns, flag) is not None}
    replicas.update(dict(ns.replica))
    if not replicas:
        replicas = DEFAULT_REPLICAS.get(ns.framework, {"Master": 1} if ns.framework == "pytorch" else {"Worker": 1})
    train = TrainArgs(framework=ns.framework, replicas=replicas, image=ns.image, cpu=ns.cpu, memory=ns.memory,
                      gpus=ns.gpus, packages=[x.strip() for x in ns.packages.split(",") if x.strip()],
                      env=dict(ns.env), name=ns.name, namespace=ns.namespace, filename=ns.filename,
                      backend=ns.backend)
    return TuneArgs(train=train, objective=ns.objective, maximize=ns.maximize, params=ns.param,
                    algorithm=ns.algorithm, settings=dict(ns.setting), trials=ns.trials, parallel=ns.parallel,
                    max_failed=ns.max_failed, early_stopping=ns.early_stopping, goal=ns.goal,
                    metric_format=ns.metric_format, seed=ns.seed, args=ns.arg)


def study_spec(args: TuneArgs, source: str) -> dict[str, Any]:
    """An IStudySpec (contract/study.ts)."""
    trial = training_spec(TrainArgs(**{**args.train.__dict__, "name": None}), source)
    if args.args:
        trial["args"] = list(args.args)
    spec: dict[str, Any] = {
        "objective": {"metricName": args.objective, "type": "maximize" if args.maximize else "minimize"},
        "parameters": list(args.params),
        "algorithm": {"name": args.algorithm, **({"settings": dict(args.settings)} if args.settings else {})},
        "maxTrialCount": args.trials,
        "trial": trial,
    }
    if args.train.name:
        spec["name"] = args.train.name
    if args.goal is not None:
        spec["objective"]["goal"] = args.goal
    if args.parallel is not None:
        spec["parallelTrialCount"] = args.parallel
    elif args.trials < 3:
        spec["parallelTrialCount"] = args.trials
    if args.max_failed is not None:
        spec["maxFailedTrialCount"] = args.max_failed
    if args.early_stopping:
        spec["earlyStopping"] = {"name": args.early_stopping}
    if args.metric_format:
        spec["metricsCollector"] = {"kind": "StdOut", "format": args.metric_format}
    if args.seed is not None:
        spec["seed"] = args.seed
    return spec


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def study_summary(study: Mapping[str, Any]) -> str:
    counts = study.get("counts") or {}
    head = (f"Study {study.get('name')} in namespace {study.get('namespace')} ({study.get('backend', '?')} backend): "
            f"{study.get('phase', 'Unknown')}")
    parts = [f"{counts.get(k, 0)} {k}" for k in ("running", "succeeded", "failed", "earlyStopped") if counts.get(k)]
    lines = [head + (f" — {', '.join(parts)}" if parts else "")]
    if study.get("message"):
        lines.append(f"  {study['message']}")
    best = study.get("best")
    if best:
        params = ", ".join(f"{k}={v}" for k, v in (best.get("params") or {}).items())
        lines.append(f"  best: {best.get('trial')} objective={_fmt(best.get('objective'))} ({params})")
    return "\n".join(lines)


class StudyOutput:
    """A study as cell output: JupyterLab renders the mime type as a live view following the study through its
    own proxy connection (the kernel does not poll); other frontends show the summary."""

    def __init__(self, study: Mapping[str, Any], warnings: Sequence[str] = ()):
        self.study = dict(study)
        self.warnings = list(warnings)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        text = study_summary(self.study) + "".join(f"\n  warning: {w}" for w in self.warnings)
        return {
            STUDY_MIME: {"name": self.study.get("name"), "namespace": self.study.get("namespace"),
                         "study": self.study, "warnings": self.warnings},
            "text/plain": text,
        }

    def __repr__(self) -> str:
        return study_summary(self.study)


class StudyDetail:
    """`%kf study NAME`: the best trial and every trial as a table (text and HTML)."""

    def __init__(self, study: Mapping[str, Any]):
        self.study = dict(study)

    def rows(self) -> tuple[list[str], list[list[str]]]:
        names = [p.get("name") for p in (self.study.get("spec") or {}).get("parameters", [])]
        trials = self.study.get("trials") or []
        if not names and trials:
            names = list((trials[0].get("params") or {}).keys())
        headers = ["trial", "phase", "objective", *names, "reason"]
        rows = [[t.get("name", ""), t.get("phase", ""), _fmt(t.get("objective")),
                 *[_fmt((t.get("params") or {}).get(n)) for n in names], t.get("reason") or ""] for t in trials]
        return headers, rows

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        headers, rows = self.rows()
        return {"text/plain": repr(self),
                "text/html": f"<pre>{study_summary(self.study)}</pre>" + _table_html(headers, rows)}

    def __repr__(self) -> str:
        headers, rows = self.rows()
        return study_summary(self.study) + "\n" + _table_text(headers, rows)


class StudyTable:
    def __init__(self, namespace: str, studies: Sequence[Mapping[str, Any]]):
        self.namespace = namespace
        self.studies = list(studies)

    def rows(self) -> list[list[str]]:
        out = []
        for s in self.studies:
            c = s.get("counts") or {}
            best = s.get("best") or {}
            out.append([s.get("name", ""), s.get("phase", ""), _fmt(best.get("objective")),
                        str(c.get("running", 0)), str(c.get("succeeded", 0)), str(c.get("failed", 0)),
                        s.get("created", "")])
        return out

    HEADERS = ["name", "phase", "best", "running", "succeeded", "failed", "created"]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": repr(self), "text/html": _table_html(self.HEADERS, self.rows())}

    def __repr__(self) -> str:
        if not self.studies:
            return f"No studies in namespace {self.namespace}."
        return _table_text(self.HEADERS, self.rows())


def _simple(prog: str, description: str, name: bool) -> _Parser:
    p = _Parser(prog=prog, description=description)
    if name:
        p.add_argument("name")
    p.add_argument("--namespace", "-n")
    return p


def handles(line: str) -> bool:
    """Whether the line is one of this module's commands (the one dispatch line in magics.py asks)."""
    words = line.split()
    return bool(words) and (words[0] in COMMANDS or words[:2] == ["delete", "study"])


def run(magics: Any, line: str, cell: Optional[str]) -> Any:
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise UsageError(f"%kf: cannot split the command line ({error})") from None
    try:
        return _run(magics, words, cell)
    except HelpShown:
        return None
    except ProxyError as error:
        lines = [error.message]
        for f in error.fields:
            flag = flag_for_path(f.path)
            lines.append(f"  {f.path}: {f.message}" + (f" (option {flag})" if flag else ""))
        raise KubeflowError(lines) from None


def _run(magics: Any, words: list[str], cell: Optional[str]) -> Any:
    sub = words[0]
    if sub == "tune":
        args = parse_tune(words[1:])
        if not cell or not cell.strip():
            raise UsageError("%%kf tune is a cell magic: the cell body is the training script that prints "
                             "METRIC=value lines")
        client = magics._client()
        info = client.info()
        magics._check_backend(args.train.backend, info)
        namespace = magics._namespace(client, args.train.namespace, info)
        answer = client.post(studies_path(namespace), study_spec(args, cell))
        return StudyOutput(answer.get("study", {}), answer.get("warnings", []))
    if cell is not None and cell.strip():
        raise UsageError(f"%kf {sub} takes no cell body; only %%kf tune does")
    if sub == "studies":
        ns = _studies_parser().parse_args(words[1:])
        client = magics._client()
        namespace = magics._namespace(client, ns.namespace)
        return StudyTable(namespace, client.get(studies_path(namespace)).get("items", []))
    if sub == "study":
        ns = _study_parser().parse_args(words[1:])
        client = magics._client()
        namespace = magics._namespace(client, ns.namespace)
        return StudyDetail(client.get(study_path(namespace, ns.name)))
    ns = _simple("%kf delete study", "Delete a study and its trials.", True).parse_args(words[2:])
    client = magics._client()
    namespace = magics._namespace(client, ns.namespace)
    client.delete(study_path(namespace, ns.name))
    print(f"Deleted study {ns.name} in namespace {namespace}.")
    return None


def _studies_parser() -> _Parser:
    return _simple("%kf studies", "List the studies of a namespace.", False)


def _study_parser() -> _Parser:
    return _simple("%kf study", "Show a study: best trial and all trials (%kf delete study NAME deletes one).", True)


# `%kf help` lists every command from these tables; the commands themselves are dispatched by `handles`/`run`.
PARSERS.setdefault("tune", _tune_parser)
PARSERS.setdefault("studies", _studies_parser)
PARSERS.setdefault("study", _study_parser)
SYNOPSIS.setdefault("tune", "%%kf tune --objective M --maximize|--minimize --param NAME=TYPE:… [--algorithm A] "
                            "[--trials N] [--parallel N] [--local|--cluster]  (cell = script)")
SYNOPSIS.setdefault("studies", "%kf studies [--namespace NS]")
SYNOPSIS.setdefault("study", "%kf study NAME [--namespace NS]   ·   %kf delete study NAME")
