"""Waits for `scripts/dev lab`'s JupyterLab and its workbench proxy, then prints one ready line."""
import json
import sys
import time
import urllib.error
import urllib.request

base, token = sys.argv[1], sys.argv[2]
headers = {"Authorization": f"token {token}"}


def get(path: str) -> dict:
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


deadline = time.monotonic() + 180
info = None
while time.monotonic() < deadline:
    try:
        info = get("/kubeflow-workbench/api/v1/info")
        break
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        time.sleep(1)
if info is None:
    print(f"\n== JupyterLab did not answer at {base} within 3 minutes; see its log above.", flush=True)
    sys.exit(1)
backend = info.get("backend", {})
why = f" — {backend['message']}" if backend.get("message") else ""
print(f"\n== Kubeflow Workbench ready: {base}/lab?token={token}\n"
      f"   backend: {backend.get('kind')} ({backend.get('state')}){why}\n", flush=True)
