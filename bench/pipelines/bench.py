"""Per-step overhead of the local pipeline runner, side by side in one run (nothing here asserts a time):

1. floor: the ten steps as plain Python scripts run by hand in sequence (one interpreter per step);
2. by hand: the exact ten commands kfp compiled (`python3 -m kfp.dsl.executor_main …` with an ExecutorInput),
   run in sequence with no runner: what any runner executing this IR must at least pay;
3. kfp.local: `kfp.local.SubprocessRunner(use_venv=False)` running the pipeline function (kfp from PyPI);
4. ours (kfp IR): the same IR, compiled by the kfp SDK, posted to the real proxy bundle's local runner;
5. ours (document): the same chain as a `.kfpipeline` of ten function nodes, compiled by our compiler (its
   Python shim instead of kfp's executor), through the same proxy.

Same interpreter for every row: the kfp venv's (`test/kfp/venv.sh`), which is also `KFWB_PYTHON` for the proxy.
Run: `nice bench/pipelines/run.sh` (needs `npm run build:proxy` and node >= 20).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BUNDLE = REPO / "kubeflow_workbench" / "proxy_dist" / "proxy.mjs"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
sys.path.insert(0, str(HERE))
warnings.filterwarnings("ignore", category=FutureWarning)

from chain import STEPS, chain  # noqa: E402


def compile_ir(out: Path) -> dict:
    import yaml
    from kfp import compiler

    compiler.Compiler().compile(chain, str(out))
    return yaml.safe_load(out.read_text())


def ordered_tasks(ir: dict) -> list[str]:
    """Task names in chain order (each reads the previous one's Output)."""
    tasks = ir["root"]["dag"]["tasks"]
    by_producer = {}
    first = None
    for name, task in tasks.items():
        producer = task["inputs"]["parameters"]["x"].get("taskOutputParameter", {}).get("producerTask")
        if producer is None:
            first = name
        else:
            by_producer[producer] = name
    order = [first]
    while order[-1] in by_producer:
        order.append(by_producer[order[-1]])
    return order


# 1. floor -------------------------------------------------------------------------------------------------------
def floor(work: Path) -> float:
    script = work / "step.py"
    script.write_text(
        "import sys\nsys.path.insert(0, sys.argv[3])\nfrom steps import add_one\n"
        "x = int(open(sys.argv[1]).read())\nopen(sys.argv[2], 'w').write(str(add_one(x)))\n"
    )
    (work / "v0").write_text("0")
    start = time.perf_counter()
    for i in range(STEPS):
        subprocess.run([sys.executable, str(script), str(work / f"v{i}"), str(work / f"v{i + 1}"), str(HERE)],
                       check=True)
    elapsed = time.perf_counter() - start
    assert (work / f"v{STEPS}").read_text() == str(STEPS)
    return elapsed


# 2. the compiled commands by hand ----------------------------------------------------------------------------------
def by_hand(ir: dict, work: Path) -> float:
    executors = ir["deploymentSpec"]["executors"]
    components = ir["components"]
    tasks = ir["root"]["dag"]["tasks"]
    value = 0
    start = time.perf_counter()
    for task in ordered_tasks(ir):
        container = executors[components[tasks[task]["componentRef"]["name"]]["executorLabel"]]["container"]
        root = work / task
        root.mkdir()
        executor_input = {
            "inputs": {"parameterValues": {"x": value}},
            "outputs": {"parameters": {"Output": {"outputFile": str(root / "Output")}},
                        "outputFile": str(root / "executor_output.json")},
        }
        argv = [a.replace("{{$}}", json.dumps(executor_input)) for a in container["command"] + container["args"]]
        argv = [a.replace("python3", sys.executable) for a in argv]  # as kfp.local does
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        value = json.loads((root / "executor_output.json").read_text())["parameterValues"]["Output"]
    elapsed = time.perf_counter() - start
    assert value == STEPS, value
    return elapsed


# 3. kfp.local ---------------------------------------------------------------------------------------------------
def kfp_local(work: Path) -> float:
    from kfp import local

    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=str(work))
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        saved, sys.stdout = sys.stdout, sink  # kfp.local streams every step's output to stdout
        try:
            result = chain(start=0)
        finally:
            sys.stdout = saved
    elapsed = time.perf_counter() - start
    assert result.output == STEPS, result.output
    return elapsed


