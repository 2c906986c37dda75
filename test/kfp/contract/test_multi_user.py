"""Multi-user mode: kfp.Client with a ServiceAccount token (audience pipelines.kubeflow.org), as a notebook in a
Kubeflow profile sends it; the stand-in reviews it (TokenReview) and asks the real apiserver (SubjectAccessReview)."""

import json

import kfp
import pytest
from kfp_server_api.exceptions import ApiException

from conftest import first_version


def test_refused_without_access(multi_user_url, outsider_token, profile, package, unique):
    client = kfp.Client(host=multi_user_url, existing_token=outsider_token, namespace=profile)
    assert client.get_kfp_healthz().multi_user is True
    with pytest.raises(ApiException) as refused:
        client.create_experiment(f"nope-{unique}", namespace=profile)
    assert refused.value.status == 403
    body = json.loads(refused.value.body)
    assert body["code"] == 7
    assert f"User 'system:serviceaccount:{profile}:outsider' is not authorized" in body["message"]
    with pytest.raises(ApiException) as upload:
        client.upload_pipeline(package, pipeline_name=f"nope-{unique}", namespace=profile)
    assert upload.value.status == 400
    assert json.loads(upload.value.body)["error_message"] == "Failed to create a pipeline"


def test_unauthenticated_without_identity(multi_user_url, profile):
    client = kfp.Client(host=multi_user_url, namespace=profile)
    with pytest.raises(ApiException) as refused:
        client.list_experiments(namespace=profile)
    assert refused.value.status == 401


def test_editor_runs_in_the_profile(multi_user_url, editor_token, profile, package, unique, argo):
    client = kfp.Client(host=multi_user_url, existing_token=editor_token, namespace=profile)
    pipeline = client.upload_pipeline(package, pipeline_name=f"mu-{unique}", namespace=profile)
    assert pipeline.namespace == profile
    exp = client.create_experiment(f"mu-{unique}", namespace=profile)
    assert exp.namespace == profile
    run = client.run_pipeline(experiment_id=exp.experiment_id, job_name=f"mu-{unique}", params={"a": 2.0},
                              pipeline_id=pipeline.pipeline_id,
                              version_id=first_version(client, pipeline.pipeline_id))
    wf = argo.workflow(run.run_id)
    assert wf["metadata"]["namespace"] == profile
    assert wf["spec"]["serviceAccountName"] == "default-editor"
    argo.advance(run.run_id, "Succeeded")
    assert client.wait_for_run_completion(run.run_id, timeout=30, sleep_duration=0.2).state == "SUCCEEDED"
    assert [r.run_id for r in client.list_runs(namespace=profile).runs] == [run.run_id]
