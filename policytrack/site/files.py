"""The site's output folder and what a build keeps about it: atomic writes of changed files,
fingerprints, the stamp of the templates and policytrack version, the manifest of the last
build (with `state.SiteState`), files spliced from one fragment per document (`Joined`), the
claim on a folder and the removal of stale files.

A fingerprint of exactly a page's inputs is kept per document (its page and JSON), per
redline and per summary file with the archive's private state
(`<archive>/.policytrack/site-<hash>.pickle`, named by a marker in
`<out>/.policytrack-site.json`, with a stamp of the templates and the policytrack version);
a page whose fingerprint did not change is neither parsed nor rendered.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from policytrack.errors import PolicytrackError
from policytrack.site.state import SiteState

MANIFEST = ".policytrack-site.json"
BUILD_VERSION = 6


@dataclass
class BuildReport:
    """What a build wrote."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    search_indexed: int = 0  # documents (re)indexed for search
    skipped: int = 0  # of the unchanged: not even rendered, their inputs' fingerprint held

    @property
    def pages(self) -> int:
        return len(self.written) + self.unchanged


def write_if_changed(out: Path, rel: str, text: str | bytes) -> bool:
    """Write out/rel atomically unless it already holds these bytes."""
    target = out / rel
    payload = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if target.stat().st_size == len(payload) and target.read_bytes() == payload:
            return False
    except FileNotFoundError:
        # a new file is written in place (a third of the cost of a rename here); a build
        # cut short leaves it unrecorded in the manifest, so the next build writes it again
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "xb") as f:
                f.write(payload)
            return True
        except FileExistsError:
            pass
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, target)
    return True


