"""`%kf` / `%%kf` in a real IPython shell against the fake proxy: what is sent, what is shown."""

from __future__ import annotations

import re
import sys
import threading

import pytest
from IPython.core.error import UsageError

from kubeflow_workbench import launcher
from kubeflow_workbench.magics import JOB_MIME, JobOutput, KubeflowError, StatusView
from kubeflow_workbench.runtime import RuntimeInfo
from proxy_fakes import error_json, info_body, job_body, start_fake_proxy

JOBS = "/api/v1/namespaces/team-a/jobs"


@pytest.fixture
def proxy(fake_proxy):
    """The fake proxy with a connected kubernetes backend whose default namespace is team-a."""
    fake_proxy.route("GET", "/api/v1/info", info_body("kubernetes", namespace="team-a", context="kind"))
    fake_proxy.route("POST", JOBS, lambda h, r: _echo_job(h, r), status=201)
    return fake_proxy


def _echo_job(h, request):
    from proxy_fakes import send_json

    spec = request.body
    send_json(h, 201, job_body(spec.get("name", "pytorch-x1"), "team-a", spec=spec))


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_train_posts_the_cell_as_a_training_job_spec(shell, proxy):
    output = shell.run_cell_magic("kf", "train --framework pytorch --workers 2", "print(1)\n")
    sent = proxy.calls("POST", JOBS)
    assert len(sent) == 1
    assert sent[0].body == {
        "framework": "pytorch",
        # 2 workers = WORLD_SIZE 2, as in the form: Master 1 + Worker 1 (issue 11)
        "replicas": {"Master": {"count": 1}, "Worker": {"count": 1}},
        "source": {"filename": "train.py", "content": "print(1)\n"},
    }
    assert isinstance(output, JobOutput)
    bundle = output._repr_mimebundle_()
    assert set(bundle) == {JOB_MIME, "text/plain"}
    assert bundle[JOB_MIME]["name"] == "pytorch-x1" and bundle[JOB_MIME]["namespace"] == "team-a"
    assert bundle[JOB_MIME]["job"]["spec"] == sent[0].body
    assert "PyTorchJob pytorch-x1 in namespace team-a (local backend): Created" in bundle["text/plain"]
    assert "worker-0 Pending" in bundle["text/plain"]


def test_pytorch_workers_count_every_process_like_the_form():
    from kubeflow_workbench.magics.specs import pytorch_workers

    assert pytorch_workers({"Worker": 1}) == {"Master": 1}
    assert pytorch_workers({"Worker": 4}) == {"Master": 1, "Worker": 3}
    assert pytorch_workers({"Master": 1, "Worker": 4}) == {"Master": 1, "Worker": 4}
    assert pytorch_workers({"Worker": 0}) == {"Worker": 0}  # left for the proxy's "must be >= 1"


def test_train_maps_every_option_into_the_spec(shell, proxy):
    line = (
        "train -f pytorch --masters 1 --workers 3 --replica Extra=2 --image img:1 --cpu 2 --memory 4Gi --gpus 1 "
        "--gpu-resource amd.com/gpu --packages 'torch, numpy' --grace-period 90 --env A=1 --env B=x=y "
        "--name my-job -n team-b"
    )
    proxy.route("POST", "/api/v1/namespaces/team-b/jobs", job_body("my-job", "team-b"), status=201)
    shell.run_cell_magic("kf", line, "import torch")
    body = proxy.calls("POST", "/api/v1/namespaces/team-b/jobs")[0].body
    assert body == {
        "framework": "pytorch",
        "name": "my-job",
        "replicas": {"Master": {"count": 1}, "Worker": {"count": 3}, "Extra": {"count": 2}},
        "image": "img:1",
        "resources": {"cpu": "2", "memory": "4Gi", "gpus": 1, "gpuResource": "amd.com/gpu"},
        "packages": ["torch", "numpy"],
        "terminationGracePeriodSeconds": 90,
        "env": {"A": "1", "B": "x=y"},
        "source": {"filename": "train.py", "content": "import torch"},
    }


def test_train_from_a_script_file(shell, proxy, tmp_path):
    script = tmp_path / "fit.py"
    script.write_text("print('fit')\n")
    shell.run_line_magic("kf", f"train --framework tensorflow --chiefs 1 --ps 1 --script {script}")
    body = proxy.calls("POST", JOBS)[0].body
    assert body["source"] == {"filename": "fit.py", "content": "print('fit')\n"}
    assert body["replicas"] == {"Chief": {"count": 1}, "PS": {"count": 1}}


