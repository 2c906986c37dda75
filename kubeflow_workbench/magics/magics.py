"""`%kf` / `%%kf`: parse, send plain JSON to the proxy, return something that displays. No cluster logic here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class

from .. import runtime
from . import pipelines
from ..runtime import ProxyClient, ProxyError
from .display import JobOutput, JobTable, KubeflowError, StatusView
from .parsers import (
    AnalyzeArgs,
    Command,
    DeleteArgs,
    HelpArgs,
    HelpShown,
    JobsArgs,
    LogsArgs,
    StatusArgs,
    TrainArgs,
    parse,
    usage,
)
from . import tune
from .specs import analysis_slice, training_spec

FINISHED = ("Succeeded", "Failed")
# The proxy's upstream details of a log note (raw apiserver text): the note itself already says it in words.
LOG_DETAILS_TAG = "[workbench:details]"
BACKEND_WORDS = {"local": "--local", "kubernetes": "--cluster"}


def without_details(chunks: Iterable[str]) -> Iterator[str]:
    """The log text with the proxy's detail lines left out; whole lines only, as they complete."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        *lines, pending = pending.split("\n")
        kept = [line for line in lines if LOG_DETAILS_TAG not in line]
        if kept:
            yield "\n".join(kept) + "\n"
    if pending and LOG_DETAILS_TAG not in pending:
        yield pending


