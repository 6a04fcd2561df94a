"""Article-aligned version diff: align units by content, then diff each pair inline.

Alignment: identical texts first (whatever their numbers), then the most similar remaining
pairs (rapidfuzz Indel similarity, with a bonus for the same number), then splits and
merges (one unit ≈ two consecutive units of the other version). Order changes are found as
the pairs outside the longest increasing run of new positions. Inline edits come from
diff-match-patch with its timeout disabled (a timeout silently degrades large inputs to
delete-all/insert-all) and semantic clean-up so edits read as phrases. Only this module
imports the diff libraries.

Size: over 500 lines because the alignment, the inline diff and their assembly use the two
diff libraries that ruff reserves to this module (banned-api); what reads a changed unit is
in `keychanges` and `keyfacts`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Literal

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from .chinese import fold_variants, full_width_punctuation, strip_invisible, to_simplified_chars
from .keychanges import (
    KeyChange,
    UnitFact,
    UnitRead,
    group,
    regions_in_sentences,
    term_candidates,
)
from .keyfacts import unit_facts
from .model import Document, Unit

Op = Literal["unchanged", "renumbered", "modified", "moved", "added", "removed", "split", "merged"]
PAIR_THRESHOLD = 0.5
SAME_NUMBER_THRESHOLD = 0.3
LOW_PAIR_THRESHOLD = 0.4
CONTAINED_MIN_CHARS = 20


@dataclass(frozen=True)
class InlineEdit:
    """One run of an inline diff: equal, insert or delete."""

    op: Literal["equal", "insert", "delete"]
    text: str


@dataclass(frozen=True)
class Block:
    """A comparable unit: an article (with its items), a heading, the preamble."""

    anchor: str
    kind: str
    label: str
    number: int
    title: str
    text: str  # display text: heading + own text + items
    key: str  # normalised text without the numbering label, for matching


@dataclass(frozen=True)
class UnitChange:
    """What happened to one unit (or a pair, split or merge of units)."""

    op: Op
    old: tuple[Block, ...]
    new: tuple[Block, ...]
    similarity: float
    edits: tuple[InlineEdit, ...] = ()
    facts: tuple[UnitFact, ...] = ()
    moved: bool = False

    @property
    def old_anchor(self) -> str | None:
        return self.old[0].anchor if self.old else None

    @property
    def new_anchor(self) -> str | None:
        return self.new[0].anchor if self.new else None

    def describe(self) -> str:
        """One line a policy analyst reads: 重新编号：原第六条 → 第五条（内容未变）."""
        o = "、".join(b.label or b.title for b in self.old)
        n = "、".join(b.label or b.title for b in self.new)
        if self.op == "added":
            return f"新增：{n}"
        if self.op == "removed":
            return f"删除：原{o}"
        if self.op == "split":
            return f"拆分：原{o} → {n}"
        if self.op == "merged":
            return f"合并：原{o} → {n}"
        where = f"原{o} → {n}" if o != n else o
        if self.op == "unchanged":
            return f"未变：{where}"
        if self.op == "renumbered":
            return f"{'移动并' if self.moved else ''}重新编号：{where}（内容未变）"
        if self.op == "moved":
            return f"移动：{where}（内容未变）"
        return f"修改{'并移动' if self.moved else ''}：{where}"

    @property
    def where(self) -> str:
        """The unit in the new version (the old one for a removed unit): 第十九条."""
        return "、".join(b.label or b.title for b in (self.new or self.old))


OP_LABELS = {
    "modified": "修改",
    "added": "新增",
    "removed": "删除",
    "moved": "移动",
    "renumbered": "重新编号",
    "split": "拆分",
    "merged": "合并",
    "unchanged": "未变",
}
"""The Chinese name of each operation (JSON keeps the English codes)."""


@dataclass(frozen=True)
class DocumentDiff:
    """The diff of two versions: unit changes in new-document order, counts, metadata."""

    old_id: str
    new_id: str
    old_title: str
    new_title: str
    changes: tuple[UnitChange, ...]
    metadata: tuple[tuple[str, str | None, str | None], ...]
    key_changes: tuple[KeyChange, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        out = {
            k: 0
            for k in (
                "unchanged",
                "modified",
                "added",
                "removed",
                "moved",
                "renumbered",
                "split",
                "merged",
            )
        }
        for c in self.changes:
            if (
                c.old
                and c.new
                and c.old[0].kind != "article"
                and c.op in ("unchanged",)
                and not c.old[0].text
            ):
                continue
            out[c.op] += 1
            if c.moved and c.op != "moved":
                out["moved"] += 1
        return out

    @property
    def substantive(self) -> bool:
        return any(c.op not in ("unchanged",) for c in self.changes)


# --- normalisation ----------------------------------------------------------------------------


def normalise(text: str, *, variants: bool = False) -> str:
    """Script, punctuation width and whitespace differences are not changes."""
    text = full_width_punctuation(to_simplified_chars(text))
    text = re.sub(r"\s+", "", strip_invisible(text))
    return fold_variants(text) if variants else text


def display(text: str) -> str:
    return full_width_punctuation(to_simplified_chars(text))


_LABEL_PREFIX = re.compile(
    r"^(?:第[〇零一二三四五六七八九十百千两\d]+[编章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])\s*"
)


def blocks_of(doc: Document, *, variants: bool = False) -> list[Block]:
    """The comparable units of a document: articles carry their items; items of outline
    units without articles are compared with their parent."""
    units = list(doc.units)
    children: dict[str, list[Unit]] = {}
    for u in units:
        if u.kind == "item" and u.parent:
            children.setdefault(u.parent, []).append(u)

    def descend(anchor: str) -> list[str]:
        out: list[str] = []
        for child in children.get(anchor, []):
            out.append(child.text)
            out.extend(descend(child.anchor))
        return out

    out: list[Block] = []
    for u in units:
        if u.kind == "item":
            continue
        own = [u.text] if u.text else []
        parts = own + descend(u.anchor)
        heading = u.heading
        if u.kind == "article":
            text = "\n\n".join(parts)
        else:
            text = "\n\n".join(([heading] if heading else []) + parts)
        key_source = "\n".join(([heading] if heading and u.kind != "article" else []) + parts)
        key_source = "\n".join(_LABEL_PREFIX.sub("", line) for line in key_source.split("\n"))
        out.append(
            Block(
                u.anchor,
                u.kind,
                u.label,
                u.number,
                u.title or u.kind,
                display(text),
                normalise(key_source, variants=variants),
            )
        )
    return out


# --- alignment -------------------------------------------------------------------------------


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return float(Indel.normalized_similarity(a, b))


def align(old: list[Block], new: list[Block]) -> list[tuple[list[int], list[int], float]]:
    """Groups of (old indices, new indices, similarity)."""
    pairs: dict[int, int] = {}
    sims: dict[int, float] = {}
    # 1. identical texts, same kind, in order of appearance
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, b in enumerate(old):
        if b.key:
            by_key.setdefault((b.kind, b.key), []).append(i)
    used_new: set[int] = set()
    for j, b in enumerate(new):
        cands = by_key.get((b.kind, b.key))
        if b.key and cands:
            i = cands.pop(0)
            pairs[i], sims[i] = j, 1.0
            used_new.add(j)
    # 2. most similar remaining pairs of the same kind
    free_old = [i for i in range(len(old)) if i not in pairs]
    free_new = [j for j in range(len(new)) if j not in used_new]
    matrix: dict[tuple[int, int], float] = {}
    best_for_old: dict[int, float] = {}
    best_for_new: dict[int, float] = {}
    for i in free_old:
        for j in free_new:
            if old[i].kind != new[j].kind:
                continue
            s = _similarity(old[i].key, new[j].key)
            matrix[i, j] = s
            best_for_old[i] = max(best_for_old.get(i, 0.0), s)
            best_for_new[j] = max(best_for_new.get(j, 0.0), s)
    scored: list[tuple[float, int, int]] = []
    for (i, j), s in matrix.items():
        ka, kb = old[i].key, new[j].key
        same_number = bool(old[i].number and old[i].number == new[j].number)
        mutual_best = s >= best_for_old[i] and s >= best_for_new[j]
        if (
            s >= PAIR_THRESHOLD
            or contains(ka, kb, s)
            # a same-number pair below the threshold, or any fair match, only when neither
            # unit has a better content match elsewhere (its real successor is not taken)
            or (same_number and s >= SAME_NUMBER_THRESHOLD and mutual_best)
            or (s >= LOW_PAIR_THRESHOLD and mutual_best)
            or (not ka and not kb and same_number)
        ):
            bonus = 0.05 if same_number else 0.0
            if contains(ka, kb, s):
                bonus += 0.3  # kept word for word inside the other: the same unit, extended
            # nearby positions break ties between equally similar candidates
            closeness = -abs(i / max(1, len(old)) - j / max(1, len(new))) * 0.01
            scored.append((s + bonus + closeness, i, j))
    scored.sort(reverse=True)
    for _score, i, j in scored:
        if i in pairs or j in used_new:
            continue
        pairs[i], sims[i] = j, matrix[i, j]
        used_new.add(j)
    groups: list[tuple[list[int], list[int], float]] = [
        ([i], [j], sims[i]) for i, j in pairs.items()
    ]
    # 3. splits and merges: one unit ≈ two consecutive units of the other side
    groups = _splits_and_merges(old, new, groups)
    groups = _spread(old, new, groups)
    matched_old = {i for g in groups for i in g[0]}
    matched_new = {j for g in groups for j in g[1]}
    groups += [([i], [], 0.0) for i in range(len(old)) if i not in matched_old]
    groups += [([], [j], 0.0) for j in range(len(new)) if j not in matched_new]
    return groups


def contains(a: str, b: str, similarity: float) -> bool:
    """One text kept (nearly) word for word inside the other, which extends it: an old
    article that became the first paragraph of a longer new one, or the reverse. Derived from
    the Indel similarity: matched characters = similarity × (len a + len b) / 2."""
    short, long_ = sorted((len(a), len(b)))
    if short < CONTAINED_MIN_CHARS or short == long_:
        return False
    matched = similarity * (short + long_) / 2
    return matched >= 0.95 * short


def _splits_and_merges(
    old: list[Block], new: list[Block], groups: list[tuple[list[int], list[int], float]]
) -> list[tuple[list[int], list[int], float]]:
    by_old = {g[0][0]: g for g in groups if len(g[0]) == 1}
    by_new = {g[1][0]: g for g in groups if len(g[1]) == 1}
    matched_new = set(by_new)
    matched_old = set(by_old)
    result = list(groups)
    # split: old i ↔ new j, new j+1 (j+1 unmatched, or j unmatched and j+1 matched to i)
    for i, o in enumerate(old):
        if o.kind != "article" or not o.key:
            continue
        for j in range(len(new) - 1):
            a, b = new[j], new[j + 1]
            if a.kind != "article" or b.kind != "article":
                continue
            owners = {by_new[k][0][0] if k in by_new else None for k in (j, j + 1)}
            one_free = (j in matched_new) != (j + 1 in matched_new)
            both_free = j not in matched_new and j + 1 not in matched_new
            # the pair is free, or half of it is already matched to this very old unit
            if not owners <= {i, None} or not (one_free or (both_free and i not in matched_old)):
                continue
            joint = _similarity(o.key, a.key + b.key)
            single = max(_similarity(o.key, a.key), _similarity(o.key, b.key))
            if _is_split(o.key, a.key, b.key, joint, single):
                result = [g for g in result if not (g[0] == [i] or g[1] in ([j], [j + 1]))]
                result.append(([i], [j, j + 1], joint))
                matched_new |= {j, j + 1}
                matched_old.add(i)
                break
    # merge: old i, i+1 ↔ new j
    by_new = {g[1][0]: g for g in result if len(g[1]) == 1}
    by_old = {g[0][0]: g for g in result if len(g[0]) == 1}
    for j, n in enumerate(new):
        if n.kind != "article" or not n.key or (j in by_new and len(by_new[j][0]) != 1):
            continue
        for i in range(len(old) - 1):
            a, b = old[i], old[i + 1]
            if a.kind != "article" or b.kind != "article":
                continue
            owners = {by_old[k][1][0] if k in by_old and by_old[k][1] else None for k in (i, i + 1)}
            one_free = (i in by_old) != (i + 1 in by_old)
            both_free = i not in by_old and i + 1 not in by_old
            if not owners <= {j, None} or not (one_free or (both_free and j not in by_new)):
                continue
            joint = _similarity(a.key + b.key, n.key)
            single = max(_similarity(a.key, n.key), _similarity(b.key, n.key))
            if _is_split(n.key, a.key, b.key, joint, single):
                result = [g for g in result if not (g[1] == [j] or g[0] in ([i], [i + 1]))]
                result.append(([i, i + 1], [j], joint))
                break
    return result


SPREAD_PARAGRAPH_THRESHOLD = 0.6
SPREAD_MIN_CHARS = 30
SPREAD_NEIGHBOURHOOD = 3


def _paragraphs(block: Block) -> list[str]:
    return [k for k in (normalise(p) for p in block.text.split("\n\n")) if k]


def _spread(
    old: list[Block], new: list[Block], groups: list[tuple[list[int], list[int], float]]
) -> list[tuple[list[int], list[int], float]]:
    """An article spread over several articles of the other version: a paragraph of an
    aligned article that its partner does not keep, but that an article otherwise added (or
    removed) continues, brings that article into the group (old 第二十二条 → 第二十五条,
    第二十六条 and 第二十八条: a split; the reverse is a merge). A paragraph counts when it has
    at least SPREAD_MIN_CHARS characters and the other article's paragraph matches it at ≥
    SPREAD_PARAGRAPH_THRESHOLD, better than any paragraph of the partner does, and the other
    article lies within SPREAD_NEIGHBOURHOOD units of the partner (a paragraph moved far away
    is not a spread); an article identical to its partner is never extended."""
    result = list(groups)
    cache: dict[int, list[str]] = {}

    def paras_of(block: Block) -> list[str]:
        if id(block) not in cache:
            cache[id(block)] = _paragraphs(block)
        return cache[id(block)]

    for side in ("old", "new"):
        this, other = (old, new) if side == "old" else (new, old)
        paired_other = {k for g in result for k in (g[1] if side == "old" else g[0])}
        free = [
            k
            for k, b in enumerate(other)
            if k not in paired_other and b.kind == "article" and b.key
        ]
        if not free:
            continue
        free_paragraphs = {k: paras_of(other[k]) for k in free}
        all_paragraphs = [
            (u, p) for u, b in enumerate(this) if b.kind == "article" for p in paras_of(b)
        ]
        claims: dict[int, tuple[float, int]] = {}  # free unit → (best similarity, group index)
        for gi, g in enumerate(result):
            mine, theirs = (g[0], g[1]) if side == "old" else (g[1], g[0])
            if len(mine) != 1 or not theirs or g[2] >= 1.0 or this[mine[0]].kind != "article":
                continue
            partner = [q for k in theirs for q in paras_of(other[k])]
            for p in paras_of(this[mine[0]]):
                if len(p) < SPREAD_MIN_CHARS:
                    continue
                kept = max((_similarity(p, q) for q in partner), default=0.0)
                for k, paragraphs in free_paragraphs.items():
                    if min(abs(k - t) for t in theirs) > SPREAD_NEIGHBOURHOOD:
                        continue
                    s, q = max(((_similarity(p, q), q) for q in paragraphs), default=(0.0, ""))
                    if s < SPREAD_PARAGRAPH_THRESHOLD or s <= kept + 0.1:
                        continue
                    # the paragraph continues this article, not another one that opens alike
                    # (金融机构有下列行为之一的，由…责令限期改正 opens many penalty articles)
                    if any(_similarity(p2, q) >= s for u, p2 in all_paragraphs if u != mine[0]):
                        continue
                    if s > claims.get(k, (0.0, -1))[0]:
                        claims[k] = (s, gi)
        for k, (_s, gi) in claims.items():
            olds, news, sim = result[gi]
            if side == "old":
                result[gi] = (olds, sorted([*news, k]), sim)
            else:
                result[gi] = (sorted([*olds, k]), news, sim)
    return result


def _is_split(whole: str, a: str, b: str, joint: float, single: float) -> bool:
    """True when `whole` reads as `a` followed by `b`: together they match it clearly better
    than either alone, and each part is largely found inside it."""
    if joint < 0.8 or joint < single + 0.08:
        return False
    return bool(fuzz.partial_ratio(a, whole) >= 85 and fuzz.partial_ratio(b, whole) >= 85)


def _longest_increasing(seq: list[int]) -> set[int]:
    """Positions (into seq) of one longest strictly increasing subsequence."""
    tails: list[int] = []
    tails_idx: list[int] = []
    prev = [-1] * len(seq)
    for k, v in enumerate(seq):
        pos = bisect.bisect_left(tails, v)
        if pos == len(tails):
            tails.append(v)
            tails_idx.append(k)
        else:
            tails[pos] = v
            tails_idx[pos] = k
        prev[k] = tails_idx[pos - 1] if pos > 0 else -1
    out: set[int] = set()
    k = tails_idx[-1] if tails_idx else -1
    while k >= 0:
        out.add(k)
        k = prev[k]
    return out


# --- inline diff and facts ----------------------------------------------------------------------


def inline(old: str, new: str) -> tuple[InlineEdit, ...]:
    """Character diff with semantic clean-up, so edits read as words and phrases."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(diffs)
    names: dict[int, Literal["equal", "insert", "delete"]] = {0: "equal", 1: "insert", -1: "delete"}
    return _whole_numbers([InlineEdit(names[op], text) for op, text in diffs])


