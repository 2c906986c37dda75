"""The Argo Workflow a run becomes, and the run/task state read back from its status.

compile_workflow() follows the shape of KFP 2.17.0's argocompiler (backend/src/v2/compiler/argocompiler) and
of template/v2_template.go RunWorkflow: entrypoint DAG `entrypoint` → `root-driver` (system-dag-driver) and
`root` (the root DAG); per container task `<task>-driver` (system-container-driver) then `<task>`
(system-container-executor, a DAG whose one task `executor` runs system-container-impl: the pod the user's
code runs in); per sub-DAG task `<task>-driver` (system-dag-driver) then `<task>` (a DAG template named after
its component). Template bodies are simplified (see docs/kfp-standin.md): driver and launcher containers carry
the image and the task/component JSON but not every flag, and iterators, conditions and exit hooks are
compiled as plain tasks.

run_state()/model_tasks() are ReportWorkflowResource and toModelTasks (server/api_converter.go,
common/util/workflow.go NodeStatuses/RetrievePodName).
"""

import json

from .wire import parse_time

LABEL_RUN_ID = "pipeline/runid"
LABEL_PERSISTED = "pipeline/persistedFinalState"
ANNOTATION_RUN_NAME = "pipelines.kubeflow.org/run_name"
V2_COMPONENT = "pipelines.kubeflow.org/v2_component"
DRIVER_IMAGE = "ghcr.io/kubeflow/kfp-driver:2.17.0"
LAUNCHER_IMAGE = "ghcr.io/kubeflow/kfp-launcher:2.17.0"
FINAL_PHASES = ("Succeeded", "Failed", "Error")


def _role(template: dict, role: str) -> dict:
    """setRuntimeRole: the template's logical role, as an annotation."""
    template.setdefault("metadata", {}).setdefault("annotations", {})["pipelines.kubeflow.org/runtime-role"] = role
    return template


def _driver_template(name: str, kind: str, pipeline: str) -> dict:
    return _role({
        "name": name,
        "inputs": {"parameters": [{"name": "component"}, {"name": "task", "default": ""},
                                  {"name": "runtime-config", "default": ""}, {"name": "task-name", "default": ""},
                                  {"name": "parent-dag-id", "default": "0"},
                                  {"name": "iteration-index", "default": "-1"}]},
        "outputs": {"parameters": [
            {"name": "execution-id", "valueFrom": {"path": "/tmp/outputs/execution-id"}},
            {"name": "cached-decision", "default": "false",
             "valueFrom": {"path": "/tmp/outputs/cached-decision", "default": "false"}},
            {"name": "condition", "valueFrom": {"path": "/tmp/outputs/condition", "default": "true"}},
        ] + ([{"name": "pod-spec-patch", "valueFrom": {"path": "/tmp/outputs/pod-spec-patch", "default": ""}}]
             if kind == "CONTAINER" else [])},
        "container": {
            "image": DRIVER_IMAGE, "command": ["driver"],
            "args": ["--type", kind, "--pipeline_name", pipeline, "--run_id", "{{workflow.labels.pipeline/runid}}",
                     "--run_name", "{{workflow.name}}", "--component", "{{inputs.parameters.component}}",
                     "--task", "{{inputs.parameters.task}}", "--task_name", "{{inputs.parameters.task-name}}",
                     "--dag_execution_id", "{{inputs.parameters.parent-dag-id}}"],
            "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "64Mi"}},
        },
    }, "driver")


def _executor_templates() -> list[dict]:
    impl = _role({
        "name": "system-container-impl",
        "inputs": {"parameters": [{"name": "pod-spec-patch"}, {"name": "cached-decision", "default": "false"}]},
        "podSpecPatch": "{{inputs.parameters.pod-spec-patch}}",
        "container": {"name": "main", "image": "gcr.io/ml-pipeline/should-be-overridden-during-runtime",
                      "command": ["should-be-overridden-during-runtime"]},
        "initContainers": [{"name": "kfp-launcher", "image": LAUNCHER_IMAGE,
                            "command": ["launcher-v2", "--copy", "/kfp-launcher/launch"]}],
    }, "launcher")
    executor = {
        "name": "system-container-executor",
        "inputs": {"parameters": [{"name": "pod-spec-patch"}, {"name": "cached-decision", "default": "false"}]},
        "dag": {"tasks": [{
            "name": "executor", "template": "system-container-impl",
            "when": "{{inputs.parameters.cached-decision}} != true",
            "arguments": {"parameters": [
                {"name": "pod-spec-patch", "value": "{{inputs.parameters.pod-spec-patch}}"},
                {"name": "cached-decision", "value": "{{inputs.parameters.cached-decision}}"}]},
        }]},
    }
    return [executor, impl]


def _depends(deps: list[str]) -> str:
    return " && ".join(f"{d}.Succeeded" for d in deps)


