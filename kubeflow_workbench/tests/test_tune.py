"""`%%kf tune`, `%kf studies`, `%kf study`, `%kf delete study` in a real IPython shell against the fake proxy."""

from __future__ import annotations

import re

import pytest
from IPython.core.error import UsageError

from kubeflow_workbench.magics import KubeflowError
from kubeflow_workbench.magics.tune import STUDY_MIME, StudyDetail, StudyOutput, StudyTable
from proxy_fakes import error_json, info_body, send_json

STUDIES = "/api/v1/namespaces/team-a/studies"


def study_body(name: str, spec: dict, **extra) -> dict:
    return {"name": name, "namespace": "team-a", "created": "2026-11-30T05:00:00Z", "backend": "local",
            "phase": "Created", "spec": spec, "trials": [],
            "counts": {"pending": 0, "running": 0, "succeeded": 0, "failed": 0, "killed": 0, "earlyStopped": 0,
                       "metricsUnavailable": 0}, **extra}


@pytest.fixture
def proxy(fake_proxy):
    fake_proxy.route("GET", "/api/v1/info", info_body("local", namespace="team-a"))
    fake_proxy.route("POST", STUDIES, lambda h, r: send_json(
        h, 201, {"study": study_body(r.body.get("name", "study-x1"), r.body), "created": True,
                 "warnings": ["a warning"]}))
    return fake_proxy


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_tune_posts_a_study_spec_and_returns_a_live_study_bundle(shell, proxy):
    line = ("tune --objective accuracy --maximize --param lr=double:1e-4:1e-1:log --param layers=int:1:4 "
            "--param opt=categorical:sgd,adam --algorithm tpe --trials 20 --parallel 2 --early-stopping medianstop "
            "--name mnist")
    output = shell.run_cell_magic("kf", line, "print('accuracy=0.9')\n")
    sent = proxy.calls("POST", STUDIES)
    assert len(sent) == 1
    assert sent[0].body == {
        "name": "mnist",
        "objective": {"metricName": "accuracy", "type": "maximize"},
        "parameters": [
            {"name": "lr", "parameterType": "double", "min": 1e-4, "max": 1e-1, "distribution": "logUniform"},
            {"name": "layers", "parameterType": "int", "min": 1, "max": 4},
            {"name": "opt", "parameterType": "categorical", "list": ["sgd", "adam"]},
        ],
        "algorithm": {"name": "tpe"},
        "maxTrialCount": 20,
        "parallelTrialCount": 2,
        "earlyStopping": {"name": "medianstop"},
        "trial": {
            "framework": "pytorch",
            "replicas": {"Master": {"count": 1}},
            "source": {"filename": "train.py", "content": "print('accuracy=0.9')\n"},
        },
    }
    assert isinstance(output, StudyOutput)
    bundle = output._repr_mimebundle_()
    assert set(bundle) == {STUDY_MIME, "text/plain"}
    assert bundle[STUDY_MIME]["name"] == "mnist" and bundle[STUDY_MIME]["namespace"] == "team-a"
    assert bundle[STUDY_MIME]["study"]["spec"] == sent[0].body
    assert "Study mnist in namespace team-a (local backend): Created" in bundle["text/plain"]
    assert "warning: a warning" in bundle["text/plain"]


def test_tune_maps_framework_workers_settings_and_args(shell, proxy):
    line = ("tune --objective loss --minimize --param epochs=int:1:9 --algorithm hyperband --setting r_l=9 "
            "--setting resource_name=epochs --framework pytorch --workers 2 --trials 9 --parallel 9 "
            "--arg=--epochs=${trialParameters.epochs} --metric-format '(\\w+):\\s*(\\S+)' --seed 3 --local")
    shell.run_cell_magic("kf", line, "print(1)\n")
    body = proxy.calls("POST", STUDIES)[0].body
    assert body["algorithm"] == {"name": "hyperband", "settings": {"r_l": "9", "resource_name": "epochs"}}
    # PyTorch --workers N means N processes, as for %%kf train: a Master and N-1 Workers (WORLD_SIZE N).
    assert body["trial"]["replicas"] == {"Master": {"count": 1}, "Worker": {"count": 1}}
    assert body["trial"]["args"] == ["--epochs=${trialParameters.epochs}"]
    assert body["metricsCollector"] == {"kind": "StdOut", "format": "(\\w+):\\s*(\\S+)"}
    assert body["seed"] == 3 and body["objective"]["type"] == "minimize"