_TOKEN_TAIL = re.compile(r"[0-9A-Za-z.%]+$")
_TOKEN_HEAD = re.compile(r"^[0-9A-Za-z.%]+")


def _whole_numbers(edits: list[InlineEdit]) -> tuple[InlineEdit, ...]:
    """Widen edits that cut through a number or Latin word (2000 → 3000, not 2 → 3)."""
    out: list[InlineEdit] = []
    k = 0
    while k < len(edits):
        if edits[k].op == "equal":
            out.append(edits[k])
            k += 1
            continue
        run = []
        while k < len(edits) and edits[k].op != "equal":
            run.append(edits[k])
            k += 1
        deleted = "".join(e.text for e in run if e.op == "delete")
        inserted = "".join(e.text for e in run if e.op == "insert")
        prefix = suffix = ""
        touches = deleted + inserted
        if out and out[-1].op == "equal" and touches and _TOKEN_HEAD.match(touches[:1] or " "):
            m = _TOKEN_TAIL.search(out[-1].text)
            if m:
                prefix = m.group(0)
                out[-1] = InlineEdit("equal", out[-1].text[: m.start()])
        if (
            k < len(edits)
            and edits[k].op == "equal"
            and touches
            and _TOKEN_TAIL.search(touches[-1:] or " ")
        ):
            m = _TOKEN_HEAD.match(edits[k].text)
            if m:
                suffix = m.group(0)
                edits[k] = InlineEdit("equal", edits[k].text[m.end() :])
        if deleted or prefix or suffix:
            out.append(InlineEdit("delete", prefix + deleted + suffix))
        if inserted or prefix or suffix:
            out.append(InlineEdit("insert", prefix + inserted + suffix))
    return tuple(e for e in out if e.text)


