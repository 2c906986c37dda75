"""`%kf kfp`: how the workbench proxy reaches Kubeflow Pipelines — found where, with which identity, and in plain
words why not. The proxy finds and checks the endpoint; this only asks and shows the answer (contract/kfp.ts)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Mapping

from ..runtime import API, ProxyClient

STATE_WORDS = {  # src/kfp/selectors.ts
    "connected": "connected",
    "not-found": "not found",
    "unreachable": "unreachable",
    "unauthorized": "refused",
    "too-old": "too old",
    "error": "error",
}
VIA_WORDS = {
    "in-cluster": "the in-cluster service ml-pipeline.kubeflow",
    "service-proxy": "the Kubernetes API server's service proxy (your kubeconfig)",
    "configured": "the configured URL (setting kfpEndpoint or KF_PIPELINES_ENDPOINT)",
}
AUTH_WORDS = {
    "service-account-token": "ServiceAccount token",
    "userid-header": "kubeflow-userid header",
    "kubeconfig": "kubeconfig credentials",
    "none": "no credentials",
}


def kfp_path() -> str:
    return f"{API}/kfp"


@dataclass
class KfpArgs:
    pass


def _kfp_parser(parser_class: type) -> Any:
    return parser_class(prog="%kf kfp", description="How the workbench reaches Kubeflow Pipelines (and why not).")


def facts(connection: Mapping[str, Any]) -> list[tuple[str, str]]:
    identity = connection.get("identity")
    auth = AUTH_WORDS.get(str(connection.get("auth")), "") if connection.get("auth") else ""
    who = f"{identity} ({auth})" if identity and auth else str(identity or auth)
    multi = connection.get("multiUser")
    updates = {"poll": "polled", "watch": "pushed (watch)"}.get(str(connection.get("updates")), "")
    rows = [
        ("Found via", VIA_WORDS.get(str(connection.get("via")), "")),
        ("Endpoint", str(connection.get("endpoint") or "")),
        ("Identity", who),
        ("Mode", "" if multi is None else ("multi-user" if multi else "single-user")),
        ("KFP version", str(connection.get("version") or "")),
        ("Updates", updates),
    ]
    return [(label, value) for label, value in rows if value]


class KfpStatus:
    """The connection as text and as a small HTML table; the proxy's message verbatim."""

    def __init__(self, connection: Mapping[str, Any]):
        self.connection = dict(connection)

    @property
    def state(self) -> str:
        return str(self.connection.get("state", "error"))

    def headline(self) -> str:
        return f"Kubeflow Pipelines: {STATE_WORDS.get(self.state, self.state)}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in facts(self.connection)
        )
        message = self.connection.get("message")
        body = f"<p><b>{html.escape(self.headline())}</b></p>"
        if message:
            body += f"<p>{html.escape(str(message))}</p>"
        if rows:
            body += f"<table><tbody>{rows}</tbody></table>"
        return {"text/plain": repr(self), "text/html": body}

    def __repr__(self) -> str:
        lines = [self.headline()]
        if self.connection.get("message"):
            lines.append(f"  {self.connection['message']}")
        width = max((len(k) for k, _ in facts(self.connection)), default=0)
        lines += [f"  {k.ljust(width)}  {v}" for k, v in facts(self.connection)]
        return "\n".join(lines)


def kfp_status(client: ProxyClient) -> KfpStatus:
    return KfpStatus(client.get(kfp_path()))


__all__ = ["KfpArgs", "KfpStatus", "facts", "kfp_path", "kfp_status"]
