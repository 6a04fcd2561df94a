"""The read side: `Index`, what the commands, the site build and the checks ask the index,
each answer one SQL query over the tables of `schema` (the documents decoded by `rows`)."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from policytrack.archive import Archive, Commit
from policytrack.docfile import document_from_front_matter
from policytrack.errors import ArchiveError
from policytrack.model import Document, MeasureDeadline
from policytrack.recovery import environment_problem

from .refresh import IndexStats, bring_up_to_date
from .rows import HEAD_COLUMNS, ROW_COLUMNS, head
from .schema import LINEAGE_SQL, connect

log = logging.getLogger("policytrack")


class Index:
    """Read access to the archive's metadata through the SQLite cache."""

    ROW_COLUMNS = ROW_COLUMNS

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.path = archive.state / "index.sqlite"
        self.last_refresh = IndexStats(0, 0, False)

    def _connect(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return connect(self.path)

    def refresh(self) -> IndexStats:
        """Bring the index up to date with the archive's HEAD; rebuild it if unusable.
        Every committed file that cannot be read is named in a warning (logged): the
        commands that read the index skip it, and must say so."""
        try:
            stats = bring_up_to_date(self.archive, self.path)
        except (sqlite3.OperationalError, OSError) as exc:
            problem = environment_problem(exc, self.archive.root) or environment_problem(
                str(exc), self.archive.root
            )
            if problem is None:
                raise
            raise ArchiveError(problem) from None
        self.last_refresh = stats
        for name, problem in self.problems():
            log.warning("%s is skipped: %s", name, problem)
        return stats

    def problems(self) -> list[tuple[str, str]]:
        """(file name, why it cannot be read) of every committed file left out."""
        with self._connect() as conn:
            return conn.execute(
                "SELECT name, problem FROM docs WHERE problem IS NOT NULL ORDER BY name"
            ).fetchall()

    # --- queries -----------------------------------------------------------------------

    def documents(self) -> list[Document]:
        """Every valid document's metadata, ordered by id."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT data FROM docs WHERE problem IS NULL ORDER BY id"
            ).fetchall()
        return [document_from_front_matter(json.loads(r[0])) for r in rows]

    def blob_of(self, doc_id: str) -> str | None:
        """The git blob of a valid document's file as indexed, or None."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT blob FROM docs WHERE id = ? AND problem IS NULL", (doc_id,)
            ).fetchone()
        return str(row[0]) if row else None

    def blobs(self) -> dict[str, str]:
        """id → git blob of every valid document's file."""
        with self._connect() as conn:
            rows = conn.execute("SELECT id, blob FROM docs WHERE problem IS NULL").fetchall()
        return dict(rows)

    def expiring_between(self, start: date, end: date) -> list[Document]:
        """Documents whose 有效期至 falls in [start, end], from the expires index, as their
        heads (`rows.head`: identity, dates and aliases; no relations, sources, history or field
        evidence). A status, a successor and the resolution of the relations pointing at a
        document read nothing else of it (the front matter decoded whole was ~60% of
        `expiring` at 100,000 documents, docs/performance.md)."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {HEAD_COLUMNS} FROM docs WHERE problem IS NULL"
                " AND expires >= ? AND expires <= ? ORDER BY id",
                (start.isoformat(), end.isoformat()),
            ).fetchall()
        return [head(r) for r in rows]

    def heads(self) -> Iterator[Document]:
        """Every valid document with its identity, dates and aliases only (as
        `expiring_between` reads them), in id order, read as they are used: a listing of
        100,000 documents holds one at a time."""
        with self._connect() as conn:
            for row in conn.execute(
                f"SELECT {HEAD_COLUMNS} FROM docs WHERE problem IS NULL ORDER BY id"
            ):
                yield head(row)

    def linked_to(self, ids: list[str]) -> list[Document]:
        """Documents that supersede or follow (predecessor relation) any of `ids`: all a
        status or successor computation for those documents needs."""
        if not ids:
            return []
        rows = self._of_ids(
            ids,
            "SELECT data FROM docs WHERE problem IS NULL AND id IN ("
            " SELECT l.src FROM links l JOIN refkeys r ON r.key = l.key"
            f" WHERE l.type IN {LINEAGE_SQL}"
            # a sketch key names no document: 24 of a document's ~28 keys, each a
            # lookup of the links (70 → 45 ms for 2,490 documents at 100,000)
            " AND r.id IN (SELECT id FROM wanted) AND r.how != 'sketch') ORDER BY id",
        )
        return [document_from_front_matter(json.loads(r[0])) for r in rows]

    def lineage_groups(self) -> dict[str, int]:
        """Every document in a lineage relation (holding one, or named by one) → a group
        number: documents that may be versions of each other share one. Groups join what a
        relation could resolve to (any document with one of its keys, a stub it shares with
        another relation), so a graph of one group links its documents as the whole
        archive's graph does; a document in no group is in no lineage. Read from the
        links and keys alone (no front matter decoded): what lets `list` stream."""
        parent: dict[str, str] = {}

        def root(node: str) -> str:
            while parent.setdefault(node, node) != node:
                parent[node] = parent[parent[node]]  # path halving
                node = parent[node]
            return node

        def join(a: str, b: str) -> None:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[ra] = rb

        with self._connect() as conn:
            links = conn.execute(
                f"SELECT src, key FROM links WHERE type IN {LINEAGE_SQL}"
            ).fetchall()
            # the documents those keys name, looked up key by key (a join scanned every
            # link of the archive, citations included: 1.2 s at 100,000 documents)
            self._wanted_keys(conn, {key for _, key in links})
            named = conn.execute(
                "SELECT key, id FROM refkeys WHERE key IN (SELECT key FROM wanted_keys)"
            ).fetchall()
        for src, key in links:
            join(src, "\0" + key)  # keys apart from ids
        for key, doc_id in named:
            join("\0" + key, doc_id)
        numbers: dict[str, int] = {}
        return {
            node: numbers.setdefault(root(node), len(numbers))
            for node in list(parent)
            if not node.startswith("\0")
        }

    def commits_of(self, names: list[str]) -> dict[str, list[Commit]]:
        """The archive commits that touched each document file, newest first."""
        found: dict[str, list[Commit]] = {}
        with self._connect() as conn:
            conn.execute("CREATE TEMP TABLE names (name TEXT PRIMARY KEY)")
            conn.executemany("INSERT OR IGNORE INTO names VALUES (?)", [(n,) for n in names])
            rows = conn.execute(
                "SELECT t.name, c.sha, c.date, c.author, c.subject, c.action"
                " FROM touched t JOIN commits c ON c.pos = t.pos"
                " WHERE t.name IN (SELECT name FROM names) ORDER BY t.name, c.pos DESC"
            ).fetchall()
        for name, *commit in rows:
            found.setdefault(name, []).append(Commit(*commit))
        return found

    def recent_commits(self, limit: int) -> list[tuple[Commit, str]]:
        """The latest archive commits naming a document (Document-Id trailer), newest
        first, with that document's id."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT sha, date, author, subject, action, doc_id FROM commits"
                " WHERE doc_id != '' ORDER BY pos DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [(Commit(*r[:5]), r[5]) for r in rows]

    def recent_touches(self, limit: int) -> list[tuple[Commit, str]]:
        """The latest changes to each document file, newest first, as (commit, document
        id): one per file a commit touched (a batch commit touches many), the `limit`
        latest of every issuer and jurisdiction, so that the latest `limit` of the whole
        archive and of any group of issuers or jurisdictions are among them."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT c.sha, c.date, c.author, c.subject, c.action, r.id FROM ("
                " SELECT t.pos, t.name, d.id, ROW_NUMBER() OVER (PARTITION BY"
                "  coalesce(d.jurisdiction, ''), coalesce(d.issuer, '')"
                "  ORDER BY t.pos DESC, t.name) AS rn"
                " FROM touched t JOIN docs d ON d.name = t.name WHERE d.problem IS NULL) r"
                " JOIN commits c ON c.pos = r.pos WHERE r.rn <= ? ORDER BY r.pos DESC, r.name",
                (limit,),
            ).fetchall()
        return [(Commit(*r[:5]), r[5]) for r in rows]

    def rows(self) -> list[tuple[Any, ...]]:
        """Every valid document's columns (ROW_COLUMNS) by id: no JSON decoded, so a
        listing of the whole archive stays cheap."""
        with self._connect() as conn:
            return conn.execute(
                f"SELECT {ROW_COLUMNS} FROM docs WHERE problem IS NULL ORDER BY id"
            ).fetchall()

    def documents_by_id(self, ids: list[str] | set[str]) -> list[Document]:
        """The metadata of the given documents (those that exist), ordered by id."""
        rows = self._of_ids(
            ids,
            "SELECT data FROM docs WHERE problem IS NULL AND id IN (SELECT id FROM wanted)"
            " ORDER BY id",
        )
        return [document_from_front_matter(json.loads(r[0])) for r in rows]

    def _of_ids(self, ids: list[str] | set[str], query: str) -> list[tuple[Any, ...]]:
        """The rows of `query`, which reads the ids from the temporary table `wanted`."""
        with self._connect() as conn:
            self._wanted(conn, ids)
            return conn.execute(query).fetchall()

    def _of_keys(self, keys: set[str], query: str) -> list[tuple[Any, ...]]:
        """The rows of `query`, which reads the keys from the temporary table `wanted_keys`."""
        with self._connect() as conn:
            self._wanted_keys(conn, keys)
            return conn.execute(query).fetchall()

    def _wanted(self, conn: sqlite3.Connection, ids: list[str] | set[str]) -> None:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM wanted")
        conn.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(i,) for i in ids])

    def _wanted_keys(self, conn: sqlite3.Connection, keys: set[str]) -> None:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_keys (key TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM wanted_keys")
        conn.executemany("INSERT OR IGNORE INTO wanted_keys VALUES (?)", [(k,) for k in keys])

    def neighbours(self, ids: list[str] | set[str], lineage_only: bool = False) -> set[str]:
        """Documents one relation away from `ids`, either way: those they point at (by any
        key that resolves) and those pointing at them. lineage_only: supersedes/predecessor
        relations only, and also the documents pointing at the same keys (versions of one
        lineage through a stub they all supersede)."""
        cond = f" AND l.type IN {LINEAGE_SQL}" if lineage_only else ""
        query = (
            "SELECT r.id FROM links l JOIN refkeys r ON r.key = l.key"
            f" WHERE l.src IN (SELECT id FROM wanted){cond}"
            " UNION SELECT l.src FROM links l JOIN refkeys r ON r.key = l.key"
            f" WHERE r.id IN (SELECT id FROM wanted){cond}"
        )
        if lineage_only:
            query += (
                " UNION SELECT o.src FROM links l JOIN links o ON o.key = l.key"
                f" WHERE l.src IN (SELECT id FROM wanted){cond}"
                f" AND o.type IN {LINEAGE_SQL}"
            )
        out = self._of_ids(ids, query)
        return {r[0] for r in out}

    def targets(self, ids: list[str] | set[str]) -> set[str]:
        """Archived documents that `ids` supersede or follow (forward lineage links)."""
        out = self._of_ids(
            ids,
            "SELECT r.id FROM links l JOIN refkeys r ON r.key = l.key"
            " WHERE l.src IN (SELECT id FROM wanted)"
            f" AND l.type IN {LINEAGE_SQL}",
        )
        return {r[0] for r in out}

    def sources_of_keys(self, keys: set[str]) -> set[str]:
        """Documents with a relation naming any of `keys` (e.g. the keys of a stub)."""
        out = self._of_keys(
            keys, "SELECT DISTINCT src FROM links WHERE key IN (SELECT key FROM wanted_keys)"
        )
        return {r[0] for r in out}

    def dated_between(self, start: date, end: date) -> set[str]:
        """Documents with a date of their own, or a relation's effective date, in
        [start, end]: the ones whose status (or a target's) may change in that span."""
        a, b = start.isoformat(), end.isoformat()
        with self._connect() as conn:
            out = conn.execute(
                "SELECT id FROM docs WHERE problem IS NULL AND ("
                " issued BETWEEN ?1 AND ?2 OR published BETWEEN ?1 AND ?2"
                " OR effective BETWEEN ?1 AND ?2 OR expires BETWEEN ?1 AND ?2)"
                " UNION SELECT src FROM links WHERE effective BETWEEN ?1 AND ?2",
                (a, b),
            ).fetchall()
        return {r[0] for r in out}

    def resolve_keys(self, keys: set[str]) -> dict[str, list[str]]:
        """key → the ids it names (sorted), for the keys that name an archived document."""
        rows = self._of_keys(
            keys,
            "SELECT DISTINCT key, id FROM refkeys WHERE key IN (SELECT key FROM wanted_keys)"
            " ORDER BY key, id",
        )
        found: dict[str, list[str]] = {}
        for key, doc_id in rows:
            found.setdefault(key, []).append(doc_id)
        return found

    def measures_due(self, start: date, end: date) -> list[MeasureDeadline]:
        """Unit-level deadlines falling in [start, end], soonest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, anchor, label, due, basis, rule, evidence FROM measures "
                "WHERE due >= ? AND due <= ? ORDER BY due, id, anchor",
                (start.isoformat(), end.isoformat()),
            ).fetchall()
        return [
            MeasureDeadline(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5], r[6])
            for r in rows
        ]

    def ids_for_key(self, key: str) -> list[str]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT DISTINCT id FROM refkeys WHERE key = ? ORDER BY id", (key,)
            ).fetchall()
        return [r[0] for r in rows]

    def search_refs(self, needle: str) -> list[tuple[str, str]]:
        """(id, display) of documents whose doc number, title or id contains needle."""
        like = f"%{needle}%"
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, coalesce(doc_number, '') || ' ' || title FROM docs "
                "WHERE problem IS NULL AND (doc_number LIKE ? OR title LIKE ? OR id LIKE ?) ORDER BY id",
                (like, like, like),
            ).fetchall()
        return [(r[0], r[1].strip()) for r in rows]