def test_invalid_spec_shows_field_paths_without_a_traceback(shell, proxy, capsys):
    fields = [{"path": "/replicas/Worker/count", "message": "must be >= 1"},
              {"path": "/resources/memory", "message": "must match pattern"}]
    proxy.route("POST", JOBS, error_json("invalid_spec", "The training job spec is invalid.", fields), status=400)
    with pytest.raises(KubeflowError) as caught:
        shell.run_cell_magic("kf", "train --framework pytorch --workers 0", "print(1)")
    assert caught.value.lines == [
        "The training job spec is invalid.",
        "  /replicas/Worker/count: must be >= 1 (option --workers)",
        "  /resources/memory: must match pattern (option --memory)",
    ]
    # As a notebook shows it: the lines, no Python traceback.
    result = shell.run_cell("%%kf train --framework pytorch --workers 0\nprint(1)\n")
    shown = plain(capsys.readouterr().out)
    assert result.error_in_exec is not None
    assert "/replicas/Worker/count: must be >= 1 (option --workers)" in shown
    assert "Traceback" not in shown and "File " not in shown


@pytest.mark.parametrize(
    ("flag", "active", "wanted"),
    [("--local", "kubernetes", "local"), ("--cluster", "local", "kubernetes")],
)
def test_local_or_cluster_must_match_the_active_backend(shell, proxy, flag, active, wanted):
    proxy.route("GET", "/api/v1/info", info_body(active, namespace="team-a"))
    with pytest.raises(KubeflowError) as caught:
        shell.run_cell_magic("kf", f"train --framework pytorch {flag}", "print(1)")
    text = "\n".join(caught.value.lines)
    assert f"runs the {active} backend" in text and f"KFWB_BACKEND={wanted}" in text
    assert proxy.calls("POST") == []


def test_cluster_flag_on_an_unreachable_cluster_says_why(shell, proxy):
    proxy.route("GET", "/api/v1/info", info_body("kubernetes", state="unreachable", message="no kubeconfig"))
    with pytest.raises(KubeflowError, match="no kubeconfig"):
        shell.run_cell_magic("kf", "train --framework pytorch --cluster", "print(1)")


def test_matching_backend_flag_submits(shell, proxy):
    shell.run_cell_magic("kf", "train --framework pytorch --cluster", "print(1)")
    assert len(proxy.calls("POST", JOBS)) == 1


@pytest.mark.parametrize(
    ("line", "cell", "message"),
    [
        ("train --framework pytorch", None, "cell magic"),
        ("train --framework pytorch", "  \n", "empty"),
        ("train --framework caffe", "x", "invalid choice"),
        ("train --framework pytorch --workers two", "x", "invalid int value"),
        ("train --framework pytorch --env NOEQUALS", "x", "KEY=VALUE"),
        ("train --framework pytorch --local --cluster", "x", "not allowed with"),
        ("frobnicate", None, "unknown command"),
        ("jobs", "some body", "takes no cell body"),
        ("logs 'unbalanced", None, "cannot split"),
    ],
)
def test_usage_errors(shell, proxy, line, cell, message):
    with pytest.raises(UsageError, match=message):
        if cell is None:
            shell.run_line_magic("kf", line)
        else:
            shell.run_cell_magic("kf", line, cell)
    assert proxy.calls("POST") == []


def test_help(shell, capsys):
    shell.run_line_magic("kf", "help")
    out = capsys.readouterr().out
    for command in ("status", "jobs", "train", "logs", "delete", "analyze"):
        assert f"kf {command}" in out
    shell.run_line_magic("kf", "train --help")
    assert "--gpu-resource" in capsys.readouterr().out


def test_status_shows_backend_context_and_namespace(shell, proxy):
    view = shell.run_line_magic("kf", "status")
    assert isinstance(view, StatusView)
    text = repr(view)
    assert text.splitlines()[0] == "Connected to the kubernetes backend, context kind, namespace team-a."
    assert "proxy" in text and proxy.url in text and proxy.token not in text
    assert "<table>" in view._repr_mimebundle_()["text/html"]


def test_status_when_the_cluster_is_unreachable_is_a_message_not_a_traceback(shell, proxy, capsys):
    reason = "the cluster at https://10.0.0.1:6443 does not answer (timeout after 3 s)"
    proxy.route("GET", "/api/v1/info", info_body("kubernetes", state="unreachable", message=reason))
    view = shell.run_line_magic("kf", "status")
    assert repr(view).splitlines()[0] == f"The cluster is unreachable: {reason}"
    result = shell.run_cell("%kf status")
    out = capsys.readouterr().out
    assert result.error_in_exec is None and "Traceback" not in out
    assert "The cluster is unreachable" in out