@magics_class
class KubeflowMagics(Magics):
    """`%kf help` lists the commands; see docs/magics.md."""

    @line_cell_magic
    def kf(self, line: str, cell: Optional[str] = None) -> Any:
        if tune.handles(line):
            return tune.run(self, line, cell)
        try:
            command = parse(line)
        except HelpShown:
            return None
        try:
            return self._dispatch(command, cell)
        except ProxyError as error:
            raise KubeflowError.from_proxy(error, hint_flags=isinstance(command, TrainArgs)) from None

    def _dispatch(self, command: Command, cell: Optional[str]) -> Any:
        if isinstance(command, HelpArgs):
            print(usage(command.topic))
            return None
        if isinstance(command, TrainArgs):
            return self._train(command, cell)
        if cell is not None and cell.strip():
            raise UsageError(f"%%kf {type(command).__name__[:-4].lower()} takes no cell body; only %%kf train does")
        if isinstance(command, StatusArgs):
            return self._status(command)
        if isinstance(command, JobsArgs):
            return self._jobs(command)
        if isinstance(command, LogsArgs):
            return self._logs(command)
        if isinstance(command, DeleteArgs):
            return self._delete(command)
        if isinstance(command, AnalyzeArgs):
            return self._analyze(command)
        if isinstance(command, pipelines.COMMANDS):
            return pipelines.dispatch(command, self._client, self._namespace)
        raise UsageError(f"%kf: unhandled command {command!r}")

    # helpers ----------------------------------------------------------------------------------------------------
    @staticmethod
    def _client() -> ProxyClient:
        # Found afresh each time (a file read and one /info request): a restarted proxy has a new secret.
        return runtime.connect(start=True, announce=print)

    @staticmethod
    def _namespace(client: ProxyClient, namespace: Optional[str], info: Optional[dict] = None) -> str:
        if namespace:
            return namespace
        info = info or client.info()
        return str(info["backend"]["namespace"])

    # subcommands ------------------------------------------------------------------------------------------------
    def _status(self, args: StatusArgs) -> Any:
        client = self._client()
        if args.name:
            namespace = self._namespace(client, args.namespace)
            return JobOutput(client.get(runtime.job_path(namespace, args.name)))
        # An unreachable cluster is a state to report, not an error: the proxy still answers /info.
        return StatusView(client.info(), client.runtime, client.started_here)

    def _jobs(self, args: JobsArgs) -> JobTable:
        client = self._client()
        namespace = self._namespace(client, args.namespace)
        answer = client.get(runtime.jobs_path(namespace))
        return JobTable(namespace, answer.get("items", []))

    def _train(self, args: TrainArgs, cell: Optional[str]) -> Optional[JobOutput]:
        source, filename = self._training_source(args, cell)
        client = self._client()
        info = client.info()
        self._check_backend(args.backend, info)
        namespace = self._namespace(client, args.namespace, info)
        job = client.post(runtime.jobs_path(namespace), training_spec(args, source, filename))
        output = JobOutput(job)
        if not args.wait:
            return output
        return self._wait(client, output)

    @staticmethod
    def _training_source(args: TrainArgs, cell: Optional[str]) -> tuple[str, str]:
        if args.script:
            path = Path(args.script).expanduser()
            try:
                return path.read_text(encoding="utf-8"), path.name
            except OSError as error:
                raise UsageError(f"%%kf train: cannot read --script {args.script}: {error.strerror}") from None
        if cell is None:
            raise UsageError("%kf train is a cell magic: write %%kf train … on the first line of a cell whose body "
                             "is the training script, or pass --script FILE")
        if not cell.strip():
            raise UsageError("%%kf train: the cell body is the training script, and it is empty")
        return cell, args.filename

    @staticmethod
    def _check_backend(wanted: Optional[str], info: dict) -> None:
        """The proxy runs ONE backend; --local/--cluster only assert which one, so a job never lands elsewhere."""
        backend = info.get("backend") or {}
        if wanted is None:
            return
        active = backend.get("kind")
        if active != wanted:
            raise KubeflowError([
                f"{BACKEND_WORDS[wanted]} asks for the {wanted} backend, but the workbench proxy runs the "
                f"{active} backend" + (f" ({backend['message']})" if backend.get("message") else "") + ".",
                f"The proxy has one backend at a time: set KFWB_BACKEND={wanted} (or the Backend setting of "
                "Kubeflow Workbench in JupyterLab) and restart the proxy, or drop the option.",
            ])
        if backend.get("state") != "connected":
            raise KubeflowError([f"The {active} backend is {backend.get('state')}: "
                                 f"{backend.get('message') or 'no reason given'}"])

    @staticmethod
    def _wait(client: ProxyClient, output: JobOutput) -> JobOutput:
        """Follows the proxy's watch stream (pushed events, no polling) until the job finishes."""
        print(f"Waiting for {output.name} to finish (interrupt to stop waiting; the job keeps running).")
        job, phase = output.job, None
        try:
            for event, data in runtime.iter_events(
                client.stream(runtime.watch_jobs_path(output.namespace), follow=True)
            ):
                if event == "snapshot":
                    candidates = (data or {}).get("items", [])
                elif event in ("added", "modified"):
                    candidates = [data.get("object", data)]
                elif event == "deleted":
                    gone = data.get("object", data)
                    if gone.get("name") == output.name:
                        raise KubeflowError([f"Job {output.name} was deleted while waiting for it."])
                    continue
                else:
                    continue
                for candidate in candidates:
                    if candidate.get("name") != output.name:
                        continue
                    job = candidate
                    if job.get("phase") != phase:
                        phase = job.get("phase")
                        print(f"{output.name}: {phase}", flush=True)
                if phase in FINISHED:
                    break
        except KeyboardInterrupt:
            print(f"Stopped waiting; {output.name} keeps running.")
            return JobOutput(job)
        result = JobOutput(job)
        if result.phase not in FINISHED:
            raise KubeflowError([f"The job stream ended before {output.name} finished (last phase {result.phase})."])
        if result.phase == "Failed":
            print(f"{output.name} failed; see %kf logs {output.name}", file=sys.stderr)
        return result

    def _logs(self, args: LogsArgs) -> None:
        client = self._client()
        namespace = self._namespace(client, args.namespace)
        query = {"replica": args.replica, "tail": args.tail, "follow": "1" if args.follow else None}
        try:
            chunks = client.stream(runtime.job_logs_path(namespace, args.name), query, follow=args.follow)
            for text in without_details(chunks):
                sys.stdout.write(text)
                sys.stdout.flush()
        except KeyboardInterrupt:
            print(f"\nStopped following; {args.name} keeps running.")

    def _delete(self, args: DeleteArgs) -> None:
        client = self._client()
        namespace = self._namespace(client, args.namespace)
        client.delete(runtime.job_path(namespace, args.name))
        print(f"Deleted job {args.name} in namespace {namespace}.")

    @staticmethod
    def _analyze(args: AnalyzeArgs) -> Any:
        try:
            from ..analyze import analyze
        except ImportError as error:
            raise KubeflowError([f"%kf analyze is not available in this installation ({error})."]) from None
        options = {"baseline": args.baseline, "weights": args.weights, "task": args.task,
                   "threshold": args.threshold, "title": args.title, "metrics": args.metrics}
        try:
            return analyze(args.path, label=args.label, prediction=args.prediction,
                           slices=[analysis_slice(s) for s in args.slices],
                           post=KubeflowMagics._client().post,
                           **{k: v for k, v in options.items() if v is not None})
        except ProxyError:
            raise
        except Exception as error:
            # analyze() reports bad columns or data with its own exception type; show it as plain words.
            if type(error).__name__ == "AnalysisError":
                raise KubeflowError(str(error).splitlines()) from None
            raise
