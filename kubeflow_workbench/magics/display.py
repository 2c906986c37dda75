"""What the magics show: rich mime bundles with a `text/plain` fallback, and errors without tracebacks."""

from __future__ import annotations

import html
from collections import Counter
from typing import Any, Iterable, Mapping, Optional, Sequence

from ..runtime import ProxyError, RuntimeInfo
from .specs import flag_for_path

JOB_MIME = "application/vnd.kubeflow.job+json"  # contract/mime.ts


class KubeflowError(Exception):
    """A failure the user can act on: shown as its lines only (IPython's `_render_traceback_` protocol), and
    still an error, so "Run all" stops at the failed cell."""

    def __init__(self, lines: Sequence[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))

    @classmethod
    def from_proxy(cls, error: ProxyError, hint_flags: bool = False) -> "KubeflowError":
        lines = [error.message]
        for f in error.fields:
            flag = flag_for_path(f.path) if hint_flags else None
            lines.append(f"  {f.path}: {f.message}" + (f" (option {flag})" if flag else ""))
        return cls(lines)

    def _render_traceback_(self) -> list[str]:
        return ["\x1b[0;31m" + line + "\x1b[0m" for line in self.lines]


def _replica_text(replica: Mapping[str, Any]) -> str:
    text = f"{replica.get('name', '?')} {replica.get('phase', 'Unknown')}"
    reason = replica.get("reason")
    if reason:
        text += f" ({reason}" + (f": {replica['message']}" if replica.get("message") else "") + ")"
    return text


def job_summary(job: Mapping[str, Any]) -> str:
    """One paragraph: what, where, which phase, and every replica that is not simply fine."""
    head = (
        f"{job.get('kind', 'Job')} {job.get('name')} in namespace {job.get('namespace')} "
        f"({job.get('backend', '?')} backend): {job.get('phase', 'Unknown')}"
    )
    replicas = job.get("replicas") or []
    lines = [head]
    if replicas:
        lines.append("  replicas: " + ", ".join(_replica_text(r) for r in replicas))
    failed = [c for c in job.get("conditions") or [] if c.get("type") == "Failed" and c.get("message")]
    if failed:
        lines.append(f"  failed: {failed[-1]['message']}")
    return "\n".join(lines)


class JobOutput:
    """A job as cell output. JupyterLab renders the mime type as a live view that follows the job through its own
    proxy connection; the kernel does not poll. Other frontends show the text summary."""

    def __init__(self, job: Mapping[str, Any]):
        self.job = dict(job)
        self.name = str(job.get("name"))
        self.namespace = str(job.get("namespace"))

    @property
    def phase(self) -> str:
        return str(self.job.get("phase", "Unknown"))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            JOB_MIME: {"name": self.name, "namespace": self.namespace, "job": self.job},
            "text/plain": job_summary(self.job),
        }

    def __repr__(self) -> str:
        return job_summary(self.job)


def _table_html(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _table_text(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*r).rstrip() for r in [list(headers), *rows])


def _why(job: Mapping[str, Any]) -> str:
    """The first replica's reason for being stuck or failed (`worker-0: Unschedulable`), or '-'."""
    for replica in job.get("replicas") or []:
        if replica.get("reason"):
            return f"{replica.get('name', '?')}: {replica['reason']}"
    return "-"


class JobTable:
    """`%kf jobs`: one row per job."""

    HEADERS = ("NAME", "KIND", "PHASE", "REPLICAS", "WHY", "BACKEND", "CREATED")

    def __init__(self, namespace: str, jobs: Sequence[Mapping[str, Any]]):
        self.namespace = namespace
        self.jobs = list(jobs)

    def rows(self) -> list[list[str]]:
        rows = []
        for job in self.jobs:
            phases = Counter(str(r.get("phase", "Unknown")) for r in job.get("replicas") or [])
            rows.append([
                str(job.get("name", "")),
                str(job.get("kind", "")),
                str(job.get("phase", "")),
                ", ".join(f"{n} {phase}" for phase, n in phases.items()) or "-",
                _why(job),
                str(job.get("backend", "")),
                str(job.get("created", "")),
            ])
        return rows

    def _empty(self) -> str:
        return f"No training jobs in namespace {self.namespace}."

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if not self.jobs:
            return {"text/plain": self._empty(), "text/html": f"<p>{html.escape(self._empty())}</p>"}
        caption = f"<p>Training jobs in namespace <b>{html.escape(self.namespace)}</b></p>"
        return {"text/plain": repr(self), "text/html": caption + _table_html(self.HEADERS, self.rows())}

    def __repr__(self) -> str:
        return _table_text(self.HEADERS, self.rows()) if self.jobs else self._empty()


class StatusView:
    """`%kf status`: the active backend, its connection and where the proxy runs (never the secret)."""

    def __init__(self, info: Mapping[str, Any], runtime: Optional[RuntimeInfo], started_here: bool = False):
        self.info = dict(info)
        self.backend = dict(info.get("backend") or {})
        self.runtime = runtime
        self.started_here = started_here

    @property
    def connected(self) -> bool:
        return self.backend.get("state") == "connected"

    def items(self) -> list[tuple[str, str]]:
        b = self.backend
        selected = b.get("selected")
        kind = str(b.get("kind", "?")) + (f" (selected: {selected})" if selected and selected != b.get("kind") else "")
        items = [("backend", kind), ("state", str(b.get("state", "?")))]
        for key in ("context", "server", "namespace", "message"):
            if b.get(key):
                items.append((key, str(b[key])))
        versions = self.info.get("versions") or {}
        if versions:
            items.append(("versions", ", ".join(f"{k} {v}" for k, v in versions.items())))
        if self.runtime is not None:
            where = f"{self.runtime.url} (pid {self.runtime.pid}"
            where += ", started by this kernel)" if self.started_here else ")"
            items.append(("proxy", where))
        return items

    def headline(self) -> str:
        b = self.backend
        if self.connected:
            where = f" context {b['context']}," if b.get("context") else ""
            return f"Connected to the {b.get('kind')} backend,{where} namespace {b.get('namespace')}."
        reason = b.get("message") or "no reason given"
        if b.get("kind") == "kubernetes" and b.get("state") == "unreachable":
            return f"The cluster is unreachable: {reason}"
        return f"The {b.get('kind', '?')} backend is not ready ({b.get('state')}): {reason}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in self.items()
        )
        page = f"<p>{html.escape(self.headline())}</p><table>{rows}</table>"
        return {"text/plain": repr(self), "text/html": page}

    def __repr__(self) -> str:
        width = max(len(k) for k, _ in self.items())
        return "\n".join([self.headline(), *(f"  {k.ljust(width)}  {v}" for k, v in self.items())])
