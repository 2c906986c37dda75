"""analyze(): what it sends to the proxy and how its result displays; the engine runs for real behind a fake post."""

import base64
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kubeflow_workbench.analyze import MIME, AnalysisError, AnalysisResult, analyze

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def engine_post(tmp_path_factory):
    """A `post` that runs the bundled engine CLI on the spec, as the proxy route would."""
    out = tmp_path_factory.mktemp("engine")
    cli = out / "cli.mjs"
    subprocess.run(
        [str(REPO / "node_modules/.bin/esbuild"), str(REPO / "engine/cli.ts"), "--bundle", "--platform=node",
         "--format=esm", "--target=node20", f"--outfile={cli}", "--log-level=warning",
         "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"],
        check=True,
    )
    sent = []

    def post(path, body):
        assert path == "/api/v1/analysis"
        sent.append(body)
        spec = out / f"spec{len(sent)}.json"
        spec.write_text(json.dumps(body))
        done = subprocess.run([shutil.which("node"), str(cli), str(spec)], capture_output=True, text=True)
        return json.loads(done.stdout) if done.returncode == 0 else json.loads(done.stderr)

    post.sent = sent
    return post


def frame(n=600, seed=1):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"y": rng.integers(0, 2, n), "segment": rng.choice(["<b>bold</b>", "plain"], n), "unused": rng.random(n)})
    df["score"] = np.clip(0.3 + 0.4 * df["y"] + rng.normal(0, 0.2, n), 0, 1)
    df.loc[:9, "segment"] = "rare"
    return df


def test_dataframe_round_trip_sends_only_needed_columns(engine_post):
    df = frame()
    result = analyze(df, label="y", prediction="score", slices=["segment"], post=engine_post)
    table = pa.ipc.open_stream(base64.b64decode(engine_post.sent[-1]["source"]["arrow"])).read_all()
    assert table.column_names == ["y", "score", "segment"]
    doc = result.document
    assert doc["rows"] == len(df)
    expected_accuracy = ((df["score"] >= 0.5) == (df["y"] == 1)).mean()
    assert abs(doc["overall"]["metrics"]["accuracy"]["value"] - expected_accuracy) < 1e-12
    by_value = {s["value"]: s for s in doc["slices"]}
    assert by_value["rare"]["tooSmall"] is True and by_value["rare"]["count"] == 10


def test_counts_only_gives_the_count_based_metrics_of_the_full_run(engine_post):
    df = frame()
    full = analyze(df, label="y", prediction="score", slices=["segment"], post=engine_post).document
    counts = analyze(df, label="y", prediction="score", slices=["segment"], metrics="counts", post=engine_post).document
    assert engine_post.sent[-1]["metrics"] == "counts" and "metrics" not in engine_post.sent[-2]
    names = ["accuracy", "precision", "recall", "f1", "selectionRate", "fpr"]
    assert sorted(counts["metricInfo"]) == sorted(names)
    for got, want in zip([counts["overall"], *counts["slices"]], [full["overall"], *full["slices"]]):
        assert got["metrics"] == {k: v for k, v in want["metrics"].items() if k in names}
        assert got.get("confusion") == want.get("confusion")
    assert "ROC-AUC" not in AnalysisResult(counts)._repr_html_()
    with pytest.raises(AnalysisError, match="regression has no count-based metrics"):
        analyze(df, label="y", prediction="score", task="regression", metrics="counts", post=engine_post)


