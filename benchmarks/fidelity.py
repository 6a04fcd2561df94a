"""`make eval`: how faithfully `policytrack add` reads real published texts.

Every text of the labelled sets (../shared/realdev and tests/fixtures/real, same manifest
format) is added with the real `add` into a throwaway archive of its own; the stored
canonical file is read back and each field compared with the truth label. Per field it
prints: stated (truth non-null), right, wrong, missing, and invented (a value where the
truth is null), then every miss with its file, the truth and the value.

Values are compared after the normalisation the tool documents (docs/ingest.md): script
(Traditional → Simplified), bracket and punctuation width, whitespace and pinyin glosses;
doc numbers by their canonical form when both parse. A title or date marked as inferred
(推断) counts as no value: it is never presented as stated.

    python -m benchmarks.fidelity [--set realdev|fixtures] [--only FILE-PREFIX] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policytrack.archive import Archive
from policytrack.chinese import strip_pinyin_glosses, to_mainland_simplified
from policytrack.commands import add
from policytrack.docfile import parse
from policytrack.errors import PolicytrackError
from policytrack.model import DocNumber, Document

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "realdev": ROOT.parent / "shared" / "realdev",
    "fixtures": ROOT / "tests" / "fixtures" / "real",
}
FIELDS = (
    "title",
    "doc_number",
    "issuer",
    "issued",
    "published",
    "effective",
    "expires",
    "supersedes",
)
TARGET = 0.97

_BRACKETS = str.maketrans(
    {
        "〔": "(",
        "〕": ")",
        "[": "(",
        "]": ")",
        "［": "(",
        "］": ")",
        "【": "(",
        "】": ")",
        "﹝": "(",
        "﹞": ")",
        "（": "(",
        "）": ")",
        "〖": "(",
        "〗": ")",
        "“": '"',
        "”": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "—": "-",
        "－": "-",
        "·": "",
        "•": "",
    }
)


def norm(text: str) -> str:
    """The form a labelled value and an extracted one are compared in."""
    text = strip_pinyin_glosses(text).replace("?", "")
    text = to_mainland_simplified(unicodedata.normalize("NFKC", text))
    text = text.translate(_BRACKETS)
    return re.sub(r"[\s、，,]+", "", text)


def norm_number(text: str) -> str:
    number = DocNumber.try_parse(strip_pinyin_glosses(text))
    return f"#{number.slug}" if number else norm(text)


@dataclass
class Tally:
    stated: int = 0
    right: int = 0
    wrong: int = 0
    missing: int = 0
    invented: int = 0
    misses: list[tuple[str, str, Any, Any]] = field(default_factory=list)  # kind, file, truth, got


def _stated_title(doc: Document) -> str | None:
    ev = doc.field_evidence("title")
    if not doc.title or (ev is not None and ev.basis != "stated"):
        return None
    return doc.title


def extracted(doc: Document | None) -> dict[str, Any]:
    """The document's values for the labelled fields; None where it states none."""
    if doc is None:
        return dict.fromkeys(FIELDS)
    out: dict[str, Any] = {
        "title": _stated_title(doc),
        "doc_number": doc.doc_number,
        "issuer": doc.issuers or None,
        "supersedes": [r.doc_number or r.title or "" for r in doc.related("supersedes")] or None,
    }
    for name, fact in doc.window.fields().items():
        # an inferred (推断) date is not presented as stated, so it counts as no value —
        # except the one derivation the labelling rules make too: 有效期N年 counted from a
        # stated start
        derived = fact.basis == "inferred" and fact.rule.startswith(("有效期", "试行"))
        given = fact.value is not None and (fact.basis == "stated" or derived)
        out[name] = fact.value.isoformat() if given and fact.value else None
    return out


