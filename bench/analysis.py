"""Sliced binary metrics, side by side in one run: our engine vs DuckDB SQL vs pandas groupby + scikit-learn.

    nice python bench/analysis.py                       # 1 M and 10 M rows, 3 runs each (pandas: 1 at 10 M)
    nice python bench/analysis.py --rows 1000000 --repeat 5
    nice python bench/analysis.py --memory-rows 20000000 30000000   # also: our peak RSS at larger sizes

Runs under the bench's own venv (bench/analysis_venv.sh: duckdb, pandas, scikit-learn, pyarrow pinned; the script
re-runs itself there). The data (5 slice features, weights, label, score) is generated once per size with a fixed
seed and cached as uncompressed Arrow under ${XDG_CACHE_HOME:-~/.cache}/kubeflow-workbench/bench-analysis/.
Every contender runs in its own process on that file; we report compute time (data loaded: our Arrow table, a
DuckDB table, a pandas DataFrame), the process's wall time and its peak RSS. Runs are interleaved and medians
reported, because the machine is shared; CPU time (user + system, all threads) of the compute step and of the whole
process are printed too, as they move less with the load than wall time. Not a test: a measurement.

What each computes, per slice of each feature and overall:
- count-based: weighted confusion counts at the threshold (accuracy, precision, recall, F1, selection rate, FPR);
- all metrics: that, plus log loss, calibration, ROC-AUC and PR-AUC (exact, ties as blocks), and for DuckDB the
  weighted confusion counts at the 101 grid thresholds our documents carry.
Ours runs twice: with the default spec (`metrics: "all"`: all metrics, their intervals, the F1 bootstrap, the
threshold grid), compared with DuckDB's all-metrics queries, and with `metrics: "counts"` (the count-based metrics
with their intervals, the F1 bootstrap and the threshold grid's counts; no sort), compared with DuckDB's
count-based query — the side-by-side issue 12 asks for.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FEATURES = ["region", "device", "cohort", "plan", "age_bucket"]
THRESHOLD = 0.5
DEFAULT = "ours, all metrics (threads: one per core from 2 M rows)"
COUNTS = "ours, count-based (metrics: counts; threads: one per core from 2 M rows)"
DATA_VERSION = 1  # bump when generate() changes, so cached files are not reused
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kubeflow-workbench" / "bench-analysis"


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


def cached_data(rows):
    """The data file for `rows`, generated once (written aside, then renamed, so a half file is never used)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"data-v{DATA_VERSION}-{rows}.arrow"
    if not path.exists():
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        generate(rows, tmp)
        tmp.rename(path)
    return path


# ---------------------------------------------------------------------------------------------- DuckDB


def duckdb_queries():
    sets = ", ".join(f"({f})" for f in FEATURES) + ", ()"
    cols = ", ".join(FEATURES)
    counts = f"""
        SELECT {cols}, count(*) AS n, sum(w) AS sw, sum(w * y) AS pos,
               sum(CASE WHEN p >= {THRESHOLD} THEN w * y ELSE 0 END) AS tp,
               sum(CASE WHEN p >= {THRESHOLD} THEN w * (1 - y) ELSE 0 END) AS fp
        FROM t GROUP BY GROUPING SETS ({sets})"""
    moments = f"""
        SELECT {cols}, count(*) AS n, sum(w) AS sw, sum(w * w) AS sw2, sum(w * y) AS pos,
               sum(CASE WHEN p >= {THRESHOLD} THEN w * y ELSE 0 END) AS tp,
               sum(CASE WHEN p >= {THRESHOLD} THEN w * (1 - y) ELSE 0 END) AS fp,
               sum(w * -ln(CASE WHEN y = 1 THEN greatest(p, 2.220446049250313e-16)
                                ELSE greatest(1 - p, 2.220446049250313e-16) END)) / sum(w) AS log_loss,
               sum(w * p) / nullif(sum(w * y), 0) AS calibration
        FROM t GROUP BY GROUPING SETS ({sets})"""
    grid = f"""
        SELECT {cols}, least(floor(p * 100)::INT + 1, 101) AS bin, y, sum(w) AS sw
        FROM t GROUP BY GROUPING SETS ({", ".join(f"({f}, bin, y)" for f in FEATURES)}, (bin, y))"""
    # ROC-AUC and average precision exactly as sklearn: blocks of equal score, cumulative sums from the top. One
    # SELECT per feature (and the overall) under UNION ALL: at 1 M rows twice as fast as GROUPING SETS + window.
    def ranking_of(f):
        return f"""
        SELECT '{f}' AS feature, CAST({f} AS VARCHAR) AS value,
               sum(fb * (tp_incl - tb / 2)) / (sum(tb) * sum(fb)) AS roc_auc,
               sum(CASE WHEN tb > 0 THEN tb * tp_incl / (tp_incl + fp_incl) ELSE 0 END) / sum(tb) AS pr_auc
        FROM (SELECT {f}, tb, fb,
                     sum(tb) OVER (PARTITION BY {f} ORDER BY p DESC ROWS UNBOUNDED PRECEDING) AS tp_incl,
                     sum(fb) OVER (PARTITION BY {f} ORDER BY p DESC ROWS UNBOUNDED PRECEDING) AS fp_incl
              FROM (SELECT {f}, p, sum(w * y) AS tb, sum(w * (1 - y)) AS fb
                    FROM (SELECT *, 0 AS overall FROM t) GROUP BY {f}, p))
        GROUP BY {f}"""

    ranking = " UNION ALL ".join(ranking_of(f) for f in [*FEATURES, "overall"])
    return {"count": [counts], "all": [moments, grid, ranking]}


