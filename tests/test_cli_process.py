"""The CLI as a real process: a bug reaches the user as one `Error:` line and exit 1 (no
traceback unless asked for), and `site serve` answers real HTTP requests on loopback."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import ROOT, Run, run_process

# a bug planted in one command; the rest of the CLI is the real one
PLANTED = """
import sys
import policytrack.commands as commands

def iter_documents(*args, **kwargs):
    raise KeyError("planted")

commands.iter_documents = iter_documents
from policytrack.cli import main
sys.argv[0] = "policytrack"
main()
"""


def run_with_bug(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PLANTED, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_an_internal_error_is_one_line_and_exit_1() -> None:
    archive = ROOT / "archive"
    proc = run_with_bug("list", "--archive", str(archive), "--as-of", "2025-10-01")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == (
        "Error: internal error (KeyError: 'planted'); please report it with the command you "
        "ran (set POLICYTRACK_DEBUG=1 for details)\n"
    )


def test_debug_shows_the_traceback_of_an_internal_error() -> None:
    archive = ROOT / "archive"
    proc = run_with_bug(
        "list", "--archive", str(archive), "--as-of", "2025-10-01", env={"POLICYTRACK_DEBUG": "1"}
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("Traceback (most recent call last):")
    assert 'File "<string>", line 6, in iter_documents' in proc.stderr  # the planted bug
    assert proc.stderr.splitlines()[-1].startswith("Error: internal error (KeyError: 'planted')")


def test_an_internal_error_in_process_is_the_same_line(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policytrack.commands as commands

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(commands, "status", broken)
    r = run("status", "--archive", ROOT / "archive", "--as-of", "2025-10-01")
    assert (r.code, r.stdout) == (1, "")
    assert r.stderr.startswith("Error: internal error (ZeroDivisionError: planted); ")
    assert r.stderr.count("\n") == 1


# --- site serve ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve") / "site"
    proc = run_process(
        "site", "build", "--archive", ROOT / "archive", "--out", out, "--as-of", "2025-10-01"
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture
def server(built: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = free_port()
    serve = ["site", "serve", "--out", str(built), "--port", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "policytrack", *serve],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as at a terminal: a job a shell started in the background (CI's, a `make
        # test &`) inherits SIGINT ignored, and Python then installs no handler for it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"site serve did not start: {proc.communicate()}") from None
            time.sleep(0.05)
    try:
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def get(port: int, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


def test_site_serve_answers_real_requests_on_loopback(
    built: Path, server: tuple[int, subprocess.Popen[str]]
) -> None:
    port, proc = server
    status, kind, body = get(port, "/")
    assert (status, kind) == (200, "text/html")
    assert body == (built / "index.html").read_bytes()
    page = "documents/京技管发-2024-29.html"
    status, kind, body = get(port, "/" + quote(page))
    assert (status, kind) == (200, "text/html")
    assert body == (built / page).read_bytes()
    assert "北京经济技术开发区关于加快打造AI原生产业创新高地的若干政策".encode() in body
    assert get(port, "/no-such-page.html")[0] == 404
    # Ctrl-C stops it cleanly: a line, exit 0, no traceback
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert out == f"Serving {built}/ on http://127.0.0.1:{port}/ — Ctrl-C stops\nstopped\n"
    assert "Traceback" not in err


def test_site_serve_without_a_built_site_says_how_to_build_one(tmp_path: Path) -> None:
    proc = run_process("site", "serve", "--out", tmp_path / "nothing", "--port", str(free_port()))
    assert proc.returncode == 1
    assert proc.stderr == (
        f"Error: {tmp_path / 'nothing'} has no built site; run 'policytrack site build --out "
        f"{tmp_path / 'nothing'}' first\n"
    )