def _dag_tasks(spec: dict, dag: dict, parent: str) -> list[dict]:
    tasks = []
    components = spec.get("components", {})
    for name, task in sorted((dag.get("tasks") or {}).items()):
        comp_name = task.get("componentRef", {}).get("name", "")
        component = components.get(comp_name, {})
        is_dag = "dag" in component
        driver = {
            "name": f"{name}-driver",
            "template": "system-dag-driver" if is_dag else "system-container-driver",
            "arguments": {"parameters": [
                {"name": "component", "value": json.dumps(component, sort_keys=True)},
                {"name": "task", "value": json.dumps(task, sort_keys=True)},
                {"name": "task-name", "value": name},
                {"name": "parent-dag-id", "value": parent}]},
        }
        deps = task.get("dependentTasks") or []
        if deps:
            driver["depends"] = _depends(deps)
        outputs = f"{{{{tasks.{name}-driver.outputs.parameters"
        if is_dag:
            body = {"name": name, "template": comp_name, "depends": _depends([f"{name}-driver"]),
                    "arguments": {"parameters": [{"name": "parent-dag-id",
                                                  "value": f"{outputs}.execution-id}}}}"}]}}
        else:
            body = {"name": name, "template": "system-container-executor", "depends": _depends([f"{name}-driver"]),
                    "arguments": {"parameters": [
                        {"name": "pod-spec-patch", "value": f"{outputs}.pod-spec-patch}}}}"},
                        {"name": "cached-decision", "value": f"{outputs}.cached-decision}}}}"}]}}
        tasks += [driver, body]
    return tasks


def compile_workflow(spec: dict, run_id: str, run_name: str, parameters: dict | None,
                     service_account: str, namespace: str) -> dict:
    pipeline = spec["pipelineInfo"]["name"]
    root = spec["root"]
    templates = [_driver_template("system-dag-driver", "DAG", pipeline),
                 _driver_template("system-container-driver", "CONTAINER", pipeline)] + _executor_templates()
    dag_components = {n: c for n, c in (spec.get("components") or {}).items() if "dag" in c}
    for comp_name, comp in sorted(dag_components.items()):
        templates.append({"name": comp_name, "inputs": {"parameters": [{"name": "parent-dag-id"}]},
                          "dag": {"tasks": _dag_tasks(spec, comp["dag"], "{{inputs.parameters.parent-dag-id}}")}})
    templates.append({"name": "root", "inputs": {"parameters": [{"name": "parent-dag-id"}]},
                      "dag": {"tasks": _dag_tasks(spec, root.get("dag", {}), "{{inputs.parameters.parent-dag-id}}")}})
    runtime_config = {"parameterValues": parameters or {}}
    templates.append({"name": "entrypoint", "dag": {"tasks": [
        {"name": "root-driver", "template": "system-dag-driver", "arguments": {"parameters": [
            {"name": "component", "value": json.dumps(root, sort_keys=True)},
            {"name": "runtime-config", "value": json.dumps(runtime_config, sort_keys=True)}]}},
        {"name": "root", "template": "root", "depends": "root-driver.Succeeded", "arguments": {"parameters": [
            {"name": "parent-dag-id", "value": "{{tasks.root-driver.outputs.parameters.execution-id}}"}]}},
    ]}})
    for t in templates:
        # RunWorkflow: SetAnnotationsToAllTemplatesIfKeyNotExist(sidecar.istio.io/inject, "false").
        t.setdefault("metadata", {}).setdefault("annotations", {})["sidecar.istio.io/inject"] = "false"
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "generateName": pipeline.split("/")[-1] + "-",
            "namespace": namespace,
            "labels": {LABEL_RUN_ID: run_id},
            "annotations": {ANNOTATION_RUN_NAME: run_name},
        },
        "spec": {
            "entrypoint": "entrypoint",
            "serviceAccountName": service_account,
            "arguments": {"parameters": []},
            "podMetadata": {"annotations": {V2_COMPONENT: "true"},
                            "labels": {V2_COMPONENT: "true", LABEL_RUN_ID: run_id}},
            "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            "templates": templates,
        },
    }


# ---- reading the status back (ReportWorkflowResource) ----

def phase(wf: dict) -> str:
    return (wf.get("status") or {}).get("phase", "") or ""


def is_final(wf: dict) -> bool:
    return phase(wf) in FINAL_PHASES


def is_terminating(wf: dict) -> bool:
    return (wf.get("spec") or {}).get("activeDeadlineSeconds") == 0 and not is_final(wf)