def test_status_of_a_job(shell, proxy):
    proxy.route("GET", f"{JOBS}/j1", job_body("j1", "team-a", phase="Running"))
    output = shell.run_line_magic("kf", "status j1")
    assert output._repr_mimebundle_()[JOB_MIME]["job"]["phase"] == "Running"


def test_unknown_job_shows_the_proxy_message(shell, proxy):
    with pytest.raises(KubeflowError) as caught:
        shell.run_line_magic("kf", "status nope")
    assert caught.value.lines == ["no route GET /api/v1/namespaces/team-a/jobs/nope"]


def test_jobs_table(shell, proxy):
    running = job_body("a", "team-a", phase="Running",
                       replicas=[{"name": "worker-0", "phase": "Running"},
                                 {"name": "worker-1", "phase": "Pending", "reason": "Unschedulable"}])
    proxy.route("GET", JOBS, {"items": [running, job_body("<b>", "team-a", phase="Failed")]})
    table = shell.run_line_magic("kf", "jobs")
    bundle = table._repr_mimebundle_()
    lines = bundle["text/plain"].splitlines()
    assert lines[0].split() == ["NAME", "KIND", "PHASE", "REPLICAS", "WHY", "BACKEND", "CREATED"]
    assert lines[1].split()[:6] == ["a", "PyTorchJob", "Running", "1", "Running,", "1"]
    assert "1 Running, 1 Pending" in lines[1]
    assert "worker-1: Unschedulable" in lines[1]  # why a job is stuck, in the list itself
    assert "&lt;b&gt;" in bundle["text/html"] and "<b>" not in bundle["text/html"].replace("<b>team-a</b>", "")
    proxy.route("GET", "/api/v1/namespaces/empty/jobs", {"items": []})
    assert repr(shell.run_line_magic("kf", "jobs -n empty")) == "No training jobs in namespace empty."


def test_logs_pass_options_and_print_text(shell, proxy, capsys):
    def logs(h, request):
        data = b"[worker-0] epoch 1\n"
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    proxy.route("GET", f"{JOBS}/j1/logs", logs)
    shell.run_line_magic("kf", "logs j1 --replica worker-0 --tail 5")
    assert capsys.readouterr().out == "[worker-0] epoch 1\n"
    assert proxy.calls("GET", f"{JOBS}/j1/logs")[0].query == {"replica": "worker-0", "tail": "5"}


def test_followed_logs_reach_the_output_as_they_arrive(shell, proxy, monkeypatch):
    printed = threading.Event()

    class Output:
        def __init__(self):
            self.text = ""

        def write(self, text):
            self.text += text
            printed.set()

        def flush(self):
            pass

    def follow(h, request):
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        h.wfile.write(b"7\r\nline 1\n\r\n")
        h.wfile.flush()
        assert printed.wait(5), "the first line was not printed before the stream ended"
        h.wfile.write(b"7\r\nline 2\n\r\n0\r\n\r\n")

    proxy.route("GET", f"{JOBS}/j1/logs", follow)
    output = Output()
    monkeypatch.setattr(sys, "stdout", output)
    shell.run_line_magic("kf", "logs j1 --follow")
    assert output.text == "line 1\nline 2\n"
    assert proxy.calls("GET", f"{JOBS}/j1/logs")[0].query == {"follow": "1"}


def test_delete(shell, proxy, capsys):
    proxy.route("DELETE", f"{JOBS}/j1", {"deleted": True})
    shell.run_line_magic("kf", "delete j1")
    assert capsys.readouterr().out.strip() == "Deleted job j1 in namespace team-a."
    assert len(proxy.calls("DELETE", f"{JOBS}/j1")) == 1


