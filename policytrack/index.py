"""The SQLite index: a cache of every document's metadata, derived from the archive.

It lives in `<archive>/.policytrack/index.sqlite` (git-ignored), is brought up to date
from git on every open (only files whose blob changed since the indexed commit are
re-parsed), and is rebuilt from scratch when missing, of an older schema, or corrupt.
It is never the source of truth: deleting it loses nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .archive import Archive, Commit
from .docfile import document_from_front_matter, front_matter, parse
from .errors import ArchiveError, FormatError, PolicytrackError, ValidationErrors
from .model import (
    LINEAGE_TYPES,
    UNKNOWN,
    DatedFact,
    Document,
    MeasureDeadline,
    ValidityWindow,
    instrument_key,
    lookup_keys,
    reference_key,
)
from .recovery import environment_problem
from .supersession import stub_id

# refkeys that are not REF spellings (a slug never holds "~" or ":"): the keys `add` finds
# copies and versions by, and the cited-title key supersession resolves by
INSTRUMENT = "~i:"
REFERENCE = "~r:"
SKETCH = "~s:"
STUB = (
    "~t:"  # a lineage relation's stub id (`supersession.stub_id`): those sharing one are versions
)
LINEAGE_SQL = "(" + ", ".join(f"'{t}'" for t in LINEAGE_TYPES) + ")"

# a document's head (`_head`): its columns, and its dates, aliases and whether it is
# provisional taken out of the stored front matter by SQLite (one json_extract each: SQLite
# reads the whole text again for every path)
HEAD_COLUMNS = (
    "id, title, kind, doc_number, issuer, jurisdiction, json_extract(data, '$.dates'),"
    " json_extract(data, '$.aliases'), json_extract(data, '$.provisional')"
)
_NO_DATES = '{"issued":"unknown","published":"unknown","effective":"unknown","expires":"unknown"}'


def _fact(raw: Any) -> DatedFact:
    if not isinstance(raw, dict):  # "unknown"
        return UNKNOWN
    day = date.fromisoformat(raw["date"]) if raw.get("date") else None
    return DatedFact(
        day,
        raw.get("basis") or ("stated" if day else "unknown"),
        str(raw.get("evidence") or ""),
        str(raw.get("rule") or ""),
    )


def _head(row: tuple[Any, ...]) -> Document:
    """A document from HEAD_COLUMNS: what `docfile.document_from_front_matter` makes of its
    stored front matter, without relations, sources, history, field evidence or overrides
    (tested equal). Built from columns and the dates alone, not by decoding the whole JSON:
    at 100,000 documents the 2,490 that expire within 90 days took 170 ms of CPU decoded
    whole, ~70 ms this way (docs/performance.md)."""
    dates = json.loads(row[6] or _NO_DATES)
    return Document(
        id=row[0],
        title=row[1],
        kind=row[2],
        doc_number=row[3],
        issuer=row[4],
        jurisdiction=row[5],
        window=ValidityWindow(
            _fact(dates.get("issued")),
            _fact(dates.get("published")),
            _fact(dates.get("effective")),
            _fact(dates.get("expires")),
            bool(row[8]),
        ),
        aliases=tuple(json.loads(row[7])) if row[7] and row[7] != "[]" else (),
    )


SCHEMA_VERSION = "10"
READ_BATCH = 2000  # blobs read from git at a time while refreshing
log = logging.getLogger("policytrack")
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    name TEXT PRIMARY KEY, blob TEXT NOT NULL, id TEXT, doc_number TEXT, title TEXT,
    kind TEXT, issuer TEXT, jurisdiction TEXT, issued TEXT, published TEXT,
    effective TEXT, expires TEXT, data TEXT, problem TEXT
);
CREATE INDEX docs_id ON docs(id);
-- covers Index.rows (every document's columns, by id) without reading the table's rows,
-- which hold the front matter too: 0.34 s → 0.22 s at 100,000 documents
CREATE INDEX docs_rows ON docs(
    id, blob, doc_number, title, kind, issuer, jurisdiction, issued, published, effective,
    expires
) WHERE problem IS NULL;
CREATE INDEX docs_expires ON docs(expires);
-- the few files that could not be read, reported by every command that skips them
CREATE INDEX docs_problems ON docs(name) WHERE problem IS NOT NULL;
CREATE TABLE refkeys (key TEXT NOT NULL, id TEXT NOT NULL, how TEXT NOT NULL);
CREATE INDEX refkeys_key ON refkeys(key);
CREATE TABLE measures (
    id TEXT NOT NULL, anchor TEXT NOT NULL, label TEXT NOT NULL, due TEXT NOT NULL,
    basis TEXT NOT NULL, rule TEXT NOT NULL, evidence TEXT NOT NULL
);
CREATE INDEX measures_due ON measures(due);
CREATE TABLE links (src TEXT NOT NULL, type TEXT NOT NULL, key TEXT NOT NULL, effective TEXT);
CREATE INDEX links_key ON links(key);
CREATE INDEX links_src ON links(src);
CREATE INDEX links_effective ON links(effective);
CREATE INDEX docs_effective ON docs(effective);
CREATE INDEX docs_issued ON docs(issued);
CREATE INDEX docs_published ON docs(published);
CREATE INDEX refkeys_id ON refkeys(id);
CREATE INDEX measures_id ON measures(id);
CREATE TABLE commits (
    pos INTEGER PRIMARY KEY, sha TEXT NOT NULL, date TEXT NOT NULL, author TEXT NOT NULL,
    subject TEXT NOT NULL, action TEXT NOT NULL, doc_id TEXT NOT NULL
);
CREATE TABLE touched (name TEXT NOT NULL, pos INTEGER NOT NULL);
CREATE INDEX touched_name ON touched(name);
"""


