"""The revision history a text states of itself: the dated steps under a law's or a
regulation's title, e.g.

    （2020年7月5日国务院令第728号公布　根据2025年3月17日《国务院关于修改和废止部分行政法规的决定》修订）

or, in the LawRefBook layout, one step a line above `<!-- INFO END -->`. Each step becomes a
`HistoryEvent` (date, what happened, the words that say so). Versions of one instrument share
the steps up to the older one's last: `versions` links them on that evidence.

Only a block right under the title is read, and only segments that end in a step's verb,
so a body sentence such as 本办法自2024年1月1日起施行 is never a history.
"""

from __future__ import annotations

import re
from datetime import date

from policytrack.chinese import to_simplified_chars
from policytrack.model import HistoryEvent, Revision

from .dates import DATE_RE, to_date

MARKER = "<!-- INFO END -->"
HEAD_LINES = 60  # first non-empty lines of a page where a history block may stand (chrome first)

# the verb closing a step, strongest first: 修订通过 is a revision, 公布施行 a promulgation
_VERBS: tuple[tuple[str, Revision], ...] = (
    ("修订", "revised"),
    ("修正", "amended"),
    ("修改", "amended"),
    ("公布", "promulgated"),
    ("发布", "promulgated"),
    ("颁布", "promulgated"),
    ("通过", "adopted"),
    ("批准", "approved"),
    ("施行", "effective"),
    ("实施", "effective"),
)
# a step ends with its verb (a closing bracket, a space or 根据 may follow)
_STEP_END = re.compile(
    r"(?:修订通过|修订|修正|公布|发布|颁布|通过|批准|施行|实施)[）)\s　]*(?:根据)?[\s　]*$"
)
_OPENING = ("（", "(")


def read_history(text: str) -> tuple[HistoryEvent, ...]:
    """The steps stated under the title: from a LawRefBook header when the text has one,
    else from the first bracketed (or one-step-a-line) block in the page's first lines."""
    if MARKER in text:
        head = text.partition(MARKER)[0].splitlines()[1:]  # after the `# title` line
        return _events(_joined([line.strip() for line in head if line.strip()]))
    head = [line.strip() for line in text[:20000].splitlines() if line.strip()][:HEAD_LINES]
    block: list[str] = []
    for line in head:
        if not DATE_RE.search(line) and not block:
            continue
        simple = to_simplified_chars(line)
        if _is_history_line(simple):
            block.append(simple)
        elif block:
            break
    return _events(block)


def _is_history_line(line: str) -> bool:
    """A bracketed run of steps, or a line that is one step: it starts with a date (or a
    bracket) and every dated segment ends in a step's verb."""
    stripped = line.strip()
    if not stripped.startswith(_OPENING) and not DATE_RE.match(stripped):
        return False
    segments = _segments(stripped.lstrip("（("))
    return bool(segments) and all(_STEP_END.search(seg) for _, seg in segments)


def _joined(lines: list[str]) -> list[str]:
    """Header lines with a line that has no date joined to the step before it (a long
    decision title broken over two lines)."""
    out: list[str] = []
    for line in lines:
        if out and not DATE_RE.search(line):
            out[-1] += line
        else:
            out.append(line)
    return out


def _segments(line: str) -> list[tuple[re.Match[str], str]]:
    """(date match, the words from that date to the next one) along a line."""
    dates = list(DATE_RE.finditer(line))
    return [
        (m, line[m.start() : dates[k + 1].start() if k + 1 < len(dates) else len(line)])
        for k, m in enumerate(dates)
    ]


def _events(lines: list[str]) -> tuple[HistoryEvent, ...]:
    out: list[HistoryEvent] = []
    for line in lines:
        waiting: list[tuple[date, str]] = []  # dates whose step is named further on
        for m, segment in _segments(to_simplified_chars(line)):
            day = to_date(*m.groups())
            if day is None:
                continue
            evidence = re.sub(r"[\s　]+", " ", segment).strip(" ）)（(、，;；").strip()
            evidence = re.sub(r"\s*根据$", "", evidence)
            verb = _verb(segment)
            if verb is None:
                # 2013年4月28日最高人民法院…会议、2013年4月28日最高人民检察院…会议通过
                waiting.append((day, evidence))
                continue
            for early, words in [*waiting, (day, evidence)]:
                event = HistoryEvent(early, verb, words)
                if event not in out:
                    out.append(event)
            waiting = []
    return tuple(out)


def _verb(segment: str) -> Revision | None:
    tail = segment.strip(" 　）)、，;；")
    tail = re.sub(r"\s*根据$", "", tail)
    if not _STEP_END.search(tail):
        return None
    for word, event in _VERBS:
        if word in tail[-8:]:
            return event
    return None
