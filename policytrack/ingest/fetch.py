"""Download a page or file over HTTP(S) for `policytrack add URL`: an overall deadline, a
size limit enforced while reading, redirects followed where safe, and the final address
kept as provenance (without a user:password in it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from policytrack import __version__
from policytrack.errors import IngestError
from policytrack.net import (
    HttpStatus,
    NetError,
    Reach,
    TimedOut,
    TooBig,
    request,
    without_credentials,
)

URL_RE = re.compile(r"^https?://", re.I)
_EXT_BY_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
    "text/markdown": ".md",
}


@dataclass(frozen=True)
class Download:
    """What a URL gave: the bytes, a file name, the final address and the content type."""

    data: bytes
    name: str
    url: str
    requested: str
    content_type: str

    @property
    def redirected(self) -> bool:
        return self.url != self.requested


def is_url(text: str) -> bool:
    return bool(URL_RE.match(text.strip()))


def check_url(text: str, what: str = "URL") -> str:
    """An address as people paste it, made fetchable, or IngestError: only http(s), with a
    host; surrounding spaces and 「」《》<> or quotes trimmed."""
    url = text.strip().strip("<>「」《》\"'“”‘’").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise IngestError(f"{what} {text!r} is not a web address; give an http:// or https:// URL")
    return url


def to_uri(iri: str) -> str:
    """An IRI (Chinese characters or spaces in the path or query, a Chinese domain) as the
    ASCII URI HTTP needs: the host in IDNA, everything else percent-encoded as UTF-8;
    what is already encoded stays as it is."""
    parts = urlsplit(iri)
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise IngestError(f"{iri}: {host!r} is not a valid host name; check the address") from None
    netloc = ascii_host
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        cred = quote(parts.username, safe="")
        if parts.password:
            cred += ":" + quote(parts.password, safe="")
        netloc = f"{cred}@{netloc}"
    safe = "/:@!$&'()*+,;=-._~%"
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe + "?"),
            quote(parts.fragment, safe=safe + "?"),
        )
    )


REDIRECT_REACH = Reach(
    how_to_allow="a redirect may lead to a loopback, private or link-local address only on the "
    "host and port you gave; if you trust it, give that address yourself"
)


def download(url: str, *, timeout: float, max_bytes: int) -> Download:
    """GET url within `timeout` seconds overall; IngestError (one line: what happened and
    what to do) on any failure. The address given may be any address (the user typed it);
    a redirect is followed only to http(s), and to a non-public address only on the same
    host and port (see policytrack.net and docs/security.md)."""
    url = check_url(url)
    shown = without_credentials(url)
    asked = to_uri(url)
    try:
        got = request(
            "GET",
            asked,
            reach=Reach(anywhere=True),
            redirect_reach=REDIRECT_REACH,
            timeout=timeout,
            max_bytes=max_bytes,
            follow=True,
            headers={
                "User-Agent": f"policytrack/{__version__} (+https://github.com/policytrack)",
                "Accept": "text/html,application/pdf,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document,text/plain;q=0.9,*/*;q=0.5",
            },
        )
    except TooBig as exc:
        raise IngestError(_too_big(shown, exc.size, max_bytes)) from None
    except TimedOut:
        raise IngestError(_timed_out(shown, timeout)) from None
    except HttpStatus as exc:
        raise IngestError(
            f"{shown}: the server answered HTTP {exc.status} {exc.reason}; check the address"
        ) from None
    except NetError as exc:
        raise IngestError(f"{exc}; check the address and the connection") from None
    final = without_credentials(got.url)
    headers = got.headers
    content_type = headers.get_content_type() if headers.get("Content-Type") else ""
    if got.url == asked:
        final = shown  # not redirected: the address as the user wrote it
    return Download(got.body, _name(final, headers, content_type), final, shown, content_type)


def _too_big(url: str, size: int | None, limit: int) -> str:
    what = f"{size:,} bytes" if size else "larger than that"
    return f"{url} is {what}, over the limit of {limit:,} bytes; raise it with --max-bytes"


def _timed_out(url: str, timeout: float) -> str:
    return f"{url}: no complete answer within {timeout:g} s; try again later or raise --timeout"


def _name(url: str, headers: Message, content_type: str) -> str:
    """The file name from Content-Disposition, else the last path segment, with an
    extension from the content type when it has none."""
    name = headers.get_filename() or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip() or "download"
    if "." not in name and content_type in _EXT_BY_TYPE:
        name += _EXT_BY_TYPE[content_type]
    return name