_TO_V2 = {"": "RUNTIME_STATE_UNSPECIFIED", "UNKNOWN": "RUNTIME_STATE_UNSPECIFIED",
          "NO_STATUS": "RUNTIME_STATE_UNSPECIFIED", "PENDING": "PENDING", "RUNNING": "RUNNING",
          "ENABLED": "RUNNING", "READY": "RUNNING", "SUCCEEDED": "SUCCEEDED", "DONE": "SUCCEEDED",
          "SKIPPED": "SKIPPED", "FAILED": "FAILED", "ERROR": "FAILED", "CANCELING": "CANCELING",
          "TERMINATING": "CANCELING", "CANCELED": "CANCELED", "DISABLED": "CANCELED", "PAUSED": "PAUSED",
          "RUNTIME_STATE_UNSPECIFIED": "RUNTIME_STATE_UNSPECIFIED"}


def to_v2(state: str) -> str:
    """model.RuntimeState.ToV2."""
    return _TO_V2.get((state or "").upper(), "RUNTIME_STATE_UNSPECIFIED")


def run_state(wf: dict) -> str:
    return to_v2("Terminating") if is_terminating(wf) else to_v2(phase(wf))


def finished_at(wf: dict) -> int:
    return parse_time((wf.get("status") or {}).get("finishedAt") or "")


def pod_name(wf: dict, node: dict) -> str:
    """RetrievePodName: Argo's v2 pod names, `<workflow>-<template>-<hash of the node name>`."""
    meta = wf.get("metadata", {})
    if wf.get("apiVersion") == "v1" or meta.get("annotations", {}).get(
            "workflows.argoproj.io/pod-name-format") == "v1":
        return node.get("id", "")
    name = meta.get("name", "")
    if node.get("name") == name:
        return name
    hash_ = node.get("id", "").split("-")[-1]
    prefix = name if ".inline" in node.get("name", "") else f"{name}-{node.get('templateName', '')}"
    return f"{prefix}-{hash_}"


def model_tasks(wf: dict) -> list[dict]:
    """toModelTasks: one task per Argo node, sorted by node id, keyed by the derived pod name."""
    nodes = (wf.get("status") or {}).get("nodes") or {}
    created = parse_time(wf.get("metadata", {}).get("creationTimestamp", ""))
    tasks = []
    for node_id in sorted(nodes):
        node = nodes[node_id]
        started = parse_time(node.get("startedAt") or "")
        tasks.append({
            "pod_name": pod_name(wf, node),
            "display_name": node.get("displayName", ""),
            "state": to_v2(node.get("phase", "")),
            "create_time": created,
            "start_time": started,
            "end_time": parse_time(node.get("finishedAt") or ""),
            "children": list(node.get("children") or []),
        })
    return tasks


def retry_execution(wf: dict) -> tuple[dict, list[str]]:
    """Workflow.GenerateRetryExecution: keep succeeded/skipped nodes, reopen failed DAGs, drop the rest."""
    from .errors import KfpError, INVALID_ARGUMENT, INTERNAL

    if phase(wf) not in ("Failed", "Error"):
        raise KfpError(INVALID_ARGUMENT, "BadRequestError: Workflow must be Failed/Error to retry: workflow cannot be "
                       "retried", "Workflow must be Failed/Error to retry")
    new = json.loads(json.dumps(wf))
    labels = new["metadata"].setdefault("labels", {})
    labels.pop("workflows.argoproj.io/completed", None)
    labels.pop(LABEL_PERSISTED, None)
    labels["workflows.argoproj.io/phase"] = "Running"
    status = new.setdefault("status", {})
    status["phase"] = "Running"
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "Completed"]
    status["conditions"] = conditions + [{"type": "Completed", "status": "False"}]
    status.pop("message", None)
    status.pop("finishedAt", None)
    if new.get("spec", {}).get("activeDeadlineSeconds") == 0:
        del new["spec"]["activeDeadlineSeconds"]
    on_exit = wf["metadata"]["name"] + ".onExit"
    kept, pods = {}, []
    for node in (wf.get("status") or {}).get("nodes", {}).values():
        old_pod = pod_name(wf, node)
        exit_hook = node.get("name", "").startswith(on_exit)
        p = node.get("phase")
        if p in ("Succeeded", "Skipped"):
            if not exit_hook:
                kept[node["id"]] = node
                continue
        elif p in ("Error", "Failed", "Omitted"):
            if not exit_hook and node.get("type") == "DAG":
                reopened = dict(node, phase="Running", message="")
                reopened.pop("finishedAt", None)
                kept[node["id"]] = reopened
                continue
        else:
            raise KfpError(INTERNAL, f"InternalServerError: Workflow cannot be retried with node {old_pod} in "
                           f"{p} phase: workflow cannot be retried", "Internal Server Error")
        if node.get("type") == "Pod":
            pods.append(old_pod)
    for node in kept.values():
        node["children"] = [c for c in node.get("children") or [] if c in kept]
        node["outboundNodes"] = [c for c in node.get("outboundNodes") or [] if c in kept]
    status["nodes"] = kept
    return new, pods

