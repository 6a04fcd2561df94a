"""Status on a date and the expiry report, over the supersession graph (`supersession`).

Status is never stored: it is computed for an `as_of` date from the validity window and
the supersession relations of the whole archive. Nothing here reads the clock.

The graph's names (`Graph`, `build_graph`, `lineage`, `predecessors` …) are imported here
too, so a module that needs statuses and lineages imports one module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .model import Document, ValidityWindow
from .supersession import (
    SAME_INSTRUMENT,
    Graph,
    Repeal,
    Stub,
    build_graph,
    lineage,
    predecessor_of,
    predecessors,
    relation_to,
    start_of,
    stub_id,
)

__all__ = [
    "NO_VALIDITY_KINDS",
    "SAME_INSTRUMENT",
    "STATUS_ALIASES",
    "STATUS_LABELS",
    "Expiring",
    "Graph",
    "Repeal",
    "Status",
    "StatusCode",
    "Stub",
    "amended_on",
    "build_graph",
    "current_version",
    "expiring",
    "lineage",
    "parse_within",
    "predecessor_of",
    "predecessors",
    "relation_to",
    "status_of",
    "stub_id",
]

StatusCode = Literal[
    "not_yet_effective",
    "in_force",
    "expired",
    "amended",
    "repealed",
    "partially_repealed",
    "unknown",
    "not_applicable",
]
STATUS_LABELS: dict[str, str] = {
    "not_yet_effective": "尚未生效",
    "in_force": "现行有效",
    "expired": "已失效",
    "amended": "已被修改",
    "repealed": "已废止",
    "partially_repealed": "部分失效",
    "unknown": "状态不明",
    "not_applicable": "不适用",
}
# accepted spellings for --status
STATUS_ALIASES: dict[str, str] = {
    **{code: code for code in STATUS_LABELS},
    **{label: code for code, label in STATUS_LABELS.items()},
    "current": "current",  # the version in force of its lineage (see current_version)
    "valid": "in_force",
    "future": "not_yet_effective",
    "superseded": "repealed",
    "partial": "partially_repealed",
}
NO_VALIDITY_KINDS = ("news", "interpretation")


@dataclass(frozen=True)
class Status:
    """A document's status on a date, with the reason and the sentence behind it."""

    code: StatusCode
    as_of: date
    reason: str
    since: date | None = None
    by: str | None = None  # id or doc number of the superseding document
    evidence: str = ""
    reason_zh: str = ""  # the reason in Chinese, for public pages and feeds (no tool terms)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]


