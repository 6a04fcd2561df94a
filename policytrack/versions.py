"""One document, many copies and versions: when two texts are the same document, when one
is a later version of the other, and which source's text is canonical.

Pure functions over documents (metadata, and the body where a measure needs it); nothing
here reads the archive. `curate` asks these questions while planning an `add`, `check` and
`link --suggest` ask them of the whole archive.

**Copies.** Two texts are copies of one document when nothing marks them as different
versions (`versions_differ`), their kinds agree, no doc numbers disagree, and either they
share a doc number or their *comparable text* (Simplified characters, CJK and digits only:
script, punctuation, whitespace, Latin letters such as pinyin glosses and page chrome
words are equated away) has at least `COPY_THRESHOLD` of the shorter text's character
5-grams in common with the other (containment, so a page cut short still matches the whole
text). Measured on ../shared: copies from different sites 0.87–1.00; different documents of
one genre and issuer at most 0.80 (财税〔2011〕117号 against 财税〔2014〕34号, whose doc
numbers tell them apart anyway); versions of one law 0.09–1.00, so content never tells a
version from a copy: the version markers do.

**Versions.** Texts of one instrument (same `instrument_key` title, no contradicting
jurisdiction) are ordered by what the texts state: a revision history (`history`) shared up
to the older text's last step, or an older text's own date placed inside the newer text's
history. Without either, two same-titled texts are only *suggested* (`suggestions`), with a
score and the evidence, never linked.

**Canonical source.** `precedence`: an official page (a host under gov.cn) over Word over
PDF over any other copy (another site's page, a text or Markdown file); within one rank a
Simplified original over a Traditional conversion, then the longer (more complete) text;
on a tie the source already canonical stays.

Size: over 500 lines because the four questions above are asked of one `Profile` and share
its measures; a fifth of the lines are this docstring's measured thresholds.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from urllib.parse import urlsplit

from .chinese import to_simplified_chars
from .model import Document, Relation, Source, instrument_key, ref_key

COPY_THRESHOLD = 0.85
# texts stating the same doc number: a spun or cut copy still shares half its text (0.56
# measured); a news report quoting the number shares almost none (0.08)
NUMBERED_COPY_THRESHOLD = 0.5
SHINGLE = 5
SUGGEST_FROM = 0.5  # suggestions scoring lower are not listed

_COMPARABLE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9]+")
_NO_VALIDITY = ("news", "interpretation")


def comparable_text(text: str) -> str:
    """The form texts are compared in for copies: Simplified, CJK characters and digits."""
    return "".join(_COMPARABLE.findall(to_simplified_chars(unicodedata.normalize("NFKC", text))))


def shingles(text: str) -> frozenset[str]:
    """The character 5-grams of a comparable text."""
    if len(text) < SHINGLE:
        return frozenset((text,)) if text else frozenset()
    return frozenset(text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set found in the other (0 when either is empty)."""
    if not a or not b:
        return 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & big) / len(small)


SKETCH_KEYS = 24  # per document
SKETCH_SPAN = 600  # comparable characters after the title
SKETCH_SHARED = 6  # keys two texts share before their content is compared


@functools.lru_cache(maxsize=1)
def _scramble() -> dict[int, int]:
    """A fixed permutation of the CJK block (x ↦ 7919·x + 4999 mod 20992, a bijection),
    digits after it: the smallest 5-grams of a permuted text are a min-wise sample of its
    5-grams."""
    base, size = 0x4E00, 20992
    table = {cp: base + ((cp - base) * 7919 + 4999) % size for cp in range(base, base + size)}
    table.update({ord(d): base + size + int(d) for d in "0123456789"})
    return table