def stamp() -> str:
    """Changes whenever a page could render differently from the same inputs."""
    h = hashlib.sha256(f"{BUILD_VERSION}\0{_version()}".encode())
    folder = importlib.resources.files("policytrack.templates")
    for path in sorted(_walk(Path(str(folder)))):
        h.update(path.relative_to(Path(str(folder))).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _walk(folder: Path) -> Iterable[Path]:
    return (
        p for p in folder.rglob("*") if p.is_file() and p.suffix in (".html", ".css", ".js", ".xml")
    )


def _version() -> str:
    try:
        return importlib.metadata.version("policytrack")
    except importlib.metadata.PackageNotFoundError:
        return "dev"


def fingerprint(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


def _state_file(archive_state: Path, out: Path) -> Path:
    """The build state lives with the archive's private state (like the index), one file per
    output folder; the output folder holds only a marker naming the build."""
    key = hashlib.sha1(str(out.resolve()).encode("utf-8")).hexdigest()[:12]
    return archive_state / f"site-{key}.pickle"


@dataclass
class Previous:
    """What the last build into a folder left: the fingerprint of each summary file, the
    caller's state, the documents each joined file holds (see `Joined`) in order, and the
    fingerprints of document pages (by id) and redlines (by slug)."""

    pages: dict[str, str]
    state: SiteState
    joined: dict[str, tuple[list[str], list[int]]] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    redlines: dict[str, str] = field(default_factory=dict)


def load_manifest(archive_state: Path, out: Path, current: str) -> Previous | None:
    """The last build into out, or None if there is none usable: no marker, another
    build's marker, other templates or policytrack version."""
    try:
        marker = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        with _state_file(archive_state, out).open("rb") as f:
            header = pickle.load(f)
            if not isinstance(marker, dict) or not isinstance(header, dict):
                return None
            if marker.get("stamp") != current or header.get("build") != marker.get("build"):
                return None
            if header.get("stamp") != current:
                return None
            previous = pickle.load(f)
    except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError):
        return None
    return previous if isinstance(previous, Previous) else None


def _prune(archive_state: Path, out: Path) -> None:
    """Keep a list of the output folders built from this archive, and drop the state of
    those that are gone (a folder built once and deleted leaves nothing behind)."""
    registry = archive_state / "site-builds.json"
    try:
        folders = json.loads(registry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        folders = {}
    if not isinstance(folders, dict):
        folders = {}
    folders[_state_file(archive_state, out).name] = str(out.resolve())
    for name, folder in list(folders.items()):
        if not Path(folder).is_dir() and Path(folder) != out.resolve():
            (archive_state / name).unlink(missing_ok=True)
            del folders[name]
    for path in archive_state.glob("site-*.pickle"):  # from before the list was kept
        if path.name not in folders:
            path.unlink(missing_ok=True)
    tmp = registry.with_name(f".{registry.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(folders, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, registry)


def save_manifest(archive_state: Path, out: Path, current: str, previous: Previous) -> None:
    body = pickle.dumps(previous, protocol=pickle.HIGHEST_PROTOCOL)
    build_id = hashlib.sha1(body).hexdigest()[:16]  # deterministic: same archive, same marker
    target = _state_file(archive_state, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    header = pickle.dumps({"stamp": current, "build": build_id}, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.write_bytes(header + body)  # two pickles: the header is read first
    os.replace(tmp, target)
    _prune(archive_state, out)
    marker = json.dumps({"stamp": current, "build": build_id}) + "\n"
    tmp = out / f".{MANIFEST}.tmp"
    tmp.write_text(marker, encoding="utf-8")
    os.replace(tmp, out / MANIFEST)


@dataclass
class Joined:
    """A file made of a head, one fragment per document (in `ids` order, joined by `sep`)
    and a tail, like api/index.json (a line per document) and
    the iCalendar feed (an event per document). `context` covers what every fragment
    depends on besides its document. A rebuild reuses, from the file on disk, the fragments
    of the documents not in `changed` (found by the fragments' lengths, kept with the
    manifest) and renders only the others: 100,000 documents' JSON or events took seconds
    to render, for one that changed."""

    rel: str
    context: str
    head: str
    ids: list[str]
    fragment: Callable[[str], str]
    sep: str
    tail: str
    volatile: frozenset[str] = frozenset()  # ids whose fragment is rendered every build

    def payload(
        self, out: Path, previous: Previous | None, changed: frozenset[str] | None
    ) -> tuple[bytes, list[int]]:
        """The file's bytes and the length of each fragment in them (bytes throughout:
        100 MB of fragments are never decoded or split)."""
        sep = self.sep.encode("utf-8")
        if changed is not None and self.volatile:
            changed = changed | self.volatile
        old = self._old_body(out, previous) if changed is not None else None
        pieces: list[bytes | memoryview] = []
        lengths: list[int] = []
        if old is not None and old[0] == self.ids:  # the same documents: splice the changed
            assert changed is not None
            _, lengths, body = old
            lengths = list(lengths)
            starts = list(accumulate((n + len(sep) for n in lengths), initial=0))
            at = 0
            for k in [k for k, doc_id in enumerate(self.ids) if doc_id in changed]:
                fragment = self.fragment(self.ids[k]).encode("utf-8")
                pieces += [body[at : starts[k]], fragment]
                at, lengths[k] = starts[k] + lengths[k], len(fragment)
            pieces.append(body[at:])
        else:
            spans: dict[str, tuple[int, int]] = {}
            body = memoryview(b"")
            if old is not None:
                ids, old_lengths, body = old
                offsets = accumulate((n + len(sep) for n in old_lengths), initial=0)
                spans = {i: (at, n) for i, at, n in zip(ids, offsets, old_lengths, strict=False)}
            for k, doc_id in enumerate(self.ids):
                if k:
                    pieces.append(sep)
                span = spans.get(doc_id) if doc_id not in (changed or ()) else None
                if span is not None:
                    pieces.append(body[span[0] : span[0] + span[1]])
                    lengths.append(span[1])
                else:
                    fragment = self.fragment(doc_id).encode("utf-8")
                    pieces.append(fragment)
                    lengths.append(len(fragment))
        head, tail = self.head.encode("utf-8"), self.tail.encode("utf-8")
        return b"".join([head, *pieces, tail]), lengths

    def key(self, size: int) -> str:
        return f"{self.context}:{size}"

    def _old_body(
        self, out: Path, previous: Previous | None
    ) -> tuple[list[str], list[int], memoryview] | None:
        """The documents, their fragments' lengths and the fragments (joined by sep) of
        the file the last build wrote; None if the file is not the one it wrote (its size
        is kept with the context)."""
        if previous is None or self.rel not in previous.joined:
            return None
        try:
            raw = (out / self.rel).read_bytes()
        except OSError:
            return None
        if previous.pages.get(self.rel) != self.key(len(raw)):
            return None
        ids, lengths = previous.joined[self.rel]
        start = -1  # the fragments start after the head's lines (their number is fixed)
        for _ in range(self.head.count("\n")):
            start = raw.find(b"\n", start + 1)
            if start < 0:
                return None
        end = len(raw) - len(self.tail.encode("utf-8"))
        size = sum(lengths) + len(self.sep.encode("utf-8")) * max(0, len(lengths) - 1)
        if end - start - 1 != size:
            return None
        return ids, lengths, memoryview(raw)[start + 1 : end]


def claim(out: Path, force: bool) -> bool:
    """Whether out was built by policytrack (its marker is there). A folder that exists,
    holds files and has no marker is the user's: refused unless `force`, and then only
    written into (a build removes only files a recorded build of its own wrote)."""
    if out.exists() and not out.is_dir():
        raise PolicytrackError(f"{out} exists and is not a folder; choose another --out")
    if (out / MANIFEST).is_file():
        return True
    try:
        foreign = out.is_dir() and any(out.iterdir())
    except OSError as exc:
        raise PolicytrackError(
            f"cannot read {out} ({exc.strerror}); choose another --out"
        ) from None
    if foreign and not force:
        raise PolicytrackError(
            f"{out} is not empty and was not built by policytrack (it has no {MANIFEST}); "
            "build into a new or empty folder, or pass --force to build into it (files "
            "with the site's names are overwritten, no other file is deleted)"
        )
    return False


def remove_stale(out: Path, stale: Iterable[str], report: BuildReport) -> None:
    """Delete the files the site no longer has, and the folders that leaves empty (an
    issuer's or a jurisdiction's folder once its last document is gone), as a build from
    scratch would not have them."""
    emptied: set[Path] = set()
    for rel in sorted(stale):
        path = out / rel
        if path.is_file():
            path.unlink()
            report.removed.append(rel)
            emptied.add(path.parent)
    for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        while folder != out and folder.is_relative_to(out):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent


def drop_legacy_search(out: Path) -> None:
    """Earlier builds indexed with Pagefind into out/pagefind."""
    shutil.rmtree(out / "pagefind", ignore_errors=True)
