"""Checks the TypeScript analysis engine against scikit-learn and fairlearn on the same seeded data.

The engine runs for real: `engine/cli.ts` is bundled with esbuild and run with node on an Arrow file. Exact
metrics must agree to 1e-9; interval coverage is checked by simulation.
"""

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.feather as feather
import pytest
from fairlearn.metrics import MetricFrame
from scipy.stats import norm
from sklearn import metrics as skm

REPO = Path(__file__).resolve().parents[2]
TOL = 1e-9
THRESHOLD = 0.5


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    """Bundles the engine CLI once and answers a function running it on (DataFrame, spec)."""
    node = shutil.which("node")
    assert node, "node is required to run the engine"
    out = tmp_path_factory.mktemp("engine")
    cli = out / "cli.mjs"
    subprocess.run(
        [
            str(REPO / "node_modules/.bin/esbuild"),
            str(REPO / "engine/cli.ts"),
            "--bundle",
            "--platform=node",
            "--format=esm",
            "--target=node20",
            f"--outfile={cli}",
            "--log-level=warning",
            "--banner:js=import { createRequire as __cr } from 'node:module'; "
            "const require = __cr(import.meta.url);",
        ],
        check=True,
        cwd=REPO,
    )
    counter = iter(range(10**6))

    def run(df, fmt="arrow", **spec):
        i = next(counter)
        data = out / f"data{i}.{fmt}"
        if fmt == "csv":
            df.to_csv(data, index=False)
        elif fmt == "parquet":
            df.to_parquet(data)
        else:
            feather.write_feather(df, data, compression="uncompressed")
        spec_file = out / f"spec{i}.json"
        spec_file.write_text(json.dumps({"source": {"path": str(data)}, **spec}))
        done = subprocess.run([node, str(cli), str(spec_file)], capture_output=True, text=True)
        if done.returncode != 0:
            raise AssertionError(done.stderr)
        return json.loads(done.stdout)

    return run


