"""Runtime-file discovery and the stdlib HTTP client, against real sockets and real processes."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

from kubeflow_workbench import runtime
from kubeflow_workbench.runtime import ProxyClient, ProxyError, ProxyUnavailable, find_proxy, iter_events

from proxy_fakes import TOKEN_HEADER, error_json, start_fake_proxy, write_runtime_file


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_runtime_dir_follows_jupyter_runtime_dir(runtime_dir):
    assert runtime.runtime_dir() == runtime_dir


def test_finds_the_announced_proxy_and_sends_the_secret(fake_proxy):
    found = find_proxy()
    assert found is not None and found.url == fake_proxy.url and found.path == fake_proxy.runtime_file
    assert ProxyClient(found.url, found.token).info()["backend"]["kind"] == "local"
    assert all(r.headers[TOKEN_HEADER] == fake_proxy.token for r in fake_proxy.requests)


def test_stale_file_of_dead_process_is_deleted(runtime_dir):
    stale = runtime_dir / "proxy-1.json"
    write_runtime_file(stale, f"http://127.0.0.1:{closed_port()}", "x" * 40, dead_pid())
    assert find_proxy() is None
    assert not stale.exists()


def test_live_process_whose_port_does_not_answer_is_skipped_but_kept(fake_proxy, runtime_dir):
    # Newer than the fake proxy's file, from a live pid (ours), on a port nobody listens on.
    silent = runtime_dir / "proxy-999999.json"
    write_runtime_file(silent, f"http://127.0.0.1:{closed_port()}", "y" * 40, runtime.os.getpid(),
                       started="2999-01-01T00:00:00+00:00")
    found = find_proxy()
    assert found is not None and found.url == fake_proxy.url
    assert silent.exists()


def test_newest_answering_proxy_wins_and_wrong_token_is_skipped(runtime_dir):
    # Two live pids (ours and our parent's), each file announcing its own fake proxy.
    old = start_fake_proxy(runtime_dir, pid=runtime.os.getppid(), started="2026-01-01T00:00:00+00:00")
    new = start_fake_proxy(runtime_dir, pid=runtime.os.getpid(), started="2026-06-01T00:00:00+00:00")
    try:
        assert find_proxy().url == new.url
        # A file whose token the server refuses (401) is not a usable proxy.
        write_runtime_file(new.runtime_file, new.url, "wrong-token-" * 3, runtime.os.getpid(),
                           started="2026-06-01T00:00:00+00:00")
        assert find_proxy().url == old.url
    finally:
        for fake in (old, new):
            fake.server.shutdown()
            fake.server.server_close()


def test_malformed_runtime_files_are_ignored(fake_proxy, runtime_dir):
    (runtime_dir / "proxy-3.json").write_text("{not json")
    write_runtime_file(runtime_dir / "proxy-4.json", "ftp://example", "", runtime.os.getpid(),
                       started="2999-01-01T00:00:00+00:00")
    assert find_proxy().url == fake_proxy.url


def test_connect_without_start_says_none_runs(runtime_dir):
    with pytest.raises(ProxyUnavailable) as caught:
        runtime.connect(start=False)
    assert "no Kubeflow Workbench proxy is running" in str(caught.value)


def test_error_body_becomes_proxy_error_with_fields(fake_proxy):
    fields = [{"path": "/replicas/Worker/count", "message": "must be >= 1"}]
    fake_proxy.route("POST", "/api/v1/namespaces/default/jobs",
                     error_json("invalid_spec", "The training job spec is invalid.", fields), status=400)
    client = ProxyClient(fake_proxy.url, fake_proxy.token)
    with pytest.raises(ProxyError) as caught:
        client.post(runtime.jobs_path("default"), {"framework": "pytorch"})
    error = caught.value
    assert (error.status, error.code) == (400, "invalid_spec")
    assert error.lines() == ["The training job spec is invalid.", "/replicas/Worker/count: must be >= 1"]
    assert fake_proxy.calls("POST")[0].body == {"framework": "pytorch"}


def test_the_secret_never_appears_in_errors_or_reprs(fake_proxy):
    client = ProxyClient(fake_proxy.url, fake_proxy.token)
    with pytest.raises(ProxyError) as not_found:
        client.get("/api/v1/nope")
    dead = ProxyClient(f"http://127.0.0.1:{closed_port()}", fake_proxy.token)
    with pytest.raises(ProxyUnavailable) as unavailable:
        dead.info()
    assert "does not answer" in str(unavailable.value)
    texts = [str(not_found.value), repr(not_found.value), str(unavailable.value), repr(client), repr(find_proxy())]
    assert not any(fake_proxy.token in t for t in texts)
    assert not_found.value.code == "not_found"


def test_non_json_error_is_reported_as_plain_text(fake_proxy):
    def html_page(h, _request):
        h.send_response(502)
        h.send_header("Content-Length", "19")
        h.end_headers()
        h.wfile.write(b"<h1>Bad Gateway</h1>"[:19])

    fake_proxy.route("GET", "/api/v1/info", html_page)
    with pytest.raises(ProxyError) as caught:
        ProxyClient(fake_proxy.url, fake_proxy.token).info()
    assert caught.value.status == 502 and "HTTP 502" in caught.value.message


def test_environment_http_proxy_is_not_used(fake_proxy, monkeypatch):
    # A proxy in the environment would receive the secret; the client must talk to loopback directly.
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    assert ProxyClient(fake_proxy.url, fake_proxy.token).info()["backend"]["state"] == "connected"


def test_stream_yields_text_as_it_arrives(fake_proxy):
    first_seen = threading.Event()

    def chunked(h, request):
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for text in ("line 1\n", "line 2\n"):
            data = text.encode()
            h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            h.wfile.flush()
            # The second chunk is only sent once the client has seen the first: proof it is not buffered.
            assert first_seen.wait(5)
        h.wfile.write(b"0\r\n\r\n")

    fake_proxy.route("GET", "/api/v1/namespaces/default/jobs/j/logs", chunked)
    client = ProxyClient(fake_proxy.url, fake_proxy.token)
    received = []
    for text in client.stream(runtime.job_logs_path("default", "j"), {"follow": "1", "tail": None}, follow=True):
        received.append(text)
        first_seen.set()
    assert "".join(received) == "line 1\nline 2\n"
    request = fake_proxy.calls("GET", "/api/v1/namespaces/default/jobs/j/logs")[0]
    assert request.query == {"follow": "1"}
    assert request.headers["Accept"] == "text/event-stream"


def test_paths_escape_names():
    assert runtime.job_path("team a", "x/y") == "/api/v1/namespaces/team%20a/jobs/x%2Fy"


def test_server_sent_events_are_parsed_across_chunks():
    chunks = [": connected\n\n", "event: snapshot\ndata: {\"items\"", ": []}\n\n: ping\n\n",
              "event: modified\r\ndata: {\"type\": \"modified\", \"object\": {\"name\": \"a\"}}\r\n\r\n"]
    assert list(iter_events(iter(chunks))) == [
        ("snapshot", {"items": []}),
        ("modified", {"type": "modified", "object": {"name": "a"}}),
    ]
