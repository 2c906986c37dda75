"""`%kf pipeline run|compile`, `%kf runs`, `%kf run NAME`: against the fake proxy (what is sent, what is shown),
and once end to end against the REAL proxy bundle running the demo pipeline with real processes."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from kubeflow_workbench import runtime
from kubeflow_workbench.magics import RUN_MIME, KubeflowError, RunOutput, RunStatus, RunTable
from proxy_fakes import error_json, info_body
from test_real_proxy import start_real_proxy  # noqa: F401  (the real-bundle fixture)

RUNS = "/api/v1/namespaces/team-a/runs"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "pipelines"


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def run_body(name="demo-abcde", phase="Running", steps=None, **extra):
    steps = steps if steps is not None else [
        {"task": "generate", "label": "Generate", "phase": "Succeeded", "exitCode": 0,
         "started": "2026-11-30T05:00:00Z", "finished": "2026-11-30T05:00:02.5Z", "outputs": {}},
        {"task": "train", "label": "Train", "phase": "Failed", "reason": "ExitCode 1",
         "message": "the command exited with code 1", "exitCode": 1, "outputs": {}},
        {"task": "report", "label": "Report", "phase": "Skipped", "reason": "UpstreamFailed",
         "message": "upstream step train failed", "outputs": {}},
    ]
    return {"name": name, "namespace": "team-a", "created": "2026-11-30T05:00:00Z", "version": "v1",
            "phase": phase, "backend": "local", "pipelineName": "demo-pipeline", "parameters": {}, "steps": steps,
            **extra}


@pytest.fixture
def proxy(fake_proxy):
    fake_proxy.route("GET", "/api/v1/info", info_body("local", namespace="team-a"))
    fake_proxy.route("POST", RUNS, run_body(), status=201)
    return fake_proxy


def test_run_sends_the_document_with_its_path_and_parameters(shell, proxy, document):
    output = shell.run_line_magic("kf", f"pipeline run {document} --param rows=5 -p scale=1.5 --name demo-1")
    [sent] = proxy.calls("POST", RUNS)
    assert sent.body == {
        "spec": json.loads(document.read_text()),
        "path": str(document.resolve()),
        "parameters": {"rows": "5", "scale": "1.5"},
        "name": "demo-1",
    }
    assert isinstance(output, RunOutput)
    bundle = output._repr_mimebundle_()
    assert set(bundle) == {RUN_MIME, "text/plain"}
    assert bundle[RUN_MIME]["name"] == "demo-abcde" and bundle[RUN_MIME]["namespace"] == "team-a"
    assert bundle[RUN_MIME]["run"]["steps"][1]["task"] == "train"
    assert bundle["text/plain"].startswith("Pipeline run demo-abcde of demo-pipeline in namespace team-a (local): Running")
    assert "1 Succeeded, 1 Failed, 1 Skipped" in bundle["text/plain"]


def test_run_sends_an_ir_compiled_elsewhere_with_its_platform_spec(shell, proxy, tmp_path):
    ir_yaml = tmp_path / "pipeline.yaml"
    ir_yaml.write_text(
        "# PIPELINE DEFINITION\npipelineInfo:\n  name: add\nroot:\n  dag:\n    tasks: {}\n---\n"
        "platforms:\n  kubernetes:\n    deploymentSpec:\n      executors: {}\n"
    )
    shell.run_line_magic("kf", f"pipeline run {ir_yaml} --local")
    [sent] = proxy.calls("POST", RUNS)
    assert sent.body == {
        "ir": {"pipelineInfo": {"name": "add"}, "root": {"dag": {"tasks": {}}}},
        "platformSpec": {"platforms": {"kubernetes": {"deploymentSpec": {"executors": {}}}}},
    }


def test_an_invalid_document_names_the_node_and_the_field(shell, proxy, document, capsys):
    fields = [{"path": "/nodes/1/file", "message": "node 'stats': file 'stats.py' does not exist"}]
    proxy.route("POST", RUNS, error_json("invalid_spec", "The pipeline is invalid (nodes: stats).", fields), status=400)
    with pytest.raises(KubeflowError) as caught:
        shell.run_line_magic("kf", f"pipeline run {document}")
    assert caught.value.lines == [
        "The pipeline is invalid (nodes: stats).",
        "  /nodes/1/file: node 'stats': file 'stats.py' does not exist",
    ]
    result = shell.run_cell(f"%kf pipeline run {document}")
    shown = plain(capsys.readouterr().out)
    assert result.error_in_exec is not None and "Traceback" not in shown
    assert "/nodes/1/file: node 'stats'" in shown


def test_compile_writes_the_yaml_or_shows_it(shell, proxy, document, tmp_path, capsys):
    answer = {"ir": {"root": {"dag": {"tasks": {"a": {}, "b": {}}}}}, "yaml": "# PIPELINE DEFINITION\n",
              "warnings": [{"path": "/nodes/0/file", "message": "node 'a': large"}]}
    proxy.route("POST", "/api/v1/pipelines/compile", answer)
    out = tmp_path / "out.yaml"
    assert shell.run_line_magic("kf", f"pipeline compile {document} -o {out}") is None
    assert out.read_text() == "# PIPELINE DEFINITION\n"
    printed = capsys.readouterr().out
    assert "warning: /nodes/0/file: node 'a': large" in printed
    assert f"Wrote the KFP v2 IR of demo.kfpipeline (2 tasks) to {out}." in printed
    [sent] = proxy.calls("POST", "/api/v1/pipelines/compile")
    assert sent.body["path"] == str(document.resolve())
    shown = shell.run_line_magic("kf", f"pipeline compile {document}")
    assert repr(shown) == "# PIPELINE DEFINITION\n"


def test_runs_lists_and_run_shows_each_step(shell, proxy):
    proxy.route("GET", RUNS, {"items": [run_body(), run_body("other", "Succeeded", steps=[])]})
    table = shell.run_line_magic("kf", "runs")
    assert isinstance(table, RunTable)
    lines = repr(table).splitlines()
    assert lines[0].split() == ["NAME", "PIPELINE", "PHASE", "STEPS", "BACKEND", "CREATED"]
    assert lines[1].startswith("demo-abcde") and "1 Succeeded, 1 Failed, 1 Skipped" in lines[1]
    proxy.route("GET", f"{RUNS}/demo-abcde", run_body(phase="Failed", message="step train failed: ExitCode 1"))
    status = shell.run_line_magic("kf", "run demo-abcde")
    assert isinstance(status, RunStatus)
    text = repr(status)
    assert "failed: step train failed: ExitCode 1" in text
    rows = {line.split()[0]: line for line in text.splitlines()[4:]}
    assert rows["generate"].split()[1:4] == ["Succeeded", "0", "2.5"]
    assert rows["train"].split()[1:3] == ["Failed", "1"] and "ExitCode 1: the command exited with code 1" in rows["train"]
    assert "UpstreamFailed: upstream step train failed" in rows["report"]
    assert "<table>" in status._repr_mimebundle_()["text/html"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("pipeline", "the following arguments are required"),
        ("pipeline run", "the following arguments are required: file"),
        ("pipeline run x.kfpipeline --param NOEQUALS", "NAME=VALUE"),
        ("pipeline run x.kfpipeline --local --cluster", "not allowed with"),
        ("pipeline run /nonexistent/x.kfpipeline", "cannot read"),
        ("pipeline compile pipeline.yaml", "expected a .kfpipeline document"),
        ("run", "the following arguments are required: name"),
    ],
)
def test_usage_errors(shell, proxy, line, message):
    with pytest.raises(UsageError, match=message):
        shell.run_line_magic("kf", line)
    assert proxy.calls("POST") == []


def test_real_proxy_runs_the_demo_pipeline(start_real_proxy, shell, tmp_path, monkeypatch):
    """The demo (notebook, script, function, shell) through the real proxy and its local runner."""
    root = tmp_path / "root"
    shutil.copytree(EXAMPLES, root / "pipes")
    monkeypatch.setenv("KFWB_ROOT_DIR", str(root))
    start_real_proxy()
    output = shell.run_line_magic("kf", f"pipeline run {root / 'pipes' / 'demo.kfpipeline'} --param rows=4")
    assert isinstance(output, RunOutput) and output.run["pipelinePath"] == "pipes/demo.kfpipeline"
    client = runtime.connect(start=False)
    phase, deadline = output.phase, time.monotonic() + 120
    for event, data in runtime.iter_events(client.stream(f"/api/v1/namespaces/{output.namespace}/watch/runs",
                                                         follow=True)):
        runs = data.get("items", []) if event == "snapshot" else [data.get("object", {})]
        phase = next((r["phase"] for r in runs if r.get("name") == output.name), phase)
        if phase in ("Succeeded", "Failed", "Cancelled") or time.monotonic() > deadline:
            break
    assert phase == "Succeeded"
    text = repr(shell.run_line_magic("kf", f"run {output.name}"))
    steps = {line.split()[0]: line.split()[1] for line in text.splitlines()[4:]}
    assert steps == {"generate": "Succeeded", "stats": "Succeeded", "train": "Succeeded", "report": "Succeeded"}
    assert output.name in repr(shell.run_line_magic("kf", "runs"))


def _wait_for_phase(client, namespace: str, name: str, phases: tuple, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    for event, data in runtime.iter_events(client.stream(f"/api/v1/namespaces/{namespace}/watch/runs", follow=True)):
        runs = data.get("items", []) if event == "snapshot" else [data.get("object", {})]
        run = next((r for r in runs if r.get("name") == name), None)
        if (run and run["phase"] in phases) or time.monotonic() > deadline:
            return run or {}
    return {}


def test_a_run_survives_a_restart_of_the_real_proxy(start_real_proxy, shell, tmp_path):
    """The proxy stops while a step runs; the next proxy re-attaches the step and finishes the run."""
    from test_real_proxy import _stop

    ir = {
        "pipelineInfo": {"name": "restart"},
        "root": {"dag": {"tasks": {
            "long": {"taskInfo": {"name": "long"}, "componentRef": {"name": "comp-long"}},
            "after": {"taskInfo": {"name": "after"}, "componentRef": {"name": "comp-after"},
                      "dependentTasks": ["long"]},
        }}},
        "components": {"comp-long": {"executorLabel": "exec-long"}, "comp-after": {"executorLabel": "exec-after"}},
        "deploymentSpec": {"executors": {
            "exec-long": {"container": {"image": "alpine", "command": ["sh", "-c", "sleep 3; echo slept"]}},
            "exec-after": {"container": {"image": "alpine", "command": ["sh", "-c", "echo after"]}},
        }},
    }
    ir_file = tmp_path / "restart.json"
    ir_file.write_text(json.dumps(ir))
    first = start_real_proxy()
    output = shell.run_line_magic("kf", f"pipeline run {ir_file} --name restart-1")
    running = _wait_for_phase(runtime.connect(start=False), output.namespace, "restart-1", ("Running",))
    assert running["phase"] == "Running"
    _stop(first.pid)
    start_real_proxy()
    done = _wait_for_phase(runtime.connect(start=False), output.namespace, "restart-1",
                           ("Succeeded", "Failed", "Cancelled"))
    assert done["phase"] == "Succeeded", done.get("message")
    assert [s["phase"] for s in done["steps"]] == ["Succeeded", "Succeeded"]
    logs = "".join(runtime.connect(start=False).stream(
        f"/api/v1/namespaces/{output.namespace}/runs/restart-1/steps/long/logs"))
    assert logs == "slept\n"
