"""Where each added text goes, and the edits that need no source file.

`plan_add` decides, for every ingested text in a run, whether it is a new document, a copy
of one already known (another *source* of it), a new version of an instrument (a distinct
id, linked to its neighbours), a correction, or a refusal, against the archive *and* the
texts before it in the same run; then it recomputes the lineage links of every instrument
it touched. Nothing is written here: `commands.add` commits the plan, and `--dry-run`
prints the very same plan.

`link`, `unlink` and `set` change one document's front matter without its source file;
what they change is kept in `overrides`, so it survives the document being added again.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .archive import Archive
from .docfile import parse, serialise, split_front_matter
from .errors import PolicytrackError
from .index import INSTRUMENT, SKETCH, Index
from .ingest import Ingested, apply_overrides
from .model import (
    LINEAGE_TYPES,
    Document,
    FieldEvidence,
    Relation,
    Source,
    instrument_key,
    ref_key,
)
from .versions import (
    SKETCH_SHARED,
    Copy,
    Profile,
    copy_of,
    group_links,
    is_user_link,
    outranks,
    rank_name,
    same_source,
    sketch,
    unlinked_pairs,
    versions_differ,
    with_links,
)

CROWDED = 50  # a key naming more documents than this finds no copies (boilerplate)


@dataclass(frozen=True)
class AddResult:
    """What `add` did (or would do) with one input, or with a stored document it relinked."""

    file: str
    document: Document
    action: str  # added | copy | unchanged | corrected | linked | refused
    path: str
    commit: str | None = None
    warnings: tuple[str, ...] = ()
    stripped: tuple[tuple[str, str], ...] = ()
    text: str = ""
    note: str = ""  # copy of …, new version of …, amends …
    reason: str = ""  # why the input was refused

    @property
    def line(self) -> str:
        """The one line `add` prints for it, the same in a dry run."""
        if self.action == "refused":
            named = self.file in self.reason or Path(self.file).name in self.reason
            return f"refused: {self.reason}" if named else f"refused: {self.file} — {self.reason}"
        label = self.document.doc_number or self.document.display_title
        note = f" ({self.note})" if self.note else ""
        return f"{self.action}: {self.path} — {label}{note}"


@dataclass(frozen=True)
class Input:
    """One input of a run: its file name, and its ingested document or why it failed."""

    file: str
    result: Ingested | None
    text: str = ""  # the canonical text of the ingested document
    error: str = ""
    sketch: tuple[str, ...] = ()  # versions.sketch of its body


@dataclass
class _Entry:
    """A document as this run leaves it: its text and whether the run changes it."""

    doc: Document  # metadata; the body is in `text` (parsed back when the document changes)
    text: str
    stored: str | None  # the file's text before the run; None for a new document
    origin: str = ""  # the input that made or last changed it
    sketched: tuple[str, ...] | None = None

    def grams(self) -> tuple[str, ...]:
        if self.sketched is None:
            self.sketched = sketch(body_of(self.text))
        return self.sketched

    @property
    def changed(self) -> bool:
        return self.text != self.stored

    def full(self) -> Document:
        if not self.doc.body:
            self.doc = parse(self.text, f"{self.doc.id}.md")
        return self.doc

    def set(self, doc: Document) -> None:
        if doc.body and doc.body != self.doc.body:
            self.sketched = None
        self.doc = doc
        self.text = serialise(doc)

    def profile(self) -> Profile:
        return Profile(self.doc, body_of(self.text))


def body_of(text: str) -> str:
    return split_front_matter(text)[1] if text.startswith("---\n") else text


@dataclass
class _Plan:
    archive: Archive
    index: Index
    replace: bool
    rel: Callable[[str], str]
    entries: dict[str, _Entry] = field(default_factory=dict)
    keys: dict[str, set[str]] = field(default_factory=dict)  # key → ids of this run's texts
    stored_keys: dict[str, list[str]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # instrument keys to relink
    stored: set[str] | None = None  # ids of the archive's files

    # --- the archive as this run leaves it -----------------------------------------------

    def entry(self, doc_id: str) -> _Entry | None:
        if doc_id in self.entries:
            return self.entries[doc_id]
        if not self.exists(doc_id):
            return None
        path = self.archive.doc_path(doc_id)
        text = path.read_text(encoding="utf-8")
        try:
            doc = parse(text, path.name)
        except PolicytrackError:
            return None  # `check` reports it; nothing here can be decided against it
        self.entries[doc_id] = _Entry(doc, text, text)
        return self.entries[doc_id]

    def exists(self, doc_id: str) -> bool:
        if self.stored is None:  # one listing instead of a stat per question
            self.stored = {
                n[:-3]
                for n in os.listdir(self.archive.root)
                if n.endswith(".md") and n != "README.md"
            }
        return doc_id in self.entries or doc_id in self.stored

    def keys_of(self, doc: Document, text: str, grams: Sequence[str] = ()) -> list[str]:
        """The index keys a text may share with its copies and versions."""
        key = instrument_key(doc.title)
        out = [INSTRUMENT + key] if key else []
        if doc.doc_number:
            out.append(ref_key(doc.doc_number))
        out.extend(SKETCH + g for g in grams)
        return out

    def candidates(self, doc: Document, text: str, grams: Sequence[str]) -> list[str]:
        """Documents that may be this one: its id, those sharing its doc number or its
        instrument title, and those sharing SKETCH_SHARED keys of its sketch."""
        found: list[str] = []
        if self.exists(doc.id):
            found.append(doc.id)
        shared: Counter[str] = Counter()
        for key in self.keys_of(doc, text, grams):
            ids = set(self.stored_keys.get(key, [])) | self.keys.get(key, set())
            if len(ids) > CROWDED:
                continue  # boilerplate: found in too many texts to tell anything
            if key.startswith(SKETCH):
                shared.update(ids)
            else:
                found.extend(i for i in sorted(ids) if i not in found)
        found.extend(i for i, n in sorted(shared.items()) if n >= SKETCH_SHARED and i not in found)
        return found

    def register(self, e: _Entry) -> None:
        for key in self.keys_of(e.doc, e.text, e.grams()):
            self.keys.setdefault(key, set()).add(e.doc.id)
        self.touched.add(instrument_key(e.doc.title))

    # --- one input ------------------------------------------------------------------------

    def place(self, item: Input) -> AddResult:
        assert item.result is not None
        r = item.result
        doc, text = r.document, item.text
        out = _Out(item.file, r)
        same = self.entry(doc.id) if self.exists(doc.id) else None
        if same is not None and same.doc.overrides and not r.canonical_input:
            # what the user set on the stored document applies to its texts
            merged = {**dict(same.doc.overrides), **dict(doc.overrides)}
            doc = apply_overrides(_full(doc, text).with_(overrides=()), merged)
            text = serialise(doc)
            r = Ingested(doc, r.warnings, r.stripped, r.canonical_input)
        new = Profile(doc, body_of(text))
        # an identity the user set (--set id / doc_number) is not another document's
        own_id = any(k in dict(doc.overrides) for k in ("id", "doc_number"))
        copies: list[tuple[float, str, Copy]] = []
        for cid in self.candidates(doc, text, item.sketch):
            c = self.entry(cid)
            if c is None:
                continue
            if cid != doc.id and (own_id or _names(doc, c.doc)):
                continue  # the user gave it its own identity, or it replaces that document
            if c.text == text:
                return out.done(c, "unchanged", self.rel(cid))
            sha = doc.source.sha256
            if sha and sha == c.doc.source.sha256:
                if _with_state(_full(doc, text), c.full()) == c.text:
                    return out.done(c, "unchanged", self.rel(cid))  # its copies and links aside
                return self._correction(out, c, r, text, "the same source file")
            if sha and sha in {s.sha256 for s in c.doc.sources}:
                if self.replace:  # that source's text made canonical
                    return self._correction(out, c, r, text, "another source")
                return out.done(c, "unchanged", self.rel(cid), f"already a source of {cid}")
            if r.canonical_input:
                continue
            if same_source(doc.source, c.doc.source) and not versions_differ(new, c.profile()):
                return self._correction(out, c, r, text, f"the same source ({_where(doc.source)})")
            same_number = bool(new.number_key) and new.number_key == ref_key(c.doc.doc_number or "")
            if not same_number and len(set(item.sketch) & set(c.grams())) < SKETCH_SHARED // 3:
                continue  # same title or id, different opening: not compared in full
            found = copy_of(new, c.profile())
            if found is not None:
                copies.append((found.score, cid, found))
        if copies:
            _, cid, found = max(copies, key=lambda x: (x[0], x[1] == doc.id))
            c = self.entries[cid]
            if self.replace:
                return self._correction(out, c, r, text, found.evidence)
            return self._copy(out, c, r, text, found)
        if self.exists(doc.id):
            c = self.entry(doc.id)
            other_version = c is not None and versions_differ(new, c.profile())
            if (
                c is not None
                and not other_version
                and (same_source(doc.source, c.doc.source) or r.canonical_input)
            ):
                return self._correction(out, c, r, text, "the same source")
            new_id = self._distinct_id(doc, new, text)
            doc = _full(doc, text).with_(id=new_id)
            text = serialise(doc)
            note = (
                f"another version of {c.doc.doc_number or c.doc.display_title} ({c.doc.id}), kept apart"
                if c is not None and other_version
                else f"a different document than {doc.id.rsplit('-', 1)[0]}, whose id it shared"
            )
        else:
            note = ""
        e = _Entry(doc, text, None, item.file, item.sketch)
        self.entries[doc.id] = e
        self.register(e)
        return out.done(e, "added", self.rel(doc.id), note)

    def _distinct_id(self, doc: Document, new: Profile, text: str) -> str:
        """An unused id for a text whose id is taken: the base id with the date of its
        version, else with a short hash of its text."""
        day = new.placement
        tries = []
        if day is not None and day.isoformat() not in doc.id:
            tries.append(f"{doc.id}-{day.isoformat()}")
        digest = hashlib.sha256(body_of(text).encode()).hexdigest()
        tries += [f"{doc.id}-{digest[:6]}", f"{doc.id}-{digest[:12]}"]
        for cand in tries:
            if not self.exists(cand):
                return cand
        k = 2
        while self.exists(f"{doc.id}-{k}"):
            k += 1
        return f"{doc.id}-{k}"

    def _copy(self, out: _Out, c: _Entry, r: Ingested, text: str, found: Copy) -> AddResult:
        old = c.full()
        self.touched.add(instrument_key(old.title))
        new_src = r.document.source
        new_len, old_len = len(body_of(text)), len(old.body)
        if outranks(new_src, new_len, old.source, old_len):
            doc = _number_from(_adopt(_full(r.document, text), old), old)
            note = (
                f"copy of {old.id}: {found.evidence}; its text is canonical now "
                f"({rank_name(new_src)}{', Simplified' if new_src.script != 'traditional' else ''}"
                f" over {rank_name(old.source)})"
            )
        else:
            doc = _number_from(old.with_(sources=(*old.sources, new_src)), r.document)
            note = f"copy of {old.id}: {found.evidence}; recorded as another source"
        c.set(doc)
        c.origin = out.file
        self.register(c)
        return out.done(c, "copy", self.rel(c.doc.id), note)

    def _correction(self, out: _Out, c: _Entry, r: Ingested, text: str, why: str) -> AddResult:
        label = c.doc.doc_number or c.doc.id
        if not self.replace:
            return out.refuse(
                f"{label} is already in the archive ({self.rel(c.doc.id)}) from {why}, with a "
                "different text; if this text corrects it, add it again with --replace"
            )
        old = c.full()
        self.touched.add(instrument_key(old.title))
        if r.canonical_input:
            doc = _full(r.document, text)
        else:
            doc = _adopt(_full(r.document, text), old, keep_old_source=False)
        c.set(doc)
        c.origin = out.file
        self.register(c)
        return out.done(c, "corrected", self.rel(c.doc.id))

    # --- lineage -----------------------------------------------------------------------

    def relink(self) -> list[str]:
        """Recompute the text-stated links of every instrument this run touched; the ids
        of the documents whose links changed."""
        if not self.touched:
            return []
        keys = {INSTRUMENT + k for k in self.touched if k}
        stored = self.index.resolve_keys(keys)
        changed: list[str] = []
        for key in sorted(keys):
            ids = sorted(set(stored.get(key, [])) | self.keys.get(key, set()))
            members = [e for i in ids if (e := self.entry(i)) is not None]
            if len(members) < 2 and not any(_auto_links(e.doc) for e in members):
                continue
            profiles = [Profile(e.doc) for e in members]
            links = group_links(profiles, unlinked_pairs(e.doc for e in members))
            for e in members:
                mine = sorted((k.type, k.older, k.evidence) for k in links if k.newer == e.doc.id)
                have = sorted((r.type, r.target_id or "", r.evidence) for r in _auto_links(e.doc))
                if mine != have:
                    e.set(with_links(e.full(), links))
                    changed.append(e.doc.id)
        return changed


def _with_state(new: Document, stored: Document) -> str:
    """The text `new` would have as the stored document: the sources, text-made links and
    id a run gave that document added to it."""
    relations = [r for r in new.relations if r.type not in ("amends", "draft") or is_user_link(r)]
    relations += _auto_links(stored)
    new = new.with_(id=stored.id, sources=stored.sources, relations=tuple(relations))
    if stored.doc_number and not new.doc_number:  # a copy's number
        new = new.with_(
            doc_number=stored.doc_number,
            evidence=tuple(e for e in stored.evidence if e[0] == "doc_number") + new.evidence,
        )
        new = _number_order(new)
    return serialise(new)


def _where(src: Source) -> str:
    return src.url or src.file


def _names(doc: Document, other: Document) -> bool:
    """Whether doc's lineage relations point at `other` (by id or doc number)."""
    number = ref_key(other.doc_number) if other.doc_number else None
    return any(
        r.type in LINEAGE_TYPES
        and (
            r.target_id == other.id or (number and r.doc_number and ref_key(r.doc_number) == number)
        )
        for r in doc.relations
    )


