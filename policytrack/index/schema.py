"""The index's SQLite file: its tables, the version that says when a file is of an older
shape, the prefixes of the reference keys that are not REF spellings, and opening,
checking and creating the file."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from policytrack.model import LINEAGE_TYPES

# refkeys that are not REF spellings (a slug never holds "~" or ":"): the keys `add` finds
# copies and versions by, and the cited-title key supersession resolves by
INSTRUMENT = "~i:"
REFERENCE = "~r:"
SKETCH = "~s:"
STUB = (
    "~t:"  # a lineage relation's stub id (`supersession.stub_id`): those sharing one are versions
)
LINEAGE_SQL = "(" + ", ".join(f"'{t}'" for t in LINEAGE_TYPES) + ")"

SCHEMA_VERSION = "10"
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


@contextlib.contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the index file, closed on leaving (sqlite3's own context manager
    only commits)."""
    conn = sqlite3.connect(path)
    try:
        yield conn
    finally:
        conn.close()


def usable(path: Path) -> bool:
    """Whether the file exists, is a database and is of this SCHEMA_VERSION."""
    if not path.exists():
        return False
    try:
        with connect(path) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            conn.execute("SELECT count(*) FROM docs").fetchone()
        return bool(row and row[0] == SCHEMA_VERSION)
    except sqlite3.DatabaseError:
        return False


def create(path: Path) -> None:
    """An empty index of this schema in place of whatever the file (and its journals) held."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with connect(path) as conn:
        # one transaction: each statement of the script committed alone (and synced)
        # made a new archive's first `add` wait ~0.4 s
        conn.executescript(
            f"BEGIN; {SCHEMA}"
            f" INSERT INTO meta VALUES ('schema', '{SCHEMA_VERSION}');"
            " INSERT INTO meta VALUES ('head', ''); COMMIT;"
        )
