"""What a killed process leaves behind, and how it is cleared safely.

A policytrack command can be killed at any instant (a process-group kill takes its git
children with it). It can leave:

- its own temporary files in `<archive>/.policytrack/`, every one named with the process
  id that made it (`blobs-PID`, `index-PID`, `scratch-PID`, `*.PID.tmp`): removed by the
  next command once that process is gone (`sweep`);
- a git lock file (`.git/index.lock`, `.git/refs/heads/main.lock`, …) of a git child
  killed mid-write. git never removes those itself, and refuses to work while one exists.
  A lock is stale when no git process is running in the repository (Linux: read from
  /proc); only then is it removed (`clear_stale_lock`). Where that cannot be known, the
  lock is treated as live and the message names the file to delete.

`environment_problem` turns what the system says about a failed write (disk full,
read-only file system, permission denied) into what to do about it.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import time
from pathlib import Path

# the names of every temporary file or folder policytrack makes in .policytrack/
_TEMP = re.compile(r"^(?:blobs|index|scratch)-(\d+)$|\.(\d+)\.tmp$")
LOCK_MIN_AGE = 1.0  # seconds: a lock younger than this may belong to a git just starting


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep(folder: Path) -> list[str]:
    """Remove the temporary files of dead processes from folder; returns their names."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = _TEMP.search(entry.name)
        if not m:
            continue
        pid = int(m.group(1) or m.group(2))
        if pid == os.getpid() or pid_alive(pid):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            continue  # a read-only archive: reported by whatever needs to write
    return removed


def git_running_in(*folders: Path) -> bool:
    """Whether a git process runs with its working folder in one of these folders. True
    when it cannot be known (no /proc, another user's process): callers then leave the
    lock alone."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return True
    roots = [str(f.resolve()) for f in folders]
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue  # gone meanwhile
        if not comm.startswith("git"):
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except FileNotFoundError:
            continue
        except OSError:
            return True  # a git we may not inspect
        if any(cwd == r or cwd.startswith(r + os.sep) for r in roots):
            return True
    return False


def clear_stale_lock(lock: Path, *repo_folders: Path) -> bool:
    """Remove a git lock file that no live process can be writing; True if removed."""
    try:
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return True  # already gone: the caller may retry
    if age < LOCK_MIN_AGE or git_running_in(*repo_folders):
        return False
    lock.unlink(missing_ok=True)
    return True


def lock_named(stderr: str, toplevel: Path) -> Path | None:
    """The lock file a git error complains about ("Unable to create '….lock': File
    exists"), or None if the error is about something else."""
    m = re.search(r"'([^']+\.lock)'", stderr)
    if m is None or "exists" not in stderr:
        return None
    return (toplevel / m.group(1)).resolve()


def locked(lock: Path) -> str:
    """The message for a git lock another process holds."""
    return (
        f"git's lock file {lock} is held by another git command running in this repository; "
        f"wait until it finishes and run the command again (if no git command is running, "
        f"delete {lock})"
    )


_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_MESSAGES = (
    ("No space left on device", errno.ENOSPC),
    ("Disk quota exceeded", errno.EDQUOT),
    ("database or disk is full", errno.ENOSPC),
    ("Read-only file system", errno.EROFS),
    ("readonly database", errno.EROFS),
    ("Permission denied", errno.EACCES),
)


def environment_problem(error: BaseException | str, where: Path | str) -> str | None:
    """What to do about a write that failed because of the system, or None if it did
    not. `where` is the folder written to."""
    code = getattr(error, "errno", None)
    if code is None:
        text = str(error)
        code = next((c for needle, c in _MESSAGES if needle in text), None)
    if code in _NO_SPACE:
        return (
            f"no space left on the disk holding {where}; free some space and run the command "
            "again (what was being written was not recorded)"
        )
    if code == errno.EROFS:
        return (
            f"{where} is on a read-only file system; policytrack writes there (the archive's "
            "commits and its index in .policytrack/): use a writable copy"
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied writing in {where}; run as a user who may write there "
            "or fix its permissions"
        )
    return None