def sketch(body: str) -> tuple[str, ...]:
    """A small sample of a text's opening, the same for copies whatever their script,
    punctuation or spacing: the SKETCH_KEYS 5-grams of the first SKETCH_SPAN comparable
    characters after the title that come first once the characters are permuted
    (`_scramble`). Copies of one page on ../shared/realdev share 14–19 of the 24; the
    first 1,500 corpus laws make 602 pairs sharing 6 or more, so only those few pairs are
    compared in full. The 5-grams are collected from the smallest starting characters up, which gives
    the same sample as sorting all of them: ~0.15 ms a document."""
    lines = body.split("\n", 1)
    rest = lines[1] if len(lines) > 1 and lines[0].startswith("# ") else body
    text = "".join(_COMPARABLE.findall(rest[: 3 * SKETCH_SPAN]))[:SKETCH_SPAN]
    if len(text) < 2 * SHINGLE:
        return ()
    table = _scramble()
    last = len(text) - SHINGLE
    grams: set[str] = set()
    for ch in sorted(set(text), key=lambda c: table.get(ord(c), ord(c))):
        at = text.find(ch)
        while 0 <= at <= last:
            grams.add(text[at : at + SHINGLE])
            at = text.find(ch, at + 1)
        if len(grams) >= SKETCH_KEYS:
            break
    return tuple(sorted(grams, key=lambda g: g.translate(table))[:SKETCH_KEYS])


# --- a document's markers -----------------------------------------------------------------


@dataclass
class Profile:
    """What identity decisions need of one document: its keys, its version markers and,
    when asked, its comparable text."""

    doc: Document
    body: str = ""  # the canonical body, when content is to be compared

    @cached_property
    def key(self) -> str:
        return instrument_key(self.doc.title)

    @cached_property
    def number_key(self) -> str:
        return ref_key(self.doc.doc_number) if self.doc.doc_number else ""

    @cached_property
    def steps(self) -> dict[date, str]:
        """The dated steps of the stated history (施行 lines aside): date → evidence."""
        out: dict[date, str] = {}
        for e in self.doc.history:
            if e.event != "effective":
                out.setdefault(e.date, e.evidence)
        return out

    @cached_property
    def version_date(self) -> date | None:
        """The last step of the stated history: the date this text's version was made."""
        return max(self.steps) if self.steps else None

    @cached_property
    def own_date(self) -> tuple[date, str] | None:
        """A date the text states of itself when it states no history: effective, else
        published, else issued (stated or inferred), with its sentence."""
        w = self.doc.window
        for fact in w.start_facts():
            if fact.value is not None and fact.basis != "unknown":
                return fact.value, fact.evidence
        return None

    @property
    def placement(self) -> date | None:
        """Where the text sits in time among its versions."""
        if self.version_date is not None:
            return self.version_date
        return self.own_date[0] if self.own_date else None

    @cached_property
    def comparable(self) -> frozenset[str]:
        return shingles(comparable_text(self.body))

    @property
    def validity(self) -> bool:
        return self.doc.kind not in _NO_VALIDITY


def versions_differ(a: Profile, b: Profile) -> bool:
    """True when the texts state that they are different versions: different last steps
    of their histories, an own date before the other's last step, or different stated
    dates of the same kind."""
    if a.version_date and b.version_date:
        return a.version_date != b.version_date
    if a.number_key and a.number_key == b.number_key:
        return False  # one doc number is one issued text; a revision restating it says so
    for h, o in ((a, b), (b, a)):
        if h.version_date and not o.version_date and o.own_date:
            return o.own_date[0] < h.version_date
    wa, wb = a.doc.window, b.doc.window
    for x, y in (
        (wa.effective, wb.effective),
        (wa.issued, wb.issued),
        (wa.published, wb.published),
    ):
        if x.basis == y.basis == "stated" and x.value and y.value and x.value != y.value:
            return True
    return False


def _kinds_agree(a: Document, b: Document) -> bool:
    if (a.kind == "draft") != (b.kind == "draft"):
        return False
    return (a.kind in _NO_VALIDITY) == (b.kind in _NO_VALIDITY)


def _places_agree(a: Document, b: Document) -> bool:
    return not (a.jurisdiction and b.jurisdiction and a.jurisdiction != b.jurisdiction)


@dataclass(frozen=True)
class Copy:
    """Two texts of one document: why, and how much of the text they share."""

    score: float
    evidence: str


