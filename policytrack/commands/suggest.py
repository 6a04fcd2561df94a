"""Possible versions of one instrument not yet linked (`link --suggest`, `check`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from policytrack.docfile import split_front_matter
from policytrack.model import Document

from .loading import Loaded, lineage, load
from .rows import DocumentRow, row_for


@dataclass(frozen=True)
class Suggested:
    """A possible pair of versions, for `link --suggest` and `check`."""

    older: DocumentRow
    newer: DocumentRow
    score: float
    evidence: tuple[str, ...]
    type: str = "amends"  # amends, or copy: `newer` may be a copy of `older` (kept)

    @property
    def command(self) -> str:
        return f"policytrack link {self.older.id} {self.newer.id} --as {self.type}"


SUGGEST_GROUP = 40  # same-titled documents compared pairwise; a bigger group is boilerplate


def suggestions(archive_path: Path, as_of: date) -> list[Suggested]:
    """Pairs of archived documents that title, issuer, place, dates and text suggest are
    versions of one instrument (or, when one states no date, number or history, copies of
    one text), not linked and not kept apart: never linked silently."""
    return suggestions_in(load(archive_path), as_of)


def suggestions_in(loaded: Loaded, as_of: date) -> list[Suggested]:
    from policytrack.versions import Profile, instrument_key_loose, suggest, unlinked_pairs

    groups: dict[str, list[Document]] = {}
    for d in loaded.docs.values():
        groups.setdefault(instrument_key_loose(d.title), []).append(d)
    apart = unlinked_pairs(loaded.docs.values())
    out: list[Suggested] = []
    for key, members in sorted(groups.items()):
        if not key or len(members) < 2 or len(members) > SUGGEST_GROUP:
            continue
        profiles = [
            Profile(d, split_front_matter(loaded.archive.doc_path(d.id).read_text("utf-8"))[1])
            for d in sorted(members, key=lambda d: d.id)
        ]
        for i, a in enumerate(profiles):
            for b in profiles[i + 1 :]:
                if frozenset((a.doc.id, b.doc.id)) in apart:
                    continue
                if b.doc.id in lineage(loaded, a.doc.id):
                    continue
                s = suggest(a, b)
                if s is not None:
                    out.append(
                        Suggested(
                            row_for(s.older, loaded, as_of),
                            row_for(s.newer, loaded, as_of),
                            s.score,
                            s.evidence,
                            s.type,
                        )
                    )
    out.sort(key=lambda s: (-s.score, s.older.id, s.newer.id))
    return out
