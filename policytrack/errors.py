"""The one exception tree. The CLI catches `PolicytrackError` in one place and prints
`Error: <message>`; every message names the thing that is wrong and how to fix it."""

from __future__ import annotations


class PolicytrackError(Exception):
    """Base of every error a user can cause; its message is shown as one `Error:` line."""


class DocNumberError(PolicytrackError):
    """A string that should be a 发文字号 (doc number) could not be parsed."""


class FormatError(PolicytrackError):
    """A canonical Markdown file breaks the format; carries the file and the field."""

    def __init__(self, message: str, *, path: str = "", field: str = "") -> None:
        self.path = path
        self.field = field
        where = f"{path}: " if path else ""
        what = f"{field}: " if field else ""
        super().__init__(f"{where}{what}{message}")


class ValidationErrors(PolicytrackError):
    """Several problems found at once; all are reported together."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) found"
        super().__init__(head + ":\n  " + "\n  ".join(self.problems))


class NotFound(PolicytrackError):
    """A REF matched no document."""


class AmbiguousRef(PolicytrackError):
    """A REF matched more than one document; the message lists the candidates."""

    def __init__(self, ref: str, candidates: list[str]) -> None:
        self.ref = ref
        self.candidates = candidates
        super().__init__(
            f"{ref!r} matches {len(candidates)} documents: {', '.join(candidates)}; "
            "give the full doc number or the id"
        )


class ArchiveError(PolicytrackError):
    """The archive is missing, locked, dirty or otherwise unusable."""


class Conflict(ArchiveError):
    """A different text already exists under the same identity."""


class IngestError(PolicytrackError):
    """An input file cannot be turned into a document."""


class ConfigError(PolicytrackError):
    """A configuration file or option value is wrong."""