def binary_data(n=20000, seed=7):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "group": pd.Categorical(rng.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1])),
            "tier": rng.integers(0, 3, n),
            "age": rng.normal(40, 12, n),
            "w": rng.uniform(0.2, 3.0, n),
        }
    )
    logit = -0.5 + 0.8 * (df["group"] == "north") + 0.03 * (df["age"] - 40) + 0.4 * df["tier"]
    df["y"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    noisy = logit + rng.normal(0, 1.0, n)
    # Rounded scores create ties, which is where AUC/AP implementations differ.
    df["p"] = np.round(1 / (1 + np.exp(-noisy)), 3)
    df["b"] = np.round(1 / (1 + np.exp(-(logit * 0.5 + rng.normal(0, 1.5, n)))), 2)
    return df


def at(t):
    return lambda f: lambda y, p, sample_weight: f(y, p >= t, sample_weight=sample_weight)


BINARY_REFERENCE = {
    "accuracy": at(THRESHOLD)(skm.accuracy_score),
    "precision": at(THRESHOLD)(lambda y, p, sample_weight: skm.precision_score(y, p, sample_weight=sample_weight, zero_division=0)),
    "recall": at(THRESHOLD)(lambda y, p, sample_weight: skm.recall_score(y, p, sample_weight=sample_weight, zero_division=0)),
    "f1": at(THRESHOLD)(lambda y, p, sample_weight: skm.f1_score(y, p, sample_weight=sample_weight, zero_division=0)),
    "selectionRate": at(THRESHOLD)(lambda y, p, sample_weight: np.average(p, weights=sample_weight)),
    "rocAuc": skm.roc_auc_score,
    "prAuc": skm.average_precision_score,
    "logLoss": lambda y, p, sample_weight: skm.log_loss(y, p, sample_weight=sample_weight, labels=[0, 1]),
    "calibration": lambda y, p, sample_weight: np.average(p, weights=sample_weight) / np.average(y, weights=sample_weight),
}


def metric_frame(df, reference, features, weights="w", prediction="p", label="y"):
    sample = {name: {"sample_weight": df[weights].to_numpy()} for name in reference}
    return MetricFrame(
        metrics=reference,
        y_true=df[label],
        y_pred=df[prediction],
        sensitive_features=df[features] if isinstance(features, list) else df[features],
        sample_params=sample,
    )


def slices_of(doc, feature):
    return {s["value"]: s for s in doc["slices"] if s["feature"] == feature}


def assert_close(ours, expected, what):
    assert ours is not None, what
    assert abs(ours - expected) <= TOL * max(1.0, abs(expected)), f"{what}: engine {ours!r} vs reference {expected!r}"


def test_binary_overall_matches_sklearn_with_weights(engine):
    df = binary_data()
    doc = engine(df, label="y", prediction="p", weights="w", slices=[])
    overall = doc["overall"]
    assert overall["count"] == len(df)
    assert_close(overall["weightedCount"], df["w"].sum(), "weighted count")
    w = df["w"].to_numpy()
    for name, fn in BINARY_REFERENCE.items():
        assert_close(overall["metrics"][name]["value"], fn(df["y"], df["p"], sample_weight=w), name)
    assert doc["complete"] is True and doc["version"] == 1


def test_binary_slices_and_crosses_match_fairlearn(engine):
    df = binary_data()
    doc = engine(df, label="y", prediction="p", weights="w", slices=["group", {"cross": ["group", "tier"]}])
    single = metric_frame(df, BINARY_REFERENCE, "group").by_group
    ours = slices_of(doc, "group")
    assert set(ours) == set(single.index)
    for value, row in single.iterrows():
        for name in BINARY_REFERENCE:
            assert_close(ours[value]["metrics"][name]["value"], row[name], f"group={value} {name}")
    crossed = metric_frame(df, BINARY_REFERENCE, ["group", "tier"]).by_group.dropna()
    ours = slices_of(doc, "group × tier")
    assert len(ours) == len(crossed)
    for (g, t), row in crossed.iterrows():
        key = f"{g} × {t}"
        counts = ((df["group"] == g) & (df["tier"] == t)).sum()
        assert ours[key]["count"] == counts
        for name in BINARY_REFERENCE:
            assert_close(ours[key]["metrics"][name]["value"], row[name], f"{key} {name}")


def test_count_only_run_matches_fairlearn_on_the_count_based_metrics(engine):
    df = binary_data()
    doc = engine(df, label="y", prediction="p", weights="w", slices=["group", {"cross": ["group", "tier"]}], metrics="counts")
    counted = ["accuracy", "precision", "recall", "f1", "selectionRate"]
    assert set(doc["metricInfo"]) == {*counted, "fpr"}
    reference = {name: BINARY_REFERENCE[name] for name in counted}
    w = df["w"].to_numpy()
    for name in counted:
        assert_close(doc["overall"]["metrics"][name]["value"], reference[name](df["y"], df["p"], sample_weight=w), name)
    ours = slices_of(doc, "group × tier")
    crossed = metric_frame(df, reference, ["group", "tier"]).by_group.dropna()
    assert len(ours) == len(crossed)
    for (g, t), row in crossed.iterrows():
        for name in counted:
            assert_close(ours[f"{g} × {t}"]["metrics"][name]["value"], row[name], f"{g} × {t} {name}")


def test_quantile_buckets_use_lower_quantiles_and_match_groupby(engine):
    df = binary_data()
    doc = engine(df, label="y", prediction="p", weights="w", slices=[{"feature": "age", "buckets": {"quantiles": 4}}])
    edges = np.quantile(df["age"], [0.25, 0.5, 0.75], method="lower")
    buckets = slices_of(doc, "age")
    assert [s["range"] for s in buckets.values()] == [[None, edges[0]], [edges[0], edges[1]], [edges[1], edges[2]], [edges[2], None]]
    codes = np.searchsorted(edges, df["age"], side="right")
    for code, (label, ours) in enumerate(buckets.items()):
        part = df[codes == code]
        assert ours["count"] == len(part), label
        for name in ("accuracy", "rocAuc", "prAuc", "logLoss"):
            expected = BINARY_REFERENCE[name](part["y"], part["p"], sample_weight=part["w"].to_numpy())
            assert_close(ours["metrics"][name]["value"], expected, f"{label} {name}")


def test_confusion_grid_matches_weighted_confusion_matrix(engine):
    df = binary_data(n=5000, seed=3)
    doc = engine(df, label="y", prediction="p", weights="w", slices=["group"])
    thresholds = doc["thresholds"]
    assert thresholds[0] == 0 and thresholds[-1] == 1 and len(thresholds) == 101
    south = df[df["group"] == "south"]
    grid = slices_of(doc, "group")["south"]["confusion"]
    for k in (0, 13, 50, 77, 100):
        tn, fp, fn, tp = skm.confusion_matrix(
            south["y"], south["p"] >= thresholds[k], sample_weight=south["w"], labels=[0, 1]
        ).ravel()
        # The stored grid keeps 8 significant digits (it only drives the threshold slider).
        for ours, expected in zip((grid["tp"][k], grid["fp"][k], grid["tn"][k], grid["fn"][k]), (tp, fp, tn, fn)):
            assert abs(ours - expected) <= 1e-7 * max(1, expected)


def test_baseline_difference_and_unweighted_counts(engine):
    df = binary_data(n=8000, seed=11)
    doc = engine(df, label="y", prediction="p", baseline="b", slices=["tier"])
    for value, s in slices_of(doc, "tier").items():
        part = df[df["tier"] == int(value)]
        acc = lambda col: skm.accuracy_score(part["y"], part[col] >= THRESHOLD)
        auc = lambda col: skm.roc_auc_score(part["y"], part[col])
        diff = s["baselineDiff"]
        assert_close(diff["accuracy"]["value"], acc("p") - acc("b"), f"tier={value} accuracy diff")
        assert_close(diff["rocAuc"]["value"], auc("p") - auc("b"), f"tier={value} auc diff")
        assert diff["rocAuc"]["significant"] == (diff["rocAuc"]["lo"] > 0 or diff["rocAuc"]["hi"] < 0)
        assert s["weightedCount"] == len(part)


def test_multiclass_matches_fairlearn(engine):
    rng = np.random.default_rng(5)
    n = 12000
    df = pd.DataFrame({"y": rng.choice(["cat", "dog", "bird"], n), "seg": rng.integers(0, 4, n), "w": rng.uniform(0.5, 2, n)})
    df["pred"] = np.where(rng.random(n) < 0.7, df["y"], rng.choice(["cat", "dog", "bird", "fish"], n))
    reference = {
        "accuracy": skm.accuracy_score,
        "macroF1": lambda y, p, sample_weight: skm.f1_score(y, p, average="macro", sample_weight=sample_weight),
        "microF1": lambda y, p, sample_weight: skm.f1_score(y, p, average="micro", sample_weight=sample_weight),
    }
    doc = engine(df, label="y", prediction="pred", task="multiclass", weights="w", slices=["seg"])
    frame = metric_frame(df, reference, "seg", prediction="pred")
    for name, fn in reference.items():
        assert_close(doc["overall"]["metrics"][name]["value"], frame.overall[name], f"overall {name}")
    ours = slices_of(doc, "seg")
    for value, row in frame.by_group.iterrows():
        for name in reference:
            assert_close(ours[str(value)]["metrics"][name]["value"], row[name], f"seg={value} {name}")


def test_regression_matches_sklearn(engine):
    rng = np.random.default_rng(9)
    n = 10000
    df = pd.DataFrame({"seg": rng.choice(["a", "b", "c"], n), "w": rng.uniform(0.1, 4, n), "x": rng.normal(size=n)})
    df["y"] = 3 * df["x"] + rng.normal(size=n) + 100
    df["yhat"] = 3.1 * df["x"] + 100.2
    reference = {
        "mae": skm.mean_absolute_error,
        "rmse": lambda y, p, sample_weight: math.sqrt(skm.mean_squared_error(y, p, sample_weight=sample_weight)),
        "r2": skm.r2_score,
    }
    doc = engine(df, label="y", prediction="yhat", task="regression", weights="w", slices=["seg"])
    frame = metric_frame(df, reference, "seg", prediction="yhat")
    ours = slices_of(doc, "seg")
    for value, row in frame.by_group.iterrows():
        for name in reference:
            assert_close(ours[value]["metrics"][name]["value"], row[name], f"seg={value} {name}")
    for name in reference:
        assert_close(doc["overall"]["metrics"][name]["value"], frame.overall[name], f"overall {name}")


def test_csv_parquet_and_arrow_files_give_the_same_document(engine):
    df = binary_data(n=3000, seed=21)
    spec = dict(label="y", prediction="p", weights="w", slices=["group", {"cross": ["group", "tier"]}])
    docs = {fmt: engine(df, fmt=fmt, **spec) for fmt in ("arrow", "csv", "parquet")}
    reference = docs.pop("arrow")
    for fmt, doc in docs.items():
        assert doc["rows"] == len(df), fmt
        assert [(s["feature"], s["value"], s["count"]) for s in doc["slices"]] == [
            (s["feature"], s["value"], s["count"]) for s in reference["slices"]
        ], fmt
        for ours, theirs in zip([doc["overall"], *doc["slices"]], [reference["overall"], *reference["slices"]]):
            for name, estimate in theirs["metrics"].items():
                assert_close(ours["metrics"][name]["value"], estimate["value"], f"{fmt} {ours['value']} {name}")


def test_zero_division_and_macro_f1_follow_sklearn(engine):
    """Issue 12, finding 8: undefined precision/recall/F1 are 0 (zero_division=0), and macro F1 averages over every
    class in the slice's rows, also one that occurs only in zero-weight rows (its F1 is then 0)."""
    rng = np.random.default_rng(12)
    n = 4000
    df = pd.DataFrame({"seg": rng.integers(0, 4, n), "w": rng.uniform(0.5, 2, n), "p": rng.uniform(0, 0.49, n)})
    df["y"] = np.where(df["seg"] == 0, 0, rng.integers(0, 2, n))  # seg 0: no positives; nothing predicted anywhere
    df.loc[df["seg"] == 3, "p"] = rng.uniform(0.5, 1, int((df["seg"] == 3).sum()))  # seg 3: predictions at last
    doc = engine(df, label="y", prediction="p", weights="w", slices=["seg"])
    ours = slices_of(doc, "seg")
    for value, part in df.groupby("seg"):
        for name in ("precision", "recall", "f1"):
            expected = BINARY_REFERENCE[name](part["y"], part["p"], sample_weight=part["w"].to_numpy())
            assert_close(ours[str(value)]["metrics"][name]["value"], expected, f"seg={value} {name}")
    assert ours["0"]["metrics"]["precision"]["value"] == 0 and ours["0"]["metrics"]["recall"]["value"] == 0

    classes = pd.DataFrame({"y": rng.choice(["a", "b", "c"], n), "seg": rng.integers(0, 3, n), "w": rng.uniform(0.5, 2, n)})
    classes["pred"] = np.where(rng.random(n) < 0.6, classes["y"], rng.choice(["a", "b", "c"], n))
    # Class "z" occurs only in zero-weight rows: in the labels of seg 0 and in the predictions of seg 1.
    classes.loc[0, ["y", "seg", "w"]] = ["z", 0, 0.0]
    classes.loc[1, ["pred", "seg", "w"]] = ["z", 1, 0.0]
    f1 = lambda y, p, sample_weight: skm.f1_score(y, p, average="macro", sample_weight=sample_weight)
    doc = engine(classes, label="y", prediction="pred", task="multiclass", weights="w", slices=["seg"])
    assert_close(doc["overall"]["metrics"]["macroF1"]["value"], f1(classes["y"], classes["pred"], classes["w"]), "overall macroF1")
    ours = slices_of(doc, "seg")
    for value, part in classes.groupby("seg"):
        expected = f1(part["y"], part["pred"], part["w"])
        assert_close(ours[str(value)]["metrics"]["macroF1"]["value"], expected, f"seg={value} macroF1")


def coverage_data(replications, n, seed):
    """Binormal scores (positives N(1,1), negatives N(0,1)) through a sigmoid, one slice per replication."""
    rng = np.random.default_rng(seed)
    total = replications * n
    y = rng.integers(0, 2, total)
    s = rng.normal(size=total) + y
    return pd.DataFrame({"rep": np.repeat(np.arange(replications), n), "y": y, "p": 1 / (1 + np.exp(-s))})


def test_interval_coverage_by_simulation(engine):
    replications = 400
    df = coverage_data(replications, 300, seed=2024)
    doc = engine(df, label="y", prediction="p", slices=["rep"], maxDistinct=1000, bootstrap={"samples": 400, "seed": 1})
    tpr, fpr = norm.cdf(1), 0.5  # score >= 0.5 ⇔ s >= 0, prevalence 1/2
    truth = {
        "accuracy": 0.5 * tpr + 0.5 * (1 - fpr),
        "rocAuc": norm.cdf(1 / math.sqrt(2)),
        "f1": 2 * tpr / (2 * tpr + fpr + (1 - tpr)),
    }
    slices = slices_of(doc, "rep")
    assert len(slices) == replications
    for name, value in truth.items():
        covered = np.mean([s["metrics"][name]["lo"] <= value <= s["metrics"][name]["hi"] for s in slices.values()])
        assert 0.92 <= covered <= 0.98, f"{name}: 95% interval covered the truth in {covered:.3f} of replications"