def _auto_links(doc: Document) -> list[Relation]:
    return [r for r in doc.relations if r.type in ("amends", "draft") and not is_user_link(r)]


def _full(doc: Document, text: str) -> Document:
    return doc if doc.body else parse(text, f"{doc.id}.md")


def _adopt(new: Document, old: Document, *, keep_old_source: bool = True) -> Document:
    """`new`'s text and extracted metadata under `old`'s identity: its id, overrides and
    user links kept, every source listed (the old canonical one among the others)."""
    merged = {**dict(old.overrides), **dict(new.overrides)}
    doc = apply_overrides(new.with_(id=old.id, overrides=()), merged)
    if "id" not in merged:
        doc = doc.with_(id=old.id)
    others = [*((old.source,) if keep_old_source else ()), *old.sources]
    seen = {new.source.sha256}
    sources: list[Source] = []
    for s in others:
        if s.sha256 not in seen and not same_source(s, new.source):
            seen.add(s.sha256)
            sources.append(s)
    kept = [r for r in old.relations if r.type in ("amends", "draft") and not is_user_link(r)]
    return doc.with_(sources=tuple(sources), relations=(*doc.relations, *kept))


def _number_from(doc: Document, other: Document) -> Document:
    """A copy's doc number when the canonical text states none: the document's identity,
    stated by another source of the same text (named in the evidence)."""
    if doc.doc_number or not other.doc_number:
        return doc
    said = other.field_evidence("doc_number")
    where = other.source.url or other.source.file
    ev = FieldEvidence("stated", f"{said.evidence if said else other.doc_number} (in {where})")
    evidence = (*tuple(e for e in doc.evidence if e[0] != "doc_number"), ("doc_number", ev))
    return _number_order(doc.with_(doc_number=other.doc_number, evidence=evidence))


