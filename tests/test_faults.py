"""The fault and abuse cases of issue 20, one section per numbered defect: hostile servers on
loopback (redirecting, dripping, refusing), broken and hostile files, killed processes,
concurrent git commands, a full disk and a read-only archive, each against real git, real
files and the real command line. Each test failed before its fix.

The long loops (150 process-group kills of `add` at random instants) are marked `faults`
and run with `make faults`; `make test` runs the rest."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import random
import re
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from policytrack.ingest import privacy
from tests.conftest import CORPUS, LAWREF, SEED, Run, git, run_process
from tests.test_alerts import LOOPBACK, ZIBO_TITLE, alerts, config, smtp_table

MINHANG = "闵府规发-2018-4.md"
YIZHUANG = "京技管发-2024-29.md"

# --- a scriptable web server on loopback -------------------------------------------------------

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Web:
    """A loopback HTTP server: (method, path) → handler; every request is recorded."""

    server: ThreadingHTTPServer
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    hits: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def paths(self) -> list[str]:
        return [p for _, p, _, _ in self.hits]


def answer(status: int, body: bytes = b"{}", **headers: str) -> Handler:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for k, v in {"Content-Type": "application/json", **headers}.items():
            h.send_header(k.replace("_", "-"), v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handle


def redirect(status: int, location: str) -> Handler:
    return answer(status, b"", Location=location)


def drip(every: float, total: int = 100_000, content_type: str = "text/html") -> Handler:
    """Headers at once, then one byte every `every` seconds: never silent long enough for
    a per-read timeout."""

    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(total))
        h.end_headers()
        try:
            for _ in range(total):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(every)
        except OSError:
            pass

    return handle


def new_web() -> Web:
    holder: dict[str, Web] = {}

    class H(BaseHTTPRequestHandler):
        def _any(self) -> None:
            web = holder["web"]
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            path = self.path.split("?", 1)[0]
            web.hits.append((self.command, path, dict(self.headers.items()), body))
            handler = web.routes.get((self.command, path), answer(404, b"{}"))
            with contextlib.suppress(OSError):  # the client went away
                handler(self)

        do_GET = do_POST = _any

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.daemon_threads = True
    holder["web"] = Web(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["web"]


@pytest.fixture
def web() -> Iterator[Web]:
    w = new_web()
    yield w
    w.server.shutdown()
    w.server.server_close()


@pytest.fixture
def web2() -> Iterator[Web]:
    """A second service on loopback (another port): what a redirect must not reach."""
    w = new_web()
    yield w
    w.server.shutdown()
    w.server.server_close()


def webhook_config(tmp_path: Path, url: str = "", *, allow: bool = True, env: str = "") -> Path:
    where = f'url_env = "{env}"' if env else f'url = "{url}"'
    head = LOOPBACK if allow else ""
    return config(
        tmp_path,
        head
        + f"""
[[subscribers]]
name = "newsroom"
  [[subscribers.channels]]
  type = "webhook"
  {where}
  timeout = 2
""",
    )


def state_rows(tmp_path: Path) -> list[tuple[str, str, int, str | None]]:
    db = sqlite3.connect(tmp_path / "policytrack.state.sqlite")
    try:
        return db.execute("SELECT channel, status, attempts, last_error FROM alerts").fetchall()
    finally:
        db.close()


# === 1. alerts marked sent but never delivered ===================================================


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_1_a_webhook_answering_a_redirect_is_not_delivered(
    tmp_path: Path, seeded: Path, run: Run, web: Web, status: int
) -> None:
    web.route("POST", "/hook", redirect(status, "/landing"))
    web.route("GET", "/landing", answer(200))
    web.route("POST", "/landing", answer(200))
    cfg = webhook_config(tmp_path, web.url("/hook"))
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 1, r
    assert f"answered HTTP {status}" in r.stderr and "(a redirect)" in r.stderr
    assert "FAILED  newsroom → webhook" in r.stdout
    assert [(m, p) for m, p, _, _ in web.hits] == [("POST", "/hook")]  # the landing page: never
    assert [(c, s) for c, s, _, _ in state_rows(tmp_path)] == [("webhook", "pending")]
    # the receiver is fixed: the same alert is delivered, to the address itself
    web.route("POST", "/hook", answer(200))
    r = alerts(run, seeded, cfg, "2025-11-02")
    assert r.code == 0, r
    method, path, _, body = web.hits[-1]
    assert (method, path) == ("POST", "/hook")
    assert json.loads(body)["alerts"][0]["title"] == ZIBO_TITLE
    assert [(c, s) for c, s, _, _ in state_rows(tmp_path)] == [("webhook", "sent")]


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "data:application/json,{}", "ftp://127.0.0.1/hook", "gopher://x/1"],
)
def test_1_a_webhook_url_from_the_environment_is_checked_like_one_in_the_file(
    tmp_path: Path, seeded: Path, run: Run, url: str
) -> None:
    scheme = url.split(":", 1)[0]
    cfg = webhook_config(tmp_path, env="HOOK_URL")
    r = alerts(run, seeded, cfg, "2025-11-01", env={"HOOK_URL": url})
    assert r.code == 1, r
    assert r.stderr.startswith("Error: ") and "$HOOK_URL" in r.stderr
    assert f"{scheme}: addresses are not allowed, only http and https" in r.stderr
    assert "delivered" not in r.stdout and "sent " not in r.stdout
    assert not (tmp_path / "policytrack.state.sqlite").exists()  # nothing recorded as sent
    # the same URL written in the file is refused with the same words
    cfg = webhook_config(tmp_path, url)
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 1
    assert f"{scheme}: addresses are not allowed, only http and https" in r.stderr


def test_1_loopback_link_local_and_private_addresses_only_when_allowed(
    tmp_path: Path, seeded: Path, run: Run, web: Web
) -> None:
    web.route("POST", "/hook", answer(200))
    port = web.server.server_address[1]
    for url, kind in [
        (web.url("/hook"), "loopback"),
        (f"http://localhost:{port}/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),  # cloud metadata
        ("http://10.255.255.1/hook", "private"),
        ("http://[::ffff:127.0.0.1]:1/hook", "loopback"),
    ]:
        cfg = webhook_config(tmp_path, url, allow=False)
        started = time.monotonic()
        r = alerts(run, seeded, cfg, "2025-11-01")
        assert r.code == 1, (url, r)
        assert f"is a {kind} address, refused" in r.stderr, (url, r.stderr)
        assert "add it to [alerts] allow_networks" in r.stderr
        assert time.monotonic() - started < 5  # refused, not tried until a timeout
    assert web.hits == []
    cfg = config(
        tmp_path,
        '[alerts]\nallow_networks = ["127.0.0.0/8"]\n'
        + f"""
