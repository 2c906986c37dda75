"""The official kfp.Client (kfp 2.17.3, kfp-server-api 2.17.3: the REST client generated from KFP's swagger)
performs the operations the workbench's proxy performs against the stand-in. Every response is deserialized
by the generated models, so a shape the stand-in got wrong fails here."""

import json

import pytest
import yaml
from kfp_server_api.exceptions import ApiException

from conftest import first_version, wait_for_state


def _ir(package: str) -> dict:
    with open(package) as f:
        return yaml.safe_load(f)


def _write(tmp_path, name: str, doc: dict) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc))
    return str(path)


def test_healthz_on_construction(client):
    health = client.get_kfp_healthz()
    assert health.multi_user is False


def test_upload_pipeline_and_duplicate_name(client, package, unique):
    name = f"add-and-show-{unique}"
    pipeline = client.upload_pipeline(package, pipeline_name=name, description="contract test")
    assert pipeline.pipeline_id
    assert pipeline.display_name == name
    assert pipeline.description == "contract test"
    assert client.get_pipeline_id(name) == pipeline.pipeline_id
    assert client.get_pipeline(pipeline.pipeline_id).display_name == name
    with pytest.raises(ApiException) as dup:
        client.upload_pipeline(package, pipeline_name=name)
    assert dup.value.status == 409
    assert json.loads(dup.value.body)["error_message"] == "Failed to create a pipeline and a pipeline version"


def test_upload_pipeline_version(client, package, unique):
    pipeline = client.upload_pipeline(package, pipeline_name=f"versioned-{unique}")
    version = client.upload_pipeline_version(package, pipeline_version_name="v2", pipeline_id=pipeline.pipeline_id)
    assert version.pipeline_id == pipeline.pipeline_id
    assert version.display_name == "v2"
    assert version.pipeline_spec["pipelineInfo"]["name"] == "add-and-show"
    versions = client.list_pipeline_versions(pipeline.pipeline_id).pipeline_versions
    assert sorted(v.display_name for v in versions) == sorted([f"versioned-{unique}", "v2"])
    with pytest.raises(ApiException) as dup:
        client.upload_pipeline_version(package, pipeline_version_name="v2", pipeline_id=pipeline.pipeline_id)
    assert dup.value.status == 409


def test_create_and_get_experiment(client, unique):
    created = client.create_experiment(f"exp-{unique}", description="contract")
    assert created.experiment_id
    by_name = client.get_experiment(experiment_name=f"exp-{unique}")
    assert by_name.experiment_id == created.experiment_id
    assert by_name.storage_state == "AVAILABLE"
    # create_experiment returns the existing one instead of a duplicate.
    assert client.create_experiment(f"exp-{unique}").experiment_id == created.experiment_id


def test_run_pipeline_with_parameters_then_get_and_list(client, package, unique, argo):
    pipeline = client.upload_pipeline(package, pipeline_name=f"p-{unique}")
    version_id = first_version(client, pipeline.pipeline_id)
    exp = client.create_experiment(f"runs-{unique}")
    other = client.create_experiment(f"other-{unique}")
    run = client.run_pipeline(experiment_id=exp.experiment_id, job_name=f"run-{unique}",
                              params={"a": 1.5, "label": "total"}, pipeline_id=pipeline.pipeline_id,
                              version_id=version_id)
    assert run.state == "PENDING"
    assert run.runtime_config.parameters == {"a": 1.5, "label": "total"}
    assert run.pipeline_version_reference.pipeline_version_id == version_id
    wf = argo.workflow(run.run_id)
    assert wf["metadata"]["labels"]["pipeline/runid"] == run.run_id
    assert wf["metadata"]["annotations"]["pipelines.kubeflow.org/run_name"] == f"run-{unique}"

    fetched = client.get_run(run.run_id)
    assert fetched.display_name == f"run-{unique}"
    assert fetched.experiment_id == exp.experiment_id
    client.run_pipeline(experiment_id=other.experiment_id, job_name="elsewhere", params={"a": 0.0},
                        pipeline_id=pipeline.pipeline_id, version_id=version_id)
    listed = client.list_runs(experiment_id=exp.experiment_id).runs
    assert [r.run_id for r in listed] == [run.run_id]
    assert client.get_experiment(experiment_id=exp.experiment_id).last_run_created_at is not None