def _number_order(doc: Document) -> Document:
    """Evidence in the canonical field order."""
    order = {k: i for i, k in enumerate(("title", "doc_number", "issuer", "jurisdiction", "kind"))}
    return doc.with_(evidence=tuple(sorted(doc.evidence, key=lambda e: order[e[0]])))


class _Out:
    """Builds the result for one input."""

    def __init__(self, file: str, r: Ingested) -> None:
        self.file, self.r = file, r

    def done(self, e: _Entry, action: str, path: str, note: str = "") -> AddResult:
        return AddResult(
            self.file,
            e.doc,
            action,
            path,
            None,
            self.r.warnings,
            self.r.stripped,
            e.text,
            note,
        )

    def refuse(self, reason: str) -> AddResult:
        return AddResult(
            self.file,
            self.r.document,
            "refused",
            "",
            None,
            self.r.warnings,
            self.r.stripped,
            "",
            "",
            reason,
        )


def plan_add(
    archive: Archive,
    index: Index,
    inputs: Sequence[Input],
    *,
    replace: bool,
    rel: Callable[[str], str],
) -> tuple[list[AddResult], dict[str, str]]:
    """Every input's result in input order, then the stored documents relinked; and the
    files to write ({file name: text}). The texts are placed oldest version first, so the
    ids they get do not depend on the order they were given in."""
    plan = _Plan(archive, index, replace, rel)
    good = [i for i in inputs if i.result is not None]
    keys: set[str] = set()
    for item in good:
        assert item.result is not None
        keys.update(plan.keys_of(item.result.document, item.text, item.sketch))
        keys.add(item.result.document.id.lower())
    plan.stored_keys = index.resolve_keys(keys) if keys else {}
    order = sorted(
        range(len(inputs)),
        key=lambda k: (_placement_key(inputs[k]), k),
    )
    results: dict[int, AddResult] = {}
    for k in order:
        item = inputs[k]
        if item.result is None:
            results[k] = AddResult(item.file, Document("", ""), "refused", "", reason=item.error)
            continue
        results[k] = plan.place(item)
    relinked = plan.relink()
    out = [results[k] for k in range(len(inputs))]
    # an input's result shows its document as the run leaves it (links included)
    final: list[AddResult] = []
    for res in out:
        e = plan.entries.get(res.document.id) if res.action != "refused" else None
        if e is not None and res.action in ("added", "copy", "corrected"):
            res = _with_entry(res, e, plan)
        final.append(res)
    shown = {r.document.id for r in final if r.action != "refused"}
    for doc_id in relinked:
        e = plan.entries[doc_id]
        if doc_id in shown or not e.changed:
            continue
        shown.add(doc_id)
        final.append(
            AddResult("", e.doc, "linked", rel(doc_id), text=e.text, note=_link_note(e.doc, plan))
        )
    writes = {f"{i}.md": e.text for i, e in sorted(plan.entries.items()) if e.changed}
    return final, writes


