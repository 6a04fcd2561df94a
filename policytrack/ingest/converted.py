"""A file that is not plain text, as text: the shape every reader (`webpage`, `wordfile`,
`pdffile`) returns and `formats.convert` hands on. Kept apart from `formats`, which imports
the readers, so no reader imports the module that imports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Format = Literal["text", "html", "docx", "pdf"]


@dataclass(frozen=True)
class Attachment:
    """A file a document links as 附件: its name as shown, and where it is."""

    name: str
    href: str


@dataclass(frozen=True)
class Converted:
    """A non-text file as text: one paragraph per line, plus what its container said."""

    text: str
    format: Format
    encoding: str = ""
    metadata: tuple[tuple[str, str], ...] = ()  # (label as printed, value) from the page
    attachments: tuple[Attachment, ...] = ()
    stripped: tuple[tuple[str, str], ...] = ()
    headings: tuple[str, ...] = ()  # lines the file marks as headings (Word heading styles)
