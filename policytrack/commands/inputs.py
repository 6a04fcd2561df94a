"""The inputs of `add`: files read and URLs downloaded, each ingested into a document
(in a process pool for many), or the reason it cannot be."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policytrack.docfile import serialise
from policytrack.errors import PolicytrackError
from policytrack.safeio import read_limited

if TYPE_CHECKING:  # imported where used: a command loads only what it needs (startup time)
    from policytrack.curate import Input
    from policytrack.ingest import Ingested


def read_inputs(
    files: list[Path] | list[str],
    url: str,
    overrides: dict[str, str],
    max_bytes: int,
    timeout: float,
    retrieved: str,
) -> list[Input]:
    """Each input read, downloaded and ingested (on all cores for many), or its error."""
    from policytrack.curate import Input
    from policytrack.ingest import Ingested

    read: list[_Source | str] = []
    for item in files:
        try:
            read.append(_read_source(str(item), timeout=timeout, max_bytes=max_bytes))
        except PolicytrackError as exc:
            read.append(str(exc))
    sources = [s for s in read if isinstance(s, _Source)]
    done = iter(_ingest_all(sources, url, overrides, max_bytes, retrieved))
    out: list[Input] = []
    for given, got in zip(files, read, strict=True):
        if isinstance(got, str):
            out.append(Input(str(given), None, error=got))
            continue
        result = next(done)
        if isinstance(result, str):
            out.append(Input(str(given), None, error=result))
            continue
        ingested, text, grams = result
        if got.requested != got.url:
            ingested = Ingested(
                ingested.document,
                (*ingested.warnings, f"redirected from {got.requested}"),
                ingested.stripped,
                ingested.canonical_input,
            )
        out.append(Input(str(given), ingested, text, sketch=grams))
    return out


@dataclass(frozen=True)
class _Source:
    data: bytes
    name: str
    url: str = ""  # final address of a download
    requested: str = ""
    content_type: str = ""


PARALLEL_FROM = 32  # files; below this, starting worker processes costs more than it saves


Ingestion = tuple["Ingested", str, tuple[str, ...]]  # document, canonical text, sketch


def _ingest_all(
    sources: list[_Source], url: str, overrides: dict[str, str], max_bytes: int, retrieved: str
) -> list[Ingestion | str]:
    """Each source's ingested document and canonical text, or why it cannot be ingested;
    on all cores for many."""
    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < PARALLEL_FROM or workers < 2:
        return [
            _ingest_in_worker(s, url, overrides, max_bytes, retrieved, slim=False) for s in sources
        ]
    from concurrent.futures import ProcessPoolExecutor

    # imported before the workers fork, so that they inherit it rather than each importing
    # it again (0.5 s of CPU a worker when `add --batch` starts)
    import policytrack.ingest
    import policytrack.versions  # noqa: F401

    n = len(sources)
    with ProcessPoolExecutor(workers) as pool:
        out = list(
            pool.map(
                _ingest_in_worker,
                sources,
                [url] * n,
                [overrides] * n,
                [max_bytes] * n,
                [retrieved] * n,
                chunksize=max(1, n // (workers * 8)),
            )
        )
    return out


def _ingest_with_text(
    source: _Source,
    url: str,
    overrides: dict[str, str],
    max_bytes: int,
    retrieved: str,
    units: bool = True,
) -> tuple[Ingested, str]:
    result = _ingest_source(source, url, overrides, max_bytes, retrieved, units)
    return result, serialise(result.document)


def _ingest_in_worker(
    source: _Source,
    url: str,
    overrides: dict[str, str],
    max_bytes: int,
    retrieved: str,
    slim: bool = True,
) -> Ingestion | str:
    """The ingested document, its canonical text and the sketch copies are found by, or
    the error's message (error classes with their own constructor arguments do not survive
    pickling). From a worker the document goes back without its body and units, which the
    text holds: half the bytes to pickle."""
    from policytrack.versions import sketch

    try:
        result, text = _ingest_with_text(
            source, url, overrides, max_bytes, retrieved, units=not slim
        )
    except PolicytrackError as exc:
        return f"{source.name}: {exc}" if source.name not in str(exc) else str(exc)
    except Exception as exc:  # a bug met on one file must name it, not end the run blind
        return (
            f"{source.name} could not be read ({type(exc).__name__}: {exc}); add the others "
            "without it, and please report it with the file"
        )
    grams = sketch(result.document.body)
    if not slim:
        return result, text, grams
    slim_doc = dataclasses.replace(result.document, body="", units=())
    return dataclasses.replace(result, document=slim_doc), text, grams


def _ingest_source(
    source: _Source,
    url: str,
    overrides: dict[str, str],
    max_bytes: int,
    retrieved: str,
    units: bool = True,
) -> Ingested:
    from policytrack.ingest import ingest

    return ingest(
        source.data,
        source.name,
        url=source.url or url,
        overrides=overrides,
        max_bytes=max_bytes,
        content_type=source.content_type,
        retrieved=retrieved if source.url else "",
        units=units,
    )


def _read_source(item: str, *, timeout: float, max_bytes: int) -> _Source:
    from policytrack.ingest.fetch import download, is_url

    if is_url(item):
        got = download(item, timeout=timeout, max_bytes=max_bytes)
        return _Source(got.data, got.name, got.url, got.requested, got.content_type)
    f = Path(item)
    looks_like_address = "://" in item or item.lower().startswith("www.") or ".gov.cn/" in item
    if looks_like_address and not f.exists():
        raise PolicytrackError(
            f"{f} does not exist; check the path; a URL must start with http:// or https://"
        )
    # FIFOs and devices refused, the limit enforced while reading (safeio)
    return _Source(
        read_limited(f, max_bytes, "split it or raise the limit with --max-bytes"), f.name
    )