def _with_entry(res: AddResult, e: _Entry, plan: _Plan) -> AddResult:
    links = _link_note(e.doc, plan)
    note = "; ".join(x for x in (res.note, links) if x)
    return AddResult(
        res.file,
        e.doc,
        res.action,
        res.path,
        None,
        res.warnings,
        res.stripped,
        e.text,
        note,
    )


def _link_note(doc: Document, plan: _Plan) -> str:
    parts = []
    for r in _auto_links(doc):
        other = plan.entries.get(r.target_id or "")
        name = (other.doc.doc_number or other.doc.id) if other else r.target_id
        parts.append(("amends " if r.type == "amends" else "final text of the draft ") + f"{name}")
    return ", ".join(parts)


def _placement_key(item: Input) -> tuple[int, str, int]:
    """Older versions first; of copies, one stating its doc number first (its id is the
    number's)."""
    if item.result is None:
        return (1, "", 1)
    doc = item.result.document
    p = Profile(doc).placement
    return (0, p.isoformat(), not doc.doc_number) if p else (1, "", not doc.doc_number)


# --- link, unlink, set ------------------------------------------------------------------

LINK_AS = {"amends": "amends", "replaces": "supersedes", "draft": "draft"}


@dataclass(frozen=True)
class Edit:
    """What one edit command wrote: the files, the commit subject and the main document."""

    files: dict[str, str | None]
    subject: str
    doc: Document
    action: str
    message: str


