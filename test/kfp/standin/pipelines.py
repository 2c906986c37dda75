"""Pipeline and version endpoints: JSON (pipeline_server.go) and multipart upload (pipeline_upload_server.go)."""

import email.parser
import email.policy
import gzip
import io
import tarfile
import urllib.request
import zipfile

from .errors import KfpError, INVALID_ARGUMENT, invalid_input
from .resources import Resources, parse_tags, pipeline_json, version_json, MAX_NAME
from .store import list_rows
from .wire import compact

MAX_FILE_LENGTH = 32 << 20  # common.MaxFileLength


class UploadError(Exception):
    """An upload failure: the v1 error shape {error_message, error_details} with an HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message

    def body(self) -> dict:
        return {"error_message": self.message, "error_details": self.message}


def _multipart_file(content_type: str, body: bytes) -> tuple[str, bytes] | None:
    """r.FormFile("uploadfile"): the file name and bytes of that form field, or None."""
    if not content_type.startswith("multipart/form-data"):
        return None
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not msg.is_multipart():
        return None
    for part in msg.iter_parts():
        if part.get_param("name", header="content-disposition") == "uploadfile":
            filename = part.get_param("filename", header="content-disposition")
            if filename is None:
                return None
            return filename, part.get_payload(decode=True) or b""
    return None


def _is_yaml(name: str) -> bool:
    return name.endswith(".yaml") or name.endswith(".yml")


def read_pipeline_file(filename: str, data: bytes) -> bytes:
    """server/util.go ReadPipelineFile: by extension, else zip/tar.gz by their magic bytes."""
    if len(data) > MAX_FILE_LENGTH:
        raise invalid_input(f"File size too large. Maximum supported size: {MAX_FILE_LENGTH}")
    if _is_yaml(filename) or filename.endswith(".json"):
        return data
    if data[:2] == b"PK":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise invalid_input("Error extracting pipeline from the zip file. Not a valid zip file")
        files = archive.infolist()
        if not files:
            raise invalid_input("Error extracting pipeline from the zip file. Empty zip file")
        chosen = next((f for f in files if f.filename == "pipeline.yaml"), files[0])
        if not _is_yaml(chosen.filename):
            raise invalid_input("Error extracting pipeline from the zip file. Expecting a pipeline.yaml file inside "
                                f"the zip. Got: {chosen.filename}")
        return archive.read(chosen)
    if data[:2] == b"\x1f\x8b":
        try:
            archive = tarfile.open(fileobj=io.BytesIO(gzip.decompress(data)))
            members = [m for m in archive.getmembers()]
        except (OSError, tarfile.TarError, EOFError):
            raise invalid_input("Error extracting pipeline from the tarball file. Not a valid tarball file")
        chosen = next((m for m in members if m.name == "pipeline.yaml"), members[0] if members else None)
        if chosen is None or not _is_yaml(chosen.name):
            raise invalid_input("Error extracting pipeline from the tarball file. Expecting a pipeline.yaml file "
                                f"inside the tarball. Got: {chosen.name if chosen else ''}")
        return archive.extractfile(chosen).read()
    raise invalid_input("Unexpected pipeline file format. Support .zip, .tar.gz, .json or YAML")


def _build_name(name: str, display_name: str, filename: str) -> str:
    return name or display_name or filename


class Pipelines:
    def __init__(self, res: Resources):
        self.res = res
        self.store = res.store

    # ---- multipart upload (errors in the v1 shape) ----
    def upload(self, headers, query: dict, content_type: str, body: bytes) -> dict:
        form = _multipart_file(content_type, body)
        if form is None:
            raise UploadError(400, "Failed to read pipeline from file")
        filename, data = form
        try:
            spec = read_pipeline_file(filename, data)
        except KfpError:
            raise UploadError(400, "Failed to read a pipeline spec file")
        namespace = self.res.ns(query.get("namespace", ""))
        try:
            self.res.can_access_pipeline(headers, "create", namespace=namespace)
        except KfpError:
            raise UploadError(400, "Failed to create a pipeline")
        name = _build_name(query.get("name", ""), query.get("display_name", ""), filename)
        pipeline = {"name": name, "display_name": query.get("display_name") or name,
                    "description": query.get("description", ""), "namespace": namespace}
        if query.get("tags"):
            try:
                pipeline["tags"] = parse_tags(query["tags"])
            except KfpError as err:
                raise UploadError(400, err.external)
        if len(name) > MAX_NAME:
            raise UploadError(400, f"Pipeline.Name length cannot exceed {MAX_NAME}")
        version = {k: pipeline[k] for k in ("name", "display_name", "description")}
        try:
            p, _ = self.res.create_pipeline_and_version(pipeline, version, spec)
        except KfpError as err:
            raise self._upload_failure(err, "Failed to create a pipeline and a pipeline version")
        return pipeline_json(p)

    def _upload_failure(self, err: KfpError, generic: str) -> UploadError:
        if err.code == 6:
            return UploadError(409, generic)
        if err.code == INVALID_ARGUMENT:
            return UploadError(400, err.external)
        return UploadError(500, generic)

    def upload_version(self, headers, query: dict, content_type: str, body: bytes) -> dict:
        generic = "Failed to create a pipeline version"
        form = _multipart_file(content_type, body)
        if form is None:
            raise UploadError(400, generic)
        filename, data = form
        try:
            spec = read_pipeline_file(filename, data)
        except KfpError:
            raise UploadError(400, generic)
        pipeline_id = query.get("pipelineid", "")
        if not pipeline_id:
            raise UploadError(400, generic)
        name = _build_name(query.get("name", ""), query.get("display_name", ""), filename)
        if len(name) > MAX_NAME:
            raise UploadError(400, f"PipelineVersion.Name length cannot exceed {MAX_NAME}")
        if pipeline_id not in self.store.pipelines:
            raise UploadError(400, generic)
        try:
            self.res.can_access_pipeline(headers, "create", pipeline_id=pipeline_id)
        except KfpError:
            raise UploadError(400, generic)
        version = {"name": name, "display_name": query.get("display_name") or name,
                   "description": query.get("description", "")}
        if query.get("tags"):
            try:
                version["tags"] = parse_tags(query["tags"])
            except KfpError as err:
                raise UploadError(400, err.external)
        try:
            v = self.res.create_version(pipeline_id, version, spec)
        except KfpError as err:
            raise self._upload_failure(err, generic)
        return version_json(v)

    # ---- JSON endpoints ----
    def create_pipeline(self, headers, body: dict) -> dict:
        try:
            namespace = self.res.ns(body.get("namespace", ""))
            name = body.get("name") or body.get("display_name", "")
            if not name:
                raise invalid_input("name is required")
            try:
                self.res.can_access_pipeline(headers, "create", namespace=namespace, name=name)
            except KfpError as err:
                raise err.wrap("Failed to create a pipeline due to authorization error. Check if you have write "
                               f"permissions to namespace {namespace}")
            with self.store.lock:
                if any(p["name"] == name and p["namespace"] == namespace for p in self.store.pipelines.values()):
                    from .errors import already_exists
                    raise already_exists(f"Failed to create a new pipeline. The name {name} already exist. Please "
                                         "specify a new name")
                from .store import new_id, now
                p = {"pipeline_id": new_id(), "name": name, "display_name": body.get("display_name") or name,
                     "description": body.get("description", ""), "namespace": namespace, "created_at": now(),
                     "tags": body.get("tags") or {}}
                self.store.pipelines[p["pipeline_id"]] = p
            return pipeline_json(p)
        except KfpError as err:
            raise err.wrap("Failed to create a pipeline due to server error")

    def create_pipeline_and_version(self, headers, body: dict) -> dict:
        pipeline = dict(body.get("pipeline") or {})
        version = dict(body.get("pipeline_version") or {})
        try:
            url = (version.get("package_url") or {}).get("pipeline_url", "")
            if not url:
                raise invalid_input("Failed to create a pipeline and a pipeline version. Pipeline version's "
                                    "package url is required")
            pipeline["namespace"] = self.res.ns(pipeline.get("namespace", ""))
            self.res.can_access_pipeline(headers, "create", namespace=pipeline["namespace"],
                                         name=pipeline.get("name", ""))
            version["package_url"] = url
            p, _ = self.res.create_pipeline_and_version(pipeline, version, _fetch(url))
            return pipeline_json(p)
        except KfpError as err:
            raise err.wrap("Failed to create a pipeline and a pipeline version")

    def create_version(self, headers, pipeline_id: str, body: dict) -> dict:
        try:
            url = (body.get("package_url") or {}).get("pipeline_url", "")
            if not url:
                raise invalid_input("Failed to create a pipeline version. Pipeline version's package url is required")
            self.res.can_access_pipeline(headers, "create", pipeline_id=pipeline_id)
            version = dict(body, package_url=url)
            return version_json(self.res.create_version(pipeline_id, version, _fetch(url)))
        except KfpError as err:
            raise err.wrap(f"Failed to create a pipeline version for pipeline {pipeline_id}")

    def get_pipeline(self, headers, pipeline_id: str) -> dict:
        try:
            self.res.can_access_pipeline(headers, "get", pipeline_id=pipeline_id)
            return pipeline_json(self.res.get_pipeline_row(pipeline_id))
        except KfpError as err:
            raise err.wrap(f"Failed to get pipeline {pipeline_id}")

    def get_pipeline_by_name(self, headers, name: str, query: dict) -> dict:
        namespace = self.res.ns(query.get("namespace", ""))
        try:
            self.res.can_access_pipeline(headers, "get", namespace=namespace, name=name)
            for p in self.store.pipelines.values():
                if p["name"] == name and p["namespace"] == namespace:
                    return pipeline_json(p)
            from .errors import not_found
            raise not_found("Namespace/Pipeline", f"{namespace}/{name}")
        except KfpError as err:
            raise err.wrap(f"Failed to get a pipeline with name {name} and namespace {namespace}. Check error "
                           "stack.")

    def list_pipelines(self, headers, query: dict) -> dict:
        namespace = self.res.ns(query.get("namespace", ""))
        try:
            self.res.can_access_pipeline(headers, "list", namespace=namespace)
            with self.store.lock:
                rows = [p for p in self.store.pipelines.values() if p["namespace"] == namespace]
                page, total, token = list_rows("pipelines", rows, query, "pipeline_id")
                return compact({"pipelines": [pipeline_json(p) for p in page], "total_size": total,
                                "next_page_token": token})
        except KfpError as err:
            raise err.wrap("Failed to list pipelines")

    def delete_pipeline(self, headers, pipeline_id: str, query: dict) -> dict:
        try:
            self.res.can_access_pipeline(headers, "delete", pipeline_id=pipeline_id)
            with self.store.lock:
                try:
                    self.res.get_pipeline_row(pipeline_id)
                except KfpError as err:
                    raise err.wrap(f"Failed to delete pipeline with id {pipeline_id} as it was not found")
                latest = self.res.latest_version(pipeline_id)
                if latest and query.get("cascade", "").lower() != "true":
                    raise invalid_input(
                        f"Failed to delete pipeline with id {pipeline_id} as it has existing pipeline versions "
                        f"(e.g. {latest['pipeline_version_id']}). Set cascade=true to delete all versions")
                for vid in [v for v, row in self.store.versions.items() if row["pipeline_id"] == pipeline_id]:
                    del self.store.versions[vid]
                del self.store.pipelines[pipeline_id]
            return {}
        except KfpError as err:
            raise err.wrap(f"Failed to delete pipeline {pipeline_id}")

    def get_version(self, headers, pipeline_id: str, version_id: str) -> dict:
        try:
            self.res.can_access_pipeline(headers, "get", pipeline_id=pipeline_id)
            return version_json(self.res.get_version_row(version_id))
        except KfpError as err:
            raise err.wrap(f"Failed to get a pipeline version {version_id}")

    def list_versions(self, headers, pipeline_id: str, query: dict) -> dict:
        try:
            self.res.can_access_pipeline(headers, "list", pipeline_id=pipeline_id)
            with self.store.lock:
                rows = [v for v in self.store.versions.values() if v["pipeline_id"] == pipeline_id]
                page, total, token = list_rows("versions", rows, query, "pipeline_version_id")
                return compact({"pipeline_versions": [version_json(v) for v in page], "total_size": total,
                                "next_page_token": token})
        except KfpError as err:
            raise err.wrap(f"Failed to list pipeline versions of pipeline {pipeline_id}")

    def delete_version(self, headers, pipeline_id: str, version_id: str) -> dict:
        try:
            self.res.can_access_pipeline(headers, "delete", pipeline_id=pipeline_id)
            with self.store.lock:
                v = self.res.get_version_row(version_id)
                if v["pipeline_id"] != pipeline_id:
                    raise invalid_input(f"Pipeline version {version_id} does not belong to pipeline {pipeline_id}")
                del self.store.versions[version_id]
            return {}
        except KfpError as err:
            raise err.wrap(f"Failed to delete pipeline version {version_id}")


def _fetch(url: str) -> bytes:
    """The server downloads package_url.pipeline_url itself."""
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.read(MAX_FILE_LENGTH + 1)
    except (OSError, ValueError) as e:
        raise invalid_input(f"Failed to download the pipeline from {url}: {e}")
