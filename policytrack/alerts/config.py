"""The alerts configuration: a TOML file, validated all at once with every problem reported.

Secrets never live in the file: every password, token, key or signing secret is named by an
environment variable (`password_env`, `token_env`, `key_env`, `secret_env`, `url_env`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from policytrack.errors import ConfigError, ValidationErrors
from policytrack.model import KINDS
from policytrack.net import Network, Refused, check_url, parse_networks
from policytrack.safeio import read_limited

EventName = Literal["expiring", "expired", "superseded", "new-version"]
EVENTS: tuple[EventName, ...] = ("expiring", "expired", "superseded", "new-version")
ChannelType = Literal["email", "webhook", "wecom", "dingtalk", "feishu"]
CHANNEL_TYPES: tuple[ChannelType, ...] = ("email", "webhook", "wecom", "dingtalk", "feishu")
DEFAULT_THRESHOLDS = (90, 30, 7)
CONFIG_MAX_BYTES = 1 << 20
DEFAULT_ENDPOINTS = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
    "dingtalk": "https://oapi.dingtalk.com/robot/send",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook",
}
# keys that would put a secret in the file, and the key to use instead
SECRET_KEYS = {
    "password": "password_env",
    "token": "token_env",
    "access_token": "token_env",
    "key": "key_env",
    "secret": "secret_env",
}
# per channel type: (required keys, optional keys)
CHANNEL_KEYS: dict[str, tuple[set[str], set[str]]] = {
    "email": ({"to"}, {"name"}),
    "webhook": (set(), {"name", "url", "url_env", "secret_env", "timeout"}),
    "wecom": ({"key_env"}, {"name", "endpoint", "timeout"}),
    "dingtalk": ({"token_env"}, {"name", "secret_env", "endpoint", "timeout"}),
    "feishu": ({"token_env"}, {"name", "secret_env", "endpoint", "timeout"}),
}
WATCH_KEYS = {"issuers", "jurisdictions", "keywords", "documents", "kinds"}


@dataclass(frozen=True)
class SmtpConfig:
    """The mail server every email channel uses."""

    host: str
    port: int
    security: Literal["starttls", "ssl", "none"]
    sender: str
    username: str | None = None
    password_env: str | None = None
    timeout: float = 30.0
    ca_file: str | None = None


@dataclass(frozen=True)
class Channel:
    """One way to reach a subscriber; `name` is unique within the subscriber."""

    type: ChannelType
    name: str
    to: tuple[str, ...] = ()  # email recipients
    url: str | None = None  # webhook URL written in the file (not secret)
    url_env: str | None = None  # webhook URL from the environment
    key_env: str | None = None
    token_env: str | None = None
    secret_env: str | None = None
    endpoint: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True)
class Watch:
    """What a subscriber follows. Lists are OR'ed within a field and AND'ed across fields;
    documents listed explicitly always match. An empty watch follows everything."""

    issuers: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()  # REFs as written; resolved against the archive
    kinds: tuple[str, ...] = ()

    @property
    def filters(self) -> bool:
        return bool(self.issuers or self.jurisdictions or self.keywords or self.kinds)


@dataclass(frozen=True)
class Subscriber:
    """A person or team: what they watch, which events, which thresholds, which channels."""

    name: str
    channels: tuple[Channel, ...]
    watch: Watch = field(default_factory=Watch)
    events: tuple[EventName, ...] = EVENTS
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS


@dataclass(frozen=True)
class AlertsConfig:
    """The whole file, validated; paths are absolute."""

    path: Path
    state: Path
    subscribers: tuple[Subscriber, ...]
    smtp: SmtpConfig | None = None
    site_url: str = ""
    lookback_days: int = 30
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    allow_networks: tuple[Network, ...] = ()  # non-public addresses channels may reach

    def env_names(self) -> set[str]:
        """Every environment variable the configuration needs at send time."""
        names = set()
        if self.smtp and self.smtp.password_env:
            names.add(self.smtp.password_env)
        for sub in self.subscribers:
            for ch in sub.channels:
                for name in (ch.url_env, ch.key_env, ch.token_env, ch.secret_env):
                    if name:
                        names.add(name)
        return names


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def load_config(path: Path) -> AlertsConfig:
    """Read and validate the file; raise one error listing every problem."""
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give the alerts configuration file (--config FILE)")
    if not path.is_file():
        raise ConfigError(
            f"alerts configuration {path} not found; create it (see docs/alerts.md) "
            "or pass --config FILE"
        )
    try:
        raw = tomllib.loads(read_limited(path, CONFIG_MAX_BYTES).decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix the line it names") from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path) -> AlertsConfig:
    p = _Problems()
    _unknown(p, "top level", raw, {"alerts", "smtp", "subscribers"})
    general = _table(p, raw, "alerts", "[alerts]")
    _unknown(
        p,
        "[alerts]",
        general,
        {"thresholds", "site_url", "lookback_days", "state", "allow_networks"},
    )
    thresholds = _thresholds(p, "[alerts] thresholds", general.get("thresholds"))
    lookback = general.get("lookback_days", 30)
    if not isinstance(lookback, int) or isinstance(lookback, bool) or lookback < 0:
        p.add("[alerts] lookback_days", "must be a whole number of days, 0 or more")
        lookback = 30
    site_url = _string(p, "[alerts] site_url", general.get("site_url")) or ""
    state_name = _string(p, "[alerts] state", general.get("state")) or f"{path.stem}.state.sqlite"
    state = (path.parent / state_name).resolve()
    try:
        allow = parse_networks(
            _strings(p, "[alerts] allow_networks", general.get("allow_networks"))
        )
    except ValueError as exc:
        p.add("[alerts] allow_networks", f"{exc}; write addresses like 10.0.0.0/8 or 127.0.0.1")
        allow = ()

    smtp = _smtp(p, raw["smtp"]) if isinstance(raw.get("smtp"), dict) else None
    if "smtp" in raw and not isinstance(raw["smtp"], dict):
        p.add("smtp", "must be a table ([smtp])")
    subs_raw = raw.get("subscribers", [])
    if not isinstance(subs_raw, list) or not subs_raw:
        p.add("subscribers", "add at least one [[subscribers]] table with a name and channels")
        subs_raw = []
    subscribers = []
    seen: set[str] = set()
    for n, item in enumerate(subs_raw, 1):
        where = f"[[subscribers]] #{n}"
        if not isinstance(item, dict):
            p.add(where, "must be a table")
            continue
        sub = _subscriber(p, where, item, thresholds)
        if sub is None:
            continue
        if sub.name in seen:
            p.add(where, f"name {sub.name!r} is used twice; names identify delivery state")
        seen.add(sub.name)
        if smtp is None and any(ch.type == "email" for ch in sub.channels):
            p.add(where, "has an email channel but there is no [smtp] table; add one")
        subscribers.append(sub)
    if p.items:
        raise ValidationErrors([f"{path}: {item}" for item in p.items])
    return AlertsConfig(
        path=path.resolve(),
        state=state,
        subscribers=tuple(subscribers),
        smtp=smtp,
        site_url=site_url.rstrip("/"),
        lookback_days=lookback,
        thresholds=thresholds,
        allow_networks=allow,
    )


def _unknown(p: _Problems, where: str, table: dict[str, Any], allowed: set[str]) -> None:
    for key in sorted(set(table) - allowed):
        if key in SECRET_KEYS:
            p.add(
                where,
                f"{key!r} would put a secret in the file; name an environment variable "
                f'instead: {SECRET_KEYS[key]} = "MY_{key.upper()}"',
            )
        else:
            p.add(where, f"unknown key {key!r}; expected one of {', '.join(sorted(allowed))}")


def _table(p: _Problems, raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        p.add(where, "must be a table")
        return {}
    return value


def _string(p: _Problems, where: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        p.add(where, "must be a non-empty string")
        return None
    return value.strip()


def _strings(p: _Problems, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        p.add(where, "must be a list of non-empty strings")
        return ()
    return tuple(v.strip() for v in value)


def _thresholds(p: _Problems, where: str, value: Any) -> tuple[int, ...]:
    if value is None:
        return DEFAULT_THRESHOLDS
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    ):
        p.add(where, "must be a list of whole numbers of days, such as [90, 30, 7]")
        return DEFAULT_THRESHOLDS
    return tuple(sorted(set(value), reverse=True))


def _number(p: _Problems, where: str, value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        p.add(where, "must be a number of seconds above 0")
        return default
    return float(value)


def _smtp(p: _Problems, raw: dict[str, Any]) -> SmtpConfig | None:
    allowed = {
        "host",
        "port",
        "security",
        "from",
        "username",
        "password_env",
        "timeout",
        "ca_file",
    }
    _unknown(p, "[smtp]", raw, allowed)
    host = _string(p, "[smtp] host", raw.get("host"))
    sender = _string(p, "[smtp] from", raw.get("from"))
    if host is None:
        p.add("[smtp]", "host is required")
    if sender is None:
        p.add("[smtp]", 'from is required (the sender, e.g. "policytrack <alerts@example.org>")')
    security = raw.get("security", "starttls")
    if security not in ("starttls", "ssl", "none"):
        p.add("[smtp] security", f"{security!r} is not one of starttls, ssl, none")
        security = "starttls"
    port = raw.get("port", {"starttls": 587, "ssl": 465, "none": 25}[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        p.add("[smtp] port", "must be a port number")
        port = 25
    username = _string(p, "[smtp] username", raw.get("username"))
    password_env = _string(p, "[smtp] password_env", raw.get("password_env"))
    if password_env and not username:
        p.add("[smtp]", "password_env is set but username is not; add username")
    ca_file = _string(p, "[smtp] ca_file", raw.get("ca_file"))
    if host is None or sender is None:
        return None
    return SmtpConfig(
        host=host,
        port=port,
        security=security,
        sender=sender,
        username=username,
        password_env=password_env,
        timeout=_number(p, "[smtp] timeout", raw.get("timeout"), 30.0),
        ca_file=ca_file,
    )


def _subscriber(
    p: _Problems, where: str, raw: dict[str, Any], default_thresholds: tuple[int, ...]
) -> Subscriber | None:
    _unknown(p, where, raw, {"name", "channels", "watch", "events", "thresholds"})
    name = _string(p, f"{where} name", raw.get("name"))
    if name is None:
        p.add(where, "name is required")
        return None
    where = f"subscriber {name!r}"
    events_raw = _strings(p, f"{where} events", raw.get("events"))
    for ev in events_raw:
        if ev not in EVENTS:
            p.add(f"{where} events", f"{ev!r} is not one of {', '.join(EVENTS)}")
    events = tuple(e for e in EVENTS if e in events_raw) if events_raw else EVENTS
    thresholds = (
        _thresholds(p, f"{where} thresholds", raw["thresholds"])
        if "thresholds" in raw
        else default_thresholds
    )
    watch_raw = raw.get("watch", {})
    if not isinstance(watch_raw, dict):
        p.add(f"{where} watch", "must be a table")
        watch_raw = {}
    _unknown(p, f"{where} watch", watch_raw, WATCH_KEYS)
    kinds = _strings(p, f"{where} watch.kinds", watch_raw.get("kinds"))
    for kind in kinds:
        if kind not in KINDS:
            p.add(f"{where} watch.kinds", f"{kind!r} is not one of {', '.join(KINDS)}")
    watch = Watch(
        issuers=_strings(p, f"{where} watch.issuers", watch_raw.get("issuers")),
        jurisdictions=_strings(p, f"{where} watch.jurisdictions", watch_raw.get("jurisdictions")),
        keywords=_strings(p, f"{where} watch.keywords", watch_raw.get("keywords")),
        documents=_strings(p, f"{where} watch.documents", watch_raw.get("documents")),
        kinds=kinds,
    )
    channels_raw = raw.get("channels", [])
    if not isinstance(channels_raw, list) or not channels_raw:
        p.add(where, "add at least one [[subscribers.channels]] table")
        channels_raw = []
    channels = []
    names: set[str] = set()
    for n, ch_raw in enumerate(channels_raw, 1):
        ch = _channel(p, f"{where} channel #{n}", ch_raw)
        if ch is None:
            continue
        if ch.name in names:
            p.add(f"{where} channel #{n}", f'name {ch.name!r} is used twice; set name = "…"')
        names.add(ch.name)
        channels.append(ch)
    return Subscriber(name, tuple(channels), watch, events, thresholds)


def _channel(p: _Problems, where: str, raw: Any) -> Channel | None:
    if not isinstance(raw, dict):
        p.add(where, "must be a table")
        return None
    kind = raw.get("type")
    if kind not in CHANNEL_TYPES:
        p.add(where, f"type {kind!r} is not one of {', '.join(CHANNEL_TYPES)}")
        return None
    required, optional = CHANNEL_KEYS[kind]
    _unknown(p, f"{where} ({kind})", raw, required | optional | {"type"})
    for key in sorted(required - set(raw)):
        p.add(f"{where} ({kind})", f"{key} is required")
    to = _strings(p, f"{where} to", raw.get("to"))
    for addr in to:
        if "@" not in addr:
            p.add(f"{where} to", f"{addr!r} is not an email address")
    url = _string(p, f"{where} url", raw.get("url"))
    url_env = _string(p, f"{where} url_env", raw.get("url_env"))
    if kind == "webhook" and bool(url) == bool(url_env):
        p.add(f"{where} (webhook)", "set exactly one of url or url_env")
    for key in ("url", "endpoint"):
        value = raw.get(key)
        if isinstance(value, str):
            problem = url_problem(value)
            if problem:
                p.add(f"{where} {key}", problem)
    endpoint = _string(p, f"{where} endpoint", raw.get("endpoint"))
    return Channel(
        type=kind,
        name=_string(p, f"{where} name", raw.get("name")) or kind,
        to=to,
        url=url,
        url_env=url_env,
        key_env=_string(p, f"{where} key_env", raw.get("key_env")),
        token_env=_string(p, f"{where} token_env", raw.get("token_env")),
        secret_env=_string(p, f"{where} secret_env", raw.get("secret_env")),
        endpoint=(endpoint or DEFAULT_ENDPOINTS.get(kind, "")).rstrip("/") or None,
        timeout=_number(p, f"{where} timeout", raw.get("timeout"), 10.0),
    )


def url_problem(url: str) -> str | None:
    """Why a channel URL cannot be used (http(s) with a host), or None. The same rule for
    a URL written in the file and one taken from the environment; the address it resolves
    to is checked when connecting (see policytrack.net)."""
    try:
        check_url(url.strip())
    except Refused as exc:
        return f"{exc}; give an http:// or https:// URL"
    return None


def env_url_problems(config: AlertsConfig, env: Mapping[str, str]) -> list[str]:
    """Channel URLs taken from environment variables that are not usable URLs."""
    problems = []
    for sub in config.subscribers:
        for ch in sub.channels:
            if ch.url_env and env.get(ch.url_env):
                problem = url_problem(env[ch.url_env])
                if problem:
                    problems.append(
                        f"${ch.url_env} (subscriber {sub.name!r} channel {ch.name!r}): {problem}"
                    )
    return problems
