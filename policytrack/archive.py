"""The git-backed archive: a folder of canonical Markdown files inside a git repository.

Every mutation is exactly one commit that touches only this archive's files. Commits are
built with git plumbing in a private index (hash-object → update-index → write-tree →
commit-tree) and published with a compare-and-swap `update-ref`, and only then is the
working tree updated. A crash before the ref moves leaves nothing behind; a crash after it
leaves a journal that the next command completes. Writers are serialised by a lock.

GitPython is used through `repo.git` with short-lived `Repo` objects (its pure-Python
index is slower and it leaks resources in long-running processes; see docs/architecture.md),
and only to write: it is imported on first use, and the reads every command makes (HEAD, what
changed since the indexed commit, blobs, the log) run `git` directly (`_read_git`), so a
command that only reads never imports it (~60 ms of every start, measured in `make bench`).

Size: over 500 lines because it is one class, `Archive`, and the only code that runs git
(ruff reserves GitPython to this module): opening, reading trees, blobs and history, the
lock, the atomic commit and its recovery share the repository handling and the fault
points the crash tests inject; split, they would hand the repository between modules.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ArchiveError
from .lazyre import lazy_module
from .model import Document
from .recovery import clear_stale_lock, environment_problem, lock_named, locked, sweep

if TYPE_CHECKING:
    import git
else:
    git = lazy_module("git")

log = logging.getLogger("policytrack")
MARKER = ".policytrack.toml"
LOCK_WAIT = 10.0  # seconds to wait for another git command's lock (POLICYTRACK_GIT_LOCK_WAIT)
STATE_DIR = ".policytrack"
GITIGNORE = ".gitignore"
FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "policytrack",
    "GIT_AUTHOR_EMAIL": "policytrack@localhost",
    "GIT_COMMITTER_NAME": "policytrack",
    "GIT_COMMITTER_EMAIL": "policytrack@localhost",
}


@dataclass(frozen=True)
class Commit:
    """One archive commit touching a document."""

    sha: str
    date: str
    author: str
    subject: str
    action: str


@dataclass(frozen=True)
class Trailers:
    """The structured trailers every archive commit carries."""

    action: str
    document_id: str = ""
    doc_number: str = ""
    source_url: str = ""
    source_sha256: str = ""

    def render(self) -> str:
        lines = [f"Policytrack-Action: {self.action}"]
        if self.document_id:
            lines.append(f"Document-Id: {self.document_id}")
        if self.doc_number:
            lines.append(f"Doc-Number: {self.doc_number}")
        if self.source_url:
            lines.append(f"Source-URL: {self.source_url}")
        if self.source_sha256:
            lines.append(f"Source-SHA256: {self.source_sha256}")
        return "\n".join(lines)


def _fault(point: str) -> None:
    """Crash here for real when POLICYTRACK_FAULT names this point (crash-safety tests)."""
    if os.environ.get("POLICYTRACK_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


class _GitFailed(Exception):
    """A read-only git command exited with an error (an unknown commit, no HEAD yet…)."""


def _read_git(cwd: Path, *args: str) -> str:
    """The output of a read-only git command run in `cwd`, without its final newline."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise ArchiveError("git is not installed; install git and try again") from None
    if done.returncode != 0:
        raise _GitFailed(done.stderr.decode("utf-8", "replace").strip())
    return done.stdout.decode("utf-8", "surrogateescape").removesuffix("\n")


def _git_toplevel(path: Path) -> Path | None:
    try:
        out = _read_git(path, "rev-parse", "--show-toplevel")
    except _GitFailed:
        return None
    return Path(out.strip())


