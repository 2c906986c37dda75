"""HTTP front of the stand-in: grpc-gateway's routes for /apis/v2beta1 (backend/api/v2beta1/*.proto
google.api.http bindings), the upload handlers, and healthz."""

import json
import re
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import KfpError, INVALID_ARGUMENT
from .pipelines import UploadError
from .wire import parse

P = "/apis/v2beta1"
SEG = r"([^/:]+)"


class Api:
    """The routing table: (method, regex, body model or None, handler(headers, query, body, *groups))."""

    def __init__(self, res, pipelines, runs, artifacts, multi_user: bool, v1_only: bool = False):
        e, p, r = res, pipelines, runs
        self.multi_user = multi_user
        # An installation older than KFP 2 serves only /apis/v1beta1 (its healthz included).
        self.v1_only = v1_only
        self.routes = [
            ("GET", "/healthz", None, lambda h, q, b: self.healthz()),
            ("GET", "/experiments", None, lambda h, q, b: e.list_experiments(h, q)),
            ("POST", "/experiments", "V2beta1Experiment", lambda h, q, b: e.create_experiment(h, b)),
            ("GET", f"/experiments/{SEG}", None, lambda h, q, b, i: e.get_experiment(h, i)),
            ("DELETE", f"/experiments/{SEG}", None, lambda h, q, b, i: e.delete_experiment(h, i)),
            ("POST", f"/experiments/{SEG}:archive", None, lambda h, q, b, i: e.set_experiment_storage(h, i, True)),
            ("POST", f"/experiments/{SEG}:unarchive", None,
             lambda h, q, b, i: e.set_experiment_storage(h, i, False)),
            ("GET", "/pipelines", None, lambda h, q, b: p.list_pipelines(h, q)),
            ("POST", "/pipelines", "V2beta1Pipeline", lambda h, q, b: p.create_pipeline(h, b)),
            ("POST", "/pipelines/create", "V2beta1CreatePipelineAndVersionRequest",
             lambda h, q, b: p.create_pipeline_and_version(h, b)),
            ("GET", f"/pipelines/names/{SEG}", None, lambda h, q, b, n: p.get_pipeline_by_name(h, n, q)),
            ("GET", f"/pipelines/{SEG}", None, lambda h, q, b, i: p.get_pipeline(h, i)),
            ("DELETE", f"/pipelines/{SEG}", None, lambda h, q, b, i: p.delete_pipeline(h, i, q)),
            ("GET", f"/pipelines/{SEG}/versions", None, lambda h, q, b, i: p.list_versions(h, i, q)),
            ("POST", f"/pipelines/{SEG}/versions", "V2beta1PipelineVersion",
             lambda h, q, b, i: p.create_version(h, i, b)),
            ("GET", f"/pipelines/{SEG}/versions/{SEG}", None, lambda h, q, b, i, v: p.get_version(h, i, v)),
            ("DELETE", f"/pipelines/{SEG}/versions/{SEG}", None, lambda h, q, b, i, v: p.delete_version(h, i, v)),
            ("GET", "/runs", None, lambda h, q, b: r.list(h, q)),
            ("POST", "/runs", "V2beta1Run", lambda h, q, b: r.create(h, b, q)),
            ("GET", f"/runs/{SEG}", None, lambda h, q, b, i: r.get(h, i)),
            ("DELETE", f"/runs/{SEG}", None, lambda h, q, b, i: r.delete(h, i)),
            ("POST", f"/runs/{SEG}:archive", None, lambda h, q, b, i: r.set_storage(h, i, True)),
            ("POST", f"/runs/{SEG}:unarchive", None, lambda h, q, b, i: r.set_storage(h, i, False)),
            ("POST", f"/runs/{SEG}:retry", None, lambda h, q, b, i: r.retry(h, i)),
            ("POST", f"/runs/{SEG}:terminate", None, lambda h, q, b, i: r.terminate(h, i)),
            ("POST", "/workflows", "ReportWorkflowRequest", lambda h, q, b: r.report_json(h, b)),
        ]
        self.compiled = [(m, re.compile(P + rx + "$"), model, fn) for m, rx, model, fn in self.routes]
        self.uploads = {"/pipelines/upload": pipelines.upload, "/pipelines/upload_version": pipelines.upload_version}
        # Plain HTTP handlers beside the gateway (main.go buildHTTPRouter); errors in the v1 shape.
        self.artifact_read = (re.compile(P + f"/runs/{SEG}/nodes/{SEG}/artifacts/{SEG}:read$"), artifacts.read)

    def healthz(self, pipeline_store: str = "database") -> dict:
        """A plain handler in main.go, marshalled with encoding/json (pipeline_store omitempty, and empty on
        the v1beta1 path)."""
        out = {"commit_sha": "kfp-standin", "tag_name": "1.8.5" if self.v1_only else "2.17.0",
               "multi_user": self.multi_user}
        if pipeline_store:
            out["pipeline_store"] = pipeline_store
        return out


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _query(raw: str) -> dict:
    """Query parameters as grpc-gateway reads them: proto or JSON (lowerCamel) names; unknown ones ignored.
    The upload handlers read theirs verbatim (r.URL.Query() in Go)."""
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _gateway_query(raw: str) -> dict:
    return {_snake(k): v for k, v in _query(raw).items()}