def test_create_run_from_pipeline_package_and_wait_for_completion(client, package, unique, argo):
    result = client.create_run_from_pipeline_package(package, arguments={"a": 3.0}, run_name=f"pkg-{unique}",
                                                     experiment_name=f"pkg-{unique}")
    run_id = result.run_id
    assert client.get_run(run_id).pipeline_spec["pipelineInfo"]["name"] == "add-and-show"
    argo.advance(run_id, "Running")
    wait_for_state(client, run_id, "RUNNING")
    argo.advance(run_id, "Succeeded")
    done = client.wait_for_run_completion(run_id, timeout=30, sleep_duration=0.2)
    assert done.state == "SUCCEEDED"
    assert [h.state for h in done.state_history] == ["PENDING", "RUNNING", "SUCCEEDED"]


def test_terminate(client, package, unique, argo):
    run_id = client.create_run_from_pipeline_package(package, arguments={"a": 1.0}, run_name=f"t-{unique}").run_id
    argo.advance(run_id, "Running")
    wait_for_state(client, run_id, "RUNNING")
    client.terminate_run(run_id)
    assert client.get_run(run_id).state == "CANCELING"
    assert argo.workflow(run_id)["spec"]["activeDeadlineSeconds"] == 0
    argo.advance(run_id, "Failed", message="Stopped with strategy 'Terminate'")
    assert client.wait_for_run_completion(run_id, timeout=30, sleep_duration=0.2).state == "FAILED"


def test_archive_unarchive_delete(client, package, unique, argo):
    run_id = client.create_run_from_pipeline_package(package, arguments={"a": 1.0}, run_name=f"a-{unique}").run_id
    client.archive_run(run_id)
    assert client.get_run(run_id).storage_state == "ARCHIVED"
    client.unarchive_run(run_id)
    assert client.get_run(run_id).storage_state == "AVAILABLE"
    client.delete_run(run_id)
    with pytest.raises(ApiException) as gone:
        client.get_run(run_id)
    assert gone.value.status == 404
    assert json.loads(gone.value.body)["code"] == 5
    assert not argo.api.list_cluster_custom_object("argoproj.io", "v1alpha1", "workflows",
                                                   label_selector=f"pipeline/runid={run_id}")["items"]


def test_missing_required_parameter_refused_at_run_creation(client, package, unique):
    pipeline = client.upload_pipeline(package, pipeline_name=f"req-{unique}")
    exp = client.create_experiment(f"req-{unique}")
    with pytest.raises(ApiException) as refused:
        client.run_pipeline(experiment_id=exp.experiment_id, job_name="no-a", params={"b": 1.0},
                            pipeline_id=pipeline.pipeline_id, version_id=first_version(client, pipeline.pipeline_id))
    assert refused.value.status == 400
    body = json.loads(refused.value.body)
    assert body["code"] == 3
    assert "Failed to generate the ExecutionSpec" in body["message"]
    assert body["details"][0]["message"] == \
        "parameter a is not optional, yet has neither default value nor user provided value"
    assert client.list_runs(experiment_id=exp.experiment_id).runs is None


@pytest.mark.parametrize("change, message", [
    (lambda ir: ir.update(colour="red"), "unknown template format"),
    (lambda ir: ir.update(schemaVersion="2.0.0"),
     "KFP only supports schema version 2.1.0, but the pipeline spec has version 2.0.0"),
    (lambda ir: ir["pipelineInfo"].update(name="Add_And_Show"),
     "pipeline's name must contain only lowercase alphanumeric characters or '-' and must start with "
     "alphanumeric characters"),
    (lambda ir: ir.pop("root"), "unknown template format"),
], ids=["unknown-field", "schema-version", "bad-name", "no-root"])
def test_bad_ir_refused_at_upload(client, package, tmp_path, unique, change, message):
    ir = _ir(package)
    change(ir)
    with pytest.raises(ApiException) as refused:
        client.upload_pipeline(_write(tmp_path, "bad.yaml", ir), pipeline_name=f"bad-{unique}")
    assert refused.value.status == 400
    assert json.loads(refused.value.body) == {"error_message": message, "error_details": message}
    assert client.get_pipeline_id(f"bad-{unique}") is None