class Archive:
    """A policytrack archive folder and the repository it lives in."""

    def __init__(self, root: Path, toplevel: Path) -> None:
        self.root = root.resolve()
        self.toplevel = toplevel.resolve()
        self.prefix = self.root.relative_to(self.toplevel).as_posix()
        if self.prefix == ".":
            self.prefix = ""
        self.state = self.root / STATE_DIR
        self._held = False

    # --- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path) -> Archive:
        """Open an existing archive; finish any commit a crash interrupted."""
        if not (root / MARKER).is_file():
            raise ArchiveError(
                f"{root} is not a policytrack archive; create one with "
                f"'policytrack init {root}' or pass --archive DIR"
            )
        top = _git_toplevel(root)
        if top is None:
            raise ArchiveError(
                f"{root} is not inside a git repository; run 'git init' there or re-create it with 'policytrack init'"
            )
        archive = cls(root, top)
        archive._prepare_state()
        if (archive.state / "journal.json").exists():
            with archive.lock():
                archive.recover()
        return archive

    def _prepare_state(self) -> None:
        """The private folder exists; temporary files of killed runs are gone."""
        try:
            self.state.mkdir(exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                environment_problem(exc, self.root) or f"cannot create {self.state} ({exc})"
            ) from None
        sweep(self.state)

    @classmethod
    def init(cls, root: Path) -> Archive:
        """Create an archive: its own repository, or a folder inside an existing one."""
        if (root / MARKER).exists():
            raise ArchiveError(
                f"{root} is already a policytrack archive; use it with --archive {root}"
            )
        if root.exists() and not root.is_dir():
            raise ArchiveError(f"{root} exists and is not a folder; choose another path")
        root.mkdir(parents=True, exist_ok=True)
        top = _git_toplevel(root)
        if top is None:
            git.Repo.init(str(root), initial_branch="main").close()
            top = root
        archive = cls(root, top)
        archive._prepare_state()
        files = {
            MARKER: "# policytrack archive\nformat = 1\n",
            GITIGNORE: f"{STATE_DIR}/\n",
        }
        with archive.lock():
            archive.commit(files, "init: policytrack archive", Trailers("init"))
        return archive

    # --- paths and reading -------------------------------------------------------------

    def repo(self) -> git.Repo:
        return git.Repo(str(self.toplevel))

    def relpath(self, name: str) -> str:
        """Path of an archive file relative to the repository top level."""
        return f"{self.prefix}/{name}" if self.prefix else name

    def name_of(self, path: str) -> str:
        """An archive file's name from its path relative to the top level (relpath's inverse)."""
        return path[len(self.prefix) + 1 :] if self.prefix else path

    def doc_path(self, doc_id: str) -> Path:
        return self.root / f"{doc_id}.md"

    def document_files(self) -> list[Path]:
        return sorted(p for p in self.root.glob("*.md") if p.name != "README.md")

    def read(self, doc_id: str) -> Document:
        from .docfile import parse  # the canonical reader (and YAML) only where a file is read

        path = self.doc_path(doc_id)
        return parse(path.read_text(encoding="utf-8"), path.name)

    def _read(self, *args: str) -> str:
        return _read_git(self.toplevel, *args)

    def head(self) -> str | None:
        try:
            return self._read("rev-parse", "--verify", "-q", "HEAD").strip() or None
        except _GitFailed:
            return None

    def tree_blobs(self, commit: str) -> dict[str, str]:
        """{file name: blob sha} of the archive's document files at a commit."""
        out = self._read("ls-tree", "-z", commit, "--", (self.prefix + "/") if self.prefix else ".")
        return {
            name: sha
            for name, sha in self._blobs_in(out)
            if "/" not in name and name.endswith(".md") and name != "README.md"
        }

    def tree_blobs_of(self, repo: git.Repo, commit: str, names: list[str]) -> dict[str, str]:
        """{name: blob sha} for these archive files at a commit (absent ones left out)."""
        found: dict[str, str] = {}
        for chunk in range(0, len(names), 500):  # bounded command lines
            paths = [self.relpath(n) for n in names[chunk : chunk + 500]]
            found.update(self._blobs_in(repo.git.ls_tree("-z", commit, "--", *paths)))
        return found

    def _blobs_in(self, ls_tree: str) -> Iterator[tuple[str, str]]:
        """(archive file name, blob sha) of each blob in `git ls-tree -z` output."""
        for record in ls_tree.split("\0"):
            meta, _, path = record.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob":
                yield self.name_of(path), parts[2]

    def read_blobs(self, shas: list[str]) -> dict[str, str]:
        """Contents of many blobs through one `git cat-file --batch`."""
        if not shas:
            return {}
        with subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=self.toplevel,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        ) as proc:
            assert proc.stdin is not None and proc.stdout is not None
            out: dict[str, str] = {}
            request = ("\n".join(shas) + "\n").encode()

            def feed() -> None:
                # written from a thread: with many blobs both pipes fill and a single
                # thread writing then reading would deadlock
                assert proc.stdin is not None
                proc.stdin.write(request)
                proc.stdin.close()

            writer = threading.Thread(target=feed, daemon=True)
            writer.start()
            try:
                for _ in shas:
                    header = proc.stdout.readline().decode().split()
                    size = int(header[2])
                    data = proc.stdout.read(size)
                    proc.stdout.read(1)
                    # never fails: a file that is not UTF-8 is reported by whoever parses it
                    out[header[0]] = data.decode("utf-8", "surrogateescape")
            finally:
                writer.join()
                proc.wait()
            return out

    def changed_between(self, old: str, new: str) -> dict[str, str | None] | None:
        """{document file name: its blob at `new`, or None if gone} for the document files
        that differ between two commits: one `git diff-tree`, however big the archive.
        None when `old` is no longer in the repository (history rewritten)."""
        try:
            out = self._read(
                "diff-tree", "-r", "-z", "--no-renames", old, new, "--", self.prefix or "."
            )
        except _GitFailed:
            return None
        fields = out.split("\0")
        found: dict[str, str | None] = {}
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.lstrip(":").split()
            if len(parts) != 5:
                continue
            name = self.name_of(path)
            if "/" in name or not name.endswith(".md") or name == "README.md":
                continue
            found[name] = None if parts[4] == "D" else parts[3]
        return found

    def _log(self, *args: str, trailer: str = "") -> list[tuple[Commit, str, str]]:
        """(commit, extra trailer value, text after the header) for each `git log` record,
        newest first. The header fields are separated by US, records start with RS."""
        sep, start = "\x1f", "\x1e"
        keys = ["%H", "%aI", "%an", "%s", "%(trailers:key=Policytrack-Action,valueonly)"]
        if trailer:
            keys.append(f"%(trailers:key={trailer},valueonly)")
        try:
            out = self._read("log", f"--format={start}{sep.join(keys)}{sep}", *args)
        except _GitFailed:
            return []
        records = []
        for record in out.split(start):
            if not record.strip():
                continue
            parts = record.split(sep)
            fields = (parts[:-1] + [""] * 6)[:6]
            commit = Commit(fields[0], fields[1], fields[2], fields[3], fields[4].strip())
            records.append((commit, fields[5].strip(), parts[-1]))
        return records

    def is_ancestor(self, old: str, new: str) -> bool:
        """Whether `old` is in the history of `new` (False if either is unknown)."""
        try:
            self._read("merge-base", "--is-ancestor", old, new)
        except _GitFailed:
            return False
        return True

    def parents(self, commit: str) -> list[str]:
        """The parents of a commit (none for a root commit or an unknown one)."""
        try:
            out = self._read("rev-list", "--parents", "-n", "1", commit)
        except _GitFailed:
            return []
        return out.split()[1:]

    def commit_meta(self, commit: str) -> tuple[Commit, str]:
        """One commit and its Document-Id trailer, without the files it touched."""
        ((meta, doc_id, _),) = self._log("-1", commit, trailer="Document-Id")
        return meta, doc_id

    def commits_since(self, old: str | None, new: str) -> list[tuple[Commit, str, list[str]]]:
        """The archive commits after `old` up to `new` (all of them without `old`), newest
        first, each with its Document-Id trailer and the document files it touched."""
        span = f"{old}..{new}" if old else new
        found = []
        for commit, doc_id, touched in self._log(
            "--name-only", "-z", span, "--", self.prefix or ".", trailer="Document-Id"
        ):
            paths = (p.strip() for p in touched.replace("\n", "\0").split("\0"))
            found.append((commit, doc_id, [self.name_of(p) for p in paths if p]))
        return found

    def is_dirty(self, name: str) -> bool:
        with self.repo() as repo:
            return bool(self._dirty(repo, [name]))

    # --- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        """Exclusive writer lock; waits up to `timeout` seconds for another writer. Taken
        again through the same Archive (an index refresh inside `add`), it is already held."""
        if self._held:
            yield
            return
        if timeout is None:
            timeout = float(os.environ.get("POLICYTRACK_LOCK_TIMEOUT", "120"))
        try:
            self.state.mkdir(exist_ok=True)
            fd = os.open(self.state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ArchiveError(
                environment_problem(exc, self.root) or f"cannot open the archive's lock ({exc})"
            ) from None
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() > deadline:
                        raise ArchiveError(
                            f"the archive {self.root} is busy: another policytrack command "
                            f"has held its lock for {timeout:.0f}s; wait for it to finish and retry"
                        ) from None
                    time.sleep(0.05)
            self._held = True
            try:
                yield
            finally:
                self._held = False
        finally:
            os.close(fd)

    def _env(self, repo: git.Repo) -> dict[str, str]:
        env: dict[str, str] = {}
        try:
            repo.git.config("user.email")
        except git.GitCommandError:
            env.update(FALLBACK_IDENTITY)
        return env

    def commit(
        self, files: Mapping[str, str | None], subject: str, trailers: Trailers
    ) -> str | None:
        """Write files (name → text, None deletes) as one commit; None if nothing changed.

        The caller holds `lock()`."""
        self.recover()
        try:
            return self._commit(files, subject, trailers)
        except (git.GitCommandError, subprocess.CalledProcessError, OSError) as exc:
            raise ArchiveError(self._failure(exc)) from None
        finally:
            (self.state / f"scratch-{os.getpid()}").unlink(missing_ok=True)

    def _failure(self, exc: BaseException) -> str:
        """One line for a git command or a write that failed while committing."""
        text = exc.stderr if isinstance(exc, git.GitCommandError) else exc
        if isinstance(exc, subprocess.CalledProcessError):
            text = (exc.stderr or b"").decode("utf-8", "replace")
        found = environment_problem(exc, self.root) or environment_problem(str(text), self.root)
        if found:
            return found + "; the archive is unchanged"
        detail = str(text).strip().splitlines()[-1:] or [type(exc).__name__]
        return f"git could not write the commit ({detail[0].strip()}); the archive is unchanged"

    def _commit(
        self, files: Mapping[str, str | None], subject: str, trailers: Trailers
    ) -> str | None:
        message = f"{subject}\n\n{trailers.render()}\n"
        tmp_index = self.state / f"index-{os.getpid()}"
        journal = self.state / "journal.json"
        with self.repo() as repo:
            env = self._env(repo)
            for name in self._dirty(repo, [n for n in files if (self.root / n).exists()]):
                raise ArchiveError(
                    f"{self.relpath(name)} has uncommitted changes; commit them with git "
                    f"or discard them (git checkout -- {self.relpath(name)}) first"
                )
            head = self.head()
            ienv = {**os.environ, **env, "GIT_INDEX_FILE": str(tmp_index)}
            try:
                if head:
                    repo.git.read_tree(head, env=ienv)
                else:
                    repo.git.read_tree("--empty", env=ienv)
                # a constant number of git processes, whatever the number of files
                entries = []
                written = [(n, t) for n, t in files.items() if t is not None]
                blobs = self._store_blobs([t for _, t in written])
                _fault("after-blobs")
                for (name, _), blob in zip(written, blobs, strict=True):
                    entries.append(f"100644 {blob}\t{self.relpath(name)}")
                for name, text in files.items():
                    if text is None:
                        entries.append(f"0 {'0' * 40}\t{self.relpath(name)}")
                subprocess.run(
                    ["git", "update-index", "--index-info"],
                    input=("\n".join(entries) + "\n").encode(),
                    cwd=self.toplevel,
                    env=ienv,
                    check=True,
                    capture_output=True,
                )
                _fault("in-index")
                tree = repo.git.write_tree(env=ienv)
            finally:
                tmp_index.unlink(missing_ok=True)
            if head and tree == repo.git.rev_parse(f"{head}^{{tree}}"):
                (self.state / f"scratch-{os.getpid()}").unlink(missing_ok=True)
                return None
            parents = ["-p", head] if head else []
            new = repo.git.commit_tree(tree, *parents, "-F", self._scratch(message), env=env)
            record = json.dumps({"old": head, "new": new, "files": sorted(files)})
            _atomic_write(journal, record.encode(), self.state)  # never half written
            _fault("before-ref")
            args = ["HEAD", new] + ([head] if head else ["0" * 40])
            try:
                self._update_ref(repo, subject, args, head)
            except BaseException:
                journal.unlink(missing_ok=True)
                raise
            _fault("after-ref")
            try:
                self.recover(files)
            except ArchiveError as exc:
                # the commit is made: the journal stays, and the next command puts the
                # files in place (this one must not report a failure for a stored commit)
                log.warning("%s; the commit is made, the next policytrack command finishes it", exc)
            return str(new)

    def _update_ref(self, repo: git.Repo, subject: str, args: list[str], head: str | None) -> None:
        """Move HEAD by compare-and-swap; a stale ref lock of a killed git is cleared."""
        deadline = time.monotonic() + _lock_wait()
        while True:
            try:
                repo.git.update_ref("-m", subject, *args)
                return
            except git.GitCommandError as exc:
                if self.head() != head:
                    raise ArchiveError(
                        "the repository's HEAD moved while writing (another git command "
                        "committed meanwhile); nothing was changed, run the command again"
                    ) from None
                lock = lock_named(str(exc.stderr), self.toplevel)
                if lock is None:
                    raise
                if clear_stale_lock(lock, self.toplevel, self._git_dir(repo)):
                    continue
                if time.monotonic() > deadline:
                    raise ArchiveError(locked(lock)) from None
                time.sleep(0.1)

    def _git_dir(self, repo: git.Repo) -> Path:
        return (self.toplevel / str(repo.git.rev_parse("--git-common-dir")).strip()).resolve()

    def _retry_index(self, repo: git.Repo, *args: str) -> None:
        """A git command that writes the repository's index, waiting while another git
        command holds the index lock, and clearing the lock of a killed one."""
        deadline = time.monotonic() + _lock_wait()
        while True:
            try:
                repo.git.execute(["git", *args])
                return
            except git.GitCommandError as exc:
                lock = lock_named(str(exc.stderr), self.toplevel)
                if lock is None:
                    raise ArchiveError(
                        self._failure(exc).replace("; the archive is unchanged", "")
                    ) from None
                if clear_stale_lock(lock, self.toplevel, self._git_dir(repo)):
                    continue
                if time.monotonic() > deadline:
                    raise ArchiveError(locked(lock)) from None
                time.sleep(0.1)

    def _dirty(self, repo: git.Repo, names: list[str]) -> list[str]:
        """Which of these archive files differ from HEAD in the worktree or the index."""
        if not names:
            return []
        wanted = {self.relpath(n): n for n in names}
        out = repo.git.status(  # no optional index lock: a killed status leaves none
            "--porcelain",
            "-z",
            "--",
            (self.prefix + "/") if self.prefix else ".",
            env={"GIT_OPTIONAL_LOCKS": "0"},
        )
        dirty = []
        for record in out.split("\0"):
            path = record[3:] if len(record) > 3 else ""
            if path in wanted:
                dirty.append(wanted[path])
        return sorted(dirty)

    def _store_blobs(self, texts: list[str]) -> list[str]:
        """Store texts as blobs through one `git fast-import` and return their shas, in
        order. From 100 blobs on it writes one pack, as a `git fast-import` of the same
        files does, where `git hash-object -w` wrote a file per blob from a file per text
        (800 files created for a 400-file batch, ~0.7 ms each under /tmp here): 0.40–0.43 s
        of CPU for the 400 files of `make bench`'s ingest against 0.31–1.58 s, steadier
        under load (docs/performance.md)."""
        if not texts:
            return []
        stream = bytearray()
        for mark, text in enumerate(texts, 1):
            data = text.encode("utf-8")
            stream += b"blob\nmark :%d\ndata %d\n%b\n" % (mark, len(data), data)
        for mark in range(1, len(texts) + 1):
            stream += b"get-mark :%d\n" % mark
        done = subprocess.run(
            # no deltas (loose objects had none either): a delta of each blob against the
            # one before cost a third more CPU, for unrelated texts
            # it moves no ref: no hook is run (a reference-transaction hook saw an empty
            # transaction before each commit's real one)
            [
                "git",
                "-c",
                "core.hooksPath=/dev/null",
                "fast-import",
                "--quiet",
                "--done",
                "--cat-blob-fd=1",
                "--depth=0",
            ],
            input=bytes(stream + b"done\n"),
            cwd=self.toplevel,
            check=True,
            capture_output=True,
        )
        shas = done.stdout.decode().split()
        if len(shas) != len(texts):
            raise ArchiveError(f"git fast-import stored {len(shas)} of {len(texts)} blobs")
        return shas

    def _scratch(self, text: str) -> str:
        """A scratch file holding text, for git commands that read a file."""
        path = self.state / f"scratch-{os.getpid()}"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def recover(self, written: Mapping[str, str | None] | None = None) -> None:
        """Complete or discard a commit a crash interrupted (see the module docstring):
        bring the worktree and git's index to the committed files. `written` are the
        files the commit just made, when it is the caller (no need to read them back)."""
        journal = self.state / "journal.json"
        if not journal.exists():
            return
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
            names: list[str] = [str(n) for n in state["files"]]
            new_commit = str(state["new"])
        except (ValueError, KeyError, TypeError):
            raise ArchiveError(
                f"{journal} is damaged (it is written whole, so it was changed by hand or by "
                "a disk fault); run 'git status' in the archive: restore changed files with "
                f"'git checkout -- FILE', then delete {journal}"
            ) from None
        head = self.head()
        if head == new_commit:
            with self.repo() as repo:
                if written is None or sorted(written) != names:
                    blobs = self.tree_blobs_of(repo, "HEAD", names)
                    texts = self.read_blobs(sorted(set(blobs.values())))
                    written = {n: texts[blobs[n]] if n in blobs else None for n in names}
                for chunk in range(0, len(names), 500):  # bounded command lines
                    paths = [self.relpath(n) for n in names[chunk : chunk + 500]]
                    self._retry_index(repo, "reset", "-q", "HEAD", "--", *paths)
                _fault("in-recover")
                try:
                    for name, text in written.items():
                        target = self.root / name
                        if text is not None:
                            data = text.encode("utf-8", "surrogateescape")
                            _atomic_write(target, data, self.state)
                        else:
                            target.unlink(missing_ok=True)
                except OSError as exc:
                    raise ArchiveError(
                        environment_problem(exc, self.root) or f"cannot write {exc.filename}"
                    ) from None
        journal.unlink(missing_ok=True)


def _atomic_write(path: Path, data: bytes, tmp_dir: Path) -> None:
    """A worktree copy of a committed file, replaced whole. Not fsynced, as git does not
    fsync the files it checks out: the commit itself is durable in git, and a copy lost
    in a crash shows as a changed file that `git checkout -- FILE` restores (an fsync per
    file was a tenth of a 400-file batch). The temporary file is made in the private
    folder (same file system), named with the process id, where the next command finds
    and removes it if this one is killed (recovery.sweep)."""
    tmp = tmp_dir / f"put.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _lock_wait() -> float:
    return float(os.environ.get("POLICYTRACK_GIT_LOCK_WAIT", LOCK_WAIT))
