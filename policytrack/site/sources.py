"""The documents' text for the build's workers, read without parsing their front matter again.

The archive's index parsed every file when it was refreshed and keeps each document's
metadata (its front matter as JSON) with the file's git blob. A worker that renders a page
needs the whole document: the metadata and the units of its body. When the file on disk is
still the blob the index read (its git hash says so), the metadata comes from the index and
only the body is parsed; otherwise (a file edited since, a document the index does not
know) the file is parsed whole, as before.

Measured on the 3,000 corpus documents (CPU, serial, 2026-11-30): YAML and its checks were
1.42 + 0.15 s of the 4.6 s a parse of every file took; the index's metadata is 0.1–0.2 s
(one query per task, `json.loads`, the dataclasses). The documents are equal field by field
(tests/test_site_sources.py, the sample archive, the seeds and corpus documents).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from policytrack.docfile import parse, parse_units, split_front_matter
from policytrack.model import Document

# the indexed metadata (no body, no units) of the documents with these ids that the index
# knows; the site package reads no index itself, the caller hands it this
Metadata = Callable[[Iterable[str]], Mapping[str, Document]]


def git_blob(raw: bytes) -> str:
    """The git blob id of a file's bytes (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def read_document(path: str, blob: str, known: Document | None) -> Document:
    """The document in the file at path, whole. `known` is its indexed metadata and `blob`
    the blob the index read: used when the file still holds that blob."""
    file = Path(path)
    raw = file.read_bytes()
    if known is None or git_blob(raw) != blob:
        return parse(file.read_text(encoding="utf-8"), path)  # newlines read as before
    # the index read these bytes as they are: a file with a CR in it is not indexed
    _, body = split_front_matter(raw.decode("utf-8"), path)
    return replace(known, body=body, units=parse_units(body))


def no_metadata(ids: Iterable[str]) -> Mapping[str, Document]:
    """Nothing known: every file is parsed whole."""
    return {}