def test_tune_shows_the_proxy_errors_with_the_option_to_change(shell, proxy):
    fields = [{"path": "/maxTrialCount", "message": "must be at most 6, the number of points of the grid"},
              {"path": "/parameters/0/step", "message": "is required for a double parameter in a grid search"}]
    proxy.route("POST", STUDIES, error_json("invalid_spec", "The study spec is invalid.", fields), status=400)
    with pytest.raises(KubeflowError) as caught:
        shell.run_cell_magic("kf", "tune --objective a --maximize --param x=double:0:1 --algorithm grid", "pass\n")
    text = plain(str(caught.value))
    assert "The study spec is invalid." in text
    assert "/maxTrialCount: must be at most 6, the number of points of the grid (option --trials)" in text
    assert "/parameters/0/step: is required for a double parameter in a grid search (option --param)" in text


def test_tune_refuses_a_bad_param_and_an_empty_cell(shell, proxy):
    with pytest.raises(UsageError, match="NAME=int:MIN:MAX"):
        shell.run_cell_magic("kf", "tune --objective a --maximize --param lr=float:1:2", "pass\n")
    with pytest.raises(UsageError, match="cell body is the training script"):
        shell.run_cell_magic("kf", "tune --objective a --maximize --param lr=double:0:1", "\n")
    assert proxy.calls("POST", STUDIES) == []


def test_studies_study_and_delete_study(shell, proxy):
    trial = {"name": "s1-t0", "index": 0, "params": {"lr": "0.01"}, "phase": "Succeeded", "objective": 0.93,
             "metrics": {}, "curve": []}
    spec = {"parameters": [{"name": "lr", "parameterType": "double", "min": 0, "max": 1}]}
    s1 = study_body("s1", spec, phase="Succeeded", trials=[trial],
                    best={"trial": "s1-t0", "objective": 0.93, "params": {"lr": "0.01"}})
    proxy.route("GET", STUDIES, {"items": [s1]})
    proxy.route("GET", f"{STUDIES}/s1", s1)
    proxy.route("DELETE", f"{STUDIES}/s1", {"deleted": True})
    table = shell.run_line_magic("kf", "studies")
    assert isinstance(table, StudyTable) and table.rows()[0][:3] == ["s1", "Succeeded", "0.93"]
    detail = shell.run_line_magic("kf", "study s1")
    assert isinstance(detail, StudyDetail)
    text = repr(detail)
    assert "best: s1-t0 objective=0.93 (lr=0.01)" in text
    assert "s1-t0" in text and "Succeeded" in text
    shell.run_line_magic("kf", "delete study s1")
    assert len(proxy.calls("DELETE", f"{STUDIES}/s1")) == 1


def test_help_lists_the_study_commands(shell, capsys):
    shell.run_line_magic("kf", "help")
    text = capsys.readouterr().out
    assert "%%kf tune --objective M" in text and "%kf studies" in text and "%kf study NAME" in text
    shell.run_line_magic("kf", "help tune")
    assert "--early-stopping" in capsys.readouterr().out


def test_study_commands_take_no_cell_and_name_their_usage(shell, proxy):
    with pytest.raises(UsageError, match="takes no cell body"):
        shell.run_cell_magic("kf", "studies", "x = 1\n")
    with pytest.raises(UsageError, match="%kf study"):
        shell.run_line_magic("kf", "study")
