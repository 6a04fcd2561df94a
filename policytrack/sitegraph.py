"""The part of the archive a site build loads: documents read from the index as they are
needed, with the supersession graph over them (`Graphs`), and which archived document a
relation names (`Resolver`). Used by `sitedata`; a status computed from a partial graph is
the whole archive's answer (see `Graphs`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from .index import Index
from .model import Document, ref_key, slugify
from .temporal import Graph, build_graph


class Graphs:
    """Documents loaded from the index as needed, with the supersession graph over them.
    A status is computed only from a graph holding everything that supersedes the
    document (Index.linked_to), so a partial graph gives the whole archive's answer."""

    def __init__(self, index: Index, everything: bool) -> None:
        self.index = index
        self.docs: dict[str, Document] = {}
        if everything:
            self.docs = {d.id: d for d in index.documents()}
        self.graph: Graph = build_graph(self.docs.values())
        self.everything = everything

    def need(self, ids: set[str], *, lineages: bool) -> None:
        """Load ids and what supersedes or follows them (enough for their statuses);
        with lineages, also every version of their lineages, transitively (for pages)."""
        if self.everything:
            return
        todo = {i for i in ids if i not in self.docs}
        grew = False
        while todo:
            new = {d.id: d for d in self.index.documents_by_id(todo)}
            self.docs.update(new)
            grew = grew or bool(new)
            near = {d.id for d in self.index.linked_to(sorted(new))}
            if lineages:
                near |= self.index.neighbours(set(new), lineage_only=True)
            todo = {i for i in near if i not in self.docs} if lineages else set()
            if not lineages:  # the superseders themselves, for their start dates
                extra = {d.id: d for d in self.index.documents_by_id(near - set(self.docs))}
                self.docs.update(extra)
        if grew:
            self.graph = build_graph(self.docs.values())
        if grew and not lineages:
            # a stub's status needs every document that supersedes it
            keys = {k for i in self.graph.stubs for k in stub_keys(self.graph, i)}
            more = self.index.sources_of_keys(keys) - set(self.docs) if keys else set()
            if more:
                self.docs.update({d.id: d for d in self.index.documents_by_id(more)})
                self.graph = build_graph(self.docs.values())


def stub_keys(g: Graph, stub_id: str) -> set[str]:
    stub = g.stubs[stub_id]
    keys = {stub_id.lower()}
    if stub.doc_number:
        keys.add(ref_key(stub.doc_number))
    if stub.title:
        keys.add(slugify(stub.title, 200))
    return keys


class Resolver:
    """Which archived document a relation names: its target id, else its doc number, else
    its title (the index's keys, so every build resolves alike)."""

    def __init__(self, index: Index, g: Graph, rows: Collection[str], everything: bool) -> None:
        self.index = index
        self.rows = rows  # the archived ids
        self.g = g
        self.cache: dict[str, list[str]] = {}
        keys: set[str] = set()
        for d in g.docs.values():
            keys.update(_keys(d))
        self._load(keys)
        self.everything: dict[str, set[str]] | None = None
        if everything:  # who mentions whom, from every document at once
            self.everything = {}
            for d in g.docs.values():
                for rel in d.relations:
                    target = self.target(rel.target_id, rel.doc_number, rel.title)
                    if target:
                        self.everything.setdefault(target, set()).add(d.id)

    def _load(self, keys: set[str]) -> None:
        missing = {k for k in keys if k not in self.cache}
        if missing:
            found = self.index.resolve_keys(missing)
            for k in missing:
                self.cache[k] = found.get(k, [])

    def target(self, target_id: str | None, number: str | None, title: str | None) -> str | None:
        if target_id and target_id in self.rows:
            return target_id
        for key in (ref_key(number) if number else None, slugify(title, 200) if title else None):
            if key:
                self._load({key})
                if self.cache[key]:
                    return self.cache[key][0]
        return None

    def mentioned_in(self, doc_id: str) -> set[str]:
        if self.everything is not None:
            return self.everything.get(doc_id, set())
        sources = self.index.neighbours({doc_id}) - {doc_id}
        out = set()
        for src in sources:
            d = self.g.docs.get(src)
            if d is None:
                continue
            for rel in d.relations:
                if self.target(rel.target_id, rel.doc_number, rel.title) == doc_id:
                    out.add(src)
                    break
        return out


def _keys(d: Document) -> set[str]:
    keys = set()
    for rel in d.relations:
        if rel.doc_number:
            keys.add(ref_key(rel.doc_number))
        if rel.title:
            keys.add(slugify(rel.title, 200))
    return keys


class IndexedMetadata:
    """The indexed metadata of documents by id, for the site's render workers
    (`site.sources.Metadata`: they parse only the bodies of the files the index read).
    Called in forked workers: each call opens its own connection."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def __call__(self, ids: Iterable[str]) -> dict[str, Document]:
        return {d.id: d for d in self.index.documents_by_id(set(ids))}
