"""The SQLite index: a cache of every document's metadata, derived from the archive.

It lives in `<archive>/.policytrack/index.sqlite` (git-ignored), is brought up to date
from git on every open (only files whose blob changed since the indexed commit are
re-parsed), and is rebuilt from scratch when missing, of an older schema, or corrupt.
It is never the source of truth: deleting it loses nothing.

By job: `schema` (the tables, SCHEMA_VERSION, the reference-key prefixes, opening and
creating the file), `rows` (a document ↔ its rows), `refresh` (the write path: changed
blobs parsed into SQLite, the commits since), `queries` (`Index`, what the commands ask).
"""

from .queries import Index
from .refresh import READ_BATCH, IndexStats, problem_of, readable
from .schema import INSTRUMENT, LINEAGE_SQL, REFERENCE, SCHEMA, SCHEMA_VERSION, SKETCH, STUB

__all__ = [
    "INSTRUMENT",
    "LINEAGE_SQL",
    "READ_BATCH",
    "REFERENCE",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SKETCH",
    "STUB",
    "Index",
    "IndexStats",
    "problem_of",
    "readable",
]
