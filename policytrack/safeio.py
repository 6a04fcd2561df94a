"""Reading a file the user names, without trusting it: a FIFO, a device or a socket is
refused before it is opened (reading one blocks forever or never ends: `/dev/zero`), and
a regular file is read only up to the limit, which is checked while reading (its size can
change under us), so memory never holds more than the limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from policytrack.errors import PolicytrackError

CHUNK = 1 << 20


class TooLarge(PolicytrackError):
    """A file is larger than the limit it is read with."""

    def __init__(self, message: str, size: int | None) -> None:
        super().__init__(message)
        self.size = size


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: Path, mode: int) -> PolicytrackError:
    if stat.S_ISDIR(mode):
        return PolicytrackError(f"{path} is a folder; give the files inside it")
    what = next((w for test, w in _KINDS if test(mode)), "not a regular file")
    return PolicytrackError(
        f"{path} is {what}, not a file; save what it holds to a file and give that file"
    )


def read_limited(path: Path, max_bytes: int, hint: str = "") -> bytes:
    """The bytes of a regular file of at most max_bytes; PolicytrackError otherwise.
    `hint` tells how to raise the limit (appended to TooLarge's message)."""
    too_big = f"; {hint}" if hint else ""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise PolicytrackError(f"{path} does not exist; check the path") from None
    except OSError as exc:
        raise PolicytrackError(f"cannot read {path}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise _not_regular(path, mode)
    try:
        # O_NONBLOCK: if the path became a FIFO since the stat, opening it does not wait
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise PolicytrackError(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb", buffering=0) as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > max_bytes:
            raise TooLarge(
                f"{path} is {info.st_size:,} bytes, over the limit of {max_bytes:,}{too_big}",
                info.st_size,
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                chunk = f.read(min(CHUNK, max_bytes + 1 - size))
            except OSError as exc:
                raise PolicytrackError(f"cannot read {path}: {exc.strerror}") from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(
                    f"{path} is larger than the limit of {max_bytes:,} bytes{too_big}", None
                )
    return b"".join(chunks)
