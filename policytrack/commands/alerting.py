"""`alerts run`: the archive's facts for the alerts package, then one scheduled run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from policytrack.docfile import parse
from policytrack.errors import AmbiguousRef, NotFound, ValidationErrors
from policytrack.supersession import predecessor_of, relation_to
from policytrack.temporal import status_of

from .loading import lineage, load, resolve

if TYPE_CHECKING:  # imported where used: a command loads only what it needs (startup time)
    from policytrack import alerts


def alerts_run(
    archive_path: Path,
    config_path: Path,
    as_of: date,
    *,
    env: Mapping[str, str],
    now: str,
    dry_run: bool = False,
    clock: Callable[[], float] | None = None,
) -> alerts.RunReport:
    """One scheduled alerts run: the configuration's subscribers, the archive on `as_of`."""
    from policytrack import alerts

    config = alerts.load_config(config_path)
    loaded = load(archive_path)
    g = loaded.graph
    problems: list[str] = []
    explicit: dict[str, set[str]] = {}
    for sub in config.subscribers:
        ids: set[str] = set()
        for ref in sub.watch.documents:
            try:
                ids.update(lineage(loaded, resolve(loaded, ref)))
            except (NotFound, AmbiguousRef) as exc:
                problems.append(f"{config_path}: subscriber {sub.name!r} watch.documents: {exc}")
        explicit[sub.name] = ids
    if problems:
        raise ValidationErrors(problems)
    facts: dict[str, alerts.DocFacts] = {}
    for doc_id, d in loaded.docs.items():
        st = status_of(doc_id, g, as_of)
        preds = [p for p in g.predecessors.get(doc_id, []) if p in loaded.docs]
        facts[doc_id] = alerts.DocFacts(
            id=doc_id,
            title=d.display_title,
            doc_number=d.doc_number,
            issuer=d.issuer,
            jurisdiction=d.jurisdiction,
            kind=d.kind,
            expires=d.window.expires.value,
            status=st.code,
            status_label=st.label,
            status_since=st.since,
            repealed_by=g.label(st.by) if st.code == "repealed" and st.by else None,
            successors=tuple(g.label(s) for s in g.successors.get(doc_id, [])),
            predecessor=g.label(preds[0]) if preds else None,
            aliases=d.aliases,
            predecessor_id=preds[0] if preds else None,
            relation=relation_to(g, doc_id, preds[0]) if preds else None,
        )

    def body_of(doc_id: str) -> str:
        return loaded.archive.doc_path(doc_id).read_text(encoding="utf-8")

    def changes_of(doc_id: str) -> tuple[str, ...]:
        pred = predecessor_of(loaded.graph, doc_id)
        if pred is None:
            return ()
        old = parse(body_of(pred), f"{pred}.md")
        new = parse(body_of(doc_id), f"{doc_id}.md")
        from policytrack.diff import diff_documents

        return alerts.change_summary(diff_documents(old, new))

    return alerts.run(
        config,
        facts,
        as_of,
        explicit=explicit,
        body_of=body_of,
        changes_of=changes_of,
        env=env,
        now=now,
        dry_run=dry_run,
        **({"clock": clock} if clock else {}),
    )
