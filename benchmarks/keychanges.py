"""`python -m benchmarks.keychanges`: precision and recall of the key changes, per kind.

Each file in tests/fixtures/keychanges/ names two versions (paths under ../shared, or under the
repository for the sample archive) and lists the key changes a careful reader finds in the
articles kept from one version to the next (tests/fixtures/keychanges/README.md). The diff of
the two versions is compared with those labels:

- a predicted change matches a label of the same kind that shares an article; for value kinds
  (money, percentage, deadline, date, actor, term) the values must agree too: each stated side
  of the label is found in the prediction's side, or the other way round, after writing
  numbers one way (五千元 = 5000元);
- each label takes at most one prediction, and a prediction one label (a grouped row, one
  label in each article it lists); a further prediction of the same kind inside a matched
  label's articles repeats it (counted as a duplicate, not a false alarm);
- precision = matched predictions / (matched + false alarms), recall = matched labels / labels.

Labels changed on the third review carry `dropped = "reason"` (no longer a key change of its
kind under the definitions in docs/diff.md; kept in the file) or `added = "reason"`. They are
scored as they now stand; `--original` scores the labels as they were before that review
(dropped ones back in, added ones out).

`--heldout` scores tests/fixtures/keychanges-heldout/ alone instead: ten pairs labelled blind
after the rules were written (the rules were never tuned on them); with `--original` too, the
held-out labels as first written, before any correction after the first run. `--heldout 2`
scores the second held-out set, tests/fixtures/keychanges-heldout2/ (eight more pairs labelled
blind the same way), `--heldout 1` the first.

Prints the table, every miss and every false alarm, and how many multi-article labels came out
as one grouped row. Exits 0 (a measurement, not a test).
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from policytrack.chinese import cn_to_int
from policytrack.diff import diff_documents
from policytrack.ingest import ingest
from policytrack.keychanges import KINDS, KeyChange, canonical_numbers

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures" / "keychanges"
HELDOUT = ROOT / "tests" / "fixtures" / "keychanges-heldout"
HELDOUT2 = ROOT / "tests" / "fixtures" / "keychanges-heldout2"
HELDOUT_SETS = {"1": HELDOUT, "2": HELDOUT2}
VALUE_KINDS = {"money", "percentage", "deadline", "date", "actor", "term"}


@dataclass(frozen=True)
class Label:
    """One key change written down by a reader."""

    kind: str
    articles: tuple[str, ...]
    old: str
    new: str


@dataclass(frozen=True)
class Pair:
    """A labelled version pair."""

    name: str
    old: Path
    new: Path
    labels: tuple[Label, ...]
    read: tuple[int, int] | None = None  # the new articles read, when not all were


def resolve(path: str) -> Path:
    """archive/… is the repository's sample archive; anything else lies under ../shared."""
    return ROOT / path if path.startswith("archive/") else SHARED / path


def load_pairs(folder: Path = FIXTURES, *, original: bool = False) -> list[Pair]:
    """The labelled pairs; `original`: the labels as they were before the third review."""
    pairs = []
    for f in sorted(folder.glob("*.toml")):
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        labels = tuple(
            Label(c["kind"], tuple(c["articles"]), c.get("old", ""), c.get("new", ""))
            for c in data.get("change", [])
            if "added" not in c or not original
            if "dropped" not in c or original
        )
        for label in labels:
            if label.kind not in KINDS:
                raise ValueError(f"{f.name}: unknown kind {label.kind!r}; use one of {KINDS}")
        read = None
        if "read" in data:
            first, last = (article_number(x) for x in data["read"])
            read = (first or 0, last or 0)
        pairs.append(Pair(f.stem, resolve(data["old"]), resolve(data["new"]), labels, read))
    return pairs


def article_number(label: str) -> int | None:
    m = re.fullmatch(r"第([〇零一二两三四五六七八九十百千]+)条", label)
    return cn_to_int(m.group(1)) if m else None


def predict(pair: Pair) -> tuple[KeyChange, ...]:
    old = ingest(pair.old.read_bytes(), pair.old.name).document
    new = ingest(pair.new.read_bytes(), pair.new.name).document
    changes = diff_documents(old, new).key_changes
    if pair.read is None:
        return changes
    first, last = pair.read

    def inside(unit: str) -> bool:
        n = article_number(unit.split("、")[0])
        return n is not None and first <= n <= last

    return tuple(c for c in changes if any(inside(u) for u in c.units))


def _norm(text: str) -> str:
    return canonical_numbers(text).replace(" ", "")


def _side_agrees(label: str, predicted: str) -> bool:
    if not label:
        return True
    a, b = _norm(label), _norm(predicted)
    return bool(b) and (a in b or b in a)


def agrees(label: Label, change: KeyChange) -> bool:
    if label.kind != change.kind:
        return False
    units = {u for unit in change.units for u in unit.split("、")}
    if not units & set(label.articles):
        return False
    if label.kind in VALUE_KINDS:
        return _side_agrees(label.old, change.old) and _side_agrees(label.new, change.new)
    return True