def run_duckdb(data, kind):
    import duckdb
    import pyarrow.feather as feather

    con = duckdb.connect()
    con.register("src", feather.read_table(data))
    con.execute("CREATE TABLE t AS SELECT * FROM src")
    con.unregister("src")
    start, cpu = time.perf_counter(), time.process_time()
    answers = [con.execute(q).fetchall() for q in duckdb_queries()[kind]]
    compute, cpu = time.perf_counter() - start, time.process_time() - cpu
    overall_auc = next((r[2] for r in answers[-1] if r[0] == "overall"), None) if kind == "all" else None
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return {"computeMs": compute * 1000, "computeCpuMs": cpu * 1000, "threads": threads, "overallAuc": overall_auc}


# ---------------------------------------------------------------------------------------- pandas + sklearn


def sklearn_metrics(kind):
    import numpy as np
    from sklearn import metrics as skm

    def at_threshold(f, **kw):
        return lambda y, p, w: f(y, p >= THRESHOLD, sample_weight=w, **kw)

    counts = {
        "accuracy": at_threshold(skm.accuracy_score),
        "precision": at_threshold(skm.precision_score, zero_division=0),
        "recall": at_threshold(skm.recall_score, zero_division=0),
        "f1": at_threshold(skm.f1_score, zero_division=0),
        "confusion": at_threshold(skm.confusion_matrix, labels=[0, 1]),
    }
    if kind == "count":
        return counts
    return {
        **counts,
        "roc_auc": lambda y, p, w: skm.roc_auc_score(y, p, sample_weight=w),
        "average_precision": lambda y, p, w: skm.average_precision_score(y, p, sample_weight=w),
        "log_loss": lambda y, p, w: skm.log_loss(y, p, sample_weight=w, labels=[0, 1]),
        "calibration": lambda y, p, w: np.average(p, weights=w) / np.average(y, weights=w),
    }


def run_pandas(data, kind):
    import pyarrow.feather as feather

    df = feather.read_feather(data)
    metrics = sklearn_metrics(kind)
    start, cpu = time.perf_counter(), time.process_time()
    parts = [part for feature in FEATURES for _, part in df.groupby(feature, observed=True)] + [df]
    for part in parts:
        y, p, w = part["y"].to_numpy(), part["p"].to_numpy(), part["w"].to_numpy()
        for fn in metrics.values():
            fn(y, p, w)
    return {"computeMs": (time.perf_counter() - start) * 1000, "computeCpuMs": (time.process_time() - cpu) * 1000}


# ------------------------------------------------------------------------------------------------- runner


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
    return stdout, stderr, wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # MiB (Linux: KiB)


def build_cli(out):
    cli = Path(out) / "cli.mjs"
    subprocess.run(
        [str(REPO / "node_modules/.bin/esbuild"), str(REPO / "engine/cli.ts"), "--bundle", "--platform=node", "--format=esm",
         "--target=node20", f"--outfile={cli}", "--log-level=warning",
         "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"],
        check=True,
    )
    return cli


def ours(cli, data, tmp, threads, metrics="all"):
    spec = Path(tmp) / "spec.json"
    spec.write_text(json.dumps({"source": {"path": str(data)}, "label": "y", "prediction": "p", "weights": "w", "slices": FEATURES,
                                "metrics": metrics}))
    env = {**os.environ, "KFWB_ENGINE_TIMING": "1", "KFWB_ENGINE_THREADS": str(threads)}  # 0: the default pool
    out, err, wall, rss, cpu = measured(["node", "--max-old-space-size=16384", str(cli), str(spec)], env=env)
    timing = json.loads(err.strip().splitlines()[-1])
    doc = json.loads(out)
    return {"computeMs": timing["analyzeMs"], "computeCpuMs": timing["analyzeCpuMs"], "wall": wall, "rss": rss, "cpu": cpu,
            "overallAuc": doc["overall"]["metrics"].get("rocAuc", {}).get("value")}


def contender(kind, metrics, data):
    out, _, wall, rss, cpu = measured([sys.executable, __file__, "--worker", kind, "--metrics", metrics, "--data", str(data)])
    return {**json.loads(out), "wall": wall, "rss": rss, "cpu": cpu}


def load():
    return os.getloadavg()