def test_wait_follows_the_watch_stream_until_the_job_finishes(shell, proxy, capsys):
    def watch(h, request):
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.end_headers()  # no length: the body ends when the connection closes
        events = [
            ": connected\n\n",
            "event: snapshot\ndata: " + _json({"type": "snapshot", "items": [job_body("other", phase="Running"),
                                                                           job_body("w1", phase="Running")]}) + "\n\n",
            "event: modified\ndata: " + _json({"type": "modified", "object": job_body("w1", phase="Succeeded")}) + "\n\n",
        ]
        for event in events:
            h.wfile.write(event.encode())
            h.wfile.flush()
        h.close_connection = True

    proxy.route("POST", JOBS, job_body("w1", "team-a"), status=201)
    proxy.route("GET", "/api/v1/namespaces/team-a/watch/jobs", watch)
    output = shell.run_cell_magic("kf", "train --framework pytorch --wait", "print(1)")
    assert output.phase == "Succeeded"
    out = capsys.readouterr().out
    assert "w1: Running" in out and "w1: Succeeded" in out and "other" not in out


def _json(value):
    import json

    return json.dumps(value)


def test_no_running_proxy_starts_one_and_says_so(shell, runtime_dir, monkeypatch, capsys):
    started = {}

    def start_standalone():
        fake = start_fake_proxy(runtime_dir)
        started["fake"] = fake
        return RuntimeInfo(fake.url, fake.token, 4242, path=fake.runtime_file)

    # Nothing announced yet: the magic must start a proxy itself.
    monkeypatch.setattr(launcher, "start_standalone", start_standalone)
    try:
        view = shell.run_line_magic("kf", "status")
        out = capsys.readouterr().out
        assert "No Kubeflow Workbench proxy was running, so this kernel started one (pid 4242" in out
        assert "kill 4242" in out
        assert "started by this kernel" in repr(view)
    finally:
        started["fake"].server.shutdown()
        started["fake"].server.server_close()


def test_no_proxy_and_no_node_is_a_clear_error(shell, runtime_dir, monkeypatch):
    def cannot_start():
        raise launcher.LauncherError("Kubeflow Workbench needs Node.js >= 20 to run its proxy")

    monkeypatch.setattr(launcher, "start_standalone", cannot_start)
    with pytest.raises(KubeflowError) as caught:
        shell.run_line_magic("kf", "jobs")
    assert caught.value.lines == ["Kubeflow Workbench needs Node.js >= 20 to run its proxy"]


def test_slices_command_posts_a_path_spec(shell, proxy, tmp_path):
    data = tmp_path / "scores.csv"
    data.write_text("y,score,sex,age\n1,0.9,f,30\n")
    document = {"version": 1, "kind": "kubeflow.slices", "overall": {}, "slices": [], "complete": True}
    proxy.route("POST", "/api/v1/analysis", document)
    result = shell.run_line_magic(
        "kf", f"analyze {data} --label y --prediction score --slice sex --slice age:q4 --slice 'sex*age:q2' --metrics counts"
    )
    body = proxy.calls("POST", "/api/v1/analysis")[0].body
    assert body["source"] == {"path": str(data)}
    assert (body["label"], body["prediction"], body["metrics"]) == ("y", "score", "counts")
    assert body["slices"] == [
        "sex",
        {"feature": "age", "buckets": {"quantiles": 4}},
        {"cross": ["sex", {"feature": "age", "buckets": {"quantiles": 2}}]},
    ]
    assert result.document == document


def test_slices_command_shows_the_proxy_error(shell, proxy):
    fields = [{"path": "/label", "message": "column y2 is not in the file"}]
    proxy.route("POST", "/api/v1/analysis", error_json("invalid_spec", "The analysis spec is invalid.", fields),
                status=400)
    with pytest.raises(KubeflowError) as caught:
        shell.run_line_magic("kf", "analyze s.csv --label y2 --prediction score")
    assert caught.value.lines == ["The analysis spec is invalid.", "  /label: column y2 is not in the file"]


def test_unload_removes_the_magic():
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "kubeflow_workbench")
    assert "kf" in ip.magics_manager.magics["line"] and "kf" in ip.magics_manager.magics["cell"]
    ip.run_line_magic("unload_ext", "kubeflow_workbench")
    assert "kf" not in ip.magics_manager.magics["line"] and "kf" not in ip.magics_manager.magics["cell"]


def test_log_detail_lines_are_left_out_whole_lines_only():
    from kubeflow_workbench.magics.magics import without_details
    chunks = ["[worker-0] epoch 1\n[work", "er-1] [workbench] The log of worker-1 cannot be read: the node is gone.\n",
              "[worker-1] [workbench:details] pods \"n\" not found\n[worker-0] epo", "ch 2"]
    assert "".join(without_details(chunks)) == (
        "[worker-0] epoch 1\n[worker-1] [workbench] The log of worker-1 cannot be read: the node is gone.\n"
        "[worker-0] epoch 2")