# --- the diff ---------------------------------------------------------------------------------


def diff_documents(old: Document, new: Document, *, ignore_variants: bool = False) -> DocumentDiff:
    """Align and diff two versions of a document."""
    ob, nb = blocks_of(old, variants=ignore_variants), blocks_of(new, variants=ignore_variants)
    groups = align(ob, nb)
    moved_old = _moved(groups)
    changes = [
        _change(
            tuple(ob[i] for i in oi),
            tuple(nb[j] for j in ni),
            sim,
            oi[0] in moved_old if oi else False,
            ignore_variants,
        )
        for oi, ni, sim in groups
    ]
    _sort_in_new_order(changes, ob, nb)
    changes = [_drop_powers_granted_elsewhere(c, ob, nb) for c in changes]
    reads = [read for c in changes if c.old and c.new and c.edits for read in _reads(c)]
    return DocumentDiff(
        old.id,
        new.id,
        old.display_title,
        new.display_title,
        tuple(changes),
        _metadata(old, new),
        group(reads),
    )


def _moved(groups: list[tuple[list[int], list[int], float]]) -> set[int]:
    """The old positions of the one-to-one pairs that changed order: those outside the
    longest run kept in order, and the partner of a swap."""
    pairs = sorted((g for g in groups if g[0] and g[1]), key=lambda g: g[0][0])
    in_order = _longest_increasing([g[1][0] for g in pairs])
    moved_old = {g[0][0] for k, g in enumerate(pairs) if k not in in_order}
    # a swap: a pair out of order that crosses exactly one pair of the ordered run has
    # traded places with it, so both moved (one long move crosses many and moves alone)
    for k, g in enumerate(pairs):
        if k in in_order:
            continue
        crossed = [
            h
            for m, h in enumerate(pairs)
            if m in in_order and (h[0][0] - g[0][0]) * (h[1][0] - g[1][0]) < 0
        ]
        if len(crossed) == 1:
            moved_old.add(crossed[0][0][0])
    return moved_old