def bench(rows, cli, tmp, repeat, pandas_repeat, skip):
    data = cached_data(rows)
    cores = os.cpu_count()
    runs = {}
    plan = [(DEFAULT, lambda: ours(cli, data, tmp, 0)),
            ("ours, all metrics, 1 thread", lambda: ours(cli, data, tmp, 1)),
            (COUNTS, lambda: ours(cli, data, tmp, 0, "counts")),
            ("ours, count-based, 1 thread", lambda: ours(cli, data, tmp, 1, "counts")),
            ("DuckDB, count-based", lambda: contender("duckdb", "count", data)),
            ("DuckDB, all metrics", lambda: contender("duckdb", "all", data))]
    if "pandas" not in skip:
        plan += [("pandas + sklearn, count-based", lambda: contender("pandas", "count", data)),
                 ("pandas + sklearn, all metrics", lambda: contender("pandas", "all", data))]
    loads = [load()]
    for r in range(repeat):
        for name, run in plan:
            if name.startswith("pandas") and r >= pandas_repeat:
                continue
            runs.setdefault(name, []).append(run())
            loads.append(load())
    auc_ours = runs[DEFAULT][0]["overallAuc"]
    auc_duck = runs["DuckDB, all metrics"][0]["overallAuc"]
    return runs, loads, cores, (auc_ours, auc_duck)


def report(rows, runs, loads):
    med = {name: statistics.median(r["computeMs"] for r in rs) / 1000 for name, rs in runs.items()}
    cpu_med = {name: statistics.median(r["computeCpuMs"] for r in rs) / 1000 for name, rs in runs.items()}
    for name, rs in runs.items():
        compute = [r["computeMs"] / 1000 for r in rs]
        wall = statistics.median(r["wall"] for r in rs)
        cpu = statistics.median(r["cpu"] for r in rs)
        compute_cpu = statistics.median(r["computeCpuMs"] for r in rs) / 1000
        rss = max(r["rss"] for r in rs)
        versus = ""
        if name.startswith("ours"):
            versus = f"{med[name] / med['DuckDB, count-based']:.2f}× / {med[name] / med['DuckDB, all metrics']:.2f}×"
            versus += f" (CPU {compute_cpu / cpu_med['DuckDB, count-based']:.2f}× / {compute_cpu / cpu_med['DuckDB, all metrics']:.2f}×)"
        spread = ", ".join(f"{c:.2f}" for c in compute)
        print(f"| {rows:,} | {name} | {med[name]:.2f} | {spread} | {compute_cpu:.2f} | {wall:.2f} | {cpu:.2f} | {rss:,.0f} | {versus} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pandas-repeat", type=int, default=None, help="pandas runs per size (default: 3 at ≤1 M rows, else 1)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["pandas"])
    parser.add_argument("--memory-rows", type=int, nargs="*", default=[], help="extra sizes: our engine only, for peak RSS")
    parser.add_argument("--worker", choices=["duckdb", "pandas"])
    parser.add_argument("--metrics", choices=["count", "all"])
    parser.add_argument("--data")
    args = parser.parse_args()
    if args.worker:
        run = {"duckdb": run_duckdb, "pandas": run_pandas}[args.worker]
        print(json.dumps(run(args.data, args.metrics)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        cli = build_cli(tmp)
        print(f"{os.cpu_count()} cores; node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}; "
              f"duckdb {__import__('duckdb').__version__}; scikit-learn {__import__('sklearn').__version__}; pandas {__import__('pandas').__version__}")
        print(f"{len(FEATURES)} slice features ({', '.join(FEATURES)}) + overall, weights; compute = data already loaded")
        print("| rows | contender | compute s (median) | runs | compute CPU s | process wall s | process CPU s | peak RSS MiB | ours ÷ DuckDB count / all (CPU) |")
        print("| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for rows in args.rows:
            pandas_repeat = args.pandas_repeat if args.pandas_repeat is not None else (args.repeat if rows <= 1_000_000 else 1)
            runs, loads, _, (auc_ours, auc_duck) = bench(rows, cli, tmp, args.repeat, pandas_repeat, args.skip)
            report(rows, runs, loads)
            print(f"<!-- {rows:,} rows: load average during the runs {min(l[0] for l in loads):.1f}–{max(l[0] for l in loads):.1f}; "
                  f"overall ROC-AUC ours {auc_ours:.15f}, DuckDB {auc_duck:.15f} -->", flush=True)
        for rows in args.memory_rows:
            data = cached_data(rows)
            r = ours(cli, data, tmp, 0)
            print(f"memory: {rows:,} rows, ours (default threads): compute {r['computeMs'] / 1000:.2f} s, peak RSS {r['rss']:,.0f} MiB, "
                  f"data file {data.stat().st_size / rows:.0f} B/row", flush=True)


def in_bench_venv():
    """Re-runs this script under the bench's venv (DuckDB and friends pinned) unless already there."""
    try:
        import duckdb  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        python = subprocess.run(["bash", str(REPO / "bench/analysis_venv.sh")], check=True, capture_output=True, text=True).stdout.strip()
        os.execv(python, [python, __file__, *sys.argv[1:]])


if __name__ == "__main__":
    in_bench_venv()
    main()
