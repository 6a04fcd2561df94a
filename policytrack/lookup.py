"""REF resolution: which archived document (or stub) a loosely written reference names.

A REF is what a user types after `show`, `diff`, `history`, `link` … or lists under an
alerts subscriber's `watch.documents`: an id, any spelling of a doc number (全角/半角
brackets, 〔〕 or [], spaces), a title, a slug. The order of the tries is the rule:

1. an id names one document, whoever shares its doc number;
2. the index's reference keys (`model.lookup_keys`: doc number, lower-cased text, title);
3. a doc number known only as a reference (a stub);
4. a doc number, title or id that contains the REF, when only one does;
5. a stub whose title is or contains the REF.

More than one match at a step is `AmbiguousRef` listing them; none at all is `NotFound`
with the nearest names (difflib) or the command that lists the archive.
"""

from __future__ import annotations

import difflib

from .errors import AmbiguousRef, NotFound
from .index import Index
from .model import DocNumber, ref_key, title_key
from .supersession import Graph


def resolve(index: Index, graph: Graph, ref: str) -> str:
    """The id of the document (or stub) a loosely written REF names, among the graph's
    documents and stubs (the index's keys and search find the rest)."""
    ref = ref.strip()
    if not ref:
        raise NotFound("an empty REF names no document; give a doc number, title or id")
    if ref in graph.docs or ref in graph.stubs:
        return ref  # an id names one document, whoever shares its doc number
    ids = index.ids_for_key(ref_key(ref)) or index.ids_for_key(ref.lower())
    if not ids:
        ids = index.ids_for_key(title_key(ref))
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise AmbiguousRef(ref, [_display(graph, i) for i in ids])
    number = DocNumber.try_parse(ref)
    if number and number.slug in graph.stubs:
        return number.slug
    needle = str(number) if number else ref
    hits = index.search_refs(needle)
    if len(hits) == 1:
        return hits[0][0]
    if len(hits) > 1:
        raise AmbiguousRef(ref, [f"{d} [{i}]" for i, d in hits])
    for sid, stub in graph.stubs.items():
        if stub.title and (stub.title == ref or ref in stub.title):
            return sid
    raise NotFound(f"no document matches {ref!r}{_hint(graph, needle)}")


def _hint(graph: Graph, needle: str) -> str:
    """The nearest doc numbers and titles, or where to look."""
    choices = {}
    for d in graph.docs.values():
        choices[d.doc_number or d.display_title] = d.id
        if d.title:
            choices[d.title] = d.id
    near = difflib.get_close_matches(needle, list(choices), n=3, cutoff=0.5)
    if near:
        return f"; did you mean {' or '.join(near)}?"
    return "; run 'policytrack list' to see what is archived"


def _display(graph: Graph, doc_id: str) -> str:
    d = graph.docs.get(doc_id)
    return f"{d.doc_number or d.display_title} [{doc_id}]" if d else doc_id