def copy_of(new: Profile, old: Profile) -> Copy | None:
    """The evidence that `new` is a copy of `old`, or None."""
    a, b = new.doc, old.doc
    if not _kinds_agree(a, b) or not _places_agree(a, b):
        return None
    if new.number_key and old.number_key and new.number_key != old.number_key:
        return None
    if versions_differ(new, old):
        return None
    share = containment(new.comparable, old.comparable)
    if new.number_key and new.number_key == old.number_key and share >= NUMBERED_COPY_THRESHOLD:
        return Copy(
            max(share, COPY_THRESHOLD), f"same doc number {b.doc_number}, {share:.0%} of the text"
        )
    if share >= COPY_THRESHOLD:
        return Copy(
            share, f"{share:.0%} of the text in common (script, punctuation and page noise aside)"
        )
    return None


# --- versions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Order:
    """`newer` is a later version of `older`'s instrument, because of `evidence`."""

    older: str
    newer: str
    evidence: str


def version_order(a: Profile, b: Profile) -> Order | None:
    """The order of two texts of one instrument when their texts state it, else None."""
    if a.key != b.key or not a.key or not _places_agree(a.doc, b.doc):
        return None
    if not (a.validity and b.validity) or "draft" in (a.doc.kind, b.doc.kind):
        return None
    if a.version_date and b.version_date:
        shared = set(a.steps) & set(b.steps)
        if not shared or a.version_date == b.version_date:
            return None
        old, new = (a, b) if a.version_date < b.version_date else (b, a)
        assert old.version_date is not None and new.version_date is not None
        said = new.steps.get(old.version_date)
        if said:
            why = f"{new.steps[new.version_date]}; its history also lists {said}, this text's last step"
        else:
            first = min(shared)
            why = (
                f"{new.steps[new.version_date]}; both histories start from {new.steps[first]}, "
                f"and this text's last step is {old.version_date}"
            )
        return Order(old.doc.id, new.doc.id, why)
    for h, o in ((a, b), (b, a)):
        if h.version_date and not o.version_date and o.own_date:
            if o.number_key and h.number_key and o.number_key != h.number_key:
                return None
            day, sentence = o.own_date
            first = min(h.steps)
            if not first <= day < h.version_date:
                return None
            step = max(d for d in h.steps if d <= day)
            said = f"“{sentence}”" if sentence else str(day)
            why = (
                f"{h.steps[h.version_date]}; the older text ({said}) is the version of "
                f"{h.steps[step]} in that history"
            )
            return Order(o.doc.id, h.doc.id, why)
    return None


def draft_of(draft: Profile, final: Profile) -> str | None:
    """The evidence that `final` is the adopted text of `draft`, or None."""
    if draft.doc.kind != "draft" or final.doc.kind in ("draft", *_NO_VALIDITY):
        return None
    if draft.key != final.key or not draft.key or not _places_agree(draft.doc, final.doc):
        return None
    if not issuers_agree(draft.doc.issuer, final.doc.issuer):
        return None
    d, f = draft.placement, final.placement
    if d and f and f < d:
        return None
    who = f", issued by {final.doc.issuer}" if final.doc.issuer else ""
    return f"same title once 征求意见稿/草案 is removed: {final.doc.display_title}{who}"


_PLACE = re.compile(r"^(.{2,9}?(?:自治区|自治州|特别行政区|省|市|县|区|州|盟|旗))")


def issuers_agree(a: str | None, b: str | None) -> bool:
    """Unknown, equal, one inside the other, or sharing most characters (市场监管总局 and
    国家市场监督管理总局); never two organs of different places (北京市… and 上海市…)."""
    if not a or not b:
        return True
    a, b = to_simplified_chars(a), to_simplified_chars(b)
    if a in b or b in a:
        return True
    pa, pb = _PLACE.match(a), _PLACE.match(b)
    if pa and pb and pa.group(1) != pb.group(1):
        return False
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return sum(1 for c in set(small) if c in big) >= 0.6 * len(set(small))


@dataclass(frozen=True)
class Link:
    """A lineage relation the texts justify: `newer` holds `type` → `older`."""

    newer: str
    older: str
    type: str  # amends | draft
    evidence: str


