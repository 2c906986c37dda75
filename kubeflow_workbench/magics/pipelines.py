"""`%kf pipeline run|compile`, `%kf runs`, `%kf run NAME`: parsers, handlers and what they display.

The magics only read the file and send it: the proxy validates and compiles the document (the same compiler as
the editor), runs it, and answers errors with JSON pointers and node names, which are shown verbatim.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence
from urllib.parse import quote

from IPython.core.error import UsageError

from ..runtime import API, ProxyClient
from .kfp_connection import KfpArgs, _kfp_parser, kfp_status

RUN_MIME = "application/vnd.kubeflow.run+json"  # contract/mime.ts
PIPELINE_EXTENSION = ".kfpipeline"  # contract/pipeline.ts


# paths (contract/routes.ts) -----------------------------------------------------------------------------------
def runs_path(namespace: str) -> str:
    return f"{API}/namespaces/{quote(namespace, safe='')}/runs"


def run_path(namespace: str, name: str) -> str:
    return f"{runs_path(namespace)}/{quote(name, safe='')}"


def compile_path() -> str:
    return f"{API}/pipelines/compile"


# arguments ------------------------------------------------------------------------------------------------------
@dataclass
class PipelineRunArgs:
    file: str
    params: dict = field(default_factory=dict)
    backend: Optional[str] = None  # "local" | "cluster"
    name: Optional[str] = None
    namespace: Optional[str] = None
    experiment: Optional[str] = None  # KFP's experiment (--cluster only)


@dataclass
class PipelineCompileArgs:
    file: str
    output: Optional[str] = None


@dataclass
class RunsArgs:
    namespace: Optional[str] = None


@dataclass
class RunArgs:
    name: str
    namespace: Optional[str] = None


COMMANDS = (PipelineRunArgs, PipelineCompileArgs, RunsArgs, RunArgs, KfpArgs)


def _param(text: str) -> tuple[str, str]:
    import argparse

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return key, value


def _pipeline_parser(parser_class: type) -> Any:
    p = parser_class(prog="%kf pipeline", description="Run or compile a pipeline document (.kfpipeline).")
    sub = p.add_subparsers(dest="action", required=True, metavar="run|compile")
    run = sub.add_parser("run", prog="%kf pipeline run", description="Run a pipeline (locally by default).")
    run.add_argument("file", help=f"a pipeline document ({PIPELINE_EXTENSION}) or a compiled IR (.yaml/.json)")
    run.add_argument("--param", "-p", action="append", type=_param, default=[], metavar="NAME=VALUE",
                     help="a pipeline parameter (read as its declared type); repeatable")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--local", dest="backend", action="store_const", const="local",
                       help="run on this machine (the default)")
    where.add_argument("--cluster", dest="backend", action="store_const", const="cluster",
                       help="submit to Kubeflow Pipelines (see %%kf kfp for the connection)")
    run.add_argument("--experiment", "-e", metavar="NAME",
                     help="--cluster: the KFP experiment to run in (created when missing; default: Default)")
    run.add_argument("--name", help="run name (default: generated from the pipeline name)")
    run.add_argument("--namespace", "-n", help="namespace (default: the proxy's default namespace)")
    comp = sub.add_parser("compile", prog="%kf pipeline compile", description="Compile a document to KFP v2 IR YAML.")
    comp.add_argument("file", help=f"a pipeline document ({PIPELINE_EXTENSION})")
    comp.add_argument("--output", "-o", metavar="OUT.yaml", help="write the YAML here (default: print it)")
    return p


def _runs_parser(parser_class: type) -> Any:
    p = parser_class(prog="%kf runs", description="List the pipeline runs of a namespace.")
    p.add_argument("--namespace", "-n", help="namespace (default: the proxy's default namespace)")
    return p


def _run_parser(parser_class: type) -> Any:
    p = parser_class(prog="%kf run", description="The status of each step of a pipeline run.")
    p.add_argument("name")
    p.add_argument("--namespace", "-n", help="namespace (default: the proxy's default namespace)")
    return p


PARSER_MAKERS = {"pipeline": _pipeline_parser, "runs": _runs_parser, "run": _run_parser, "kfp": _kfp_parser}
SYNOPSIS = {
    "pipeline": "%kf pipeline run FILE [--param NAME=VALUE …] [--local|--cluster [--experiment NAME]] "
                "| compile FILE [-o OUT.yaml]",
    "kfp": "%kf kfp",
    "runs": "%kf runs [--namespace NS]",
    "run": "%kf run NAME [--namespace NS]",
}


def args_of(sub: str, ns: Any) -> Any:
    if sub == "runs":
        return RunsArgs(ns.namespace)
    if sub == "run":
        return RunArgs(ns.name, ns.namespace)
    if sub == "kfp":
        return KfpArgs()
    if ns.action == "compile":
        return PipelineCompileArgs(ns.file, ns.output)
    if ns.experiment is not None and ns.backend != "cluster":
        raise UsageError("%kf pipeline run: --experiment is a Kubeflow Pipelines experiment; add --cluster")
    params = dict(ns.param)
    return PipelineRunArgs(ns.file, params, ns.backend, ns.name, ns.namespace, ns.experiment)


# handlers -------------------------------------------------------------------------------------------------------
def _read_json_or_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"%kf pipeline: cannot read {path}: {error.strerror}") from None
    if path.suffix in (PIPELINE_EXTENSION, ".json"):
        try:
            return json.loads(text)
        except ValueError as error:
            raise UsageError(f"%kf pipeline: {path} is not JSON ({error})") from None
    try:
        import yaml
    except ImportError:
        raise UsageError("%kf pipeline: reading a YAML IR needs PyYAML (pip install pyyaml)") from None
    try:
        # kfp writes the platform spec as a second document.
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        raise UsageError(f"%kf pipeline: {path} is not YAML ({error})") from None
    return documents


def run_request(args: PipelineRunArgs) -> dict:
    """The `ICreateRunRequest` for a document (compiled by the proxy) or an IR compiled elsewhere (kfp SDK)."""
    path = Path(args.file).expanduser()
    loaded = _read_json_or_yaml(path)
    body: dict[str, Any] = {}
    if path.suffix == PIPELINE_EXTENSION:
        # Absolute: the proxy resolves node files against it and confines them to the Jupyter root.
        body.update(spec=loaded, path=str(path.resolve()))
    else:
        documents = loaded if isinstance(loaded, list) else [loaded]
        ir = next((d for d in documents if isinstance(d, dict) and "root" in d), None)
        if ir is None:
            raise UsageError(f"%kf pipeline run: {path} holds no KFP PipelineSpec (no `root`)")
        body["ir"] = ir
        platform = next((d for d in documents if isinstance(d, dict) and "platforms" in d), None)
        if platform is not None:
            body["platformSpec"] = platform
    if args.params:
        body["parameters"] = dict(args.params)
    if args.name:
        body["name"] = args.name
    if args.backend == "cluster":
        # Kubeflow Pipelines: the proxy uploads the pipeline (or a new version), finds or creates the experiment.
        body["backend"] = "kfp"
        if args.experiment:
            body["experiment"] = args.experiment
    return body


def pipeline_run(client: ProxyClient, namespace: str, args: PipelineRunArgs) -> "RunOutput":
    return RunOutput(client.post(runs_path(namespace), run_request(args)))


def pipeline_compile(client: ProxyClient, args: PipelineCompileArgs) -> Optional["CompiledText"]:
    path = Path(args.file).expanduser()
    if path.suffix != PIPELINE_EXTENSION:
        raise UsageError(f"%kf pipeline compile: expected a {PIPELINE_EXTENSION} document, got {path.name}")
    spec = _read_json_or_yaml(path)
    answer = client.post(compile_path(), {"spec": spec, "path": str(path.resolve())})
    for warning in answer.get("warnings") or []:
        print(f"warning: {warning.get('path')}: {warning.get('message')}")
    yaml_text = str(answer.get("yaml", ""))
    if not args.output:
        return CompiledText(yaml_text)
    out = Path(args.output).expanduser()
    try:
        out.write_text(yaml_text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"%kf pipeline compile: cannot write {out}: {error.strerror}") from None
    tasks = len(((answer.get("ir") or {}).get("root") or {}).get("dag", {}).get("tasks", {}))
    print(f"Wrote the KFP v2 IR of {path.name} ({tasks} tasks) to {out}.")
    return None


def dispatch(command: Any, client_of: Callable[[], ProxyClient], namespace_of: Callable[..., str]) -> Any:
    if isinstance(command, PipelineCompileArgs):
        return pipeline_compile(client_of(), command)
    if isinstance(command, KfpArgs):
        return kfp_status(client_of())
    if isinstance(command, PipelineRunArgs):
        client = client_of()
        return pipeline_run(client, namespace_of(client, command.namespace), command)
    client = client_of()
    namespace = namespace_of(client, command.namespace)
    if isinstance(command, RunsArgs):
        return RunTable(namespace, client.get(runs_path(namespace)).get("items", []))
    return RunStatus(client.get(run_path(namespace, command.name)))


# display --------------------------------------------------------------------------------------------------------
def _duration(step: Mapping[str, Any]) -> str:
    try:
        start = datetime.fromisoformat(str(step["started"]).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(step["finished"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return "-"
    return f"{(end - start).total_seconds():.1f} s"


def _why(step: Mapping[str, Any]) -> str:
    reason, message = step.get("reason"), step.get("message")
    return f"{reason}: {message}" if reason and message else str(reason or message or "")


def run_summary(run: Mapping[str, Any]) -> str:
    steps = run.get("steps") or []
    counts = Counter(str(s.get("phase", "Unknown")) for s in steps)
    kfp = run.get("kfp") or {}
    where = str(run.get("backend", "?"))
    if where == "kfp" and kfp.get("experiment"):
        where += f", experiment {kfp['experiment']}"
    head = (
        f"Pipeline run {run.get('name')} of {run.get('pipelineName')} in namespace {run.get('namespace')} "
        f"({where}): {run.get('phase', 'Unknown')}"
    )
    lines = [head, "  steps: " + (", ".join(f"{n} {p}" for p, n in counts.items()) or "none")]
    if run.get("phase") in ("Failed", "Cancelled") and run.get("message"):
        lines.append(f"  {str(run.get('phase')).lower()}: {run['message']}")
    if kfp.get("url"):
        lines.append(f"  in the KFP UI: {kfp['url']}")
    return "\n".join(lines)


class RunOutput:
    """A run as cell output. JupyterLab renders the mime type as a live run view that follows the run through its
    own proxy connection (the kernel does not poll); other frontends show the text summary."""

    def __init__(self, run: Mapping[str, Any]):
        self.run = dict(run)
        self.name = str(run.get("name"))
        self.namespace = str(run.get("namespace"))

    @property
    def phase(self) -> str:
        return str(self.run.get("phase", "Unknown"))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        # The IR and document can be large; the live view fetches them itself.
        light = {k: v for k, v in self.run.items() if k not in ("ir", "spec")}
        return {RUN_MIME: {"name": self.name, "namespace": self.namespace, "run": light},
                "text/plain": run_summary(self.run)}

    def __repr__(self) -> str:
        return run_summary(self.run)


def _table_text(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*r).rstrip() for r in [list(headers), *rows])


def _table_html(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<p>{caption}</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class RunStatus:
    """`%kf run NAME`: the run's phase and each step's phase, reason, exit code and duration, as text."""

    HEADERS = ("STEP", "PHASE", "EXIT", "DURATION", "WHY")

    def __init__(self, run: Mapping[str, Any]):
        self.run = dict(run)

    def rows(self) -> list[list[str]]:
        return [
            [str(s.get("task", "")), str(s.get("phase", "")),
             str(s["exitCode"]) if s.get("exitCode") is not None else "-", _duration(s), _why(s)]
            for s in self.run.get("steps") or []
        ]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        caption = html.escape(run_summary(self.run).splitlines()[0])
        return {"text/plain": repr(self), "text/html": _table_html(caption, self.HEADERS, self.rows())}

    def __repr__(self) -> str:
        return run_summary(self.run) + "\n\n" + _table_text(self.HEADERS, self.rows())


class RunTable:
    """`%kf runs`: one row per run."""

    HEADERS = ("NAME", "PIPELINE", "PHASE", "STEPS", "BACKEND", "CREATED")

    def __init__(self, namespace: str, runs: Sequence[Mapping[str, Any]]):
        self.namespace = namespace
        self.runs = list(runs)

    def rows(self) -> list[list[str]]:
        rows = []
        for run in self.runs:
            counts = Counter(str(s.get("phase", "Unknown")) for s in run.get("steps") or [])
            rows.append([str(run.get("name", "")), str(run.get("pipelineName", "")), str(run.get("phase", "")),
                         ", ".join(f"{n} {p}" for p, n in counts.items()) or "-", str(run.get("backend", "")),
                         str(run.get("created", ""))])
        return rows

    def _empty(self) -> str:
        return f"No pipeline runs in namespace {self.namespace}."

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if not self.runs:
            return {"text/plain": self._empty(), "text/html": f"<p>{html.escape(self._empty())}</p>"}
        caption = f"Pipeline runs in namespace <b>{html.escape(self.namespace)}</b>"
        return {"text/plain": repr(self), "text/html": _table_html(caption, self.HEADERS, self.rows())}

    def __repr__(self) -> str:
        return _table_text(self.HEADERS, self.rows()) if self.runs else self._empty()


class CompiledText:
    """`%kf pipeline compile FILE` without `-o`: the IR YAML as plain text."""

    def __init__(self, text: str):
        self.text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": self.text}

    def __repr__(self) -> str:
        return self.text


__all__ = ["COMMANDS", "KfpArgs", "PARSER_MAKERS", "RUN_MIME", "RunOutput", "RunStatus", "RunTable", "SYNOPSIS", "args_of",
           "dispatch"]