@dataclass(frozen=True)
class IndexStats:
    """What one refresh did."""

    parsed: int
    removed: int
    rebuilt: bool


def _date_out(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


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


class Index:
    """Read access to the archive's metadata through the SQLite cache."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.path = archive.state / "index.sqlite"
        self.last_refresh = IndexStats(0, 0, False)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path)
        try:
            yield conn
        finally:
            conn.close()

    def _usable(self) -> bool:
        if not self.path.exists():
            return False
        try:
            with self._connect() as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                conn.execute("SELECT count(*) FROM docs").fetchone()
            return bool(row and row[0] == SCHEMA_VERSION)
        except sqlite3.DatabaseError:
            return False

    def _create(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        with self._connect() as conn:
            # one transaction: each statement of the script committed alone (and synced)
            # made a new archive's first `add` wait ~0.4 s
            conn.executescript(
                f"BEGIN; {SCHEMA}"
                f" INSERT INTO meta VALUES ('schema', '{SCHEMA_VERSION}');"
                " INSERT INTO meta VALUES ('head', ''); COMMIT;"
            )

    def refresh(self) -> IndexStats:
        """Bring the index up to date with the archive's HEAD; rebuild it if unusable.
        Every committed file that cannot be read is named in a warning (logged): the
        commands that read the index skip it, and must say so."""
        try:
            stats = self._refresh()
        except (sqlite3.OperationalError, OSError) as exc:
            problem = environment_problem(exc, self.archive.root) or environment_problem(
                str(exc), self.archive.root
            )
            if problem is None:
                raise
            raise ArchiveError(problem) from None
        for name, problem in self.problems():
            log.warning("%s is skipped: %s", name, problem)
        return stats

    def problems(self) -> list[tuple[str, str]]:
        """(file name, why it cannot be read) of every committed file left out."""
        with self._connect() as conn:
            return conn.execute(
                "SELECT name, problem FROM docs WHERE problem IS NOT NULL ORDER BY name"
            ).fetchall()

    def _refresh(self) -> IndexStats:
        rebuilt = False
        with self.archive.lock():
            if not self._usable():
                self._create()
                rebuilt = True
            head = self.archive.head() or ""
            with self._connect() as conn:
                (stored,) = conn.execute("SELECT value FROM meta WHERE key = 'head'").fetchone()
                if stored == head and not rebuilt:
                    self.last_refresh = IndexStats(0, 0, False)
                    return self.last_refresh
                diff = None
                if stored and head and not rebuilt:
                    # from the indexed commit: only what changed since, however big the archive
                    diff = self.archive.changed_between(stored, head)
                if diff is not None:
                    blobs = {n: b for n, b in diff.items() if b is not None}
                    changed = sorted(blobs)
                    removed = [n for n, b in diff.items() if b is None]
                else:
                    blobs = self.archive.tree_blobs(head) if head else {}
                    have = dict(conn.execute("SELECT name, blob FROM docs").fetchall())
                    changed = [n for n, b in blobs.items() if have.get(n) != b]
                    removed = [n for n in have if n not in blobs]
                # the rows of every document whose file changed or went, by its old id
                stale = [(n,) for n in removed + changed]
                old_ids = [
                    row[0]
                    for (n,) in stale
                    for row in conn.execute("SELECT id FROM docs WHERE name = ?", (n,))
                    if row[0] is not None
                ]
                conn.executemany("DELETE FROM docs WHERE name = ?", stale)
                for table, column in (("refkeys", "id"), ("measures", "id"), ("links", "src")):
                    conn.executemany(
                        f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in old_ids]
                    )
                # in batches: the texts of a whole archive need not be in memory at once
                for k in range(0, len(changed), READ_BATCH):
                    batch = changed[k : k + READ_BATCH]
                    texts = self.archive.read_blobs(sorted({blobs[n] for n in batch}))
                    for name in batch:
                        self._store(conn, name, blobs[name], texts[blobs[name]])
                self._follow_history(conn, "" if rebuilt else stored, head, diff)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'head'", (head,))
                conn.commit()
            self.last_refresh = IndexStats(len(changed), len(removed), rebuilt)
            return self.last_refresh

    def _follow_history(
        self,
        conn: sqlite3.Connection,
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
        if stored and head and diff is not None and self.archive.parents(head) == [stored]:
            commit, doc_id = self.archive.commit_meta(head)
            new = [(commit, doc_id, sorted(diff))]
        elif stored and not self.archive.is_ancestor(stored, head):
            stored = ""
        if not stored:
            conn.execute("DELETE FROM commits")
            conn.execute("DELETE FROM touched")
        if not head:
            return
        if new is None:
            new = self.archive.commits_since(stored or None, head)
        (top,) = conn.execute("SELECT coalesce(max(pos), 0) FROM commits").fetchone()
        pos = top + len(new)  # newest first: the highest position
        for commit, doc_id, names in new:
            conn.execute(
                "INSERT INTO commits VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    pos,
                    commit.sha,
                    commit.date,
                    commit.author,
                    commit.subject,
                    commit.action,
                    doc_id,
                ),
            )
            conn.executemany("INSERT INTO touched VALUES (?, ?)", [(n, pos) for n in names])
            pos -= 1

    def _store(self, conn: sqlite3.Connection, name: str, blob: str, text: str) -> None:
        # imported here: only a refresh that reads files needs them, not every command
        from .facts import deadlines
        from .versions import sketch

        try:
            doc = parse(readable(text, name), name)
        except PolicytrackError as exc:
            conn.execute(
                "INSERT INTO docs (name, blob, problem) VALUES (?, ?, ?)",
                (name, blob, problem_of(exc, name)),
            )
            return
        w = doc.window
        data = json.dumps(front_matter(doc), ensure_ascii=False, default=_json_default)
        conn.execute("DELETE FROM refkeys WHERE id = ?", (doc.id,))
        conn.execute(
            "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)",
            (
                name,
                blob,
                doc.id,
                doc.doc_number,
                doc.title,
                doc.kind,
                doc.issuer,
                doc.jurisdiction,
                _date_out(w.issued.value),
                _date_out(w.published.value),
                _date_out(w.effective.value),
                _date_out(w.expires.value),
                data,
            ),
        )
        keys = {(doc.id.lower(), "id"), *lookup_keys(doc.doc_number, doc.title, doc.aliases)}
        if doc.title:
            keys.add((INSTRUMENT + instrument_key(doc.title), "instrument"))
            keys.add((REFERENCE + reference_key(doc.title), "reference"))
        keys.update((SKETCH + gram, "sketch") for gram in sketch(doc.body))
        conn.executemany(
            "INSERT INTO refkeys VALUES (?, ?, ?)", [(k, doc.id, how) for k, how in keys]
        )
        conn.execute("DELETE FROM links WHERE src = ?", (doc.id,))
        links: set[tuple[str, str, str, str | None]] = set()
        for rel in doc.relations:
            # every key the relation could resolve by (see temporal.build_graph)
            on = _date_out(rel.effective)
            if rel.target_id:
                links.add((doc.id, rel.type, rel.target_id.lower(), on))
            for key, _ in lookup_keys(rel.doc_number, rel.title):
                links.add((doc.id, rel.type, key, on))
            if rel.title:
                links.add((doc.id, rel.type, REFERENCE + reference_key(rel.title), on))
            if rel.type in LINEAGE_TYPES:
                links.add((doc.id, rel.type, STUB + stub_id(rel), on))
        ordered = sorted(links, key=lambda x: (x[0], x[1], x[2], x[3] or ""))
        conn.executemany("INSERT INTO links VALUES (?, ?, ?, ?)", ordered)
        conn.execute("DELETE FROM measures WHERE id = ?", (doc.id,))
        measures = []
        for unit in doc.units:
            if unit.kind in ("notice", "preamble"):
                continue
            label = unit.title if unit.kind != "item" else unit.label
            for fact in deadlines(unit.text):
                if fact.value is not None:
                    measures.append(
                        (
                            doc.id,
                            unit.anchor,
                            label,
                            fact.value.isoformat(),
                            fact.basis,
                            fact.rule,
                            fact.evidence,
                        )
                    )
        conn.executemany("INSERT INTO measures VALUES (?,?,?,?,?,?,?)", measures)

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
        heads (`_head`: identity, dates and aliases; no relations, sources, history or field
        evidence). A status, a successor and the resolution of the relations pointing at a
        document read nothing else of it (the front matter decoded whole was ~60% of
        `expiring` at 100,000 documents, docs/performance.md)."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {HEAD_COLUMNS} FROM docs WHERE problem IS NULL"
                " AND expires >= ? AND expires <= ? ORDER BY id",
                (start.isoformat(), end.isoformat()),
            ).fetchall()
        return [_head(r) for r in rows]

    def heads(self) -> Iterator[Document]:
        """Every valid document with its identity, dates and aliases only (as
        `expiring_between` reads them), in id order, read as they are used: a listing of
        100,000 documents holds one at a time."""
        with self._connect() as conn:
            for row in conn.execute(
                f"SELECT {HEAD_COLUMNS} FROM docs WHERE problem IS NULL ORDER BY id"
            ):
                yield _head(row)

    def linked_to(self, ids: list[str]) -> list[Document]:
        """Documents that supersede or follow (predecessor relation) any of `ids`: all a
        status or successor computation for those documents needs."""
        if not ids:
            return []
        with self._connect() as conn:
            self._wanted(conn, ids)
            rows = conn.execute(
                "SELECT data FROM docs WHERE problem IS NULL AND id IN ("
                " SELECT l.src FROM links l JOIN refkeys r ON r.key = l.key"
                f" WHERE l.type IN {LINEAGE_SQL}"
                # a sketch key names no document: 24 of a document's ~28 keys, each a
                # lookup of the links (70 → 45 ms for 2,490 documents at 100,000)
                " AND r.id IN (SELECT id FROM wanted) AND r.how != 'sketch') ORDER BY id"
            ).fetchall()
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

    ROW_COLUMNS = (
        "id, blob, doc_number, title, kind, issuer, jurisdiction, "
        "issued, published, effective, expires"
    )

    def rows(self) -> list[tuple[Any, ...]]:
        """Every valid document's columns (ROW_COLUMNS) by id: no JSON decoded, so a
        listing of the whole archive stays cheap."""
        with self._connect() as conn:
            return conn.execute(
                f"SELECT {self.ROW_COLUMNS} FROM docs WHERE problem IS NULL ORDER BY id"
            ).fetchall()

    def documents_by_id(self, ids: list[str] | set[str]) -> list[Document]:
        """The metadata of the given documents (those that exist), ordered by id."""
        with self._connect() as conn:
            self._wanted(conn, ids)
            rows = conn.execute(
                "SELECT data FROM docs WHERE problem IS NULL AND id IN (SELECT id FROM wanted)"
                " ORDER BY id"
            ).fetchall()
        return [document_from_front_matter(json.loads(r[0])) for r in rows]

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
        with self._connect() as conn:
            self._wanted(conn, ids)
            out = conn.execute(query).fetchall()
        return {r[0] for r in out}

    def targets(self, ids: list[str] | set[str]) -> set[str]:
        """Archived documents that `ids` supersede or follow (forward lineage links)."""
        with self._connect() as conn:
            self._wanted(conn, ids)
            out = conn.execute(
                "SELECT r.id FROM links l JOIN refkeys r ON r.key = l.key"
                " WHERE l.src IN (SELECT id FROM wanted)"
                f" AND l.type IN {LINEAGE_SQL}"
            ).fetchall()
        return {r[0] for r in out}

    def sources_of_keys(self, keys: set[str]) -> set[str]:
        """Documents with a relation naming any of `keys` (e.g. the keys of a stub)."""
        with self._connect() as conn:
            self._wanted_keys(conn, keys)
            out = conn.execute(
                "SELECT DISTINCT src FROM links WHERE key IN (SELECT key FROM wanted_keys)"
            ).fetchall()
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
        with self._connect() as conn:
            self._wanted_keys(conn, keys)
            rows = conn.execute(
                "SELECT DISTINCT key, id FROM refkeys WHERE key IN (SELECT key FROM wanted_keys)"
                " ORDER BY key, id"
            ).fetchall()
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
