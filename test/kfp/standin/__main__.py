"""python -m standin --kubeconfig FILE [--multi-user] [--host H] [--port 0] [--namespace kubeflow]

Prints one line `KFP_STANDIN_READY <url>` on stdout once it serves (the launcher waits for it).
"""

import argparse
import signal
import sys
import tempfile
import threading

from .agent import PersistenceAgent
from .artifacts import Artifacts
from .auth import Authorizer
from .kube import Kube
from .pipelines import Pipelines
from .resources import Resources
from .runs import Runs
from .server import Api, Server, make_handler
from .store import Store


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="kfp-standin")
    ap.add_argument("--kubeconfig", required=True, help="the server's own identity (creates Workflows, reviews)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--namespace", default="kubeflow",
                    help="POD_NAMESPACE: Workflows of single-user runs, and the scope of shared pipelines")
    ap.add_argument("--multi-user", action="store_true", help="MULTIUSER=true")
    ap.add_argument("--service-account", default="",
                    help="DEFAULTPIPELINERUNNERSERVICEACCOUNT (pipeline-runner; default-editor in multi-user mode)")
    ap.add_argument("--object-store", default="",
                    help="directory playing the object store (artifact :read); default: a new temp dir")
    ap.add_argument("--v1-only", action="store_true",
                    help="play a KFP 1.x installation: /apis/v2beta1 answers 404, /apis/v1beta1/healthz answers")
    ap.add_argument("--quiet", action="store_true", help="no request log")
    args = ap.parse_args(argv)

    sa = args.service_account or ("default-editor" if args.multi_user else "pipeline-runner")
    kube = Kube(args.kubeconfig)
    store = Store()
    res = Resources(store, Authorizer(kube, args.multi_user), args.multi_user, args.namespace)
    if not args.multi_user:
        res.create_default_experiment("")  # CreateDefaultExperiment at start-up
    runs = Runs(res, kube, sa, log)
    object_store = args.object_store or tempfile.mkdtemp(prefix="kfp-standin-store-")
    api = Api(res, Pipelines(res), runs, Artifacts(runs, object_store), args.multi_user, args.v1_only)
    agent = PersistenceAgent(kube, runs, log)
    agent.start()
    server = Server((args.host, args.port), make_handler(api, (lambda m: None) if args.quiet else log))
    host, port = server.server_address[:2]
    url_host = f"[{host}]" if ":" in host else host
    stop = threading.Event()

    def shutdown(*_):
        if not stop.is_set():
            stop.set()
            agent.stop()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    print(f"KFP_STANDIN_READY http://{url_host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