def link(old: Document, new: Document, as_: str, lineage_of_old: Iterable[str]) -> Edit:
    """`new` is a later version (amends), the replacement (replaces) or the final text
    (draft) of `old`: recorded in new's overrides, one commit."""
    if as_ not in LINK_AS:
        raise PolicytrackError(f"--as {as_!r} is not a link; use amends, replaces or draft")
    if old.id == new.id:
        raise PolicytrackError(f"{old.id} cannot be linked to itself; give two documents")
    if new.id in set(lineage_of_old) and _is_ancestor(new, old.id):
        raise PolicytrackError(
            f"{new.id} is already an earlier version of {old.id}; linking it as later would "
            f"make a cycle. To reverse them run 'policytrack unlink {new.id} {old.id}' first"
        )
    rtype = LINK_AS[as_]
    if any(r.type == rtype and r.target_id == old.id and is_user_link(r) for r in new.relations):
        raise PolicytrackError(
            f"{new.id} already {as_} {old.id}; nothing to do (remove it with "
            f"'policytrack unlink {old.id} {new.id}')"
        )
    ov = dict(new.overrides)
    ov[rtype] = _add_to(ov.get(rtype, ""), old.id)
    if "unlink" in ov:
        rest = _remove_from(ov["unlink"], old.id)
        if rest:
            ov["unlink"] = rest
        else:
            del ov["unlink"]
    cleared = new.with_(
        relations=tuple(
            r
            for r in new.relations
            if not (r.type in LINEAGE_TYPES and r.target_id == old.id and not is_user_link(r))
        ),
        overrides=(),
    )
    doc = apply_overrides(cleared, ov)
    label = {"amends": "amends", "replaces": "replaces", "draft": "is the final text of"}[as_]
    return Edit(
        {f"{doc.id}.md": serialise(doc)},
        f"link: {new.id} {as_} {old.id}",
        doc,
        "link",
        f"linked: {new.id} {label} {old.id}",
    )


