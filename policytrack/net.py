"""HTTP for `add URL` and the alert channels: which addresses may be reached, an overall
deadline, a size limit enforced while reading, redirects only where they are safe, and
addresses printed without their secrets.

The standard library's urllib follows a redirect of a POST as a bodyless GET (a webhook
answering 302 then looked delivered), follows redirects to any scheme and any address,
times out per read (a server sending one byte a second never times out) and honours
proxies from the environment, where the address rule could not be checked. So requests
are made here with http.client: every connection goes to an address checked against a
`Reach` (resolved once, connected to by address, so a name that resolves differently on
the second lookup cannot slip through), a watchdog closes the socket when the deadline
passes, and redirects are followed only for GET, only to http(s), and only to an address
the rule allows. See docs/security.md.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import unquote, urljoin, urlsplit

from policytrack.errors import PolicytrackError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_REDIRECTS = 10
CHUNK = 64 * 1024


class NetError(PolicytrackError):
    """A request failed; the message names the address without its secrets."""


class Refused(NetError):
    """A request was not made: the address or the scheme is not allowed."""


class TimedOut(NetError):
    """The whole request did not finish within its deadline."""


class TooBig(NetError):
    """The answer is larger than the limit."""

    def __init__(self, message: str, size: int | None) -> None:
        super().__init__(message)
        self.size = size


class HttpStatus(NetError):
    """The server answered with a status that is not success."""

    def __init__(self, message: str, status: int, reason: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


def parse_networks(values: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """CIDR blocks or single addresses → networks; ValueError names the bad one."""
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or network (CIDR)") from None
    return tuple(out)


def kind_of(addr: Address) -> str | None:
    """None for a public address; otherwise what it is, for messages."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link-local"
    if addr.is_unspecified:
        return "unspecified"
    if addr.is_multicast:
        return "multicast"
    if addr.is_private or addr.is_reserved or not addr.is_global:
        return "private"
    return None


@dataclass(frozen=True)
class Reach:
    """Which addresses a request may connect to: public ones, the non-public networks in
    `allowed`, or every address when `anywhere` (an address the user typed)."""

    allowed: tuple[Network, ...] = ()
    anywhere: bool = False
    how_to_allow: str = ""  # appended to a refusal: the setting that allows the address

    def refusal(self, host: str, addr: Address) -> str | None:
        kind = kind_of(addr)
        if self.anywhere or kind is None:
            return None
        plain = addr.ipv4_mapped if isinstance(addr, ipaddress.IPv6Address) else None
        for net in self.allowed:
            if addr in net or (plain is not None and plain in net):
                return None
        shown = host if host == str(addr) else f"{host} ({addr})"
        hint = f"; {self.how_to_allow}" if self.how_to_allow else ""
        return f"{shown} is a {kind} address, refused{hint}"


def redact(url: str) -> str:
    """The URL without user:password, query or fragment (they may hold secrets)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{_hostport(parts)}{parts.path}"


def origin(url: str) -> str:
    """scheme://host[:port] only: bot URLs carry their token in the path or the query."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{_hostport(parts)}"


def without_credentials(url: str) -> str:
    """The URL as given, minus a user:password in it (kept as provenance)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=_hostport(parts)).geturl()


def _hostport(parts: object) -> str:
    netloc: str = getattr(parts, "netloc", "")
    return netloc.rpartition("@")[2]


@dataclass(frozen=True)
class Response:
    """A final answer: status, headers, body (at most the limit) and the final address."""

    status: int
    reason: str
    headers: Message
    body: bytes
    url: str
    redirects: tuple[str, ...] = field(default=())


class Watchdog:
    """Shuts the connection's socket down when the deadline passes, which ends any read
    or write blocked on it (a per-read timeout never fires on a server that drips)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.fired = True
            raise TimeoutError
        return left

    def expired(self) -> bool:
        return self.fired or time.monotonic() >= self.deadline

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            if self.fired:
                self._shutdown()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            with suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


@contextmanager
def deadline(seconds: float) -> Iterator[Watchdog]:
    """A watchdog for code that owns its socket (smtplib): `watch(sock)` it."""
    dog = Watchdog(seconds)
    try:
        yield dog
    finally:
        dog.cancel()


def connect(host: str, port: int, reach: Reach, dog: Watchdog) -> socket.socket:
    """A TCP connection to the first address of host that reach allows."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise NetError(f"cannot resolve {host} ({_reason(exc)})") from None
    refusals: list[str] = []
    last: OSError | None = None
    for family, kind, proto, _, sockaddr in infos:
        addr = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        refusal = reach.refusal(host, addr)
        if refusal:
            refusals.append(refusal)
            continue
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(dog.remaining())
            dog.watch(sock)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            if dog.expired():
                raise TimeoutError from None
            last = exc
    if refusals and last is None:
        raise Refused(refusals[0])
    raise NetError(f"cannot reach {host}:{port} ({_reason(last)})")


def _reason(exc: BaseException | None) -> str:
    if exc is None:
        return "no address"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class _Connection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, reach: Reach, dog: Watchdog) -> None:
        super().__init__(host, port, timeout=dog.remaining())
        self._reach, self._dog = reach, dog

    def connect(self) -> None:
        self.sock = connect(self.host, self.port, self._reach, self._dog)


class _TlsConnection(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, reach: Reach, dog: Watchdog, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=dog.remaining(), context=context)
        self._reach, self._dog = reach, dog

    def connect(self) -> None:
        raw = connect(self.host, self.port, self._reach, self._dog)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]
        self._dog.watch(self.sock)


def check_url(url: str) -> None:
    """Refuse what is not an http(s) URL with a host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if scheme:
            raise Refused(f"{scheme}: addresses are not allowed, only http and https")
        raise Refused(f"{url[:60]!r} is not a URL (http:// or https://)")
    if not parts.hostname:
        raise Refused(f"{redact(url)} has no host name")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise Refused(f"{redact(url)} has an invalid port") from None