def group_links(members: Sequence[Profile], apart: set[frozenset[str]]) -> list[Link]:
    """The lineage links among the texts of one instrument key: each version amends the
    one before it (in the order their texts state), each final text names its draft.
    `apart` holds the pairs a user unlinked; they are never linked again."""
    by_id = {p.doc.id: p for p in members}
    orders: dict[frozenset[str], Order] = {}
    finals = [p for p in members if p.validity and p.doc.kind != "draft"]
    for i, a in enumerate(finals):
        for b in finals[i + 1 :]:
            o = version_order(a, b)
            if o is not None:
                orders[frozenset((o.older, o.newer))] = o
    links: list[Link] = []
    # the versions connected by stated orders, each component in order of its dates
    for component in _components(by_id, orders):
        chain = sorted(component, key=lambda i: (by_id[i].placement or date.max, i))
        for k in range(1, len(chain)):
            newer = chain[k]
            older = next(
                (c for c in reversed(chain[:k]) if frozenset((c, newer)) not in apart), None
            )
            if older is None:
                continue
            direct = orders.get(frozenset((older, newer)))
            evidence = direct.evidence if direct else _via(orders, older, newer)
            links.append(Link(newer, older, "amends", evidence))
    for d in (p for p in members if p.doc.kind == "draft"):
        candidates = [
            (f.placement or date.max, f.doc.id, why)
            for f in finals
            if (why := draft_of(d, f)) and frozenset((d.doc.id, f.doc.id)) not in apart
        ]
        if candidates:
            _, final, why = min(candidates)
            links.append(Link(final, d.doc.id, "draft", why))
    return links


def _components(by_id: dict[str, Profile], orders: dict[frozenset[str], Order]) -> list[set[str]]:
    parent = {i: i for i in by_id}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pair in orders:
        a, b = sorted(pair)
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for pair in orders:
        for i in pair:
            groups.setdefault(find(i), set()).add(i)
    return [groups[k] for k in sorted(groups)]


def _via(orders: dict[frozenset[str], Order], older: str, newer: str) -> str:
    """Evidence for two neighbours each ordered against a third text."""
    for pair, o in sorted(orders.items(), key=lambda kv: sorted(kv[0])):
        if older in pair or newer in pair:
            return f"both placed by one revision history: {o.evidence}"
    return "ordered by the revision histories of their lineage"


def auto_relation(link: Link) -> Relation:
    return Relation(link.type, None, None, link.evidence, link.older)  # type: ignore[arg-type]


def is_user_link(rel: Relation) -> bool:
    """A link made by `policytrack link` or `--set` (kept in overrides), not by the text."""
    return rel.evidence.startswith("set by the user")


def with_links(doc: Document, links: Iterable[Link]) -> Document:
    """The document with its text-derived amends/draft relations replaced by `links` (the
    ones it holds); relations a user made, and every other relation, stay."""
    keep = [r for r in doc.relations if r.type not in ("amends", "draft") or is_user_link(r)]
    have = {(r.type, r.target_id) for r in keep}
    new = [auto_relation(k) for k in links if k.newer == doc.id and (k.type, k.older) not in have]
    return doc.with_(relations=tuple(keep + new))


def unlinked_pairs(docs: Iterable[Document]) -> set[frozenset[str]]:
    """The pairs a user keeps apart (`unlink` overrides), from either side."""
    out: set[frozenset[str]] = set()
    for d in docs:
        for name, value in d.overrides:
            if name == "unlink":
                out.update(frozenset((d.id, v.strip())) for v in value.split(",") if v.strip())
    return out


# --- suggestions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A pair of documents that may be versions of one instrument, never linked silently."""

    older: str
    newer: str
    score: float
    evidence: tuple[str, ...] = field(default_factory=tuple)
    type: str = "amends"  # the link to make: amends, or copy (`older` is the one kept)


def _bare(p: Profile) -> bool:
    """States nothing that could make it another version: no date, doc number or history."""
    return not p.number_key and p.placement is None and not p.steps