def _is_ancestor(doc: Document, other: str) -> bool:
    return any(r.type in LINEAGE_TYPES and r.target_id == other for r in doc.relations)


def unlink(a: Document, b: Document, targets: dict[str, list[Relation]]) -> Edit:
    """Remove every lineage link between a and b, either way, and keep them apart: the
    text's own links stay removed when the documents are added again. `targets` holds,
    per document id, its lineage relations that resolve to the other document."""
    files: dict[str, str | None] = {}
    changed: list[Document] = []
    linked = bool(targets.get(a.id) or targets.get(b.id))
    for holder, other in ((a, b), (b, a)):
        rels = targets.get(holder.id, [])
        if not rels and (linked or holder is a):
            continue  # not linked at all: the later one records that they stay apart
        ov = dict(holder.overrides)
        for field_ in ("amends", "draft", "supersedes", "predecessor"):
            if field_ in ov:
                rest = _remove_from(ov[field_], other.id)
                for r in rels:
                    rest = _remove_from(rest, r.target)
                    if r.doc_number:
                        rest = _remove_from(rest, r.doc_number)
                if rest:
                    ov[field_] = rest
                else:
                    del ov[field_]
        gone = ov.get("unlink", "")
        for value in [other.id, *(r.target for r in rels if not is_user_link(r))]:
            gone = _add_to(gone, value)
        ov["unlink"] = gone
        kept = tuple(r for r in holder.relations if r not in rels)
        doc = apply_overrides(holder.with_(relations=kept, overrides=()), ov)
        files[f"{doc.id}.md"] = serialise(doc)
        changed.append(doc)
    what = "unlinked" if linked else "kept apart (they were not linked)"
    return Edit(
        files,
        f"unlink: {a.id} {b.id}",
        changed[0],
        "unlink",
        f"{what}: {a.id} and {b.id}; not linked again when added again, nor suggested",
    )


def set_fields(doc: Document, values: dict[str, str]) -> Edit:
    """Set metadata fields of a stored document, kept as overrides (one commit)."""
    new = apply_overrides(doc, values)
    files: dict[str, str | None] = {f"{new.id}.md": serialise(new)}
    if new.id != doc.id:
        files[f"{doc.id}.md"] = None
    pairs = " ".join(f"{k}={v}" for k, v in values.items())
    return Edit(files, f"set: {doc.id} {pairs}"[:200], new, "set", f"set: {new.id} {pairs}")


def _add_to(listing: str, value: str) -> str:
    items = [v.strip() for v in listing.split(",") if v.strip()]
    if value and value not in items:
        items.append(value)
    return ",".join(items)


def _remove_from(listing: str, value: str) -> str:
    return ",".join(v.strip() for v in listing.split(",") if v.strip() and v.strip() != value)
