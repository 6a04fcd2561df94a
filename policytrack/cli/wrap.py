"""Line wrapping for mixed Chinese and Latin text at a terminal's width.

A terminal wraps a long line wherever the width runs out, which cuts 2000 into 20 / 00 and
puts a full stop at the head of the next line. Here a line breaks between Chinese characters
or at a space, never inside a run of digits or Latin letters (2000, 5000元's 5000, GB/T),
never before closing punctuation (，。；、）》) and never after opening punctuation (（《“).
A diff marker ([- -], {+ +}) stays with the text it marks. Widths count a Chinese character as
two columns (rich's cell_len).
"""

from __future__ import annotations

import re

from rich.cells import cell_len

Segment = tuple[str, str]  # (text, style)

_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/%+\-_]*[0-9A-Za-z%]|[0-9A-Za-z]")
_CLOSING = set("，。；：、！？）》」』”’】〕,.;:!?)]}%") | {"-]", "+}"}
_OPENING = set("（《「『“‘【〔([{") | {"[-", "{+"}


def _atoms(segments: list[Segment]) -> list[tuple[str, str]]:
    """Split styled text into the smallest pieces a line may break between (a Latin or
    digit run is one piece; markers are pieces of their own)."""
    out: list[tuple[str, str]] = []
    for text, style in segments:
        k = 0
        while k < len(text):
            if text.startswith(("[-", "-]", "{+", "+}"), k):
                out.append((text[k : k + 2], style))
                k += 2
                continue
            m = _WORD.match(text, k)
            if m:
                out.append((m.group(0), style))
                k = m.end()
                continue
            out.append((text[k], style))
            k += 1
    return out


def _tokens(atoms: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Glue atoms that must stay on one line: closing punctuation to what precedes it,
    opening punctuation and markers to what follows."""
    tokens: list[list[tuple[str, str]]] = []
    pending: list[tuple[str, str]] = []
    for atom in atoms:
        text = atom[0]
        if text in _OPENING:
            pending.append(atom)
            continue
        if text in _CLOSING and tokens and not pending:
            if not _blank(tokens[-1]):
                tokens[-1].append(atom)
                continue
            if len(tokens) > 1:  # 。 after a space stays with the word before the space
                blank = tokens.pop()
                tokens[-1].extend([*blank, atom])
                continue
        tokens.append([*pending, atom])
        pending = []
    if pending:
        tokens.append(pending)
    return tokens


def wrap(segments: list[Segment], width: int) -> list[list[Segment]]:
    """Styled text broken into lines of at most `width` columns (a single piece wider than
    the line is the only thing ever cut). Line breaks in the text are kept."""
    lines: list[list[Segment]] = []
    for paragraph in _split_lines(segments):
        line: list[Segment] = []
        used = 0
        for token in _tokens(_atoms(paragraph)):
            size = sum(cell_len(t) for t, _ in token)
            if _blank(token) and used == 0:
                continue  # no space at the head of a line
            if used + size > width and used > 0:
                lines.append(_trim(line))
                line, used = [], 0
                if _blank(token):
                    continue
            if size > width:  # longer than a line: cut, the only way it fits
                for text, style in token:
                    for ch in text:
                        if used + cell_len(ch) > width and used > 0:
                            lines.append(line)
                            line, used = [], 0
                        line.append((ch, style))
                        used += cell_len(ch)
                continue
            line.extend(token)
            used += size
        lines.append(_trim(line))
    return [_merge(line) for line in lines]


def _blank(token: list[tuple[str, str]]) -> bool:
    return all(not text.strip() for text, _ in token)


def _split_lines(segments: list[Segment]) -> list[list[Segment]]:
    out: list[list[Segment]] = [[]]
    for text, style in segments:
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                out.append([])
            if part:
                out[-1].append((part, style))
    return out


def _trim(line: list[Segment]) -> list[Segment]:
    while line and line[-1][0] == " ":
        line = line[:-1]
    return line


def _merge(line: list[Segment]) -> list[Segment]:
    """Adjacent pieces of one style as one segment."""
    out: list[Segment] = []
    for text, style in line:
        if out and out[-1][1] == style:
            out[-1] = (out[-1][0] + text, style)
        else:
            out.append((text, style))
    return out