def test_platform_spec_document_accepted(client, package, tmp_path, unique):
    platform = {"platforms": {"kubernetes": {"deploymentSpec": {"executors": {"exec-add": {
        "secretAsEnv": [{"secretName": "creds", "keyToEnv": [{"secretKey": "k", "envVar": "K"}]}]}}}}}}
    path = tmp_path / "with-platform.yaml"
    path.write_text(yaml.safe_dump_all([_ir(package), platform]))
    pipeline = client.upload_pipeline(str(path), pipeline_name=f"platform-{unique}")
    version = client.list_pipeline_versions(pipeline.pipeline_id).pipeline_versions[0]
    assert set(version.pipeline_spec) == {"pipeline_spec", "platform_spec"}


def test_list_filter_sort_and_pages(client, package, unique):
    names = [f"list-{unique}-{i}" for i in range(3)]
    for name in names:
        client.upload_pipeline(package, pipeline_name=name)
    chosen = json.dumps({"predicates": [
        {"key": "name", "operation": "IN", "string_values": {"values": names[:2]}}]})
    assert sorted(p.name for p in client.list_pipelines(filter=chosen).pipelines) == names[:2]
    mine = json.dumps({"predicates": [{"key": "display_name", "operation": "IS_SUBSTRING", "stringValue": unique}]})
    first = client.list_pipelines(page_size=2, sort_by="name desc", filter=mine)
    assert [p.name for p in first.pipelines] == [names[2], names[1]]
    assert first.total_size == 3
    rest = client.list_pipelines(page_token=first.next_page_token, page_size=2)
    assert [p.name for p in rest.pipelines] == [names[0]]
    assert not rest.next_page_token
    with pytest.raises(ApiException) as bad:
        client.list_pipelines(filter=json.dumps({"predicates": [
            {"key": "colour", "operation": "EQUALS", "string_value": "red"}]}))
    assert bad.value.status == 400


def test_upload_archives_and_unknown_formats(client, package, tmp_path, unique):
    import tarfile
    import zipfile

    archive = tmp_path / "pipeline.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(package, "pipeline.yaml")
    assert client.upload_pipeline(str(archive), pipeline_name=f"zip-{unique}").name == f"zip-{unique}"
    tarball = tmp_path / "pipeline.tar.gz"
    with tarfile.open(tarball, "w:gz") as t:
        t.add(package, "pipeline.yaml")
    assert client.upload_pipeline(str(tarball), pipeline_name=f"tgz-{unique}").name == f"tgz-{unique}"
    text = tmp_path / "pipeline.txt"
    text.write_text(open(package).read())
    with pytest.raises(ApiException) as refused:
        client.upload_pipeline(str(text), pipeline_name=f"txt-{unique}")
    assert refused.value.status == 400
    assert json.loads(refused.value.body)["error_message"] == "Failed to read a pipeline spec file"


def test_pipeline_and_experiment_lifecycle(client, package, unique):
    pipeline = client.upload_pipeline(package, pipeline_name=f"life-{unique}")
    version_id = first_version(client, pipeline.pipeline_id)
    assert client.get_pipeline_version(pipeline.pipeline_id, version_id).pipeline_version_id == version_id
    with pytest.raises(ApiException) as busy:
        client.delete_pipeline(pipeline.pipeline_id)  # versions left: the server wants cascade=true
    assert busy.value.status == 400
    client.delete_pipeline_version(pipeline.pipeline_id, version_id)
    client.delete_pipeline(pipeline.pipeline_id)
    assert client.get_pipeline_id(f"life-{unique}") is None

    exp = client.create_experiment(f"life-{unique}")
    client.archive_experiment(exp.experiment_id)
    assert client.get_experiment(experiment_id=exp.experiment_id).storage_state == "ARCHIVED"
    client.unarchive_experiment(exp.experiment_id)
    names = [e.display_name for e in client.list_experiments(page_size=100).experiments]
    assert f"life-{unique}" in names
    client.delete_experiment(exp.experiment_id)
    with pytest.raises(ApiException) as gone:
        client.get_experiment(experiment_id=exp.experiment_id)
    assert gone.value.status == 404
