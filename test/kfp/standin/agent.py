"""The persistence agent's one job, played in-process: watch Workflows labelled pipeline/runid in every
namespace and report each change the way backend/src/agent/persistence's WorkflowSaver does.

Differences from the real agent: a Workflow without status.phase is not reported (Argo gives every workflow a
phase at once; reporting it would make the run RUNTIME_STATE_UNSPECIFIED — a test can still send that report
itself through POST /apis/v2beta1/workflows), and a Workflow of a run this stand-in does not know is skipped
instead of reported (the server would garbage-collect it after 120 s, and several stand-ins may share one test
cluster). The POST /workflows path keeps the server's behaviour for both.
"""

import threading
import time

from .errors import KfpError
from .kube import ApiException
from .workflow import LABEL_PERSISTED, LABEL_RUN_ID


class PersistenceAgent:
    def __init__(self, kube, runs, log):
        self.kube = kube
        self.runs = runs
        self.log = log
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="persistence-agent", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def _save(self, wf: dict) -> None:
        """WorkflowSaver.Save."""
        labels = wf.get("metadata", {}).get("labels") or {}
        if LABEL_RUN_ID not in labels or labels.get(LABEL_PERSISTED):
            return  # no run, or its final state is already stored (within the TTL the agent waits)
        if not (wf.get("status") or {}).get("phase"):
            return
        if labels[LABEL_RUN_ID] not in self.runs.store.runs:
            return
        try:
            self.runs.report(wf)
        except KfpError as e:
            self.log(f"persistence agent: {wf['metadata'].get('namespace')}/{wf['metadata'].get('name')}: "
                     f"{e.internal}")

    def _loop(self) -> None:
        rv = ""
        while not self.stopping.is_set():
            try:
                if not rv:
                    listing = self.kube.list_workflows(LABEL_RUN_ID)
                    for wf in listing.get("items", []):
                        self._save(wf)
                    rv = listing["metadata"]["resourceVersion"]
                for event in self.kube.watch_workflows(LABEL_RUN_ID, rv, timeout=60):
                    if self.stopping.is_set():
                        return
                    kind, obj = event.get("type"), event.get("object", {})
                    if kind == "ERROR":
                        rv = ""  # 410 Gone: relist
                        break
                    rv = obj.get("metadata", {}).get("resourceVersion", rv)
                    if kind in ("ADDED", "MODIFIED"):
                        self._save(obj)
            except (ApiException, OSError, ValueError) as e:
                if self.stopping.is_set():
                    return
                self.log(f"persistence agent: watch: {e}")
                rv = ""
                time.sleep(0.5)
            except Exception as e:  # never let the agent die silently
                self.log(f"persistence agent: unexpected {type(e).__name__}: {e}")
                rv = ""
                time.sleep(0.5)