def suggest(a: Profile, b: Profile) -> Suggestion | None:
    """Title, issuer, place, dates and shared text of two unlinked texts, as a score."""
    if not a.key or not b.key or not (a.validity and b.validity):
        return None
    if instrument_key_loose(a.doc.title) != instrument_key_loose(b.doc.title):
        return None
    if not _places_agree(a.doc, b.doc):
        return None
    if a.number_key and a.number_key == b.number_key:
        # one doc number is one promulgation: two texts under it are not two versions (a
        # news report quoting it, an excerpt); `check` lists a number used twice
        return None
    evidence: list[str] = []
    score = 0.4 if a.key == b.key else 0.3
    evidence.append(
        f"same title {a.doc.title}"
        if a.key == b.key
        else f"titles differ only in numbers: {a.doc.title} / {b.doc.title}"
    )
    if a.doc.issuer and b.doc.issuer:
        if issuers_agree(a.doc.issuer, b.doc.issuer):
            score += 0.2
            evidence.append(f"same issuer {a.doc.issuer}")
        else:
            score -= 0.2
            evidence.append(f"different issuers {a.doc.issuer} / {b.doc.issuer}")
    if a.doc.jurisdiction and a.doc.jurisdiction == b.doc.jurisdiction:
        score += 0.1
        evidence.append(f"same jurisdiction {a.doc.jurisdiction}")
    pa, pb = a.placement, b.placement
    if pa and pb and pa != pb:
        score += 0.1
        evidence.append(f"dated {min(pa, pb)} and {max(pa, pb)}")
    if a.body and b.body:
        share = containment(a.comparable, b.comparable)
        score += 0.2 * share
        evidence.append(f"{share:.0%} of the text in common")
    if a.number_key and b.number_key and a.number_key != b.number_key:
        evidence.append(f"different doc numbers {a.doc.doc_number} / {b.doc.doc_number}")
    ka, kb = (_rough_date(a), a.doc.id), (_rough_date(b), b.doc.id)
    older, newer = (a, b) if ka <= kb else (b, a)
    score = round(min(score, 1.0), 2)
    if score < SUGGEST_FROM:
        return None
    if a.key == b.key and _bare(a) != _bare(b) and _kinds_agree(a.doc, b.doc):
        # one text states a date, number or history and the other none: nothing says the
        # bare one is another version; a rewritten or cut copy (realdev 097) looks so
        kept, copy = (b, a) if _bare(a) else (a, b)
        evidence.append(
            f"{copy.doc.id} states no date, doc number or revision history: nothing marks "
            "it as another version, so it may be a copy"
        )
        return Suggestion(kept.doc.id, copy.doc.id, score, tuple(evidence), "copy")
    return Suggestion(older.doc.id, newer.doc.id, score, tuple(evidence))


def _rough_date(p: Profile) -> date:
    """For ordering a suggestion: the text's own date, else its doc number's year."""
    if p.placement:
        return p.placement
    number = p.doc.number
    return date(number.year, 1, 1) if number and number.year else date.min


def instrument_key_loose(title: str | None) -> str:
    """The instrument key without digits: 2023年 and 2024年 editions of a plan meet."""
    return re.sub(r"[0-9]+", "", instrument_key(title))


# --- canonical source ----------------------------------------------------------------------

_RANKS = ("official page", "Word file", "PDF", "other copy")


def is_official(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host == "gov.cn" or host.endswith(".gov.cn")


def rank(src: Source) -> int:
    """0 official page, 1 Word, 2 PDF, 3 any other copy."""
    if src.url and is_official(src.url) and src.format in ("", "html"):
        return 0
    if src.format == "docx":
        return 1
    if src.format == "pdf":
        return 2
    return 3


def rank_name(src: Source) -> str:
    return _RANKS[rank(src)]


def outranks(new: Source, new_len: int, old: Source, old_len: int) -> bool:
    """True when `new`'s text should be canonical instead of `old`'s (see the module's
    docstring for the precedence)."""
    a = (rank(new), new.script == "traditional", -new_len)
    b = (rank(old), old.script == "traditional", -old_len)
    return a < b


def same_source(a: Source, b: Source) -> bool:
    """The same place: the same URL, or (neither having one) the same file name."""
    if a.url or b.url:
        return bool(a.url) and a.url == b.url
    return bool(a.file) and a.file == b.file