def request(
    method: str,
    url: str,
    *,
    reach: Reach,
    timeout: float,
    max_bytes: int,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    follow: bool = False,
    redirect_reach: Reach | None = None,
) -> Response:
    """One request, within `timeout` seconds overall (every redirect included).

    follow: redirects of a GET are followed (at most MAX_REDIRECTS), each to an http(s)
    address allowed by `redirect_reach` (default: public addresses, and any address on the
    origin of `url`). Without follow, a redirect is returned like any other answer.
    A non-2xx final status raises HttpStatus; the body is read up to `max_bytes`."""
    check_url(url)
    first = urlsplit(url)
    home = (first.hostname, first.port or _default_port(first.scheme))
    seen: list[str] = []
    dog = Watchdog(timeout)
    try:
        current, current_reach = url, reach
        while True:
            try:
                answer = _one(method, current, current_reach, dog, body, headers, max_bytes)
            except Refused as exc:
                if not seen:
                    raise
                raise Refused(f"{redact(seen[-1])} redirects to {exc}") from None
            location = answer.headers.get("Location")
            if not (follow and 300 <= answer.status < 400 and location):
                if not 200 <= answer.status < 300:
                    raise HttpStatus(
                        f"{redact(current)} answered HTTP {answer.status} {answer.reason}".rstrip(),
                        answer.status,
                        answer.reason,
                    )
                return Response(
                    answer.status,
                    answer.reason,
                    answer.headers,
                    answer.body,
                    current,
                    tuple(seen),
                )
            target = urljoin(current, location.strip())
            seen.append(current)
            if len(seen) > MAX_REDIRECTS or target in seen:
                raise NetError(
                    f"{redact(url)} redirects in a loop (or more than {MAX_REDIRECTS} times); "
                    "open it in a browser and give the final address"
                )
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                raise Refused(
                    f"{redact(current)} redirects to {redact(target)}, which is not followed: "
                    "only http and https addresses are"
                )
            check_url(target)
            parts = urlsplit(target)
            same = (parts.hostname, parts.port or _default_port(parts.scheme)) == home
            current_reach = reach if same else (redirect_reach or Reach())
            current = target
    except TimeoutError:
        raise TimedOut(f"{redact(url)}: no complete answer within {timeout:g} s") from None
    finally:
        dog.cancel()


def _default_port(scheme: str) -> int:
    return 443 if scheme.lower() == "https" else 80


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    headers: Message
    body: bytes


def _one(
    method: str,
    url: str,
    reach: Reach,
    dog: Watchdog,
    body: bytes | None,
    headers: Mapping[str, str] | None,
    max_bytes: int,
) -> _Answer:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or _default_port(parts.scheme)
    conn: http.client.HTTPConnection
    if parts.scheme.lower() == "https":
        conn = _TlsConnection(host, port, reach, dog, ssl.create_default_context())
    else:
        conn = _Connection(host, port, reach, dog)
    send = {"Accept-Encoding": "identity", "Connection": "close", **(headers or {})}
    if parts.username is not None:
        user = unquote(parts.username) + ":" + unquote(parts.password or "")
        send["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    where = redact(url)
    resp: http.client.HTTPResponse | None = None
    try:
        conn.request(method, path, body=body, headers=send)
        resp = conn.getresponse()
        status, reason, got = resp.status, resp.reason, resp.msg
        length = got.get("Content-Length")
        if length and length.strip().isdigit() and int(length) > max_bytes:
            raise TooBig(f"{where} is {int(length):,} bytes", int(length))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = resp.read1(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise TooBig(f"{where} is larger than {max_bytes:,} bytes", None)
            chunks.append(chunk)
    except (TooBig, Refused, NetError):
        raise
    except (UnicodeError, ValueError) as exc:  # an address http.client cannot send
        raise NetError(f"{where}: not a valid address ({exc})") from None
    except ssl.SSLCertVerificationError as exc:
        raise NetError(f"{where}: the certificate is not valid ({exc.verify_message})") from None
    except (OSError, http.client.HTTPException) as exc:
        if dog.expired():
            raise TimeoutError from None
        raise NetError(f"{where} failed ({_reason(exc)})") from None
    finally:
        if resp is not None:
            resp.close()  # with Connection: close the response owns the socket
        conn.close()
    if dog.fired:
        raise TimeoutError
    return _Answer(status, reason, got, b"".join(chunks))