def same(name: str, truth: Any, got: Any) -> bool:
    if name == "doc_number":
        return norm_number(str(truth)) == norm_number(str(got))
    if name == "issuer":
        return [norm(t) for t in truth] == [norm(g) for g in got]
    if name == "supersedes":
        want = [norm_number(t) for t in truth]
        have = [norm_number(g) for g in got]
        return sorted(want) == sorted(have) or (
            all(any(w == h or (len(w) > 6 and (w in h or h in w)) for h in have) for w in want)
            and len(have) == len(want)
        )
    if name == "title":
        return norm(str(truth)) == norm(str(got))
    return str(truth) == str(got)


def load_manifest(folder: Path) -> list[dict[str, Any]]:
    path = folder / "manifest.json"
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    for e in entries:
        e["_path"] = folder / "texts" / e["file"]
    return entries


def read_one(path: Path, work: Path) -> tuple[Document | None, str]:
    """Add one text with the real `add` into a fresh archive; the stored document."""
    archive = Archive.init(work)
    try:
        results = add(work, [path])
    except PolicytrackError as exc:
        return None, f"refused: {exc}"
    stored = archive.doc_path(results[0].document.id)
    return parse(stored.read_text(encoding="utf-8"), stored.name), ""


def evaluate(entries: list[dict[str, Any]]) -> tuple[dict[str, Tally], list[str]]:
    tallies = {name: Tally() for name in FIELDS}
    refused: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pt-eval-") as tmp:
        for i, entry in enumerate(entries):
            doc, error = read_one(entry["_path"], Path(tmp) / f"a{i}")
            if error:
                refused.append(f"{entry['file']}: {error}")
            got = extracted(doc)
            for name in FIELDS:
                t, truth, value = tallies[name], entry.get(name), got[name]
                if truth in (None, [], ""):
                    if value not in (None, [], ""):
                        t.invented += 1
                        t.misses.append(("invented", entry["file"], truth, value))
                    continue
                t.stated += 1
                if value in (None, [], ""):
                    t.missing += 1
                    t.misses.append(("missing", entry["file"], truth, value))
                elif same(name, truth, value):
                    t.right += 1
                else:
                    t.wrong += 1
                    t.misses.append(("wrong", entry["file"], truth, value))
    return tallies, refused


def report(tallies: dict[str, Tally], refused: list[str], n: int, *, misses: bool = True) -> str:
    lines = [
        f"{n} texts; a field is right when it equals the truth after normalisation",
        "",
        f"{'field':<11} {'stated':>6} {'right':>6} {'wrong':>6} {'missing':>7} {'invented':>8} {'right %':>8}",
    ]
    for name, t in tallies.items():
        pct = 100 * t.right / t.stated if t.stated else 100.0
        flag = "" if pct >= 100 * TARGET and t.invented == 0 else "  <"
        lines.append(
            f"{name:<11} {t.stated:>6} {t.right:>6} {t.wrong:>6} {t.missing:>7} "
            f"{t.invented:>8} {pct:>7.1f}%{flag}"
        )
    if refused:
        lines += ["", f"refused by add ({len(refused)}):", *(f"  {r}" for r in refused)]
    if misses:
        for name, t in tallies.items():
            if not t.misses:
                continue
            lines += ["", f"== {name}"]
            for kind, file, truth, value in t.misses:
                lines.append(f"  {kind:<8} {file}: truth={truth!r} got={value!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fidelity")
    parser.add_argument("--set", choices=sorted(SETS), action="append")
    parser.add_argument("--only", help="evaluate only files whose name starts with this")
    parser.add_argument("--json", type=Path, help="also write the tallies to this file")
    parser.add_argument("--quiet", action="store_true", help="the table only")
    args = parser.parse_args(argv)
    entries: list[dict[str, Any]] = []
    for name in args.set or sorted(SETS):
        entries += load_manifest(SETS[name])
    if args.only:
        entries = [e for e in entries if e["file"].startswith(args.only)]
    if not entries:
        print("no labelled texts found (../shared/realdev, tests/fixtures/real)", file=sys.stderr)
        return 1
    tallies, refused = evaluate(entries)
    print(report(tallies, refused, len(entries), misses=not args.quiet))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    k: {**v.__dict__, "misses": [list(m) for m in v.misses]}
                    for k, v in tallies.items()
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
