"""Where each added text goes (`plan_add`): a new document, a copy of one already known
(another *source* of it), a new version of an instrument (a distinct id, linked to its
neighbours), a correction, or a refusal, against the archive *and* the texts before it in
the same run; then the lineage links of every instrument it touched are recomputed.
Nothing is written here: `commands.add` commits the plan, and `--dry-run` prints the very
same plan."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policytrack.archive import Archive
from policytrack.docfile import parse, serialise, split_front_matter
from policytrack.errors import PolicytrackError
from policytrack.index import INSTRUMENT, SKETCH, Index
from policytrack.ingest import Ingested, apply_overrides
from policytrack.model import Document, instrument_key, ref_key, title_key
from policytrack.versions import (
    SKETCH_SHARED,
    Copy,
    Profile,
    copy_of,
    group_links,
    outranks,
    rank_name,
    same_source,
    sketch,
    unlinked_pairs,
    versions_differ,
    with_links,
)

from .merging import adopt, auto_links, links_to, number_from, source_place, with_body, with_state

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

    def set_metadata(self, doc: Document) -> None:
        """Change front matter only (e.g. relinked): the body stays the text's own, so the
        document is not parsed back (49 relinked versions took 0.32 s of a 499-file batch's
        0.76 s plan when each was parsed and serialised whole)."""
        self.doc = doc.with_(body="", units=())
        self.text = serialise(doc.with_(body=body_of(self.text)))

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
        """The index keys a text may share with its copies and versions: its instrument
        key, its title as a stored document's alias (a copy `link --as copy` folded in
        with its own title), its doc number and its sketch."""
        key = instrument_key(doc.title)
        out = [INSTRUMENT + key, title_key(doc.title or "")] if key else []
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
            doc = apply_overrides(with_body(doc, text).with_(overrides=()), merged)
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
            if cid != doc.id and (own_id or links_to(doc, c.doc)):
                continue  # the user gave it its own identity, or it replaces that document
            if c.text == text:
                return out.done(c, "unchanged", self.rel(cid))
            sha = doc.source.sha256
            if sha and sha == c.doc.source.sha256:
                if with_state(with_body(doc, text), c.full()) == c.text:
                    return out.done(c, "unchanged", self.rel(cid))  # its copies and links aside
                return self._correction(out, c, r, text, "the same source file")
            if sha and sha in {s.sha256 for s in c.doc.sources}:
                if self.replace:  # that source's text made canonical
                    return self._correction(out, c, r, text, "another source")
                return out.done(c, "unchanged", self.rel(cid), f"already a source of {cid}")
            if r.canonical_input:
                continue
            if same_source(doc.source, c.doc.source) and not versions_differ(new, c.profile()):
                return self._correction(
                    out, c, r, text, f"the same source ({source_place(doc.source)})"
                )
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
            doc = with_body(doc, text).with_(id=new_id)
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
            doc = number_from(adopt(with_body(r.document, text), old), old)
            note = (
                f"copy of {old.id}: {found.evidence}; its text is canonical now "
                f"({rank_name(new_src)}{', Simplified' if new_src.script != 'traditional' else ''}"
                f" over {rank_name(old.source)})"
            )
        else:
            doc = number_from(old.with_(sources=(*old.sources, new_src)), r.document)
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
            doc = with_body(r.document, text)
        else:
            doc = adopt(with_body(r.document, text), old, keep_old_source=False)
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
            if len(members) < 2 and not any(auto_links(e.doc) for e in members):
                continue
            profiles = [Profile(e.doc) for e in members]
            links = group_links(profiles, unlinked_pairs(e.doc for e in members))
            for e in members:
                mine = sorted((k.type, k.older, k.evidence) for k in links if k.newer == e.doc.id)
                have = sorted((r.type, r.target_id or "", r.evidence) for r in auto_links(e.doc))
                if mine != have:
                    e.set_metadata(with_links(e.doc, links))
                    changed.append(e.doc.id)
        return changed


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
    for r in auto_links(doc):
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