# 4./5. our proxy ------------------------------------------------------------------------------------------------
class Proxy:
    """The real proxy bundle, local backend, throwaway state; KFWB_PYTHON = this interpreter."""

    def __init__(self, work: Path, root: Path):
        self.token = secrets.token_urlsafe(32)
        runtime = work / "runtime"
        env = {**os.environ, "KFWB_TOKEN": self.token, "KFWB_PYTHON": sys.executable, "KFWB_BACKEND": "local",
               "KFWB_STATE_DIR": str(work / "state"), "KFWB_ROOT_DIR": str(root)}
        self.process = subprocess.Popen(["node", str(BUNDLE), "--port", "0", "--runtime-dir", str(runtime)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        runtime_file = runtime / f"proxy-{self.process.pid}.json"
        while not runtime_file.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the proxy did not start (run `npm run build:proxy`)")
            time.sleep(0.05)
        self.url = json.loads(runtime_file.read_text())["url"]

    def _connection(self, timeout=None) -> http.client.HTTPConnection:
        parts = urlsplit(self.url)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def post(self, path: str, body: dict) -> dict:
        connection = self._connection(60)
        connection.request("POST", path, json.dumps(body), {"X-Kubeflow-Workbench-Token": self.token,
                                                             "Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read())
        if response.status >= 300:
            raise RuntimeError(f"{path}: {answer}")
        return answer

    def run(self, body: dict) -> tuple[float, dict]:
        """POST the run and follow the live stream (opened first) until it finishes: wall time and final run."""
        connection = self._connection()
        connection.request("GET", "/api/v1/namespaces/default/watch/runs",
                           headers={"X-Kubeflow-Workbench-Token": self.token, "Accept": "text/event-stream"})
        stream = connection.getresponse()
        while not stream.readline().startswith(b": connected"):
            pass
        start = time.perf_counter()
        name = self.post("/api/v1/namespaces/default/runs", body)["name"]
        event = None
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event in ("added", "modified"):
                run = json.loads(line[6:])["object"]
                if run["name"] == name and run["phase"] in ("Succeeded", "Failed", "Cancelled"):
                    elapsed = time.perf_counter() - start
                    connection.close()
                    return elapsed, run
        raise RuntimeError("the stream ended before the run finished")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def our_document() -> dict:
    nodes, edges = [], []
    for i in range(STEPS):
        node = {"id": f"add-one-{i + 1}", "kind": "function", "file": "steps.py", "function": "add_one",
                "inputs": [{"name": "x", "type": "NUMBER_INTEGER"}], "outputs": [{"name": "Output",
                                                                                  "type": "NUMBER_INTEGER"}],
                "caching": False}
        if i == 0:
            node["inputs"][0]["parameter"] = "start"
        else:
            edges.append({"from": {"node": f"add-one-{i}", "output": "Output"},
                          "to": {"node": node["id"], "input": "x"}})
        nodes.append(node)
    return {"version": 1, "name": "chain-10", "parameters": [{"name": "start", "type": "NUMBER_INTEGER",
                                                             "default": 0}], "nodes": nodes, "edges": edges}


def ours(proxy: Proxy, body: dict) -> tuple[float, float]:
    elapsed, run = proxy.run(body)
    assert run["phase"] == "Succeeded", run.get("message")
    last = max(run["steps"], key=lambda s: s["finished"])
    assert last["outputs"]["parameters"]["Output"] == STEPS, last
    return elapsed, inside_steps(run)


def inside_steps(run: dict) -> float:
    from datetime import datetime

    def t(s: str) -> float:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()

    return sum(t(s["finished"]) - t(s["started"]) for s in run["steps"])


# ------------------------------------------------------------------------------------------------------------------
def main() -> None:
    import kfp

    base = Path(tempfile.mkdtemp(prefix="kfwb-bench-pipelines-"))
    root = base / "root"
    root.mkdir()
    shutil.copy(HERE / "steps.py", root / "steps.py")
    ir = compile_ir(base / "chain.yaml")
    proxy = Proxy(base, root)
    results: dict[str, list[float]] = {k: [] for k in ("floor", "hand", "kfp", "ours-ir", "ours-doc")}
    inside: dict[str, list[float]] = {"ours-ir": [], "ours-doc": []}
    try:
        document = {"spec": our_document(), "path": "chain.kfpipeline"}
        for r in range(ROUNDS + 1):  # round 0 warms caches (imports, page cache) and is not counted
            work = base / f"round-{r}"
            for part in ("floor", "hand", "kfp-local"):
                (work / part).mkdir(parents=True)
            sample = {
                "floor": floor(work / "floor"),
                "hand": by_hand(ir, work / "hand"),
                "kfp": kfp_local(work / "kfp-local"),
            }
            wall_ir, in_ir = ours(proxy, {"ir": ir, "name": f"ir-{r}"})
            wall_doc, in_doc = ours(proxy, {**document, "name": f"doc-{r}"})
            sample.update({"ours-ir": wall_ir, "ours-doc": wall_doc})
            if r > 0:
                for k, v in sample.items():
                    results[k].append(v)
                inside["ours-ir"].append(in_ir)
                inside["ours-doc"].append(in_doc)
            print(f"round {r}{' (warm-up)' if r == 0 else ''}: " +
                  ", ".join(f"{k} {v:.2f} s" for k, v in sample.items()), file=sys.stderr, flush=True)
    finally:
        proxy.close()
        shutil.rmtree(base, ignore_errors=True)
    print_table(results, inside, kfp.__version__)


def print_table(results: dict[str, list[float]], inside: dict[str, list[float]], kfp_version: str) -> None:
    med = {k: statistics.median(v) for k, v in results.items()}
    floor_step = med["floor"] / STEPS
    hand_step = med["hand"] / STEPS
    labels = {
        "floor": "floor: plain scripts by hand, in sequence",
        "hand": "the compiled kfp commands by hand, in sequence",
        "kfp": f"kfp.local SubprocessRunner (kfp {kfp_version})",
        "ours-ir": "ours: the kfp-compiled IR via the proxy",
        "ours-doc": "ours: our document (our compiler's shim)",
    }
    print(f"\n{STEPS}-step Python-function chain, median of {ROUNDS} rounds after a warm-up "
          f"(per step = total / {STEPS})\n")
    print("| runner | total | per step | per step over the floor | per step over the same commands by hand |")
    print("|---|---:|---:|---:|---:|")
    for key, label in labels.items():
        per = med[key] / STEPS
        over_hand = f"{(per - hand_step) * 1000:+.0f} ms" if key in ("kfp", "ours-ir") else ""
        print(f"| {label} | {med[key]:.2f} s | {per * 1000:.0f} ms | {(per - floor_step) * 1000:+.0f} ms | "
              f"{over_hand} |")
    for key in ("ours-ir", "ours-doc"):
        spent = statistics.median(inside[key])
        print(f"\n{labels[key]}: {spent:.2f} s of the {med[key]:.2f} s inside steps (process start to exit as "
              f"the runner records it), {(med[key] - spent) / STEPS * 1000:.0f} ms per step between steps")


if __name__ == "__main__":
    main()
