"""The site's full-text search index: static files a browser queries, built in segments.

Chinese has no spaces, so text is indexed by overlapping character bigrams (人工智能 → 人工,
工智, 智能), the way CJK analysers in search engines do; runs of Latin letters and digits are
whole tokens (2024, ai), and a lone Chinese character between punctuation is a unigram. The
same rules are implemented in `templates/static/search.js` (tests compare the two).

The index is a list of *segments* (as in Lucene). Each segment holds some documents, their
postings sharded into small JSON files by a hash of the token, so a query fetches one small
file per token and segment. A full build writes one segment per chunk of documents (built in
parallel, memory bounded by the chunk). When documents change, their old entries are marked
deleted in `search/index.json` and the new versions go into a new small segment: an
incremental build writes a few kilobytes instead of re-indexing the archive. Small segments
are merged when there are too many, and a segment mostly deleted is rewritten.

Files under `search/`:
- `index.json`: {"version", "segments": [{"name", "docs", "shards", "deleted": [ordinals]}]}
- `<segment>/docs-<k>.json`: documents k*100 … k*100+99 of the segment as
  [id, title, doc_number, issuer, date], ordinals ordered newest first;
- `<segment>/dates.json`: {"d": each document's date as YYYYMMDD (0 if unknown), "t": the
  hash of its id (token_hash)}, by ordinal;
- `<segment>/p<shard>.json`: {token: ordinal deltas, "^"+token: deltas of title matches,
  "#rows": {ordinal: row} for the TITLE_ROWS newest title matches of each of its tokens}: a
  query whose words stand in titles shows its first page from the shards alone, one round
  trip;
- `meta.json` (beside the segments, rewritten when a status changes): what results show and
  filter on besides the row, for every ordinal of every segment (`meta_json`).

Results: title matches first, then newest first, then by the hash of the id: the same order
however the documents are spread over segments (the browser sorts alike).
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import shutil
import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import Any

SEARCH_VERSION = 5
SEGMENT_DOCS = 20_000  # at most, per segment in a full build
MIN_SEGMENT_DOCS = 1_000  # a full build splits into one segment per core above this
DOCS_PER_FILE = 100  # small: a page of results fetches only the rows it shows
POSTINGS_PER_SHARD = 3_000  # target; shards are a power of two, at most MAX_SHARDS
MAX_SHARDS = 4096
MAX_SMALL_SEGMENTS = 8  # more small segments than this are merged into one
# rows a shard holds for each of its title tokens: a result page's worth (search.js PAGE),
# the newest; all of them made the shards of common words (管理) 100 KB and more
TITLE_ROWS = 10
# a segment's record in search/index.json ("name", "docs", "shards", "deleted"), with the
# (id, blob) of each ordinal under "ids" while a build runs
Segment = dict[str, Any]

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
# Folding: each character of these blocks becomes its NFKC form (full-width Ａ１ → A1,
# compatibility ideographs → unified, ①/⑴/㈠/Ⅳ → 1/(1)/(一)/IV). A table, not NFKC over the
# whole text: same answer for what tokens see, at a fraction of the cost. search.js builds
# the same table from the same ranges.
FOLD_RANGES = (
    (0x2150, 0x218F),
    (0x2460, 0x24FF),
    (0x3200, 0x33FF),
    (0xF900, 0xFAFF),
    (0xFF01, 0xFF5E),
)
_FOLD = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for lo, hi in FOLD_RANGES
    for cp in range(lo, hi + 1)
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}


# The characters whose folding a token can see: a token character or one that folds to
# some (full-width punctuation folds to other punctuation, which separates tokens either
# way). Replaced one match at a time: most texts have none of them or few.
_FOLD_TOKEN = {chr(cp): v for cp, v in _FOLD.items() if _TOKEN.search(v.lower() + chr(cp).lower())}
_FOLDABLE = re.compile("[" + "".join(map(re.escape, sorted(_FOLD_TOKEN))) + "]")


def fold_text(text: str) -> str:
    """The text tokens are cut from: folded by the table above (the characters tokens
    see), lower-cased."""
    return _FOLDABLE.sub(lambda m: _FOLD_TOKEN[m.group()], text).lower()


def _split(text: str) -> tuple[set[str], set[str]]:
    """(bigrams and words, lone characters) of a text after folding and lower-casing."""
    grams: set[str] = set()
    singles: set[str] = set()
    for run in _TOKEN.findall(fold_text(text)):
        if run[0] <= "z":
            grams.add(run[:32])
        elif len(run) == 1:
            singles.add(run)
        else:
            grams.update(map(operator.add, run[:-1], run[1:]))
    return grams, singles


def tokens(text: str) -> set[str]:
    """The index tokens of a text: CJK bigrams (a lone character between punctuation is a
    unigram), Latin and digit runs whole."""
    grams, singles = _split(text)
    return grams | singles


def query_tokens(text: str) -> set[str]:
    """The tokens a query looks up: its bigrams and words; its lone characters only when it
    has nothing else (a lone character is indexed only where it stood alone)."""
    grams, singles = _split(text)
    return grams or singles


def search(folder: Path, query: str) -> list[str]:
    """The ids the browser finds for `query` in the index under folder (title matches
    first, then newest first), read from the same files and confirmed, like the browser
    does, against each document's JSON (every whitespace-separated term must occur)."""
    terms = [fold(t) for t in query.split()]
    return [i for i in candidates(folder, query) if _confirmed(folder.parent, i, terms)]


