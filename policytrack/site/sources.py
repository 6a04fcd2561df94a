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

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from policytrack.docfile import git_blob as git_blob
from policytrack.docfile import read_indexed
from policytrack.model import Document

# the indexed metadata (no body, no units) of the documents with these ids that the index
# knows; the site package reads no index itself, the caller hands it this
Metadata = Callable[[Iterable[str]], Mapping[str, Document]]


def read_document(path: str, blob: str, known: Document | None) -> Document:
    """The document in the file at path, whole (`docfile.read_indexed`)."""
    return read_indexed(Path(path).read_bytes(), path, blob, known)


def no_metadata(ids: Iterable[str]) -> Mapping[str, Document]:
    """Nothing known: every file is parsed whole."""
    return {}
