"""`%%kf tune --local` against the REAL proxy bundle (local backend): the cell becomes trials that run as
processes, and `%kf study` shows the best one. Needs `npm run build:proxy`; a missing bundle fails, on purpose."""

from __future__ import annotations

import time

import pytest

from kubeflow_workbench.magics import KubeflowError
from kubeflow_workbench.magics.tune import STUDY_MIME, StudyDetail, StudyOutput
from test_real_proxy import start_real_proxy  # noqa: F401  (the fixture)

SCRIPT = """
import os
x = float(os.environ["X"])
print(f"score={1 - (x - 0.5) ** 2:.6f}")
"""


def _wait_for(shell, name: str, timeout: float = 90) -> StudyDetail:
    """`%kf study NAME` until the study has ended (the widget follows it live; a test has only the kernel)."""
    deadline = time.monotonic() + timeout
    while True:
        detail = shell.run_line_magic("kf", f"study {name}")
        if detail.study.get("phase") in ("Succeeded", "Failed", "Stopped") or time.monotonic() > deadline:
            return detail
        time.sleep(0.5)


def test_tune_runs_a_local_study_end_to_end(start_real_proxy, shell):  # noqa: F811
    start_real_proxy()
    line = "tune --objective score --maximize --param x=double:0:1 --algorithm random --trials 4 --parallel 2 " \
           "--seed 3 --name quad --local"
    output = shell.run_cell_magic("kf", line, SCRIPT)
    assert isinstance(output, StudyOutput)
    bundle = output._repr_mimebundle_()
    assert bundle[STUDY_MIME]["name"] == "quad" and bundle[STUDY_MIME]["study"]["backend"] == "local"

    detail = _wait_for(shell, "quad")
    study = detail.study
    assert study["phase"] == "Succeeded", repr(detail)
    assert study["counts"]["succeeded"] == 4
    best = study["best"]
    assert best["objective"] == max(t["objective"] for t in study["trials"])
    assert f"best: {best['trial']}" in repr(detail)

    table = shell.run_line_magic("kf", "studies")
    assert [row[0] for row in table.rows()] == ["quad"]
    shell.run_line_magic("kf", "delete study quad")
    assert shell.run_line_magic("kf", "studies").rows() == []


def test_tune_shows_the_real_proxys_field_errors_with_options(start_real_proxy, shell):  # noqa: F811
    start_real_proxy()
    with pytest.raises(KubeflowError) as caught:
        shell.run_cell_magic("kf", "tune --objective score --maximize --param x=double:0:1 --algorithm grid "
                                   "--trials 5 --local", SCRIPT)
    text = str(caught.value)
    assert "The study spec is invalid." in text
    assert '/parameters/0/step: grid needs a step for the double parameter "x" (option --param)' in text
    with pytest.raises(KubeflowError) as local:
        shell.run_cell_magic("kf", "tune --objective score --maximize --param x=double:0:1 --param y=int:1:3 "
                                   "--algorithm sobol --local", SCRIPT)
    assert "the local backend has random, grid, tpe, multivariate-tpe, cmaes, hyperband" in str(local.value)
    assert "(option --algorithm)" in str(local.value)
