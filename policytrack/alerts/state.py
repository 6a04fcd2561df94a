"""Delivery state: a small SQLite file beside the configuration, and the run lock.

Every alert is stored once per channel as `pending` before anything is sent, and marked
`sent` right after its channel accepts it, so a failed channel keeps its alerts for the next
run and a delivered alert is never sent again. The document statuses seen by the last run
are stored in the same transaction, so "newly superseded" and "new version" are found by
comparison, not by guessing from dates.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from policytrack.errors import ConfigError, PolicytrackError

from .plan import Alert, Previous

SCHEMA = "1"
_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS known (doc_id TEXT PRIMARY KEY, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
    subscriber TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    event TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent')),
    detected TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    alert TEXT NOT NULL,
    PRIMARY KEY (subscriber, doc_id, event, threshold, channel)
);
CREATE INDEX IF NOT EXISTS alerts_pending ON alerts(status, subscriber, channel);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    as_of TEXT NOT NULL,
    started_at TEXT NOT NULL,
    new INTEGER NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
);
"""


class Locked(PolicytrackError):
    """Another alerts run holds the lock."""


@dataclass(frozen=True)
class Pending:
    """A stored alert waiting for one channel."""

    alert: Alert
    channel: str
    attempts: int
    last_error: str | None


class State:
    """The state file. Open with `State.open` (read-write, locked) or `State.peek`
    (read-only, for --dry-run; nothing is created)."""

    def __init__(self, path: Path, conn: sqlite3.Connection | None) -> None:
        self.path = path
        self._conn = conn

    # --- opening ---------------------------------------------------------------------

    @classmethod
    @contextmanager
    def open(cls, path: Path) -> Iterator[State]:
        lock_path = path.with_name(path.name + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConfigError(
                f"cannot create the alerts lock file {lock_path} ({exc.strerror}); "
                "make its folder writable or set [alerts] state to a writable path"
            ) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Locked(
                    f"another 'policytrack alerts run' is running (it holds {lock_path}); "
                    "this run did nothing: try again when it has finished"
                ) from None
            conn = cls._connect(path)
            try:
                yield cls(path, conn)
            finally:
                conn.close()
        finally:
            os.close(fd)  # closing releases the lock, also when the process dies

    @classmethod
    @contextmanager
    def peek(cls, path: Path) -> Iterator[State]:
        if not path.exists():
            yield cls(path, None)
            return
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            cls._check(conn, path)
            yield cls(path, conn)
        finally:
            conn.close()

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_DDL)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            State._check(conn, path)
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                f"the alerts state {path} is unreadable ({exc}); it records what was already "
                "sent, so restore it from a backup rather than deleting it"
            ) from None
        return conn

    @staticmethod
    def _check(conn: sqlite3.Connection, path: Path) -> None:
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"the alerts state {path} is unreadable ({exc})") from None
        if row and row[0] != SCHEMA:
            raise ConfigError(
                f"the alerts state {path} has schema {row[0]}, this policytrack writes "
                f"{SCHEMA}; upgrade policytrack"
            )

    # --- reading ---------------------------------------------------------------------

    def previous(self) -> Previous:
        if self._conn is None:
            return Previous(None, None)
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'last_as_of'").fetchone()
        if row is None:
            return Previous(None, None)
        statuses = dict(self._conn.execute("SELECT doc_id, status FROM known"))
        return Previous(statuses, date.fromisoformat(row[0]))

    def delivered(self) -> set[tuple[str, str, str, int, str]]:
        """Keys (subscriber, doc, event, threshold, channel) already stored."""
        if self._conn is None:
            return set()
        rows = self._conn.execute(
            "SELECT subscriber, doc_id, event, threshold, channel FROM alerts"
        )
        return {(s, d, e, int(t), c) for s, d, e, t, c in rows}

    def pending(self) -> list[Pending]:
        if self._conn is None:
            return []
        rows = self._conn.execute(
            "SELECT alert, channel, attempts, last_error FROM alerts WHERE status = 'pending' "
            "ORDER BY subscriber, channel, detected, rowid"
        )
        return [Pending(Alert.from_json(json.loads(a)), c, n, e) for a, c, n, e in rows]

    # --- writing ---------------------------------------------------------------------

    def record_run(
        self,
        as_of: date,
        now: str,
        alerts: list[tuple[Alert, str]],
        statuses: Mapping[str, str],
    ) -> tuple[int, int]:
        """In one transaction: store new (alert, channel) pairs as pending, the statuses
        seen, and the as_of watermark (never moved backwards). Returns the run id and how
        many pairs were new."""
        conn = self._writable()
        with _transaction(conn):
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO alerts (subscriber, doc_id, event, threshold, channel, "
                "status, detected, created_at, alert) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                [
                    (
                        a.subscriber,
                        a.doc_id,
                        a.event,
                        a.threshold,
                        channel,
                        a.detected.isoformat(),
                        now,
                        json.dumps(a.to_json(), ensure_ascii=False, sort_keys=True),
                    )
                    for a, channel in alerts
                ],
            )
            new = conn.total_changes - before
            conn.execute("DELETE FROM known")
            conn.executemany("INSERT INTO known VALUES (?, ?)", sorted(statuses.items()))
            row = conn.execute("SELECT value FROM meta WHERE key = 'last_as_of'").fetchone()
            last = max(as_of, date.fromisoformat(row[0])) if row else as_of
            conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('last_as_of', ?)", (last.isoformat(),)
            )
            cur = conn.execute(
                "INSERT INTO runs (as_of, started_at, new) VALUES (?, ?, ?)",
                (as_of.isoformat(), now, new),
            )
        return int(cur.lastrowid or 0), new

    def mark_sent(self, items: list[Pending], now: str) -> None:
        conn = self._writable()
        with _transaction(conn):
            conn.executemany(
                "UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                "last_error = NULL WHERE subscriber = ? AND doc_id = ? AND event = ? "
                "AND threshold = ? AND channel = ? AND status = 'pending'",
                [(now, *p.alert.key, p.channel) for p in items],
            )

    def mark_failed(self, items: list[Pending], error: str) -> None:
        conn = self._writable()
        with _transaction(conn):
            conn.executemany(
                "UPDATE alerts SET attempts = attempts + 1, last_error = ? WHERE subscriber = ? "
                "AND doc_id = ? AND event = ? AND threshold = ? AND channel = ?",
                [(error, *p.alert.key, p.channel) for p in items],
            )

    def finish_run(self, run_id: int, sent: int, failed: int) -> None:
        conn = self._writable()
        conn.execute("UPDATE runs SET sent = ?, failed = ? WHERE id = ?", (sent, failed, run_id))

    def _writable(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("state opened read-only")
        return self._conn


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
