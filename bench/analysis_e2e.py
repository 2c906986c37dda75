"""Kernel-side latency of `analyze(df)` for 1 M rows through a real HTTP route, step by step.

    python bench/analysis_e2e.py [--rows 1000000]

Starts the analysis route alone (bench/analysis_server.ts, bundled with esbuild) and times: DataFrame → Arrow IPC
→ base64, the HTTP round trip (upload, engine, answer), and building the mime bundle. The remaining step, the
browser drawing the widget, needs a browser (Galata) and is not measured here.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from analysis import FEATURES, generate  # noqa: E402
from kubeflow_workbench.analyze import analyze  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Path(tmp) / "server.mjs"
        subprocess.run(
            [str(REPO / "node_modules/.bin/esbuild"), str(REPO / "bench/analysis_server.ts"), "--bundle", "--platform=node",
             "--format=esm", "--target=node20", f"--outfile={server}", "--log-level=warning",
             "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"],
            check=True,
        )
        # The route runs analyses on worker threads: build the worker script the way the wheel ships it.
        subprocess.run(["node", str(REPO / "proxy/build.mjs"), "--outdir", tmp], check=True)
        env = {**os.environ, "KFWB_ANALYSIS_WORKER": str(Path(tmp) / "analysis-worker.mjs")}
        proc = subprocess.Popen(["node", str(server)], stdout=subprocess.PIPE, text=True, cwd=tmp, env=env)
        try:
            port = int(proc.stdout.readline())
            import pyarrow.feather as feather

            data = Path(tmp) / "data.arrow"
            generate(args.rows, data)
            df = feather.read_feather(data)
            timings = {}

            def post(path, body):
                timings["serialised"] = time.perf_counter()
                payload = json.dumps(body).encode()
                request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=payload, headers={"content-type": "application/json"})
                with urllib.request.urlopen(request) as response:
                    answer = json.loads(response.read())
                timings["answered"] = time.perf_counter()
                timings["upload MiB"] = len(payload) / 2**20
                return answer

            start = time.perf_counter()
            result = analyze(df, label="y", prediction="p", weights="w", slices=FEATURES, post=post)
            bundle = result._repr_mimebundle_()
            done = time.perf_counter()
            doc = result.document
            print(f"rows {args.rows:,}, {len(doc['slices'])} slices, upload {timings['upload MiB']:.0f} MiB, document {len(json.dumps(bundle['application/vnd.kubeflow.slices+json'])) / 1024:.0f} KiB")
            print(f"| step | seconds |\n| --- | ---: |")
            print(f"| DataFrame → Arrow IPC → base64 → JSON | {timings['serialised'] - start:.2f} |")
            print(f"| HTTP round trip (upload, parse, engine, answer) | {timings['answered'] - timings['serialised']:.2f} |")
            print(f"| of which the engine | {doc['engine']['elapsedMs'] / 1000:.2f} |")
            print(f"| mime bundle (document + static HTML) | {done - timings['answered']:.2f} |")
            print(f"| total analyze() → display data ready | {done - start:.2f} |")
        finally:
            proc.terminate()


if __name__ == "__main__":
    main()