[[subscribers]]
name = "newsroom"
  [[subscribers.channels]]
  type = "webhook"
  url = "{web.url("/hook")}"
""",
    )
    r = alerts(run, seeded, cfg, "2025-11-02")
    assert r.code == 0, r
    assert web.paths() == ["/hook"]


def test_1_bad_allow_networks_is_a_configuration_error(
    tmp_path: Path, seeded: Path, run: Run
) -> None:
    cfg = config(
        tmp_path,
        '[alerts]\nallow_networks = ["127.0.0.0/33"]\n[[subscribers]]\nname = "n"\n'
        '  [[subscribers.channels]]\n  type = "webhook"\n  url = "https://hooks.example.org/x"\n',
    )
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 1
    assert "[alerts] allow_networks: '127.0.0.0/33' is not an IP address or network" in r.stderr


# === 2. site build --out owns only what it wrote ===============================================


USER_FILES = {
    "documents/mine.html": "<p>my page</p>",
    "api/notes.json": '{"mine": true}',
    "changes/2024.html": "<p>my changelog</p>",
    "issuers/list.txt": "my list",
    "jurisdictions/map.svg": "<svg/>",
    "search/custom/index.js": "// my search",
    "pagefind/pagefind.js": "// my pagefind",
    "README.md": "my folder",
}


def _user_folder(out: Path) -> None:
    for rel, text in USER_FILES.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")


def _user_files_intact(out: Path) -> bool:
    return all((out / rel).read_text(encoding="utf-8") == t for rel, t in USER_FILES.items())


def test_2_site_build_refuses_a_folder_it_did_not_create(
    tmp_path: Path, seeded: Path, run: Run
) -> None:
    out = tmp_path / "www"
    _user_folder(out)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01")
    assert r.code == 1
    assert r.stderr.startswith(f"Error: {out} is not empty and was not built by policytrack")
    assert "--force" in r.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    # --force: built into it, and every file of the user's is still there, unchanged
    r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01", "--force")
    assert r.code == 0, r
    assert (out / "index.html").exists() and (out / "documents" / "京技管发-2024-29.html").exists()
    assert _user_files_intact(out)
    # later builds need no --force (the folder is marked) and still delete none of them
    assert run("add", "--archive", seeded, SEED["yizhuang"], "--replace").code == 0
    r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2026-10-01")
    assert r.code == 0, r
    assert _user_files_intact(out)


def test_2_without_its_record_a_build_removes_nothing(
    tmp_path: Path, seeded: Path, run: Run
) -> None:
    out = tmp_path / "site"
    assert (
        run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01").code == 0
    )
    (out / "documents" / "notes.html").write_text("mine", encoding="utf-8")
    for state in (seeded / ".policytrack").glob("site-*.pickle"):
        state.unlink()  # the record of what the last build wrote is gone
    r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01")
    assert r.code == 0, r
    assert (out / "documents" / "notes.html").read_text(encoding="utf-8") == "mine"
    assert "removed" not in r.stdout


def test_2_an_empty_or_new_folder_needs_no_force(tmp_path: Path, seeded: Path, run: Run) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for out in (empty, tmp_path / "new" / "site"):
        r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01")
        assert r.code == 0, r


# === 3. a broken file is never invisible =======================================================


def hand_commit(archive: Path, message: str) -> None:
    """What a user does after editing a file by hand."""
    git(archive, "-c", "user.name=u", "-c", "user.email=u@x", "commit", "-qam", message)


def _break(archive: Path, how: str) -> str:
    """Break MINHANG in the committed archive as a hand edit would; the expected reason."""
    path = archive / MINHANG
    text = path.read_text(encoding="utf-8")
    if how == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
        reason = "has Windows line endings (CR LF)"
    elif how == "date":
        text, n = re.subn(r"date: \d{4}-\d\d-\d\d", "date: 2027-02-30", text, count=1)
        assert n == 1
        path.write_text(text, encoding="utf-8")
        reason = "2027-02-30 is not a real date"
    elif how == "encoding":
        path.write_bytes(text.encode("gb18030"))
        reason = "is not UTF-8 text"
    elif how == "yaml":
        path.write_text(text.replace("\nkind: ", "\nkind: [", 1), encoding="utf-8")
        reason = "front matter is not valid YAML"
    else:
        path.write_text(text.replace("\nkind: ", "\nkind: memo\nx_kind: ", 1), encoding="utf-8")
        reason = "'memo' is not a kind"
    hand_commit(archive, f"hand edit: {how}")
    return reason


@pytest.mark.parametrize("how", ["crlf", "date", "encoding", "yaml", "field"])
def test_3_every_command_names_a_broken_file_and_lists_the_others(
    tmp_path: Path, seeded: Path, run: Run, how: str
) -> None:
    reason = _break(seeded, how)
    warning = f"warning: {MINHANG} is skipped: "
    r = run("list", "--archive", seeded, "--json", "--as-of", "2025-01-01")
    assert r.code == 0, r
    assert len(json.loads(r.stdout)) == 4  # the other four are listed
    assert warning in r.stderr and reason in r.stderr
    for args in (
        ["status", "--as-of", "2025-01-01"],
        ["expiring", "--within", "3650d", "--as-of", "2025-01-01"],
        ["show", "京技管发〔2024〕29号"],
        ["site", "build", "--out", tmp_path / "site", "--as-of", "2025-01-01"],
    ):
        r = run(*args, "--archive", seeded)
        assert r.code == 0, (args, r)
        assert warning in r.stderr and reason in r.stderr, (args, r.stderr)
    r = run("check", "--archive", seeded)
    assert r.code == 1
    assert f"{MINHANG}: " in r.stderr and reason in r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr


def test_3_site_build_keeps_the_pages_of_a_file_broken_since(
    tmp_path: Path, seeded: Path, run: Run
) -> None:
    out = tmp_path / "site"
    page = out / "documents" / "闵府规发-2018-4.html"
    assert (
        run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-01-01").code == 0
    )
    before = page.read_bytes()
    _break(seeded, "crlf")
    r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-01-01")
    assert r.code == 0 and MINHANG in r.stderr
    assert page.read_bytes() == before
    git(seeded, "-c", "user.name=u", "-c", "user.email=u@x", "revert", "--no-edit", "HEAD")
    r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-01-01")
    assert r.code == 0 and r.stderr == ""
    assert page.exists()


def test_3_check_reads_the_bytes_git_has(seeded: Path, run: Run) -> None:
    """read_text turned CR LF into LF, so check said OK where every other command skipped
    the file."""
    _break(seeded, "crlf")
    r = run("check", "--archive", seeded)
    assert r.code == 1 and "Windows line endings" in r.stderr


# === 4. accepted but wrong ========================================================================


@pytest.mark.parametrize(
    "value", ["../../x", "/abs", "", ".", "..", "README", "readme", "index", "a/b", "-x", "a b"]
)
def test_4_set_id_takes_only_a_safe_id(seeded: Path, run: Run, value: str) -> None:
    head = git(seeded, "rev-parse", "HEAD")
    files = sorted(p.name for p in seeded.iterdir())
    r = run("add", "--archive", seeded, SEED["zibo"], "--set", f"id={value}", "--replace")
    assert r.code == 1, r
    assert r.stderr.startswith("Error: ") and f"--set id={value}: " in r.stderr
    assert "cannot be an id" in r.stderr
    assert git(seeded, "rev-parse", "HEAD") == head
    assert sorted(p.name for p in seeded.iterdir()) == files
    assert not (seeded.parent / "x.md").exists()


def test_4_an_accepted_id_gives_a_visible_document(seeded: Path, run: Run) -> None:
    r = run("add", "--archive", seeded, SEED["zibo"], "--set", "id=淄博-ai-2025")
    assert r.code == 0, r
    assert run("show", "--archive", seeded, "淄博-ai-2025").code == 0
    assert run("check", "--archive", seeded).code == 0


def test_4_self_supersession_is_refused(seeded: Path, run: Run) -> None:
    head = git(seeded, "rev-parse", "HEAD")
    r = run("add", "--archive", seeded, SEED["minhang"], "--set", "supersedes=闵府规发〔2018〕4号")
    assert r.code == 1
    assert "would supersede or follow itself" in r.stderr and "--set supersedes=" in r.stderr
    assert git(seeded, "rev-parse", "HEAD") == head


def test_4_a_supersession_cycle_is_refused(archive: Path, run: Run) -> None:
    # 京技管发〔2024〕29号 supersedes 京技管发〔2024〕10号 (its text says so)
    assert run("add", "--archive", archive, SEED["yizhuang"]).code == 0
    head = git(archive, "rev-parse", "HEAD")
    r = run(
        "add",
        "--archive",
        archive,
        SEED["minhang"],
        "--set",
        "doc_number=京技管发〔2024〕10号",
        "--set",
        "supersedes=京技管发〔2024〕29号",
    )
    assert r.code == 1, r
    assert "supersession cycle: 京技管发-2024-10 → 京技管发-2024-29 → 京技管发-2024-10" in r.stderr
    assert git(archive, "rev-parse", "HEAD") == head
    r = run("status", "--archive", archive, "京技管发〔2024〕29号", "--as-of", "2025-01-01")
    assert "现行有效" in r.stdout  # not shown repealed by a cycle


def test_4_a_doc_number_used_by_another_document_is_refused(seeded: Path, run: Run) -> None:
    head = git(seeded, "rev-parse", "HEAD")
    r = run(
        "add",
        "--archive",
        seeded,
        SEED["zibo"],
        "--set",
        "doc_number=京技管发〔2024〕29号",
        "--set",
        "id=zibo-copy",
    )
    assert r.code == 1
    assert "doc number 京技管发〔2024〕29号 is already that of 京技管发-2024-29" in r.stderr
    assert git(seeded, "rev-parse", "HEAD") == head


VERSIONS = [
    # versions sharing a title: the 2014 条例 replaced the 2004 实施办法, and the 2024 实施办法
    # (the 2004 one's title) replaced the 条例
    "北京市动物防疫条例(2019-07-26).md",
    "北京市实施《动物防疫法》办法(2024-07-26).md",
    # a revised text that repeals its own earlier version, of the same title
    "上海市实施《全国人民代表大会和地方各级人民代表大会代表法》办法.md",
    # repeal sentences naming the amending decision: cited, not repealed
    "北京市种子条例(2022-01-10).md",
    "北京市野生动物保护管理条例(2020-04-24).md",
]


@pytest.mark.corpus
@pytest.mark.slow
def test_4_ingesting_the_corpus_leaves_check_clean(archive: Path, run: Run) -> None:
    picked = []
    for rel in VERSIONS:
        found = list((CORPUS / "single").rglob(Path(rel).name)) or list(
            CORPUS.rglob(Path(rel).name)
        )
        assert found, rel
        picked.append(found[0])
    more = sorted((CORPUS / "single").rglob("*.md"))[:100]
    r = run("add", "--archive", archive, "--batch", *picked, *[p for p in more if p not in picked])
    assert r.code == 0, r
    r = run("check", "--archive", archive)
    assert r.code == 0, r.stderr[:3000]
    r = run("status", "--archive", archive, "北京市动物防疫条例", "--as-of", "2025-01-01")
    assert "已废止" in r.stdout and "北京市实施《中华人民共和国动物防疫法》办法" in r.stdout
    r = run(
        "status",
        "--archive",
        archive,
        "北京市实施《中华人民共和国动物防疫法》办法",
        "--as-of",
        "2025-01-01",
    )
    assert "现行有效" in r.stdout  # the newest version, not repealed by a cycle


# === 5. crash and concurrency =====================================================================


def _leftovers(archive: Path) -> list[str]:
    """Temporary files and git locks a killed run may have left."""
    state = archive / ".policytrack"
    temp = [p.name for p in state.iterdir() if re.search(r"-\d+$|\.\d+\.tmp$", p.name)]
    locks = [str(p.relative_to(archive)) for p in (archive / ".git").rglob("*.lock")]
    return sorted(temp + locks)


def _spawn(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The CLI in its own process group (a group kill takes its git children too)."""
    return subprocess.Popen(
        [sys.executable, "-m", "policytrack", *[str(a) for a in args]],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.mark.slow
def test_5_a_concurrent_git_status_never_fails_an_add(archive: Path) -> None:
    files = sorted((LAWREF / "single").rglob("*.md"))[:15]
    stop = threading.Event()

    def status_loop() -> None:
        while not stop.is_set():  # a user's prompt or editor refreshing git status
            subprocess.run(["git", "-C", str(archive), "status"], capture_output=True)

    threads = [threading.Thread(target=status_loop) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        procs = [_spawn("add", "--archive", archive, f) for f in files]
        outs = [p.communicate(timeout=300) for p in procs]
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert [p.returncode for p in procs] == [0] * len(files), [o[1] for o in outs]
    assert all("internal error" not in err for _, err in outs)
    assert int(git(archive, "rev-list", "--count", "HEAD")) == 1 + len(files)
    assert run_process("list", "--archive", archive).returncode == 0
    assert git(archive, "status", "--porcelain") == ""
    assert _leftovers(archive) == []


def _killed_git_commit(repo: Path, wait: bool = False) -> subprocess.Popen[bytes]:
    """A user's `git commit -a` waiting in its editor: it holds .git/index.lock."""
    (repo / ".gitignore").write_text(".policytrack/\n# edited\n", encoding="utf-8")
    env = {**os.environ, "GIT_EDITOR": "sleep 30;:", "GIT_AUTHOR_NAME": "u"}
    env |= {"GIT_AUTHOR_EMAIL": "u@x", "GIT_COMMITTER_NAME": "u", "GIT_COMMITTER_EMAIL": "u@x"}
    proc = subprocess.Popen(
        ["git", "commit", "-a"],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    lock = repo / ".git" / "index.lock"
    for _ in range(100):
        if lock.exists():
            break
        time.sleep(0.05)
    assert lock.exists()
    if not wait:
        os.killpg(proc.pid, signal.SIGKILL)  # the git and its editor die; the lock stays
        proc.wait()
        assert lock.exists()
    return proc


@pytest.mark.slow
def test_5_a_stale_index_lock_of_a_killed_git_is_cleared(archive: Path) -> None:
    _killed_git_commit(archive)
    time.sleep(1.1)  # as old as a stale lock must be
    p = run_process("add", "--archive", archive, SEED["yizhuang"])
    assert p.returncode == 0, p.stderr
    assert not (archive / ".git" / "index.lock").exists()
    assert (archive / YIZHUANG).exists()
    assert git(archive, "status", "--porcelain") == " M .gitignore\n"  # the user's edit only


@pytest.mark.slow
def test_5_a_live_index_lock_delays_the_worktree_never_the_commit(archive: Path) -> None:
    user = _killed_git_commit(archive, wait=True)
    try:
        p = run_process(
            "add", "--archive", archive, SEED["yizhuang"], env={"POLICYTRACK_GIT_LOCK_WAIT": "1"}
        )
        assert p.returncode == 0, p.stderr  # the commit is made: never reported as a failure
        assert "the commit is made, the next policytrack command finishes it" in p.stderr
        assert git(archive, "log", "-1", "--format=%s").startswith("add: 京技管发〔2024〕29号")
    finally:
        os.killpg(user.pid, signal.SIGKILL)
        user.wait()
    time.sleep(1.1)
    p = run_process("list", "--archive", archive)
    assert p.returncode == 0, p.stderr
    assert (archive / YIZHUANG).exists()
    assert git(archive, "status", "--porcelain") == " M .gitignore\n"
    assert _leftovers(archive) == []


HOOK = """#!/bin/sh
# kill the whole policytrack process group while git holds the ref lock
[ "$1" = prepared ] && kill -9 0
exit 0
"""


@pytest.mark.slow
def test_5_a_ref_lock_left_by_a_killed_add_is_cleared(archive: Path) -> None:
    hook = archive / ".git" / "hooks" / "reference-transaction"
    hook.write_text(HOOK, encoding="utf-8")
    hook.chmod(0o755)
    head = git(archive, "rev-parse", "HEAD")
    p = _spawn("add", "--archive", archive, SEED["yizhuang"])
    p.communicate(timeout=60)
    assert p.returncode == -9
    assert list((archive / ".git").rglob("*.lock"))  # git's lock, left behind
    hook.unlink()
    p2 = run_process("add", "--archive", archive, SEED["yizhuang"])
    assert p2.returncode == 0, p2.stderr  # not "run the command again" forever
    assert "run the command again" not in p2.stderr
    assert git(archive, "rev-list", "--count", f"{head.strip()}..HEAD") == "1\n"
    assert git(archive, "status", "--porcelain") == ""
    assert _leftovers(archive) == []
    git(archive, "fsck", "--strict")


@pytest.mark.slow
def test_5_a_live_ref_lock_names_the_file(archive: Path) -> None:
    lock = archive / ".git" / "refs" / "heads" / "main.lock"
    lock.write_text("", encoding="utf-8")
    # a git running in the repository could own it: it is left alone
    blocker = subprocess.Popen(["git", "cat-file", "--batch"], cwd=archive, stdin=subprocess.PIPE)
    try:
        p = run_process(
            "add", "--archive", archive, SEED["yizhuang"], env={"POLICYTRACK_GIT_LOCK_WAIT": "1"}
        )
    finally:
        blocker.communicate(input=b"", timeout=10)
    assert p.returncode == 1
    assert f"git's lock file {lock} is held by another git command" in p.stderr
    assert f"delete {lock}" in p.stderr
    assert lock.exists()
    # with no git running any more, the lock is stale: cleared, the add goes through
    p = run_process("add", "--archive", archive, SEED["yizhuang"])
    assert p.returncode == 0, p.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "point", ["after-blobs", "in-index", "before-ref", "after-ref", "in-recover"]
)
def test_5_a_kill_at_every_step_leaves_no_lock_and_no_temporary_file(
    archive: Path, point: str
) -> None:
    files = corpus_batch(6)
    p = run_process(
        "add", "--archive", archive, "--batch", *files, env={"POLICYTRACK_FAULT": point}
    )
    assert p.returncode == -9
    follow = run_process("list", "--archive", archive, "--json")
    assert follow.returncode == 0, follow.stderr
    committed = point in ("after-ref", "in-recover")
    assert len(json.loads(follow.stdout)) == (6 if committed else 0)
    assert git(archive, "status", "--porcelain") == ""
    assert _leftovers(archive) == []
    git(archive, "fsck", "--strict")
    again = run_process("add", "--archive", archive, "--batch", *files)
    assert again.returncode == 0, again.stderr


def corpus_batch(n: int) -> list[Path]:
    """n real documents: the LawRefBook files tests/fixtures holds, the whole corpus's for
    more (tests marked `corpus`)."""
    kept = sorted((LAWREF / "single").rglob("*.md"))
    if n <= len(kept):
        return kept[:n]
    return sorted((CORPUS / "single").rglob("*.md"))[:n]


def test_5_temporary_files_of_dead_processes_are_swept(archive: Path) -> None:
    state = archive / ".policytrack"
    dead = subprocess.Popen(["true"])
    dead.wait()
    (state / f"blobs-{dead.pid}").mkdir()
    (state / f"blobs-{dead.pid}" / "0.md").write_text("x")
    for name in (f"index-{dead.pid}", f"put.{dead.pid}.tmp", f".site-x.pickle.{dead.pid}.tmp"):
        (state / name).write_text("x")
    mine = state / f"scratch-{os.getpid()}"  # a live process's: kept
    mine.write_text("x")
    assert run_process("list", "--archive", archive).returncode == 0
    assert sorted(p.name for p in state.iterdir() if p.name != "index.sqlite") == sorted(
        ["lock", mine.name]
    )


@pytest.mark.faults
@pytest.mark.corpus
def test_5_long_loop_of_process_group_kills(tmp_path: Path, archive: Path) -> None:
    """150 `add` runs killed with their git children at random instants, each followed by
    a normal one: nothing acknowledged is lost, nothing is left behind, fsck is clean."""
    files = corpus_batch(160)
    rng = random.Random(20)
    acknowledged: set[str] = set()
    killed = 0
    for k in range(150):
        f = files[k % len(files)]
        p = _spawn("add", "--archive", archive, f)
        time.sleep(rng.uniform(0.05, 1.2))
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            killed += 1
        out, err = p.communicate(timeout=120)
        if p.returncode == 0:
            acknowledged.update(re.findall(r"/([^/\s]+\.md) — ", out))
        else:
            assert p.returncode == -9, err
        follow = run_process("list", "--archive", archive, "--json")
        assert follow.returncode == 0, (k, follow.stderr)
        listed = {r["id"] + ".md" for r in json.loads(follow.stdout)}
        assert acknowledged <= listed, k
        assert _leftovers(archive) == [], k
        assert git(archive, "status", "--porcelain") == "", k
    git(archive, "fsck", "--strict")
    assert killed >= 75, killed  # most runs really were killed mid-way


# === 6. privacy and reach =========================================================================


def _id_number() -> str:
    base = "11010519491231002"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return base + "10X98765432"[sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11]


def test_6_email_and_id_numbers_never_reach_the_archive_the_api_or_search(
    tmp_path: Path, archive: Path, run: Run
) -> None:
    idn = _id_number()
    assert privacy.is_id_card(idn) and not privacy.is_id_card(idn[:-1] + "0")
    text = SEED["yizhuang"].read_text(encoding="utf-8")
    long_line = (
        "第一條 本政策申報材料請以電子郵件發送至 shenbao.ai@kfqgw.beijing.gov.cn 或郵寄至區政務服務中心，"
        f"申請人應在申報表中填寫法定代表人身份證號碼 {idn} 以便核驗，逾期不予受理。"
    )
    text = text.replace("第一條", long_line + "\n第一條", 1)
    text += "\n聯系人：王老師，郵箱：wang.laoshi@example.com.cn\n"
    src = tmp_path / "policy.txt"
    src.write_text(text, encoding="utf-8")
    r = run("add", "--archive", archive, src)
    assert r.code == 0, r
    out = tmp_path / "site"
    assert (
        run("site", "build", "--archive", archive, "--out", out, "--as-of", "2025-01-01").code == 0
    )
    stored = (archive / YIZHUANG).read_text(encoding="utf-8")
    assert "逾期不予受理" in stored and "（联系方式略）" in stored and "（证件号码略）" in stored
    leaks = ("shenbao", "kfqgw.beijing.gov.cn 或", "wang.laoshi", "laoshi", idn)
    files = [p for p in out.rglob("*") if p.is_file()] + [archive / YIZHUANG]
    for p in files:
        data = p.read_bytes().decode("utf-8", "replace")
        for leak in leaks:
            assert leak not in data, (p, leak)
    assert any("search" in p.parts for p in files)


@pytest.mark.parametrize(
    "line",
    [
        "统一社会信用代码：91110000802100433B，地址：北京市东城区正义路",  # not an ID number
        "根据京技管发〔2024〕29号文件，对2024年11月25日前完成备案的企业给予支持，最高1000万元",
        "项目编号 110105194912310021 仅作示例",  # 18 digits, wrong check digit
    ],
)
def test_6_masking_keeps_what_is_not_personal(line: str) -> None:
    assert not privacy.has_personal(line)


def test_6_webhook_credentials_never_reach_output_or_state(
    tmp_path: Path, seeded: Path, run: Run, web: Web
) -> None:
    web.route("POST", "/hook", answer(500, b"{}"))
    url = web.url("/hook").replace("http://", "http://alerts:s3cr3t-pw@") + "?token=t0k3n"
    cfg = webhook_config(tmp_path, url)
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 1 and "HTTP 500" in r.stderr
    stored = json.dumps(state_rows(tmp_path))
    for secret in ("s3cr3t-pw", "t0k3n", "alerts:"):
        assert secret not in r.stdout + r.stderr + stored
    # the credentials were used, as HTTP basic authentication
    assert (
        web.hits[0][2]["Authorization"] == "Basic " + base64.b64encode(b"alerts:s3cr3t-pw").decode()
    )
    web.route("POST", "/hook", answer(200))
    r = alerts(run, seeded, cfg, "2025-11-02")
    assert r.code == 0 and "s3cr3t" not in r.stdout + r.stderr
    # nor in the state a delivered alert leaves behind
    delivered = json.dumps(state_rows(tmp_path))
    assert "sent" in delivered or "delivered" in delivered
    for secret in ("s3cr3t-pw", "t0k3n", "alerts:"):
        assert secret not in delivered


def test_6_add_url_never_follows_a_redirect_to_another_local_service(
    archive: Path, run: Run, web: Web, web2: Web
) -> None:
    page = SEED["yizhuang"].read_text(encoding="utf-8").encode("utf-8")
    web2.route("GET", "/admin", answer(200, page, Content_Type="text/plain; charset=utf-8"))
    web.route("GET", "/policy", redirect(302, web2.url("/admin")))
    web.route("GET", "/same", redirect(301, "/final"))
    web.route("GET", "/final", answer(200, page, Content_Type="text/plain; charset=utf-8"))
    r = run("add", "--archive", archive, web.url("/policy"))
    assert r.code == 1
    assert "redirects to 127.0.0.1" in r.stderr and "is a loopback address, refused" in r.stderr
    assert web2.hits == []
    # a redirect on the host and port given is followed
    r = run("add", "--archive", archive, web.url("/same"))
    assert r.code == 0, r


@pytest.mark.parametrize(
    ("location", "needle"),
    [
        ("ftp://files.example.org/policy.txt", "redirects to ftp://files.example.org/policy.txt"),
        ("file:///etc/passwd", "redirects to file:///etc/passwd"),
    ],
)
def test_6_add_url_follows_only_http_redirects_and_says_so(
    archive: Path, run: Run, web: Web, location: str, needle: str
) -> None:
    web.route("GET", "/p", redirect(302, location))
    r = run("add", "--archive", archive, web.url("/p"))
    assert r.code == 1
    assert needle in r.stderr and "only http and https addresses are" in r.stderr
    assert "loop" not in r.stderr  # it was not a loop


def test_6_add_url_keeps_no_password_as_provenance(archive: Path, run: Run, web: Web) -> None:
    page = SEED["yizhuang"].read_text(encoding="utf-8").encode("utf-8")
    web.route("GET", "/p", answer(200, page, Content_Type="text/plain; charset=utf-8"))
    url = web.url("/p").replace("http://", "http://me:pa55word@")
    r = run("add", "--archive", archive, url)
    assert r.code == 0, r
    assert "pa55word" not in (archive / YIZHUANG).read_text(encoding="utf-8")
    assert "pa55word" not in git(archive, "log", "--format=%B") + r.stdout + r.stderr


# === 7. memory and hangs ==========================================================================


def _child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def test_7_a_fifo_is_refused_without_blocking(tmp_path: Path, archive: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    p = run_process("add", "--archive", archive, fifo)
    assert p.returncode == 1
    assert p.stderr.startswith(f"Error: {fifo} is a FIFO (named pipe), not a file")
    assert time.monotonic() - started < 20


def test_7_devices_and_huge_files_are_refused_before_being_read(
    tmp_path: Path, archive: Path
) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(4 * 1024**3)  # 4 GB, sparse
    p = run_process("add", "--archive", archive, "/dev/zero")
    assert p.returncode == 1
    assert p.stderr.startswith("Error: /dev/zero is a character device, not a file")
    p = run_process("add", "--archive", archive, big)
    assert p.returncode == 1
    assert "is 4,294,967,296 bytes, over the limit of 20,971,520" in p.stderr
    assert _child_peak_mb() < 1000  # never read: the old code held 4.25 GB


def _zip_bomb(path: Path, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open("word/document.xml", "w") as f:
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)


@pytest.mark.slow
def test_7_a_docx_zip_bomb_is_refused_before_it_expands(tmp_path: Path, archive: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    _zip_bomb(bomb, 512 << 20)  # 512 MB of XML in about half a megabyte
    assert bomb.stat().st_size < 2 << 20
    p = run_process("add", "--archive", archive, bomb)
    assert p.returncode == 1
    assert "word/document.xml would expand" in p.stderr and "zip bomb" in p.stderr
    assert _child_peak_mb() < 1000


def test_7_a_dripping_download_stops_at_the_deadline(archive: Path, run: Run, web: Web) -> None:
    web.route("GET", "/drip.html", drip(0.05))
    started = time.monotonic()
    r = run("add", "--archive", archive, "--timeout", "1", web.url("/drip.html"))
    took = time.monotonic() - started
    assert r.code == 1
    assert "no complete answer within 1 s; try again later or raise --timeout" in r.stderr
    assert took < 4, took  # a per-read timeout never fired: it ran until the server stopped


def test_7_a_dripping_webhook_stops_at_the_deadline(
    tmp_path: Path, seeded: Path, run: Run, web: Web
) -> None:
    web.route("POST", "/hook", drip(0.05, content_type="application/json"))
    cfg = webhook_config(tmp_path, web.url("/hook"))  # timeout = 2
    started = time.monotonic()
    r = alerts(run, seeded, cfg, "2025-11-01")
    took = time.monotonic() - started
    assert r.code == 1 and "no complete answer within 2 s" in r.stderr
    assert took < 6, took
    assert [(c, s) for c, s, _, _ in state_rows(tmp_path)] == [("webhook", "pending")]


def test_7_a_dripping_mail_server_stops_at_the_deadline(
    tmp_path: Path, seeded: Path, run: Run
) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    done = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        try:
            for ch in b"220 slow.example ESMTP " * 1000:
                if done.is_set():
                    break
                conn.sendall(bytes([ch]))
                time.sleep(0.05)
        except OSError:
            pass
        finally:
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    cfg = config(
        tmp_path,
        smtp_table(port).replace("timeout = 5", "timeout = 2")
        + '[[subscribers]]\nname = "m"\n  [[subscribers.channels]]\n  type = "email"\n'
        '  to = ["m@example.org"]\n',
    )
    started = time.monotonic()
    try:
        r = alerts(run, seeded, cfg, "2025-11-01")
    finally:
        done.set()
        server.close()
    assert r.code == 1 and "no complete answer within 2 s" in r.stderr
    assert time.monotonic() - started < 6


# === 8. clear errors ================================================================================


def _unshare(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A shell script in its own mount namespace (a tmpfs, a read-only bind mount)."""
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip("this system allows no private mount namespace (unshare -rm)")
    return subprocess.run(
        ["unshare", "-rm", "sh", "-ec", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PY": sys.executable, **env},
        timeout=300,
    )


def test_8_a_full_disk_is_a_clear_error_and_the_archive_is_unchanged(
    tmp_path: Path, seeded: Path
) -> None:
    mnt = tmp_path / "disk"
    mnt.mkdir()
    result = _unshare(
        """
        mount -t tmpfs -o size=8m tmpfs "$MNT"
        cp -a "$ARCHIVE" "$MNT/a"
        head=$(git -C "$MNT/a" rev-parse HEAD)
        dd if=/dev/zero of="$MNT/fill" bs=64k 2>/dev/null || true
        set +e
        "$PY" -m policytrack add --archive "$MNT/a" "$BIG" > "$MNT/../out" 2> "$MNT/../err"
        echo "rc=$?"
        set -e
        cat "$MNT/../err"
        [ "$(git -C "$MNT/a" rev-parse HEAD)" = "$head" ] && echo "head unchanged"
        rm "$MNT/fill"
        "$PY" -m policytrack add --archive "$MNT/a" "$BIG" > /dev/null && echo "then added"
        git -C "$MNT/a" fsck --strict 2>&1 && echo "fsck ok"
        """,
        MNT=str(mnt),
        ARCHIVE=str(seeded),
        BIG=str(corpus_batch(1)[0]),
    )
    out = result.stdout
    assert "rc=1" in out, out + result.stderr
    assert "Error: no space left on the disk holding" in out
    assert "internal error" not in out and "Traceback" not in out
    assert "head unchanged" in out and "then added" in out and "fsck ok" in out


def test_8_a_read_only_archive_is_a_clear_error(tmp_path: Path, seeded: Path) -> None:
    result = _unshare(
        """
        mount --bind "$ARCHIVE" "$ARCHIVE"
        mount -o remount,ro,bind "$ARCHIVE"
        for cmd in "list" "add $SRC"; do
          set +e
          "$PY" -m policytrack $cmd --archive "$ARCHIVE" > /dev/null 2> "$OUT/err"
          echo "rc=$?"
          set -e
          cat "$OUT/err"
        done
        """,
        ARCHIVE=str(seeded),
        SRC=str(SEED["zibo"]),
        OUT=str(tmp_path),
    )
    out = result.stdout
    assert out.count("rc=1") == 2, out + result.stderr
    assert out.count("is on a read-only file system") == 2
    assert "internal error" not in out


def test_8_a_malformed_docx_is_a_clear_error(tmp_path: Path, archive: Path, run: Run) -> None:
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")  # not XML
        z.writestr("word/document.xml", "<w:document>")
    r = run("add", "--archive", archive, bad)
    assert r.code == 1
    assert r.stderr.startswith("Error: bad.docx is not a readable .docx file")
    assert "internal error" not in r.stderr


def test_8_a_bad_file_in_a_parallel_batch_is_named(tmp_path: Path, archive: Path, run: Run) -> None:
    bad = tmp_path / "zz-bad.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")  # not XML: lxml's error, not ours
        z.writestr("word/document.xml", "<w:document>")
    files = corpus_batch(40)
    r = run("add", "--archive", archive, "--batch", *files, bad)
    assert r.code == 1
    assert "zz-bad.docx is not a readable .docx file" in r.stderr
    assert "internal error" not in r.stderr
    assert len(list(archive.glob("*.md"))) == 40  # the others were read and written


def test_8_an_encrypted_pdf_is_a_clear_error(tmp_path: Path, archive: Path, run: Run) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(pdf), encrypt=pdfencrypt.StandardEncryption("secret"))
    c.drawString(72, 720, "policy text")
    c.save()
    r = run("add", "--archive", archive, pdf)
    assert r.code == 1
    assert r.stderr.startswith("Error: locked.pdf is encrypted: it needs a password")


def test_8_a_damaged_journal_is_a_clear_error(archive: Path, run: Run) -> None:
    (archive / ".policytrack" / "journal.json").write_text('{"old": ', encoding="utf-8")
    r = run("list", "--archive", archive)
    assert r.code == 1
    assert "journal.json is damaged" in r.stderr and "git status" in r.stderr
    assert "internal error" not in r.stderr


def test_8_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, archive: Path, run: Run) -> None:
    for enc in ("utf-16-le", "utf-16-be"):
        src = tmp_path / f"{enc}.txt"
        src.write_bytes(SEED["yizhuang"].read_text(encoding="utf-8").encode(enc))
        r = run("add", "--archive", archive, src, "--dry-run")
        assert r.code == 0, (enc, r)
        assert "京技管发〔2024〕29号" in r.stdout


# === 9. smaller ======================================================================================


def test_9_diff_md_escapes_titles_and_the_metadata_table(
    tmp_path: Path, seeded: Path, run: Run
) -> None:
    title = "<script>alert(1)</script>关于加快打造AI原生产业创新高地的若干政策 | 修订"
    r = run("add", "--archive", seeded, SEED["yizhuang"], "--set", f"title={title}", "--replace")
    assert r.code == 0, r
    r = run("diff", "--archive", seeded, SEED["yizhuang"], "京技管发2024-29", "--format", "md")
    assert r.code == 0, r
    assert "<script>" not in r.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.stdout
    assert "\\| 修订" in r.stdout  # a | in a title does not end a table cell


def test_9_show_never_prints_terminal_controls(tmp_path: Path, archive: Path, run: Run) -> None:
    text = SEED["yizhuang"].read_text(encoding="utf-8")
    src = tmp_path / "esc.txt"
    src.write_text(text.replace("第一條", "\x1b[2J\x1b]0;owned\x07第一條", 1), encoding="utf-8")
    assert run("add", "--archive", archive, src).code == 0
    assert "\x1b" not in (archive / YIZHUANG).read_text(encoding="utf-8")
    # a hand edit puts one back: show prints it visibly, never raw
    path = archive / YIZHUANG
    path.write_text(path.read_text(encoding="utf-8") + "\x1b[31m红色\n", encoding="utf-8")
    hand_commit(archive, "hand edit")
    for fmt in ("text", "md"):
        r = run("show", "--archive", archive, "京技管发2024-29", "--format", fmt)
        assert r.code == 0
        assert "\x1b" not in r.stdout and "\\x1b[31m红色" in r.stdout


def test_9_a_title_with_line_breaks_does_not_change_the_body(seeded: Path, run: Run) -> None:
    before = run("show", "--archive", seeded, "京技管发2024-29", "--json")
    units = [u["anchor"] for u in json.loads(before.stdout)["units"]]
    r = run(
        "add",
        "--archive",
        seeded,
        SEED["yizhuang"],
        "--set",
        "title=第一行\n# 注入的标题\n- 列表",
        "--replace",
    )
    assert r.code == 0, r
    after = json.loads(run("show", "--archive", seeded, "京技管发2024-29", "--json").stdout)
    assert [u["anchor"] for u in after["units"]] == units
    assert after["title"] == "第一行 # 注入的标题 - 列表"
    assert (seeded / YIZHUANG).read_text(encoding="utf-8").count("\n# ") == 1


def test_9_nul_bytes_anywhere_never_reach_the_archive(
    tmp_path: Path, archive: Path, run: Run
) -> None:
    data = SEED["yizhuang"].read_bytes()
    assert len(data) > 9000
    src = tmp_path / "nul.txt"
    src.write_bytes(data[:9000] + b"\x00" + data[9000:])
    r = run("add", "--archive", archive, src)
    assert r.code == 1
    assert "holds NUL bytes (the first at byte 9,000)" in r.stderr
    assert not (archive / YIZHUANG).exists()


def test_9_a_docx_without_properties_has_no_invented_title(
    tmp_path: Path, archive: Path, run: Run
) -> None:
    import docx

    d = docx.Document()
    for line in SEED["minhang"].read_text(encoding="utf-8").splitlines()[:40]:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    src = tmp_path / "noprops.docx"
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename == "docProps/core.xml":
                continue
            data = zin.read(item.filename)
            if item.filename in ("[Content_Types].xml", "_rels/.rels"):
                data = re.sub(rb"<(Override|Relationship)[^>]*core[^>]*/>", b"", data)
            zout.writestr(item, data)
    r = run("add", "--archive", archive, src, "--json", "--dry-run")
    assert r.code == 0, r
    assert "Word Document" not in r.stdout


def test_9_a_catch_up_digest_tells_one_consistent_alert_per_document(
    tmp_path: Path, seeded: Path, run: Run, web: Web
) -> None:
    web.route("POST", "/hook", answer(503))
    cfg = webhook_config(tmp_path, web.url("/hook"))
    assert alerts(run, seeded, cfg, "2025-11-01").code == 1  # 90-day alert: not delivered
    web.route("POST", "/hook", answer(200))
    r = alerts(run, seeded, cfg, "2025-12-05")  # the 30-day one is due now too
    assert r.code == 0, r
    payload = json.loads(web.hits[-1][3])
    told = [a for a in payload["alerts"] if a["title"] == ZIBO_TITLE]
    assert len(told) == 1
    (alert,) = told
    assert alert["threshold"] == 30 and alert["days_left"] == 26 and alert["passed"] == [90]
    assert "还剩 26 天" in payload["text"] and "还剩 60 天" not in payload["text"]
    rows = state_rows(tmp_path)
    assert sorted(s for _, s, _, _ in rows) == ["sent", "sent"]  # both delivered, told as one


def test_the_fault_suite_covers_every_defect() -> None:
    names = [n for n in globals() if n.startswith("test_")]
    for k in range(1, 10):
        assert any(n.startswith(f"test_{k}_") for n in names), k