@dataclass
class Tally:
    """Counts for one kind."""

    labels: int = 0
    found: int = 0
    predicted: int = 0
    false_alarms: int = 0
    duplicates: int = 0

    @property
    def precision(self) -> float | None:
        matched = self.predicted - self.false_alarms - self.duplicates
        denominator = matched + self.false_alarms
        return matched / denominator if denominator else None

    @property
    def recall(self) -> float | None:
        return self.found / self.labels if self.labels else None


@dataclass
class Report:
    """The whole measurement."""

    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    grouped: int = 0
    multi: int = 0
    pairs: int = 0
    skipped: list[str] = field(default_factory=list)


def score(pair: Pair, predicted: tuple[KeyChange, ...], report: Report) -> None:
    report.pairs += 1
    matched: dict[int, int] = {}  # label index → prediction index
    for li, label in enumerate(pair.labels):
        report.tallies[label.kind].labels += 1
        if len(label.articles) > 1:
            report.multi += 1
        for pi, change in enumerate(predicted):
            # a prediction takes one label, except a grouped row, which takes one label in
            # each article it lists (通报批评 dropped in 第三十八条 and 第三十九条: one row)
            taken = [li2 for li2, pi2 in matched.items() if pi2 == pi]
            if taken and (
                len(change.units) < 2
                or any(set(pair.labels[t].articles) & set(label.articles) for t in taken)
            ):
                continue
            if not agrees(label, change):
                continue
            matched[li] = pi
            report.tallies[label.kind].found += 1
            if len(label.articles) > 1 and len(set(change.units) & set(label.articles)) > 1:
                report.grouped += 1
            break
        else:
            report.misses.append(
                f"{pair.name}: {label.kind} {'、'.join(label.articles)}: {label.old or '—'} → {label.new or '—'}"
            )
    for pi, change in enumerate(predicted):
        tally = report.tallies[change.kind]
        tally.predicted += 1
        if pi in matched.values():
            continue
        repeats = any(
            pair.labels[li].kind == change.kind
            and set(change.units) <= set(pair.labels[li].articles)
            for li in matched
        )
        if repeats:
            tally.duplicates += 1
            continue
        tally.false_alarms += 1
        report.false_alarms.append(
            f"{pair.name}: {change.kind} {'、'.join(change.units)}: {change.old or '—'} → {change.new or '—'}"
        )


def run(pairs: list[Pair]) -> Report:
    report = Report()
    for pair in pairs:
        if not (pair.old.is_file() and pair.new.is_file()):
            report.skipped.append(pair.name)
            continue
        score(pair, predict(pair), report)
    return report


def _pct(x: float | None) -> str:
    return "   —" if x is None else f"{x:.2f}"


def render(report: Report) -> str:
    lines = [
        f"key changes over {report.pairs} labelled version pairs",
        "",
        f"{'kind':<11} {'labels':>6} {'found':>5} {'predicted':>9} {'false':>5} {'dup':>4} {'precision':>9} {'recall':>6}",
    ]
    total = Tally()
    for kind in KINDS:
        t = report.tallies[kind]
        if not (t.labels or t.predicted):
            continue
        lines.append(
            f"{kind:<11} {t.labels:>6} {t.found:>5} {t.predicted:>9} {t.false_alarms:>5} {t.duplicates:>4} {_pct(t.precision):>9} {_pct(t.recall):>6}"
        )
        total.labels += t.labels
        total.found += t.found
        total.predicted += t.predicted
        total.false_alarms += t.false_alarms
        total.duplicates += t.duplicates
    lines.append(
        f"{'all':<11} {total.labels:>6} {total.found:>5} {total.predicted:>9} {total.false_alarms:>5} {total.duplicates:>4} {_pct(total.precision):>9} {_pct(total.recall):>6}"
    )
    lines += [
        "",
        f"multi-article labels reported as one grouped row: {report.grouped} of {report.multi}",
    ]
    if report.skipped:
        lines += ["", "skipped (texts not found; ../shared missing?): " + ", ".join(report.skipped)]
    lines += ["", f"misses ({len(report.misses)}):"] + [f"  {m}" for m in report.misses]
    lines += ["", f"false alarms ({len(report.false_alarms)}):"] + [
        f"  {m}" for m in report.false_alarms
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    if not SHARED.is_dir():
        print(
            f"Error: the labelled pairs name texts under {SHARED}; "
            "put the shared data folder beside the repository as ../shared",
            file=sys.stderr,
        )
        return 1
    args = sys.argv[1:]
    original = False
    heldout: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--original":
            original = True
        elif arg == "--heldout":
            heldout = "1"
            if i + 1 < len(args) and not args[i + 1].startswith("--"):
                i += 1
                heldout = args[i]
                if heldout not in HELDOUT_SETS:
                    print(
                        f"Error: no held-out set {heldout!r}; use --heldout 1 or --heldout 2",
                        file=sys.stderr,
                    )
                    return 1
        else:
            print(
                f"Error: unknown option {arg!r}; use --heldout [1|2], --original or both",
                file=sys.stderr,
            )
            return 1
        i += 1
    folder = FIXTURES
    if heldout is not None:
        folder = HELDOUT_SETS[heldout]
        print(f"held-out pairs (tests/fixtures/{folder.name}, labelled blind)")
        if original:
            print("labels as first written, before corrections after the first run (--original)")
        print()
    elif original:
        print("labels as they were before the third review (--original)\n")
    sys.stdout.write(render(run(load_pairs(folder, original=original))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