def make_handler(api: Api, log):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            log("%s %s" % (self.address_string(), fmt % args))

        def _send(self, status: int, obj) -> None:
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _handle(self, method: str) -> None:
            url = urlsplit(self.path)
            path = unquote(url.path).rstrip("/") or "/"
            query = _query(url.query)
            raw = self._body()
            try:
                if method == "GET" and path == "/apis/v1beta1/healthz":
                    return self._send(200, api.healthz(""))
                if api.v1_only and path.startswith(P):
                    return self._send(404, {"code": 5, "message": "Not Found", "details": []})
                artifact = api.artifact_read[0].match(path) if method == "GET" else None
                if artifact:
                    try:
                        return self._send(200, api.artifact_read[1](self.headers, *artifact.groups()))
                    except UploadError as e:
                        return self._send(e.status, e.body())
                if method == "POST" and path.startswith(P) and path[len(P):] in api.uploads:
                    try:
                        out = api.uploads[path[len(P):]](self.headers, query, self.headers.get("Content-Type", ""),
                                                         raw)
                    except UploadError as e:
                        return self._send(e.status, e.body())
                    return self._send(200, out)
                for m, rx, model, fn in api.compiled:
                    match = rx.match(path)
                    if not match:
                        continue
                    if m != method:
                        continue
                    body = {}
                    if model:
                        try:
                            data = json.loads(raw or b"{}")
                        except ValueError as e:
                            raise KfpError(INVALID_ARGUMENT, f"proto: syntax error: {e}", f"proto: syntax error: {e}")
                        body = self._model_body(model, data)
                    return self._send(200, fn(self.headers, _gateway_query(url.query), body, *match.groups()))
                allowed = any(rx.match(path) for _, rx, _, _ in api.compiled)
                if allowed:
                    return self._send(405, {"code": 12, "message": "Method Not Allowed", "details": []})
                return self._send(404, {"code": 5, "message": "Not Found", "details": []})
            except KfpError as e:
                log(f"{method} {path}: {e.code} {e.internal}")
                return self._send(e.http_status, e.body())
            except Exception as e:
                traceback.print_exc(file=sys.stderr)
                err = KfpError(13, f"Internal error: {e}", "Internal Server Error")
                return self._send(500, err.body())

        def _model_body(self, model: str, data):
            if model == "ReportWorkflowRequest":  # body: "workflow" — the JSON string itself
                if not isinstance(data, str):
                    raise KfpError(INVALID_ARGUMENT, "proto: invalid value for string field workflow",
                                   "proto: invalid value for string field workflow")
                return {"workflow": data}
            return parse(data, model)

        def do_GET(self):
            self._handle("GET")

        def do_POST(self):
            self._handle("POST")

        def do_DELETE(self):
            self._handle("DELETE")

        def do_PATCH(self):
            self._handle("PATCH")

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
