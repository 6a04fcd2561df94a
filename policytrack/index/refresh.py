"""The write path: the index brought up to date with the archive's HEAD. Only the files
whose git blob changed since the indexed commit are read and parsed (all of them when the
file is missing, of an older schema or corrupt); the commits since are added so that a
file's history is a lookup."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from policytrack.archive import Archive, Commit
from policytrack.docfile import parse
from policytrack.errors import FormatError, PolicytrackError, ValidationErrors

from .rows import doc_row, links_of, measures_of, refkeys_of
from .schema import connect, create, usable

READ_BATCH = 2000  # blobs read from git at a time while refreshing


@dataclass(frozen=True)
class IndexStats:
    """What one refresh did."""

    parsed: int
    removed: int
    rebuilt: bool


def readable(text: str, name: str) -> str:
    """A committed file's text, or FormatError when its bytes were not UTF-8 (blobs are
    decoded with surrogateescape, so one such file cannot stop the others being read)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FormatError(
            f"is not UTF-8 text (an undecodable byte at character {exc.start}); "
            "convert it to UTF-8 (e.g. iconv -f GB18030 -t UTF-8) and commit it",
            path=name,
        ) from None
    return text


def problem_of(exc: PolicytrackError, name: str) -> str:
    """Why a file cannot be read, on one line, without its name in front."""
    items = exc.problems if isinstance(exc, ValidationErrors) else [str(exc)]
    return "; ".join(p.removeprefix(f"{name}: ") for p in items)


def bring_up_to_date(archive: Archive, path: Path) -> IndexStats:
    """Bring the index file at `path` up to date with the archive's HEAD, under the
    archive's lock; rebuild it when it is not usable."""
    rebuilt = False
    with archive.lock():
        if not usable(path):
            create(path)
            rebuilt = True
        head = archive.head() or ""
        with connect(path) as conn:
            (stored,) = conn.execute("SELECT value FROM meta WHERE key = 'head'").fetchone()
            if stored == head and not rebuilt:
                return IndexStats(0, 0, False)
            diff = None
            if stored and head and not rebuilt:
                # from the indexed commit: only what changed since, however big the archive
                diff = archive.changed_between(stored, head)
            blobs, changed, removed = _changes(conn, archive, head, diff)
            _forget(conn, removed + changed)
            # in batches: the texts of a whole archive need not be in memory at once
            for k in range(0, len(changed), READ_BATCH):
                batch = changed[k : k + READ_BATCH]
                texts = archive.read_blobs(sorted({blobs[n] for n in batch}))
                for name in batch:
                    store(conn, name, blobs[name], texts[blobs[name]])
            follow_history(conn, archive, "" if rebuilt else stored, head, diff)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'head'", (head,))
            conn.commit()
        return IndexStats(len(changed), len(removed), rebuilt)


def _changes(
    conn: sqlite3.Connection, archive: Archive, head: str, diff: dict[str, str | None] | None
) -> tuple[dict[str, str], list[str], list[str]]:
    """(file → its blob at HEAD, the files changed, the files removed): from `diff` (the
    indexed commit → HEAD) when there is one, else by comparing HEAD's whole tree with the
    blobs indexed."""
    if diff is not None:
        blobs = {n: b for n, b in diff.items() if b is not None}
        return blobs, sorted(blobs), [n for n, b in diff.items() if b is None]
    blobs = archive.tree_blobs(head) if head else {}
    have = dict(conn.execute("SELECT name, blob FROM docs").fetchall())
    changed = [n for n, b in blobs.items() if have.get(n) != b]
    return blobs, changed, [n for n in have if n not in blobs]


def _forget(conn: sqlite3.Connection, names: list[str]) -> None:
    """Delete the rows of every document whose file changed or went, by its old id."""
    stale = [(n,) for n in names]
    old_ids = [
        row[0]
        for (n,) in stale
        for row in conn.execute("SELECT id FROM docs WHERE name = ?", (n,))
        if row[0] is not None
    ]
    conn.executemany("DELETE FROM docs WHERE name = ?", stale)
    for table, column in (("refkeys", "id"), ("measures", "id"), ("links", "src")):
        conn.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in old_ids])


def store(conn: sqlite3.Connection, name: str, blob: str, text: str) -> None:
    """One committed file's rows: the parsed document's (rows.py), or its name with why it
    cannot be read."""
    try:
        doc = parse(readable(text, name), name)
    except PolicytrackError as exc:
        conn.execute(
            "INSERT INTO docs (name, blob, problem) VALUES (?, ?, ?)",
            (name, blob, problem_of(exc, name)),
        )
        return
    row = doc_row(name, blob, doc)
    conn.execute("DELETE FROM refkeys WHERE id = ?", (doc.id,))
    conn.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)", row)
    conn.executemany(
        "INSERT INTO refkeys VALUES (?, ?, ?)", [(k, doc.id, how) for k, how in refkeys_of(doc)]
    )
    conn.execute("DELETE FROM links WHERE src = ?", (doc.id,))
    conn.executemany("INSERT INTO links VALUES (?, ?, ?, ?)", links_of(doc))
    conn.execute("DELETE FROM measures WHERE id = ?", (doc.id,))
    conn.executemany("INSERT INTO measures VALUES (?,?,?,?,?,?,?)", measures_of(doc))


def follow_history(
    conn: sqlite3.Connection,
    archive: Archive,
    stored: str,
    head: str,
    diff: dict[str, str | None] | None,
) -> None:
    """Add the archive commits after the indexed one (all of them when the indexed
    commit is not in the history any more), so a page's commits are a lookup: a
    `git log -- file` walks the whole history and reads each commit's tree. One new
    commit on top of the indexed one touched the files `diff` found (a log of its
    files would compare its tree again: 0.2 s with 100,000 files in one folder)."""
    new: list[tuple[Commit, str, list[str]]] | None = None
    if stored and head and diff is not None and archive.parents(head) == [stored]:
        commit, doc_id = archive.commit_meta(head)
        new = [(commit, doc_id, sorted(diff))]
    elif stored and not archive.is_ancestor(stored, head):
        stored = ""
    if not stored:
        conn.execute("DELETE FROM commits")
        conn.execute("DELETE FROM touched")
    if not head:
        return
    if new is None:
        new = archive.commits_since(stored or None, head)
    (top,) = conn.execute("SELECT coalesce(max(pos), 0) FROM commits").fetchone()
    pos = top + len(new)  # newest first: the highest position
    for commit, doc_id, names in new:
        conn.execute(
            "INSERT INTO commits VALUES (?, ?, ?, ?, ?, ?, ?)",
            (pos, commit.sha, commit.date, commit.author, commit.subject, commit.action, doc_id),
        )
        conn.executemany("INSERT INTO touched VALUES (?, ?)", [(n, pos) for n in names])
        pos -= 1