def test_mime_bundle_has_document_escaped_html_and_text(engine_post):
    result = analyze(frame(), label="y", prediction="score", slices=["segment"], post=engine_post)
    bundle = result._repr_mimebundle_()
    assert set(bundle) == {MIME, "text/html", "text/plain"}
    assert bundle[MIME] == result.document
    page = bundle["text/html"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert "too small: metrics withheld" in page
    accuracy = result.document["overall"]["metrics"]["accuracy"]["value"]
    assert f"{accuracy:.4g}" in page
    assert "Overall=All rows" in bundle["text/plain"]


def test_path_source_is_made_absolute(tmp_path, monkeypatch):
    sent = []
    monkeypatch.chdir(tmp_path)
    answer = {"version": 1, "overall": {"feature": "Overall", "value": "All rows", "count": 0, "tooSmall": True, "metrics": {}}, "slices": [], "complete": True}
    analyze("data/scores.parquet", label="y", prediction="p", post=lambda path, body: sent.append(body) or answer)
    assert sent[0]["source"] == {"path": str(tmp_path / "data" / "scores.parquet")}
    assert sent[0]["threshold"] == 0.5 and sent[0]["task"] == "binary" and "weights" not in sent[0]


def test_bad_data_raises_with_the_column_named(engine_post):
    df = frame()
    df.loc[5, "score"] = 1.7
    with pytest.raises(AnalysisError, match=r'column "score" has a prediction outside \[0, 1\] \(1.7 at row 5\)'):
        analyze(df, label="y", prediction="score", post=engine_post)
    with pytest.raises(AnalysisError, match="'region' is not in the DataFrame") as missing:
        analyze(df, label="y", prediction="score", slices=["region"], post=engine_post)
    # One line in the notebook (no traceback through the workbench's files), said once.
    shown = missing.value._render_traceback_()
    assert len(shown) == 1 and shown[0].count("is not in the DataFrame") == 1
    with pytest.raises(AnalysisError, match="'segmnet' is not in the DataFrame; did you mean 'segment'"):
        analyze(df, label="y", prediction="score", slices=["segmnet"], post=engine_post)


def test_incomplete_documents_say_so(engine_post):
    df = frame()
    df["user"] = [f"u{i}" for i in range(len(df))]
    result = analyze(df, label="y", prediction="score", slices=["user"], max_distinct=5, post=engine_post)
    assert result.complete is False
    assert "Incomplete result" in result._repr_html_()
    assert "INCOMPLETE" in repr(result)
    assert any('"user" has 600 distinct values' in w for w in result.warnings)


def test_to_frame_lists_every_slice():
    doc = {
        "overall": {"feature": "Overall", "value": "All rows", "count": 3, "tooSmall": False, "metrics": {"accuracy": {"value": 0.5, "lo": 0.1, "hi": 0.9}}},
        "slices": [{"feature": "g", "value": "a", "count": 1, "tooSmall": True, "metrics": {}}],
        "metricInfo": {"accuracy": {"label": "Accuracy"}},
        "complete": True,
    }
    df = AnalysisResult(doc).to_frame()
    assert list(df["value"]) == ["All rows", "a"]
    assert df.loc[0, "accuracy"] == 0.5 and pd.isna(df.loc[1, "accuracy"])


# --- Through the real proxy ------------------------------------------------------------------------------------


@pytest.fixture
def real_proxy(runtime_dir, tmp_path, monkeypatch):
    """The proxy bundled from the current sources, started standalone the way kernels start it.

    Root dir `tmp_path/root` (KFWB_ROOT_DIR), local backend, throwaway state. Answers the root dir.
    """
    from kubeflow_workbench import launcher

    # proxy/build.mjs: proxy.mjs and the analysis-worker.mjs it runs analyses on, side by side as in the wheel.
    subprocess.run([shutil.which("node"), str(REPO / "proxy/build.mjs"), "--outdir", str(tmp_path)], check=True)
    bundle = tmp_path / "proxy.mjs"
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.setenv("KFWB_PROXY_BUNDLE", str(bundle))
    monkeypatch.setenv("KFWB_ROOT_DIR", str(root))
    monkeypatch.setenv("KFWB_BACKEND", "local")
    monkeypatch.setenv("KFWB_STATE_DIR", str(tmp_path / "state"))
    started = launcher.start_standalone(timeout=60)
    yield root
    os.kill(started.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.waitpid(started.pid, os.WNOHANG) == (0, 0):
        time.sleep(0.05)


def test_real_proxy_reads_files_under_the_root_and_inline_frames(real_proxy, tmp_path):
    from kubeflow_workbench.runtime import ProxyError

    df = frame()
    df.to_parquet(real_proxy / "scores.parquet")
    from_file = analyze(str(real_proxy / "scores.parquet"), label="y", prediction="score", slices=["segment"])
    inline = analyze(df, label="y", prediction="score", slices=["segment"])
    assert from_file.document["rows"] == inline.document["rows"] == len(df)
    for ours, theirs in zip(from_file.rows(), inline.rows()):
        assert ours["value"] == theirs["value"]
        assert ours["metrics"] == theirs["metrics"]
    df.to_csv(tmp_path / "outside.csv", index=False)
    with pytest.raises(ProxyError, match="outside the Jupyter root directory") as refused:
        analyze(str(tmp_path / "outside.csv"), label="y", prediction="score")
    assert refused.value.status == 403
    with pytest.raises(ProxyError, match='column "nope" is not in the data') as bad:
        analyze(str(real_proxy / "scores.parquet"), label="nope", prediction="score")
    assert bad.value.status == 400 and bad.value.fields[0].path == "/label"
