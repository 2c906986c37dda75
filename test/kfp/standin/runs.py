"""Runs (run_server.go, ResourceManager.CreateRun/TerminateRun/RetryRun/DeleteRun) and the workflow report
(report_server.go, ResourceManager.ReportWorkflowResource, TaskStore.CreateOrUpdateTasks)."""

import json
import time

from . import ir, workflow as wfm
from .errors import KfpError, INTERNAL, NOT_FOUND, UNAVAILABLE, internal, invalid_input, not_found
from .kube import ApiException
from .resources import Resources, spec_struct
from .store import list_rows, new_id, now
from .wire import compact, timestamp

GC_GRACE_SECONDS = 120  # WORKFLOW_GC_GRACE_PERIOD_SECONDS default


def _history(entries: list) -> list:
    return [{"update_time": timestamp(t), "state": s} for t, s in entries]


def task_json(t: dict) -> dict:
    """toApiPipelineTaskDetail. KFP 2.17.0 leaves pod_name unset; children are Argo node ids as `pod_name`."""
    return compact({
        "run_id": t["run_id"], "task_id": t["task_id"], "display_name": t["display_name"],
        "create_time": timestamp(t["create_time"]), "start_time": timestamp(t["start_time"]),
        "end_time": timestamp(t["end_time"]), "state": t["state"], "state_history": _history(t["state_history"]),
        "child_tasks": [{"pod_name": c} for c in t["children"]],
    })


def run_json(r: dict, tasks: list[dict]) -> dict:
    """toApiRun."""
    runtime_config = None
    if r.get("parameters") or r.get("pipeline_root"):
        runtime_config = {"parameters": r.get("parameters") or {}, "pipeline_root": r.get("pipeline_root", "")}
    out = compact({
        "run_id": r["run_id"], "experiment_id": r["experiment_id"], "display_name": r["display_name"],
        "description": r["description"], "service_account": r["service_account"],
        "storage_state": r["storage_state"], "state": r["state"], "state_history": _history(r["state_history"]),
        "created_at": timestamp(r["created_at"]), "scheduled_at": timestamp(r["scheduled_at"]),
        "finished_at": timestamp(r["finished_at"]), "recurring_run_id": r.get("recurring_run_id", ""),
        "run_details": {"task_details": [task_json(t) for t in tasks]} if tasks else None,
    })
    if runtime_config:
        out["runtime_config"] = compact({"pipeline_root": runtime_config["pipeline_root"]})
        if runtime_config["parameters"]:
            out["runtime_config"]["parameters"] = runtime_config["parameters"]
    if r.get("pipeline_version_id"):
        out["pipeline_version_reference"] = {"pipeline_id": r["pipeline_id"],
                                             "pipeline_version_id": r["pipeline_version_id"]}
    else:
        out["pipeline_spec"] = spec_struct(r["template"])
    return out


