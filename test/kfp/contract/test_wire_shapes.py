"""Every field the stand-in writes exists in KFP's swagger, under that name and type. kfp.Client's deserializer
silently drops unknown keys, so this walks the raw JSON against the models of kfp-server-api 2.17.3 (generated
from kfp_api_single_file.swagger.json)."""

import re

import kfp_server_api
import requests

from conftest import first_version, wait_for_state

# Open objects in the swagger: google.protobuf.Struct/Value, and Any (its fields are inlined beside "@type").
OPEN = {"object", "ProtobufAny"}
SCALARS = {"str": str, "int": (int, str), "bool": bool, "float": (int, float), "datetime": str}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def check(value, model: str, path: str = "$") -> None:
    if model in OPEN:
        if model == "ProtobufAny":
            assert isinstance(value, dict) and "@type" in value, path
        return
    if model in SCALARS:
        assert isinstance(value, SCALARS[model]), f"{path}: {value!r} is not {model}"
        if model == "datetime":
            assert RFC3339.match(value), f"{path}: {value!r} is not an RFC 3339 UTC time"
        return
    m = re.fullmatch(r"list\[(.+)\]", model)
    if m:
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            check(item, m.group(1), f"{path}[{i}]")
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", model)
    if m:
        assert isinstance(value, dict), path
        for k, item in value.items():
            check(item, m.group(1), f"{path}.{k}")
        return
    cls = getattr(kfp_server_api, model)
    if hasattr(cls, "allowable_values"):
        assert value in cls.allowable_values, f"{path}: {value!r} not in {model}"
        return
    assert isinstance(value, dict), f"{path}: not an object"
    by_json = {json_name: name for name, json_name in cls.attribute_map.items()}
    for key, item in value.items():
        assert key in by_json, f"{path}: field {key!r} is not in {model}"
        check(item, cls.openapi_types[by_json[key]], f"{path}.{key}")


def get(url: str, path: str, **params) -> dict:
    res = requests.get(f"{url}/apis/v2beta1{path}", params=params, timeout=10)
    assert res.ok, res.text
    return res.json()


def test_responses_follow_the_swagger(client, standin_url, package, unique, argo):
    pipeline = client.upload_pipeline(package, pipeline_name=f"shape-{unique}")
    version_id = first_version(client, pipeline.pipeline_id)
    exp = client.create_experiment(f"shape-{unique}")
    run = client.run_pipeline(experiment_id=exp.experiment_id, job_name=f"shape-{unique}", params={"a": 1.0},
                              pipeline_id=pipeline.pipeline_id, version_id=version_id)
    inline = client.create_run_from_pipeline_package(package, arguments={"a": 2.0}, run_name=f"inline-{unique}",
                                                     experiment_name=f"shape-{unique}").run_id
    wf = argo.advance(run.run_id, "Running")
    # Argo's nodes for the run, so that task_details are there to check.
    nodes = {f"{wf['metadata']['name']}-1": {
        "id": f"{wf['metadata']['name']}-1", "name": f"{wf['metadata']['name']}.root", "displayName": "root",
        "type": "DAG", "templateName": "root", "phase": "Running", "startedAt": "2026-01-01T00:00:00Z",
        "children": [f"{wf['metadata']['name']}-2"]}}
    wf["status"]["nodes"] = nodes
    argo.api.replace_namespaced_custom_object("argoproj.io", "v1alpha1", wf["metadata"]["namespace"], "workflows",
                                              wf["metadata"]["name"], wf)
    wait_for_state(client, run.run_id, "RUNNING")

    check(get(standin_url, f"/experiments/{exp.experiment_id}"), "V2beta1Experiment")
    check(get(standin_url, "/experiments"), "V2beta1ListExperimentsResponse")
    check(get(standin_url, f"/pipelines/{pipeline.pipeline_id}"), "V2beta1Pipeline")
    check(get(standin_url, "/pipelines"), "V2beta1ListPipelinesResponse")
    check(get(standin_url, f"/pipelines/{pipeline.pipeline_id}/versions/{version_id}"), "V2beta1PipelineVersion")
    check(get(standin_url, f"/pipelines/{pipeline.pipeline_id}/versions"), "V2beta1ListPipelineVersionsResponse")
    detailed = get(standin_url, f"/runs/{run.run_id}")
    assert detailed["run_details"]["task_details"], "no task details to check"
    check(detailed, "V2beta1Run")
    check(get(standin_url, f"/runs/{inline}"), "V2beta1Run")
    check(get(standin_url, "/runs", experiment_id=exp.experiment_id), "V2beta1ListRunsResponse")
    missing = requests.get(f"{standin_url}/apis/v2beta1/runs/{unique}", timeout=10)
    assert missing.status_code == 404
    check(missing.json(), "GoogleRpcStatus")


def test_healthz_is_main_go_plain_handler(standin_url):
    # Not a gateway message: encoding/json of main.go's healthzResponse (the swagger lists a subset of it).
    assert set(get(standin_url, "/healthz")) == {"commit_sha", "tag_name", "multi_user", "pipeline_store"}
