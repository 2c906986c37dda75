"""Experiments and pipelines (experiment_server.go, pipeline_server.go, pipeline_upload_server.go)."""

import json

from . import ir
from .errors import KfpError, already_exists, invalid_input, not_found, INVALID_ARGUMENT
from .store import list_rows, new_id, now
from .wire import compact, timestamp

DEFAULT_EXPERIMENT = "Default"
DEFAULT_EXPERIMENT_DESCRIPTION = "All runs created without specifying an experiment will be grouped here."
MAX_NAME = 128  # validation.ValidateFieldLength


def experiment_json(e: dict) -> dict:
    return compact({
        "experiment_id": e["experiment_id"], "display_name": e["display_name"], "description": e["description"],
        "created_at": timestamp(e["created_at"]), "last_run_created_at": timestamp(e["last_run_created_at"]),
        "namespace": e["namespace"], "storage_state": e["storage_state"],
    })


def pipeline_json(p: dict) -> dict:
    return compact({
        "pipeline_id": p["pipeline_id"], "name": p["name"], "display_name": p["display_name"],
        "description": p["description"], "created_at": timestamp(p["created_at"]), "namespace": p["namespace"],
        "tags": p.get("tags") or {},
    })


def spec_struct(template: ir.PipelineTemplate) -> dict:
    """YamlStringToPipelineSpecStruct: the IR, or {pipeline_spec, platform_spec} when there is a platform spec."""
    if template.platform_spec:
        return {"pipeline_spec": template.spec, "platform_spec": template.platform_spec}
    return template.spec


def version_json(v: dict) -> dict:
    out = compact({
        "pipeline_id": v["pipeline_id"], "pipeline_version_id": v["pipeline_version_id"], "name": v["name"],
        "display_name": v["display_name"], "description": v["description"], "created_at": timestamp(v["created_at"]),
        "tags": v.get("tags") or {},
        "package_url": {"pipeline_url": v["package_url"]} if v.get("package_url") else None,
        "code_source_url": v.get("code_source_url", ""),
    })
    out["pipeline_spec"] = spec_struct(v["template"])
    return out


