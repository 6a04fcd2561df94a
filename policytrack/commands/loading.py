"""Opening an archive for a command: the archive, its refreshed index and the
supersession graph (`Loaded`), REF resolution over them, and what several commands share."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from policytrack import lookup
from policytrack.archive import Archive
from policytrack.index import Index
from policytrack.model import Document
from policytrack.temporal import Graph, build_graph
from policytrack.temporal import lineage as graph_lineage


def open_archive(path: Path) -> Archive:
    return Archive.open(path)


def init(path: Path) -> Archive:
    """Create an archive at path."""
    return Archive.init(path)


@dataclass(frozen=True)
class Loaded:
    """The archive, its refreshed index and the supersession graph."""

    archive: Archive
    index: Index
    graph: Graph

    @property
    def docs(self) -> dict[str, Document]:
        return self.graph.docs


def load(path: Path) -> Loaded:
    archive = open_archive(path)
    index = Index(archive)
    index.refresh()
    return Loaded(archive, index, build_graph(index.documents()))


def read_document(loaded: Loaded, doc_id: str) -> tuple[Document, str]:
    """An archived document in full and its file's text: its metadata from the index while
    the file is the indexed blob (`docfile.read_indexed`: no YAML imported or parsed, ~25 ms
    of a `show` or `diff`), else the file parsed whole."""
    from policytrack.docfile import file_text, read_indexed

    raw = loaded.archive.doc_path(doc_id).read_bytes()
    blob = loaded.index.blob_of(doc_id) if doc_id in loaded.docs else None
    return read_indexed(raw, f"{doc_id}.md", blob, loaded.docs.get(doc_id)), file_text(raw)


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """No cyclic collection for a while. Listing or building the site of a large archive
    makes hundreds of thousands of objects that live to its end and little cyclic garbage;
    the collector's repeated passes over them were a third of a site rebuild at 100,000
    documents and 40% of `list` (12.5 s → 7.4 s)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def lineage(loaded: Loaded, doc_id: str) -> list[str]:
    """All versions connected to doc_id by supersedes/predecessor links, oldest first."""
    return graph_lineage(loaded.graph, doc_id)


def resolve(loaded: Loaded, ref: str) -> str:
    """The id of the document (or stub) a loosely written REF names (see lookup)."""
    return lookup.resolve(loaded.index, loaded.graph, ref)