def _change(
    olds: tuple[Block, ...],
    news: tuple[Block, ...],
    sim: float,
    moved: bool,
    ignore_variants: bool,
) -> UnitChange:
    """What happened to one aligned group: added, removed, merged, split, renumbered,
    moved, unchanged or modified, with its inline edits and the facts that changed."""
    if not olds:
        return UnitChange(
            "added", (), news, 0.0, (InlineEdit("insert", news[0].text),) if news[0].text else ()
        )
    if not news:
        return UnitChange(
            "removed", olds, (), 0.0, (InlineEdit("delete", olds[0].text),) if olds[0].text else ()
        )
    old_text = "\n\n".join(b.text for b in olds)
    new_text = "\n\n".join(b.text for b in news)
    same = "".join(b.key for b in olds) == "".join(b.key for b in news)
    edits = (
        ()
        if same
        else inline(_cmp_text(old_text, ignore_variants), _cmp_text(new_text, ignore_variants))
    )
    facts = (
        ()
        if same
        else tuple(
            unit_facts(
                old_text, new_text, regions_in_sentences(new_text, pairs_of(edits)), _similarity
            )
        )
    )
    if len(olds) > 1:
        op: Op = "merged"
    elif len(news) > 1:
        op = "split"
    elif same:
        renumbered = olds[0].label != news[0].label
        op = "renumbered" if renumbered else ("moved" if moved else "unchanged")
    else:
        op = "modified"
    return UnitChange(op, olds, news, sim, edits, facts, moved and op != "moved")


