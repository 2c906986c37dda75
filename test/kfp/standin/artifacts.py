"""ReadArtifact (server/run_artifact_server.go): GET /runs/{run}/nodes/{node}/artifacts/{name}:read.

The artifact's key comes from the last reported Workflow (ResolveArtifactPath, FindObjectStoreArtifactKeyOrEmpty:
the node by id or by its derived pod name, then its outputs.artifacts[].s3.key, looking into children up to
three levels); the bytes from the object store, here a directory (`--object-store`). The answer is
{"data": "<base64>"}; errors use the v1 shape, with the server's codes and its messages.
"""

import base64
import os

from .errors import KfpError
from .pipelines import UploadError
from .workflow import pod_name


def _s3_key(node: dict, name: str) -> str:
    for artifact in ((node.get("outputs") or {}).get("artifacts") or []):
        if artifact.get("name") == name and (artifact.get("s3") or {}).get("key"):
            return artifact["s3"]["key"]
    return ""


def _find(nodes: dict, node: dict, name: str, depth: int) -> str:
    key = _s3_key(node, name)
    if key or depth <= 0:
        return key
    for child in node.get("children") or []:
        if child in nodes:
            key = _find(nodes, nodes[child], name, depth - 1)
            if key:
                return key
    return ""


class Artifacts:
    def __init__(self, runs, object_store: str):
        self.runs = runs
        self.object_store = object_store

    def resolve(self, run_id: str, node_id: str, name: str) -> str:
        """ResolveArtifactPath; '' when the artifact is unknown (a not-found)."""
        run = self.runs.store.runs.get(run_id)
        if run is None:
            return ""
        wf = run.get("workflow_manifest")
        if not wf:
            raise UploadError(500, "Invalid input error: read artifact from run with v2 IR spec is not supported")
        nodes = (wf.get("status") or {}).get("nodes") or {}
        node = nodes.get(node_id) or next((n for n in nodes.values() if pod_name(wf, n) == node_id), None)
        return _find(nodes, node, name, 3) if node else ""

    def read(self, headers, run_id: str, node_id: str, name: str) -> dict:
        try:
            self.runs._can_access(headers, "readArtifact", run_id)
        except KfpError as err:  # any failure here, an unknown run included, is a 403
            raise UploadError(403, f"Failed to authorize the request: {err.internal}")
        key = self.resolve(run_id, node_id, name)
        path = os.path.join(self.object_store, key) if key else ""
        if not key or not os.path.isfile(path):
            raise UploadError(404, "artifact not found: <nil>")
        with open(path, "rb") as f:
            return {"data": base64.b64encode(f.read()).decode()}
