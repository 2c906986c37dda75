"""`%kf pipeline run FILE --cluster` (submit to Kubeflow Pipelines) and `%kf kfp` (the connection), against the
fake proxy: what is sent, what is shown, and the proxy's refusals verbatim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from kubeflow_workbench.magics import RUN_MIME, KubeflowError, RunOutput
from kubeflow_workbench.magics.kfp_connection import KfpStatus
from proxy_fakes import error_json, info_body

RUNS = "/api/v1/namespaces/team-a/runs"
KFP = "/api/v1/kfp"
REPO = Path(__file__).resolve().parents[2]
IR_YAML = REPO / "examples" / "kfp" / "train_eval.yaml"


def kfp_run(name="3f0c9a4e-1b2c-4d5e-8f90-123456789abc", phase="Pending", **extra):
    return {"name": name, "namespace": "team-a", "created": "2026-11-30T08:00:00Z", "version": "1",
            "phase": phase, "backend": "kfp", "pipelineName": "train-eval", "parameters": {},
            "steps": [{"task": "prepare", "label": "prepare", "phase": "Pending", "pod": "train-eval-x-1",
                       "outputs": {"parameters": {}, "artifacts": []}}],
            "kfp": {"runId": name, "experiment": "nightly", "url": "http://kfp.example/#/runs/details/" + name},
            **extra}


@pytest.fixture
def proxy(fake_proxy):
    fake_proxy.route("GET", "/api/v1/info", info_body("kubernetes", namespace="team-a"))
    fake_proxy.route("POST", RUNS, kfp_run(), status=201)
    return fake_proxy


def test_cluster_submits_the_document_to_kfp_in_the_experiment(shell, proxy, document):
    output = shell.run_line_magic(
        "kf", f"pipeline run {document} --cluster --experiment nightly --name n1 -p rows=5")
    [sent] = proxy.calls("POST", RUNS)
    assert sent.body == {
        "spec": json.loads(document.read_text()),
        "path": str(document.resolve()),
        "parameters": {"rows": "5"},
        "name": "n1",
        "backend": "kfp",
        "experiment": "nightly",
    }
    # The same live run card as a local run: JupyterLab follows it through the run stream.
    assert isinstance(output, RunOutput)
    bundle = output._repr_mimebundle_()
    assert bundle[RUN_MIME]["name"] == kfp_run()["name"]
    assert bundle[RUN_MIME]["run"]["kfp"]["experiment"] == "nightly"
    text = bundle["text/plain"]
    assert "(kfp, experiment nightly): Pending" in text
    assert "in the KFP UI: http://kfp.example/#/runs/details/" in text


def test_cluster_submits_a_kfp_compiled_ir_without_an_experiment(shell, proxy):
    shell.run_line_magic("kf", f"pipeline run {IR_YAML} --cluster")
    [sent] = proxy.calls("POST", RUNS)
    assert set(sent.body) == {"ir", "backend"}
    assert sent.body["backend"] == "kfp"
    assert sent.body["ir"]["pipelineInfo"]["name"] == "train-eval"
    assert sorted(sent.body["ir"]["root"]["dag"]["tasks"]) == ["evaluate", "notify", "prepare", "train"]


def test_local_sends_no_backend_and_experiment_needs_cluster(shell, proxy, document):
    shell.run_line_magic("kf", f"pipeline run {document} --local")
    [sent] = proxy.calls("POST", RUNS)
    assert "backend" not in sent.body and "experiment" not in sent.body
    with pytest.raises(UsageError, match="--experiment is a Kubeflow Pipelines experiment; add --cluster"):
        shell.run_line_magic("kf", f"pipeline run {document} --experiment x")
    assert len(proxy.calls("POST", RUNS)) == 1


def test_kfp_refusal_is_shown_verbatim_with_field_paths(shell, proxy, document, capsys):
    fields = [{"path": "/parameters/rows", "message": "must be an integer (NUMBER_INTEGER), got 'many'"}]
    proxy.route("POST", RUNS, error_json("invalid_spec", "Kubeflow Pipelines refused the run.", fields), status=400)
    with pytest.raises(KubeflowError) as caught:
        shell.run_line_magic("kf", f"pipeline run {document} --cluster -p rows=many")
    assert caught.value.lines == [
        "Kubeflow Pipelines refused the run.",
        "  /parameters/rows: must be an integer (NUMBER_INTEGER), got 'many'",
    ]
    proxy.route("POST", RUNS, error_json(
        "unauthorized", "KFP answered 403 Forbidden to alice (kubeconfig credentials): alice may not use team-a."),
        status=403)
    result = shell.run_cell(f"%kf pipeline run {document} --cluster")
    shown = capsys.readouterr().out
    assert result.error_in_exec is not None and "Traceback" not in shown
    assert "KFP answered 403 Forbidden to alice (kubeconfig credentials)" in shown


def test_kfp_shows_the_connection(shell, proxy):
    proxy.route("GET", KFP, {
        "state": "connected", "via": "service-proxy",
        "endpoint": "https://127.0.0.1:6443/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy",
        "auth": "kubeconfig", "identity": "alice", "multiUser": True, "version": "2.5.0", "updates": "watch",
        "message": "Found through the API server's service proxy."})
    status = shell.run_line_magic("kf", "kfp")
    assert isinstance(status, KfpStatus)
    lines = repr(status).splitlines()
    assert lines[0] == "Kubeflow Pipelines: connected"
    assert lines[1] == "  Found through the API server's service proxy."
    assert [line.split("  ")[1].strip() for line in lines[2:]] == [
        "Found via", "Endpoint", "Identity", "Mode", "KFP version", "Updates"]
    assert "alice (kubeconfig credentials)" in lines[4]
    html = status._repr_mimebundle_()["text/html"]
    assert "<table>" in html and "multi-user" in html


def test_kfp_not_connected_says_why_in_plain_words(shell, proxy):
    proxy.route("GET", KFP, {"state": "not-found",
                             "message": "No ml-pipeline service in kubeflow and no endpoint configured: "
                                        "set kfpEndpoint or KF_PIPELINES_ENDPOINT."})
    text = repr(shell.run_line_magic("kf", "kfp"))
    assert text == ("Kubeflow Pipelines: not found\n  No ml-pipeline service in kubeflow and no endpoint "
                    "configured: set kfpEndpoint or KF_PIPELINES_ENDPOINT.")
    with pytest.raises(UsageError):
        shell.run_line_magic("kf", "kfp --nope")