class Resources:
    def __init__(self, store, authz, multi_user: bool, pod_namespace: str):
        self.store = store
        self.pod_namespace = pod_namespace
        self.authz = authz
        self.multi_user = multi_user

    def ns(self, namespace: str) -> str:
        """ResourceManager.ReplaceNamespace: namespaces only exist in multi-user mode."""
        return namespace if self.multi_user else ""

    # ---- experiments ----
    def _authorize_experiment(self, headers, verb: str, namespace: str = "", name: str = "",
                              experiment_id: str = "") -> None:
        if not self.multi_user:
            return
        if experiment_id:
            try:
                e = self.get_experiment_row(experiment_id)
            except KfpError as err:
                raise err.wrap("Failed to authorize with the experiment ID")
            namespace, name = e["namespace"], name or e["display_name"]
        if not namespace:
            raise invalid_input("An experiment cannot have an empty namespace in multi-user mode")
        try:
            self.authz.authorize(headers, {"namespace": namespace, "verb": verb, "name": name,
                                           "resource": "experiments"})
        except KfpError as err:
            raise err.wrap("Failed to authorize with API")

    def create_default_experiment(self, namespace: str = "") -> dict:
        with self.store.lock:
            for e in self.store.experiments.values():
                if e["display_name"] == DEFAULT_EXPERIMENT and e["namespace"] == namespace:
                    return e
            return self._insert_experiment(DEFAULT_EXPERIMENT, DEFAULT_EXPERIMENT_DESCRIPTION, namespace)

    def _insert_experiment(self, name: str, description: str, namespace: str) -> dict:
        with self.store.lock:
            if any(e["display_name"] == name and e["namespace"] == namespace
                   for e in self.store.experiments.values()):
                raise already_exists(
                    f"Failed to create a new experiment. The name {name} already exists. Please specify a new name")
            e = {"experiment_id": new_id(), "display_name": name, "description": description,
                 "created_at": now(), "last_run_created_at": 0, "namespace": namespace, "storage_state": "AVAILABLE"}
            self.store.experiments[e["experiment_id"]] = e
            return e

    def create_experiment(self, headers, body: dict) -> dict:
        namespace = self.ns(body.get("namespace", ""))
        name = body.get("display_name", "")
        try:
            self._authorize_experiment(headers, "create", namespace, name)
        except KfpError as err:
            raise err.wrap("Failed to authorize the request").wrap("Failed to create an experiment")
        try:
            if not name:
                raise invalid_input("Experiment name is empty. Please specify a valid experiment name")
            if len(name) > MAX_NAME:
                raise invalid_input(f"Experiment.Name length cannot exceed {MAX_NAME}")
            if self.multi_user and not namespace:
                raise invalid_input("Namespace cannot be empty")
            return experiment_json(self._insert_experiment(name, body.get("description", ""), namespace))
        except KfpError as err:
            raise err.wrap("Failed to create an experiment")

    def get_experiment_row(self, experiment_id: str) -> dict:
        e = self.store.experiments.get(experiment_id)
        if e is None:
            raise not_found("Experiment", experiment_id)
        return e

    def get_experiment(self, headers, experiment_id: str) -> dict:
        try:
            self._authorize_experiment(headers, "get", experiment_id=experiment_id)
            return experiment_json(self.get_experiment_row(experiment_id))
        except KfpError as err:
            raise err.wrap("Failed to fetch experiment")

    def list_experiments(self, headers, query: dict) -> dict:
        namespace = self.ns(query.get("namespace", ""))
        try:
            self._authorize_experiment(headers, "list", namespace)
        except KfpError as err:
            raise err.wrap("Failed to authorize with API").wrap("Failed to list experiments")
        with self.store.lock:
            rows = [e for e in self.store.experiments.values() if e["namespace"] == namespace]
            page, total, token = list_rows("experiments", rows, query, "experiment_id")
            return compact({"experiments": [experiment_json(e) for e in page], "total_size": total,
                            "next_page_token": token})

    def delete_experiment(self, headers, experiment_id: str) -> dict:
        try:
            self._authorize_experiment(headers, "delete", experiment_id=experiment_id)
            with self.store.lock:
                default = next((e["experiment_id"] for e in self.store.experiments.values()
                                if e["display_name"] == DEFAULT_EXPERIMENT and not e["namespace"]), "")
                if experiment_id == default and not self.multi_user:
                    raise KfpError(INVALID_ARGUMENT,
                                   f"BadRequestError: Failed to delete experiment {experiment_id}. The default "
                                   "experiment cannot be deleted: Invalid input error: Experiment id cannot be equal "
                                   f"to the default id {default}",
                                   f"Failed to delete experiment {experiment_id}. The default experiment cannot be "
                                   "deleted")
                self.get_experiment_row(experiment_id)
                # The store drops the experiment only; its runs stay (with a dangling experiment id).
                del self.store.experiments[experiment_id]
            return {}
        except KfpError as err:
            raise err.wrap(f"Failed to delete experiment {experiment_id}")

    def set_experiment_storage(self, headers, experiment_id: str, archived: bool) -> dict:
        verb = "archive" if archived else "unarchive"
        try:
            self._authorize_experiment(headers, verb, experiment_id=experiment_id)
            with self.store.lock:
                e = self.get_experiment_row(experiment_id)
                e["storage_state"] = "ARCHIVED" if archived else "AVAILABLE"
                if archived:  # ArchiveExperiment archives the experiment's runs too.
                    for r in self.store.runs.values():
                        if r["experiment_id"] == experiment_id:
                            r["storage_state"] = "ARCHIVED"
            return {}
        except KfpError as err:
            raise err.wrap(f"Failed to {verb} experiment {experiment_id}")

    # ---- pipelines ----
    def can_access_pipeline(self, headers, verb: str, pipeline_id: str = "", namespace: str = "",
                            name: str = "") -> None:
        """canAccessPipeline: reads of shared pipelines (no namespace) are free; writes to them are checked
        against the server's own namespace."""
        if not self.multi_user:
            return
        if pipeline_id:
            try:
                p = self.get_pipeline_row(pipeline_id)
            except KfpError as err:
                raise err.wrap(f"Failed to access pipeline {pipeline_id}. Check if it exists and have a namespace "
                               "assigned")
            namespace, name = p["namespace"], name or p["name"]
        attrs = {"namespace": namespace, "verb": verb, "name": name, "resource": "pipelines"}
        if not namespace:
            if verb in ("get", "list"):
                return
            attrs["namespace"] = self.pod_namespace
            try:
                self.authz.authorize(headers, attrs)
            except KfpError as err:
                raise err.wrap(f"Failed to access shared pipeline {pipeline_id}. Check if you have permission to "
                               f"{verb} shared pipelines")
            return
        try:
            self.authz.authorize(headers, attrs)
        except KfpError as err:
            raise err.wrap(f"Failed to access pipeline {pipeline_id}. Check if you have access to namespace "
                           f"{namespace}")

    def get_pipeline_row(self, pipeline_id: str) -> dict:
        p = self.store.pipelines.get(pipeline_id)
        if p is None:
            raise not_found("Pipeline", pipeline_id)
        return p

    def get_version_row(self, version_id: str) -> dict:
        v = self.store.versions.get(version_id)
        if v is None:
            raise not_found("PipelineVersion", version_id)
        return v

    def create_pipeline_and_version(self, pipeline: dict, version: dict, spec: bytes) -> tuple[dict, dict]:
        """ResourceManager.CreatePipelineAndPipelineVersion (raises KfpError)."""
        try:
            template = ir.new_template(spec)
        except KfpError as err:
            raise err.wrap("Failed to create a pipeline and a pipeline version due to template creation error")
        ir.validate_pipeline_name(template.name)
        p_name = pipeline.get("name", "")
        v_name = version.get("name", "")
        if not v_name and not p_name:
            p_name = v_name = template.name
        elif not v_name:
            v_name = p_name
        elif not p_name:
            p_name = v_name
        created = now()
        with self.store.lock:
            if any(p["name"] == p_name and p["namespace"] == pipeline.get("namespace", "")
                   for p in self.store.pipelines.values()):
                raise already_exists(
                    f"Failed to create a new pipeline. The name {p_name} already exists. Please specify a new name"
                ).wrap("Failed to create a pipeline and a pipeline version")
            p = {"pipeline_id": new_id(), "name": p_name, "display_name": pipeline.get("display_name") or p_name,
                 "description": pipeline.get("description", ""), "namespace": pipeline.get("namespace", ""),
                 "created_at": created, "tags": pipeline.get("tags") or {}}
            v = self._version_row(p["pipeline_id"], v_name, version, template, created)
            self.store.pipelines[p["pipeline_id"]] = p
            self.store.versions[v["pipeline_version_id"]] = v
            return p, v

    def _version_row(self, pipeline_id, name, version, template, created) -> dict:
        self.store.sequence += 1
        return {"pipeline_version_id": new_id(), "pipeline_id": pipeline_id, "name": name, "seq": self.store.sequence,
                "display_name": version.get("display_name") or name, "description": version.get("description", ""),
                "created_at": created, "tags": version.get("tags") or {}, "template": template,
                "package_url": version.get("package_url", ""), "code_source_url": version.get("code_source_url", "")}

    def create_version(self, pipeline_id: str, version: dict, spec: bytes) -> dict:
        """ResourceManager.CreatePipelineVersion (raises KfpError)."""
        with self.store.lock:
            try:
                self.get_pipeline_row(pipeline_id)
            except KfpError as err:
                raise err.wrap("Failed to create a pipeline version as pipeline was not found")
        try:
            template = ir.new_template(spec)
        except KfpError as err:
            raise err.wrap("Failed to create a pipeline version due to template creation error")
        ir.validate_pipeline_name(template.name)
        name = version.get("name") or template.name
        with self.store.lock:
            if any(v["name"] == name and v["pipeline_id"] == pipeline_id for v in self.store.versions.values()):
                raise already_exists(
                    f"Failed to create a new pipeline version. The name {name} already exist. Specify a new name"
                ).wrap("Failed to create a pipeline version")
            v = self._version_row(pipeline_id, name, version, template, now())
            self.store.versions[v["pipeline_version_id"]] = v
            return v

    def latest_version(self, pipeline_id: str) -> dict | None:
        versions = [v for v in self.store.versions.values() if v["pipeline_id"] == pipeline_id]
        # Creation time in seconds ties easily: the insertion order decides, as the database's would.
        return max(versions, key=lambda v: (v["created_at"], v["seq"]), default=None)


def parse_tags(raw: str) -> dict:
    try:
        tags = json.loads(raw)
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            raise ValueError
        return tags
    except ValueError:
        raise KfpError(INVALID_ARGUMENT,
                       "Failed to parse tags query parameter. Expected JSON object with string keys and values",
                       "Failed to parse tags query parameter. Expected JSON object with string keys and values")