def fold(text: str) -> str:
    """A text as results are confirmed against it: NFKC, lower case, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def _confirmed(site: Path, doc_id: str, terms: list[str]) -> bool:
    doc = _read_json(site / "api" / "documents" / f"{doc_id}.json")
    parts = [doc["title"] or "", doc.get("doc_number") or "", doc.get("issuer") or ""]
    text = fold("\n".join(parts + [u["text"] for u in doc.get("units") or ()]))
    return all(t in text for t in terms)


def candidates(folder: Path, query: str) -> list[str]:
    """Documents holding every token of the query (title matches first, then newest)."""
    toks = sorted(query_tokens(query))
    if not toks:
        return []
    manifest = _read_json(folder / "index.json")
    hits: list[tuple[bool, int, int, str]] = []  # sorted as the browser does
    for seg in manifest["segments"]:
        name = seg["name"]
        shards = [
            _read_json(folder / name / f"p{token_hash(t) % seg['shards']}.json") for t in toks
        ]
        found = set.intersection(
            *(set(_undelta(s.get(t, ""))) for s, t in zip(shards, toks, strict=True))
        )
        titled = set.intersection(
            *(set(_undelta(s.get("^" + t, ""))) for s, t in zip(shards, toks, strict=True))
        )
        dates = _read_json(folder / name / "dates.json")
        for n in sorted(found - set(seg["deleted"])):
            rows = _read_json(folder / name / f"docs-{n // DOCS_PER_FILE}.json")
            hits.append(
                (n not in titled, -dates["d"][n], dates["t"][n], rows[n % DOCS_PER_FILE][0])
            )
    hits.sort(key=lambda h: (h[0], h[1], h[2]))
    return [h[3] for h in hits]


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _undelta(text: str) -> list[int]:
    out, prev = [], 0
    for d in text.split(",") if text else ():
        prev += int(d)
        out.append(prev)
    return out


def token_hash(token: str) -> int:
    """FNV-1a over code points, 32 bits (the browser computes the same)."""
    h = 0x811C9DC5
    for ch in token:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


@dataclass(frozen=True)
class Entry:
    """One document as the search index sees it."""

    id: str
    blob: str  # git blob of the archive file: an entry is re-indexed when it changes
    title: str
    doc_number: str
    issuer: str
    date: str
    body: str

    def head(self) -> str:
        return " ".join((self.title, self.doc_number, self.issuer))


def _shards_for(postings: int) -> int:
    shards = 1
    while shards < MAX_SHARDS and shards * POSTINGS_PER_SHARD < postings:
        shards *= 2
    return shards


_SEGMENT = re.compile(r"\.?s[0-9a-f]{12}(?:\.tmp)?")


def segment_name(entries: Iterable[Entry]) -> str:
    h = hashlib.sha256()
    for e in entries:
        h.update(f"{e.id}\0{e.blob}\n".encode())
    return "s" + h.hexdigest()[:12]


def write_segment(folder: Path, entries: list[Entry]) -> Segment:
    """Write one segment of `entries` under folder/<name>/; return its manifest record and
    the ids it holds (in ordinal order)."""
    ordered = sorted(entries, key=lambda e: e.id)
    ordered.sort(key=lambda e: e.date, reverse=True)  # newest first; stable on id
    name = segment_name(ordered)
    target = folder / name
    body: defaultdict[str, list[int]] = defaultdict(list)
    title: defaultdict[str, list[int]] = defaultdict(list)
    for n, e in enumerate(ordered):
        head = tokens(e.head())
        for table, toks in ((body, head | tokens(e.body)), (title, head)):
            # table[tok].append(n) for each token, the loop run in C (the hot loop of a
            # full build: millions of postings)
            deque(map(list.append, map(table.__getitem__, toks), repeat(n)), maxlen=0)
    count = sum(len(v) for v in body.values())
    shards = _shards_for(count)
    files: list[dict[str, Any]] = [{} for _ in range(shards)]
    decimal = [str(n) for n in range(len(ordered))].__getitem__
    for prefix, table in (("", body), ("^", title)):
        for tok, ords in table.items():
            files[token_hash(tok) % shards][prefix + tok] = _deltas(ords, decimal)
    titled: list[set[int]] = [set() for _ in range(shards)]
    for tok, ords in title.items():  # ordinals run newest first: the first page of results
        titled[token_hash(tok) % shards].update(ords[:TITLE_ROWS])
    for shard, found in zip(files, titled, strict=True):
        if found:  # no token holds "#"
            shard["#rows"] = {str(n): _row(ordered[n]) for n in sorted(found)}
    tmp = folder / f".{name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for k, shard in enumerate(files):
        # sorted: tokens come out of sets, whose order changes from run to run; the same
        # documents give the same bytes (a deploy uploads only what changed)
        (tmp / f"p{k}.json").write_text(_compact(shard, sort_keys=True), encoding="utf-8")
    dates = {
        "d": [int(e.date.replace("-", "") or 0) for e in ordered],
        "t": [token_hash(e.id) for e in ordered],
    }
    (tmp / "dates.json").write_text(_compact(dates), encoding="utf-8")
    for k in range(0, len(ordered), DOCS_PER_FILE):
        rows = [_row(e) for e in ordered[k : k + DOCS_PER_FILE]]
        (tmp / f"docs-{k // DOCS_PER_FILE}.json").write_text(_compact(rows), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return {
        "name": name,
        "docs": len(ordered),
        "shards": shards,
        "deleted": [],
        "ids": [[e.id, e.blob] for e in ordered],
    }


def _row(e: Entry) -> list[str]:
    return [e.id, e.title, e.doc_number, e.issuer, e.date]


def meta_json(
    segments: list[Segment], facets: Callable[[str], tuple[str, str, str, str, str]]
) -> str:
    """search/meta.json: for each segment (in the manifest's order), per ordinal, what a
    result shows and is filtered on besides its row, `facets(id)` = (status, kind,
    jurisdiction, issuer, year), each as an index into the file's own tables ("" for a
    deleted ordinal). Rewritten whenever a status changes: segments are never rewritten
    for that."""
    tables: dict[str, dict[str, int]] = {k: {} for k in ("status", "kind", "place", "issuer")}
    out = []
    for seg in segments:
        deleted = set(seg["deleted"])
        packed = []
        for n, (doc_id, _) in enumerate(seg["ids"]):
            if n in deleted:
                packed.append("")
                continue
            status, kind, place, issuer, year = facets(doc_id)
            codes = [
                tables[name].setdefault(value, len(tables[name]))
                for name, value in (("status", status), ("kind", kind), ("place", place))
            ]
            codes.append(tables["issuer"].setdefault(issuer, len(tables["issuer"])))
            packed.append(",".join(map(str, codes)) + f",{year}")
        out.append(";".join(packed))
    lists = {name: sorted(t, key=t.__getitem__) for name, t in tables.items()}
    return _compact({"version": SEARCH_VERSION, **lists, "segments": out})


def _deltas(ords: list[int], decimal: Callable[[int], str]) -> str:
    """Ascending ordinals as comma-separated decimal gaps; `decimal(n)` is n written out,
    looked up in a list made once per segment. A segment of 1,500 corpus documents writes
    ~400,000 of these (2.5 million gaps): `str` on each gap, a copy of the list shifted
    by one and a join for one-ordinal lists were 10% of its CPU (py-spy); looked up, no
    copy, ~40% less in a micro-benchmark of 200,000 lists (same strings)."""
    if len(ords) == 1:
        return decimal(ords[0])
    return ",".join(map(decimal, map(operator.sub, ords, chain((0,), ords))))


def _compact(data: Any, *, sort_keys: bool = False) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)


# --- the manifest and its maintenance --------------------------------------------------------


@dataclass
class Plan:
    """What an update must do: entries to (re)index, segments to rewrite or drop."""

    reindex: list[str]  # ids whose current version goes into new segments


class SearchIndex:
    """The segments under out/search and the bookkeeping that keeps them current."""

    def __init__(self, out: Path) -> None:
        self.folder = out / "search"
        self.manifest = self.folder / "index.json"
        self.state = self.folder / "state.json"  # id → blob per segment (for the builder)
        self.segments: list[Segment] = []
        self.loaded = False
        try:
            man = json.loads(self.manifest.read_text(encoding="utf-8"))
            state = json.loads(self.state.read_text(encoding="utf-8"))
            if man.get("version") == SEARCH_VERSION and len(state) == len(man["segments"]):
                for seg, ids in zip(man["segments"], state, strict=True):
                    if (self.folder / seg["name"]).is_dir() and len(ids) == seg["docs"]:
                        self.segments.append({**seg, "ids": ids})
                self.loaded = len(self.segments) == len(man["segments"])
        except (OSError, ValueError, KeyError, TypeError):
            self.loaded = False
        if not self.loaded:
            self.segments = []

    def plan(self, wanted: dict[str, str]) -> Plan:
        """wanted: id → blob of every document that should be searchable. Marks entries
        of changed or removed documents deleted and returns what must be (re)indexed."""
        if not self.loaded:
            return Plan(sorted(wanted))
        live: dict[str, tuple[int, int]] = {}
        for s, seg in enumerate(self.segments):
            deleted = set(seg["deleted"])
            for n, (doc_id, blob) in enumerate(seg["ids"]):
                if n in deleted:
                    continue
                if wanted.get(doc_id) != blob or doc_id in live:
                    deleted.add(n)
                else:
                    live[doc_id] = (s, n)
            seg["deleted"] = sorted(deleted)
        reindex = {i for i in wanted if i not in live}
        # merge: the small segments when there are too many, and mostly deleted ones
        small = [
            s
            for s, seg in enumerate(self.segments)
            if seg["docs"] - len(seg["deleted"]) < SEGMENT_DOCS // 4
        ]
        rewrite = {
            s for s, seg in enumerate(self.segments) if len(seg["deleted"]) * 2 > seg["docs"]
        }
        if len(small) + (1 if reindex else 0) > MAX_SMALL_SEGMENTS:
            rewrite.update(small)
        for s in rewrite:
            seg = self.segments[s]
            deleted = set(seg["deleted"])
            reindex.update(doc_id for n, (doc_id, _) in enumerate(seg["ids"]) if n not in deleted)
            seg["deleted"] = list(range(seg["docs"]))
        self.segments = [seg for seg in self.segments if len(seg["deleted"]) < seg["docs"]]
        return Plan(sorted(reindex))

    def chunks(self, plan: Plan, workers: int = 1) -> list[list[str]]:
        """The ids of each new segment to write: at least one per worker when there is
        enough to share, at most SEGMENT_DOCS each."""
        per_worker = -(-len(plan.reindex) // max(1, workers))
        size = min(SEGMENT_DOCS, max(MIN_SEGMENT_DOCS, per_worker))
        return [plan.reindex[k : k + size] for k in range(0, len(plan.reindex), size)]

    def commit(self, new_segments: list[Segment]) -> None:
        """Record the new segments, write the manifest and remove unreferenced folders."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.segments.extend(new_segments)
        manifest = {
            "version": SEARCH_VERSION,
            "segments": [
                {k: seg[k] for k in ("name", "docs", "shards", "deleted")} for seg in self.segments
            ],
        }
        _write(self.state, _compact([seg["ids"] for seg in self.segments]))
        _write(self.manifest, json.dumps(manifest, ensure_ascii=False) + "\n")
        keep = {seg["name"] for seg in self.segments}
        for path in self.folder.iterdir():
            # only segment folders (named as segment_name names them) are ours to remove
            if path.is_dir() and path.name not in keep and _SEGMENT.fullmatch(path.name):
                shutil.rmtree(path)


def _write(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
