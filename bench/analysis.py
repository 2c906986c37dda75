"""Sliced binary metrics, side by side: our engine vs fairlearn MetricFrame vs pandas groupby + scikit-learn.

    python bench/analysis.py --rows 1000000 10000000

Each contender runs in its own process on the same Arrow file (5 slice features, weights, all binary metrics);
we report compute wall time (data already loaded), total process wall time and peak RSS of the process.
Not a test: a measurement. Engine numbers come from the bundled engine CLI under node.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FEATURES = ["region", "device", "cohort", "plan", "age_bucket"]
THRESHOLD = 0.5


def generate(rows, path):
    import numpy as np
    import pandas as pd
    import pyarrow.feather as feather

    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "region": pd.Categorical(rng.choice([f"r{i}" for i in range(5)], rows)),
            "device": pd.Categorical(rng.choice([f"d{i}" for i in range(10)], rows)),
            "cohort": rng.integers(0, 20, rows),
            "plan": rng.integers(0, 4, rows),
            "age_bucket": rng.integers(0, 10, rows),
            "w": rng.uniform(0.5, 2.0, rows),
        }
    )
    z = rng.normal(size=rows) + 0.1 * df["plan"].to_numpy()
    df["y"] = (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(np.int64)
    df["p"] = 1 / (1 + np.exp(-(z + rng.normal(size=rows))))
    feather.write_feather(df, path, compression="uncompressed")


def sklearn_metrics():
    import numpy as np
    from sklearn import metrics as skm

    def cls(f):
        return lambda y, p, sample_weight: f(y, p >= THRESHOLD, sample_weight=sample_weight)

    return {
        "accuracy": cls(skm.accuracy_score),
        "precision": cls(lambda y, p, sample_weight: skm.precision_score(y, p, sample_weight=sample_weight, zero_division=0)),
        "recall": cls(lambda y, p, sample_weight: skm.recall_score(y, p, sample_weight=sample_weight, zero_division=0)),
        "f1": cls(lambda y, p, sample_weight: skm.f1_score(y, p, sample_weight=sample_weight, zero_division=0)),
        "roc_auc": skm.roc_auc_score,
        "average_precision": skm.average_precision_score,
        "log_loss": lambda y, p, sample_weight: skm.log_loss(y, p, sample_weight=sample_weight, labels=[0, 1]),
        "calibration": lambda y, p, sample_weight: np.average(p, weights=sample_weight) / np.average(y, weights=sample_weight),
        "confusion": lambda y, p, sample_weight: skm.confusion_matrix(y, p >= THRESHOLD, sample_weight=sample_weight, labels=[0, 1]),
    }


def run_fairlearn(df):
    from fairlearn.metrics import MetricFrame

    metrics = sklearn_metrics()
    params = {name: {"sample_weight": df["w"].to_numpy()} for name in metrics}
    for feature in FEATURES:
        MetricFrame(metrics=metrics, y_true=df["y"], y_pred=df["p"], sensitive_features=df[feature], sample_params=params).by_group


def run_pandas(df):
    metrics = sklearn_metrics()
    for feature in FEATURES:
        for _, part in df.groupby(feature, observed=True):
            w = part["w"].to_numpy()
            for fn in metrics.values():
                fn(part["y"], part["p"], sample_weight=w)
    # overall too, as the others compute it
    for fn in metrics.values():
        fn(df["y"], df["p"], sample_weight=df["w"].to_numpy())


def worker(kind, data):
    import pyarrow.feather as feather

    df = feather.read_feather(data)
    start = time.perf_counter()
    {"fairlearn": run_fairlearn, "pandas": run_pandas}[kind](df)
    print(json.dumps({"computeMs": (time.perf_counter() - start) * 1000}))


def measured(command, env=None):
    """Runs a contender to completion; output goes to files so a large answer cannot block on a full pipe."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if status != 0:
        raise SystemExit(f"{command[:3]} failed: {stderr[-2000:]}")
    return stdout, stderr, wall, usage.ru_maxrss / 1024  # MiB (Linux reports KiB)


def build_cli(out):
    cli = Path(out) / "cli.mjs"
    subprocess.run(
        [str(REPO / "node_modules/.bin/esbuild"), str(REPO / "engine/cli.ts"), "--bundle", "--platform=node", "--format=esm",
         "--target=node20", f"--outfile={cli}", "--log-level=warning",
         "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"],
        check=True,
    )
    return cli


def bench(rows, tmp, cli, skip):
    data = Path(tmp) / f"bench-{rows}.arrow"
    generate(rows, data)
    spec = Path(tmp) / f"spec-{rows}.json"
    spec.write_text(json.dumps({"source": {"path": str(data)}, "label": "y", "prediction": "p", "weights": "w", "slices": FEATURES}))
    results = {}
    _, err, wall, rss = measured(["node", "--max-old-space-size=8192", str(cli), str(spec)], env={**os.environ, "KFWB_ENGINE_TIMING": "1"})
    timing = json.loads(err.strip().splitlines()[-1])
    results["ours (TS engine)"] = (timing["analyzeMs"], wall, rss)
    for kind in ("fairlearn", "pandas"):
        if kind in skip:
            continue
        out, _, wall, rss = measured([sys.executable, __file__, "--worker", kind, "--data", str(data)])
        results[{"fairlearn": "fairlearn MetricFrame", "pandas": "pandas groupby + sklearn"}[kind]] = (json.loads(out)["computeMs"], wall, rss)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--skip", nargs="*", default=[], choices=["fairlearn", "pandas"])
    parser.add_argument("--worker", choices=["fairlearn", "pandas"])
    parser.add_argument("--data")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.data)
    with tempfile.TemporaryDirectory() as tmp:
        cli = build_cli(tmp)
        print(f"{len(FEATURES)} slice features, weights, metrics: accuracy precision recall F1 ROC-AUC PR-AUC log-loss calibration confusion")
        print(f"| rows | contender | compute s | process wall s | peak RSS MiB | compute ratio vs ours |")
        print("| ---: | --- | ---: | ---: | ---: | ---: |")
        for rows in args.rows:
            results = bench(rows, tmp, cli, args.skip)
            ours = results["ours (TS engine)"][0]
            for name, (compute, wall, rss) in results.items():
                print(f"| {rows:,} | {name} | {compute / 1000:.2f} | {wall:.2f} | {rss:.0f} | {compute / ours:.1f}× |", flush=True)


if __name__ == "__main__":
    main()