POWER_SIMILARITY = 90
_CLAUSE_BREAK = re.compile(r"[，。；：\n]")
_POWER = re.compile(r"(?:批准|核准|审批)([\u4e00-\u9fff、]{4,})$")


def _drop_powers_granted_elsewhere(c: UnitChange, ob: list[Block], nb: list[Block]) -> UnitChange:
    """An approval named as a power with its object (批准任免本市各区、县人民检察院检察长) that a
    unit stops (or starts) repeating, in a list of matters voted on, while another unit of the
    other version still grants it, is no approval added or dropped: the power stands. An
    approval a measure needs (经省级以上监察机关批准) is always read."""
    if not any(f.kind == "approval" and bool(f.old) != bool(f.new) for f in c.facts):
        return c
    own = {b.anchor for b in c.old + c.new}

    def granted(clause: str, blocks: list[Block]) -> bool:
        return bool(_POWER.search(clause)) and any(
            fuzz.ratio(clause, other) >= POWER_SIMILARITY
            for b in blocks
            if b.anchor not in own
            for other in _CLAUSE_BREAK.split(b.text)
        )

    facts = tuple(
        f
        for f in c.facts
        if not (
            f.kind == "approval"
            and (
                (f.old and not f.new and granted(f.old, nb))
                or (f.new and not f.old and granted(f.new, ob))
            )
        )
    )
    return replace(c, facts=facts) if facts != c.facts else c