def _later_versions(graph: Graph, doc_id: str) -> list[str]:
    """Archived later versions of the same instrument (amends/predecessor links, followed
    transitively)."""
    out: list[str] = []
    todo = list(graph.amended_by.get(doc_id, []))
    seen = set(todo)
    while todo:
        cur = todo.pop()
        if cur in graph.docs:
            out.append(cur)
        for nxt in graph.amended_by.get(cur, []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return sorted(out)


def amended_on(graph: Graph, doc_id: str, as_of: date) -> tuple[str, date | None] | None:
    """The later version of the same instrument that had begun on as_of and the day it
    began (None when its text gives no date), the earliest such; None when there is none."""
    doc = graph.docs.get(doc_id)
    if doc is None:
        return None
    started: list[tuple[date, str]] = []
    undated: list[str] = []
    for newer in _later_versions(graph, doc_id):
        start, _ = start_of(graph.docs[newer])
        if start is None:
            undated.append(newer)
        elif start <= as_of:
            started.append((start, newer))
    exp = doc.window.expires.value
    if started:
        day, newer = min(started)
        if exp is not None and day > exp + timedelta(days=1):
            return None  # it had run out before the new version came
        return newer, day
    if undated:
        return undated[0], None
    return None


def current_version(graph: Graph, doc_id: str, as_of: date) -> str | None:
    """The version in force of doc_id's lineage on as_of: the latest archived version
    (not a draft) that had begun and is neither repealed nor expired; None if there is
    none."""
    versions = [i for i in lineage(graph, doc_id) if i in graph.docs]
    for i in reversed(versions):
        d = graph.docs[i]
        if d.kind in ("draft", *NO_VALIDITY_KINDS):
            continue
        start, _ = start_of(d)
        if start is None or start > as_of:
            continue
        code = status_of(i, graph, as_of).code
        if code in ("repealed", "expired"):
            return None
        return i if code != "amended" else None
    return None


def status_of(doc_id: str, graph: Graph, as_of: date) -> Status:
    """Status of an archived document or a stub on `as_of`, decided in this order: repealed
    (a full supersession that had begun), what is known of a stub, not applicable (news,
    interpretations), amended (a later version had begun), then the document's own dates
    and a partial repeal."""
    doc = graph.docs.get(doc_id)
    repeals = sorted(
        graph.repealed_by.get(doc_id, []), key=lambda r: (r.on is None, r.on or date.min)
    )
    full = [r for r in repeals if not r.articles]
    partial = [r for r in repeals if r.articles]
    repealed = _repealed(full, as_of)
    if repealed is not None:
        return repealed
    if doc is None:
        return _stub_status(full, as_of)
    if doc.kind in NO_VALIDITY_KINDS:
        what = "news report" if doc.kind == "news" else "interpretation"
        zh = "新闻报道" if doc.kind == "news" else "政策解读"
        return Status(
            "not_applicable",
            as_of,
            f"a {what} has no validity period of its own",
            reason_zh=f"{zh}本身没有有效期",
        )
    amended = _amended_status(graph, doc_id, as_of)
    if amended is not None:
        return amended
    return _dated_status(doc.window, partial, as_of)


def _repealed(full: list[Repeal], as_of: date) -> Status | None:
    """Repealed by the first full supersession that had begun on as_of (one of unknown
    date counts as begun)."""
    for r in full:
        if r.on is None:
            return Status(
                "repealed",
                as_of,
                f"superseded by {r.by_label} (date of repeal unknown): {r.evidence}".rstrip(": "),
                None,
                r.by,
                r.evidence,
                f"已被{r.by_label}废止（废止日期不明）",
            )
        if r.on <= as_of:
            return Status(
                "repealed",
                as_of,
                f"superseded by {r.by_label} on {r.on}: {r.evidence}".rstrip(": "),
                r.on,
                r.by,
                r.evidence,
                f"已被{r.by_label}废止，自{r.on}起",
            )
    return None


def _stub_status(full: list[Repeal], as_of: date) -> Status:
    """A document known only as a reference: in force until a known supersession, else
    unknown."""
    if full:
        r = full[0]
        return Status(
            "in_force",
            as_of,
            f"not in the archive; superseded by {r.by_label} from {r.on}",
            None,
            None,
            r.evidence,
            f"未收录全文；自{r.on}起由{r.by_label}取代",
        )
    return Status(
        "unknown",
        as_of,
        "not in the archive; known only as a reference",
        reason_zh="未收录全文，仅见于其他文件的引用",
    )


def _amended_status(graph: Graph, doc_id: str, as_of: date) -> Status | None:
    amended = amended_on(graph, doc_id, as_of)
    if amended is None:
        return None
    newer, day = amended
    label = graph.label(newer)
    ev = next((r.evidence for r in graph.docs[newer].relations if r.target_id == doc_id), "")
    when = f"from {day}" if day else "(date unknown)"
    return Status(
        "amended",
        as_of,
        f"a later version ({label}, {newer}) is in force {when}; this text is historical",
        day,
        newer,
        ev,
        f"新版本{label}"
        + (f"自{day}起施行" if day else "已施行（施行日期不明）")
        + "；本文为历史文本",
    )


def _dated_status(w: ValidityWindow, partial: list[Repeal], as_of: date) -> Status:
    """What the validity window says on as_of, and a partial repeal that had begun."""
    eff, exp = w.effective.value, w.expires.value
    if eff and as_of < eff:
        return Status(
            "not_yet_effective",
            as_of,
            f"effective from {eff}",
            eff,
            None,
            w.effective.evidence,
            f"自{eff}起施行",
        )
    if exp and as_of > exp:
        since = exp + timedelta(days=1)
        return Status(
            "expired",
            as_of,
            f"expired since {since} (in force until {exp})",
            since,
            None,
            w.expires.evidence,
            f"有效期至{exp}，自{since}起失效",
        )
    live_partial = [r for r in partial if r.on is not None and r.on <= as_of]
    if eff is None:
        start = w.effective.rule or "no effective date stated"
        reason = f"effective date unknown ({start})"
        if exp:
            reason += f"; expires {exp}"
        zh = "施行日期不明" + (f"；有效期至{exp}" if exp else "")
        return Status("unknown", as_of, reason, None, None, w.effective.evidence, zh)
    if live_partial:
        r = live_partial[0]
        arts = "、".join(f"第{a}条" for a in r.articles)
        return Status(
            "partially_repealed",
            as_of,
            f"{arts} repealed by {r.by_label} on {r.on}",
            r.on,
            r.by,
            r.evidence,
            f"{arts}已被{r.by_label}废止，自{r.on}起",
        )
    reason = f"in force since {eff}" + (f", until {exp}" if exp else ", no expiry date")
    zh = f"自{eff}起施行" + (f"，有效期至{exp}" if exp else "，未规定有效期")
    return Status("in_force", as_of, reason, eff, None, w.effective.evidence, zh)


@dataclass(frozen=True)
class Expiring:
    """A document whose expiry falls in the window, with its days left and successor."""

    doc: Document
    expires: date
    days_left: int
    successor: str | None  # label of a document that supersedes it, if any
    status: Status


def expiring(graph: Graph, as_of: date, within_days: int) -> list[Expiring]:
    """Documents expiring in [as_of, as_of + within_days], soonest first; already
    expired or repealed documents are not listed."""
    end = as_of + timedelta(days=within_days)
    out: list[Expiring] = []
    for doc in graph.docs.values():
        exp = doc.window.expires.value
        if exp is None or exp < as_of or exp > end:
            continue
        st = status_of(doc.id, graph, as_of)
        if st.code in ("repealed", "amended", "expired", "not_applicable"):
            continue
        succ = graph.successors.get(doc.id, [])
        label = graph.label(succ[0]) if succ else None
        out.append(Expiring(doc, exp, (exp - as_of).days, label, st))
    out.sort(key=lambda e: (e.expires, e.doc.id))
    return out


def parse_within(text: str) -> int:
    """'90d', '12w', '6m', '1y' or '90' → days."""
    s = text.strip().lower()
    units = {"d": 1, "w": 7, "m": 30, "y": 365}
    try:
        if s and s[-1] in units:
            return int(s[:-1]) * units[s[-1]]
        return int(s)
    except ValueError:
        raise ValueError(f"{text!r} is not a period; write it like 90d, 12w, 6m or 1y") from None