class Runs:
    def __init__(self, res: Resources, kube, default_service_account: str, log=print):
        self.res = res
        self.store = res.store
        self.kube = kube
        self.sa = default_service_account
        self.log = log

    # ---- access ----
    def _can_access(self, headers, verb: str, run_id: str = "", namespace: str = "") -> None:
        if not self.res.multi_user:
            return
        name = ""
        if run_id:
            try:
                r = self.get_row(run_id)
            except KfpError as err:
                raise err.wrap(f"Failed to authorize with the run ID {run_id}")
            namespace, name = r["namespace"], r["k8s_name"]
        if not namespace:
            raise invalid_input("A run cannot have an empty namespace in multi-user mode")
        try:
            self.res.authz.authorize(headers, {"namespace": namespace, "verb": verb, "name": name,
                                               "resource": "runs"})
        except KfpError as err:
            raise err.wrap(f"Failed to access run {run_id}. Check if you have access to namespace {namespace}")

    def get_row(self, run_id: str) -> dict:
        r = self.store.runs.get(run_id)
        if r is None:
            raise not_found("Run", run_id)
        return r

    def _tasks(self, run_id: str) -> list[dict]:
        return list(self.store.tasks.get(run_id, {}).values())

    def _json(self, r: dict) -> dict:
        return run_json(r, self._tasks(r["run_id"]))

    # ---- create ----
    def create(self, headers, body: dict, query: dict) -> dict:
        if body.get("plugins_output"):
            raise KfpError(3, "BadRequestError: plugins_output is server-owned and populated exclusively via plugin "
                              "lifecycle hooks: plugins_output must not be set by the client",
                           "plugins_output is server-owned and populated exclusively via plugin lifecycle hooks")
        name = body.get("display_name", "")
        if not name:
            raise internal("Invalid input error: Run name cannot be empty",
                           "Failed to convert a API run detail to its internal representation").wrap(
                "CreateJob(job.ToV2())Failed to create a run due to conversion error")
        try:
            return self._json(self._create(headers, body, query))
        except KfpError as err:
            raise err.wrap("Failed to create a new run")

    def _create(self, headers, body: dict, query: dict) -> dict:
        experiment_id = body.get("experiment_id") or query.get("experiment_id", "")
        try:
            experiment_id, namespace = self._experiment_namespace(experiment_id)
        except KfpError as err:
            raise err.wrap("Failed to create a run due to invalid experimentId and namespace combination")
        if self.res.multi_user and not namespace:
            raise invalid_input("A run cannot have an empty namespace in multi-user mode")
        try:
            self._can_access(headers, "create", namespace=namespace)
        except KfpError as err:
            raise err.wrap("Failed to create a run due to authorization error. Check if you have write permissions "
                           f"to namespace {namespace}")
        try:
            template, pipeline_id, version_id = self._template(body)
        except KfpError as err:
            raise internal(err.internal, "Failed to create a run due to error fetching manifest")
        run_id = body.get("run_id") or new_id()
        if run_id in self.store.runs:
            raise KfpError(6, f"Already exist error: Run {run_id} already exists", f"Run {run_id} already exists")
        created = now()
        config = body.get("runtime_config") or {}
        parameters = config.get("parameters") if "parameters" in config else None
        try:
            # The model's runtime config is a struct field, never nil: parameters are checked one by one.
            ir.validate_job_inputs(template, parameters or {})
        except KfpError as err:
            raise err.wrap("invalid pipeline job inputs").wrap("Failed to generate the ExecutionSpec")
        k8s_namespace = namespace or self.res.pod_namespace
        sa = body.get("service_account") or self.sa
        manifest = wfm.compile_workflow(template.spec, run_id, body["display_name"], parameters, sa, k8s_namespace)
        try:
            wf = self.kube.create_workflow(k8s_namespace, manifest)
        except ApiException as e:
            raise internal(f"{e.status} {e.reason}: {e.body}",
                           f"Failed to create a workflow for ({manifest['metadata']['generateName']})")
        r = {
            "run_id": run_id, "experiment_id": experiment_id, "display_name": body["display_name"],
            "description": body.get("description", ""), "namespace": namespace, "storage_state": "AVAILABLE",
            "service_account": wf["spec"].get("serviceAccountName", ""), "pipeline_id": pipeline_id,
            "pipeline_version_id": version_id, "template": template, "parameters": parameters,
            "pipeline_root": config.get("pipeline_root", ""), "created_at": created, "scheduled_at": created,
            "finished_at": 0, "state": "PENDING", "state_history": [(created, "PENDING")],
            "k8s_name": wf["metadata"]["name"], "k8s_namespace": k8s_namespace, "workflow_manifest": None,
            "recurring_run_id": body.get("recurring_run_id", ""),
        }
        with self.store.lock:
            self.store.runs[run_id] = r
            e = self.store.experiments.get(experiment_id)
            if e is not None:
                e["last_run_created_at"] = created
        return r

    def _experiment_namespace(self, experiment_id: str) -> tuple[str, str]:
        """GetValidExperimentNamespacePair."""
        if self.res.multi_user and not experiment_id:
            raise invalid_input("Experiment id can not be empty in multi-user mode")
        if experiment_id:
            try:
                e = self.res.get_experiment_row(experiment_id)
            except KfpError as err:
                raise err.wrap(f"Failed to fetch namespace for experiment {experiment_id}")
            return experiment_id, e["namespace"]
        return self.res.create_default_experiment("")["experiment_id"], ""

    def _template(self, body: dict):
        """fetchTemplateFromPipelineSpec: a version (or the pipeline's latest), else the inline spec."""
        ref = body.get("pipeline_version_reference") or {}
        version_id = ref.get("pipeline_version_id") or body.get("pipeline_version_id", "")
        pipeline_id = ref.get("pipeline_id", "")
        if version_id:
            v = self.res.get_version_row(version_id)
            return v["template"], v["pipeline_id"], v["pipeline_version_id"]
        if pipeline_id:
            v = self.res.latest_version(pipeline_id)
            if v is None:
                raise not_found("PipelineVersion", pipeline_id)
            return v["template"], v["pipeline_id"], v["pipeline_version_id"]
        spec = body.get("pipeline_spec")
        if not spec:
            raise invalid_input("Failed to fetch a template with an empty pipeline spec manifest")
        if "pipeline_spec" in spec and isinstance(spec["pipeline_spec"], dict):
            template = ir.template_from_struct(spec["pipeline_spec"], spec.get("platform_spec"))
        else:
            template = ir.template_from_struct(spec)
        return template, "", ""

    # ---- read ----
    def get(self, headers, run_id: str) -> dict:
        try:
            self._can_access(headers, "get", run_id)
            return self._json(self.get_row(run_id))
        except KfpError as err:
            raise err.wrap(f"Failed to get a run {run_id}")

    def list(self, headers, query: dict) -> dict:
        namespace = self.res.ns(query.get("namespace", ""))
        experiment_id = query.get("experiment_id", "")
        try:
            if experiment_id:
                try:
                    namespace = self.res.get_experiment_row(experiment_id)["namespace"]
                except KfpError as err:
                    raise err.wrap(f"Failed to list runs due to error fetching namespace for experiment "
                                   f"{experiment_id}. Try filtering based on namespace")
            try:
                self._can_access(headers, "list", namespace=namespace)
            except KfpError as err:
                raise err.wrap("Failed to list runs due to authorization error. Check if you have permission to "
                               f"access namespace {namespace}")
            with self.store.lock:
                rows = [r for r in self.store.runs.values()
                        if (r["experiment_id"] == experiment_id if experiment_id
                            else (not namespace or r["namespace"] == namespace))]
                page, total, token = list_rows("runs", rows, query, "run_id")
                return compact({"runs": [self._json(r) for r in page], "total_size": total,
                                "next_page_token": token})
        except KfpError as err:
            raise err.wrap("Failed to list runs")

    # ---- actions ----
    def set_storage(self, headers, run_id: str, archived: bool) -> dict:
        verb = "archive" if archived else "unarchive"
        try:
            self._can_access(headers, verb, run_id)
            with self.store.lock:
                r = self.get_row(run_id)
                e = self.store.experiments.get(r["experiment_id"])
                if not archived and e is not None and e["storage_state"] == "ARCHIVED":
                    message = (f"Failed to unarchive run {run_id} as experiment {r['experiment_id']} must be "
                               "un-archived first")
                    raise KfpError(9, f"FailedPreconditionError: {message}: Unarchive the experiment first to "
                                      "allow the run to be restored", message)
                r["storage_state"] = "ARCHIVED" if archived else "AVAILABLE"
            return {}
        except KfpError as err:
            raise err.wrap(f"Failed to {verb} run {run_id}")

    def delete(self, headers, run_id: str) -> dict:
        try:
            self._can_access(headers, "delete", run_id)
            r = self.get_row(run_id)
            try:
                self.kube.delete_workflow(r["k8s_namespace"], r["k8s_name"])
            except ApiException as e:  # the server only logs this
                self.log(f"delete run {run_id}: workflow {r['k8s_name']}: {e.status} {e.reason}")
            with self.store.lock:
                self.store.runs.pop(run_id, None)
                self.store.tasks.pop(run_id, None)
            return {}
        except KfpError as err:
            raise err.wrap(f"Failed to delete run {run_id}")

    def terminate(self, headers, run_id: str) -> dict:
        try:
            self._can_access(headers, "terminate", run_id)
            with self.store.lock:
                r = self.get_row(run_id)
                # RunStore.TerminateRun: only runs that are not done yet become CANCELING.
                if r["state"] not in ("PAUSED", "PENDING", "RUNNING", "RUNTIME_STATE_UNSPECIFIED"):
                    raise invalid_input(f"Failed to terminate a run {run_id}. Row not found").wrap(
                        f"Failed to terminate run {run_id}")
                r["state"] = "CANCELING"
            try:
                self.kube.merge_patch_workflow(r["k8s_namespace"], r["k8s_name"], {"spec": {"activeDeadlineSeconds": 0}})
            except ApiException as e:
                raise internal(f"Failed to terminate workflow {r['k8s_name']} due to patching error: {e.status} "
                               f"{e.reason}", f"Failed to terminate run {run_id} due to error terminating its "
                                              "workflow")
            return {}
        except KfpError as err:
            raise err.wrap(f"Failed to terminate run {run_id}")

    def retry(self, headers, run_id: str) -> dict:
        try:
            self._can_access(headers, "retry", run_id)
            r = self.get_row(run_id)
            if not r.get("workflow_manifest"):
                raise KfpError(3, f"BadRequestError: Failed to retry run {run_id} due to error fetching workflow "
                                  "manifest: Invalid input error: Workflow manifest cannot be empty",
                               f"Failed to retry run {run_id} due to error fetching workflow manifest")
            new, pods = wfm.retry_execution(r["workflow_manifest"])
            ns = r["k8s_namespace"]
            for pod in pods:
                self.kube.delete_pod(ns, pod)
            try:
                latest = self.kube.get_workflow(ns, new["metadata"]["name"])
                new["metadata"]["resourceVersion"] = latest["metadata"]["resourceVersion"]
                created = self.kube.update_workflow(ns, new)
            except ApiException:
                new["metadata"].pop("resourceVersion", None)
                try:
                    created = self.kube.create_workflow(ns, new)
                except ApiException as e:
                    raise internal(str(e), f"Failed to retry run {run_id} due to error updating and creating a "
                                           "workflow")
            with self.store.lock:
                self._set_state(r, wfm.to_v2(wfm.phase(created)))
                r["finished_at"] = 0
                r["workflow_manifest"] = created
            return {}
        except KfpError as err:
            raise err.wrap(f"Failed to retry run {run_id}")

    def _set_state(self, r: dict, state: str) -> None:
        """RunStore.UpdateRun: a state change is appended to state_history."""
        r["state"] = state
        if not r["state_history"] or r["state_history"][-1][1] != state:
            r["state_history"].append((now(), state))

    # ---- report (the persistence agent's call) ----
    def report_json(self, headers, body: dict) -> dict:
        raw = body.get("workflow", "")
        try:
            wf = json.loads(raw)
            if not isinstance(wf, dict):
                raise ValueError("not an object")
        except ValueError as e:
            raise invalid_input(f"Could not unmarshal workflow: {e}: {raw}").wrap("Report workflow failed")
        meta = wf.get("metadata") or {}
        for field, what in (("name", "name"), ("namespace", "namespace"), ("uid", "UID")):
            if not meta.get(field):
                raise invalid_input(f"The workflow must have a {what}: {meta}").wrap("Report workflow failed")
        if self.res.multi_user:
            try:
                self.res.authz.authorize(headers, {"verb": "report", "resource": "workflows"})
            except KfpError as err:
                raise err.wrap(f"Failed to report workflows `{meta['name']}` due to authorization error.")
        self.report(wf)
        return {}

    def report(self, wf: dict) -> None:
        try:
            self._report(wf)
        except KfpError as err:
            raise err.wrap("Failed to report workflow")

    def _report(self, wf: dict) -> None:
        meta = wf["metadata"]
        labels = meta.get("labels") or {}
        if wfm.LABEL_RUN_ID not in labels:
            raise invalid_input(f"Workflow[{meta.get('name')}] missing the Run ID label")
        run_id = labels[wfm.LABEL_RUN_ID]
        ns = meta.get("namespace", "")
        if not ns:
            raise invalid_input("Failed to report a workflow. Namespace is empty")
        if labels.get(wfm.LABEL_PERSISTED):
            # Its final state is stored: the workflow is garbage.
            try:
                self.kube.delete_workflow(ns, meta["name"])
            except ApiException as e:
                code = NOT_FOUND if e.status == 404 else INTERNAL
                raise KfpError(code, f"Failed to delete the completed workflow for run {run_id}",
                               f"Failed to delete the completed workflow for run {run_id}")
            return
        state = wfm.run_state(wf)
        final = wfm.is_final(wf)
        if final and not self._unchanged(wf):
            raise KfpError(UNAVAILABLE, f"Skipping terminal workflow report for run {run_id} workflow {meta['name']}: "
                           "workflow resource version changed before terminal report was persisted",
                           "Service unavailable")
        with self.store.lock:
            r = self.store.runs.get(run_id)
            if r is not None:
                self._set_state(r, state)
                r["finished_at"] = wfm.finished_at(wf)
                r["workflow_manifest"] = wf
                # The server stores the tasks after the run (and after labelling a final Workflow); here both
                # change together, so a reader never sees the new state with the previous tasks.
                self._report_tasks(wf, run_id)
        if r is None:
            from .wire import parse_time

            age = time.time() - parse_time(meta.get("creationTimestamp", ""))
            if age < GC_GRACE_SECONDS:
                raise KfpError(UNAVAILABLE, f"Skipping GC for workflow {meta['name']} - will retry",
                               "Service unavailable")
            try:
                self.kube.delete_workflow(ns, meta["name"])
            except ApiException:
                pass
            raise not_found("Run", run_id).wrap(f"Failed to report workflow name=\"{meta['name']}\" "
                                                f"namespace=\"{ns}\" runId=\"{run_id}\"")
        if final:
            try:
                self.kube.merge_patch_workflow(ns, meta["name"], {"metadata": {
                    "resourceVersion": meta.get("resourceVersion"), "labels": {wfm.LABEL_PERSISTED: "true"}}})
            except ApiException as e:
                if e.status == 409:
                    raise KfpError(UNAVAILABLE, "workflow resource version changed before persistedFinalState label "
                                   "could be added", "Service unavailable")
                raise KfpError(NOT_FOUND if e.status == 404 else INTERNAL,
                               f"Failed to add PersistedFinalState label to workflow {meta['name']}",
                               f"Failed to add PersistedFinalState label to workflow {meta['name']}")

    def _unchanged(self, wf: dict) -> bool:
        """workflowStillMatchesReportedVersion: a terminal report must describe the live object."""
        meta = wf["metadata"]
        if not meta.get("resourceVersion"):
            return True
        try:
            live = self.kube.get_workflow(meta["namespace"], meta["name"])
        except ApiException as e:
            if e.status == 404:
                raise not_found("Workflow", meta["name"])
            raise
        return live["metadata"].get("resourceVersion") == meta["resourceVersion"]

    def _report_tasks(self, wf: dict, run_id: str) -> None:
        """reportTasksFromExecution + TaskStore.CreateOrUpdateTasks: tasks are keyed by pod name, keep their id and
        grow a state history."""
        if not (wf.get("status") or {}).get("nodes"):
            return
        with self.store.lock:
            table = self.store.tasks.setdefault(run_id, {})
            for t in wfm.model_tasks(wf):
                old = table.get(t["pod_name"])
                t["run_id"] = run_id
                t["task_id"] = old["task_id"] if old else new_id()
                history = list(old["state_history"]) if old else []
                if not history or history[-1][1] != t["state"]:
                    history.append((now(), t["state"]))
                t["state_history"] = history
                table[t["pod_name"]] = t