def _sort_in_new_order(changes: list[UnitChange], ob: list[Block], nb: list[Block]) -> None:
    """Changes in the new document's order; a removed unit after the new unit that
    follows its old predecessor."""
    position = {b.anchor: k for k, b in enumerate(nb)}
    old_position = {b.anchor: k for k, b in enumerate(ob)}

    def order(c: UnitChange) -> tuple[float, float]:
        if c.new:
            return (position[c.new[0].anchor], 0.0)
        k = old_position[c.old[0].anchor]
        prev_new = [
            position[x.new[0].anchor]
            for x in changes
            if x.old and x.new and old_position[x.old[-1].anchor] < k
        ]
        return (max(prev_new) if prev_new else -1, 0.5 + k / 10_000)

    keys = {id(c): order(c) for c in changes}  # computed first: a list is empty while it sorts
    changes.sort(key=lambda c: keys[id(c)])


def _metadata(old: Document, new: Document) -> tuple[tuple[str, str | None, str | None], ...]:
    """The title, doc number, issuer and dates that differ: (field, old, new)."""
    meta: list[tuple[str, str | None, str | None]] = []
    for name in ("title", "doc_number", "issuer"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            meta.append((name, a, b))
    for name, fo in old.window.fields().items():
        fn = getattr(new.window, name)
        if fo.value != fn.value:
            meta.append(
                (
                    name,
                    fo.value.isoformat() if fo.value else None,
                    fn.value.isoformat() if fn.value else None,
                )
            )
    return tuple(meta)


def _reads(c: UnitChange) -> list[UnitRead]:
    """What a change contributes to the key changes. The facts of a split are the new units'
    own where their sentence is in one of them (第五十二条 gains a fine, not 第五十二条、第五十三条);
    the rest (text that is gone, word substitutions) belong to the whole group."""
    label = "、".join(b.label or b.title for b in (c.new or c.old))
    anchor = (c.new or c.old)[0].anchor
    subs = tuple(term_candidates(pairs_of(c.edits)))
    if len(c.new) < 2:
        return [UnitRead(label, anchor, c.facts, subs)]
    owner = {
        f: next((b for b in c.new if f.sentence and f.sentence in b.text), None) for f in c.facts
    }
    # the anchor stays the split's own: pages anchor a change, not each unit in it
    out = [
        UnitRead(b.label or b.title, anchor, tuple(f for f in c.facts if owner[f] is b), ())
        for b in c.new
    ]
    out.append(UnitRead(label, anchor, tuple(f for f in c.facts if owner[f] is None), subs))
    return [r for r in out if r.facts or r.substitutions]


def pairs_of(edits: tuple[InlineEdit, ...]) -> list[tuple[str, str]]:
    return [(e.op, e.text) for e in edits]


def _cmp_text(text: str, variants: bool) -> str:
    return fold_variants(text) if variants else text
