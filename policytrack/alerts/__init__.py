"""Scheduled alerts: find what is due, store it, deliver it, remember what was delivered.

`run` gets everything it needs about the archive as computed data (`DocFacts`) from
`commands`; it never touches git or the index. The order of a run:

1. take the lock (a second run at the same time stops with an error and does nothing);
2. plan the alerts due on `as_of` and store every (alert, channel) pair as pending, with the
   statuses seen, in one transaction;
3. for each subscriber and channel, send all its pending alerts as one message (a digest when
   there are several), and mark them sent as soon as the channel accepts them.

A failing channel leaves its alerts pending for the next run; the others are unaffected.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from policytrack.errors import ConfigError, ValidationErrors
from policytrack.net import Reach, redact

from .channels import Clock, DeliveryError, delivery_id, send
from .config import AlertsConfig, Channel, Subscriber, env_url_problems, load_config
from .messages import Message, change_summary, render
from .plan import Alert, DocFacts, Previous, current, plan
from .state import Locked, Pending, State

__all__ = [
    "Alert",
    "AlertsConfig",
    "Delivery",
    "DeliveryError",
    "DocFacts",
    "Locked",
    "RunReport",
    "change_summary",
    "delivery_id",
    "load_config",
    "missing_env",
    "run",
]


@dataclass(frozen=True)
class Delivery:
    """One message to one channel of one subscriber, and how it went."""

    subscriber: str
    channel: str
    channel_type: str
    target: str
    message: Message
    error: str | None = None  # None: delivered (or would be, in a dry run)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class RunReport:
    """What a run found, sent and failed to send."""

    as_of: date
    dry_run: bool
    first_run: bool
    new: int = 0
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if not d.ok]

    @property
    def sent_alerts(self) -> int:
        return sum(len(d.message.alerts) for d in self.deliveries if d.ok)


def missing_env(config: AlertsConfig, env: Mapping[str, str]) -> list[str]:
    return sorted(name for name in config.env_names() if not env.get(name))


def target_of(channel: Channel) -> str:
    if channel.type == "email":
        return ", ".join(channel.to)
    if channel.type == "webhook":
        # never the URL's user:password, query or fragment: they may be secrets
        return redact(channel.url) if channel.url else f"${channel.url_env}"
    return channel.type


def reach_of(config: AlertsConfig) -> Reach:
    """Public addresses, and the private networks the configuration allows."""
    return Reach(
        config.allow_networks,
        how_to_allow=f"to allow it, add it to [alerts] allow_networks in {config.path.name}",
    )


def run(
    config: AlertsConfig,
    docs: Mapping[str, DocFacts],
    as_of: date,
    *,
    explicit: Mapping[str, Collection[str]],
    body_of: Callable[[str], str],
    changes_of: Callable[[str], tuple[str, ...]],
    env: Mapping[str, str],
    now: str,
    dry_run: bool = False,
    clock: Clock = time.time,
) -> RunReport:
    """One scheduled run. `now` is the wall-clock timestamp recorded in the state."""
    if not dry_run:
        missing = missing_env(config, env)
        if missing:
            raise ConfigError(
                f"environment variable(s) {', '.join(missing)} not set; {config.path.name} names "
                "them for secrets (passwords, tokens, signing keys): export them before the run"
            )
        bad = env_url_problems(config, env)
        if bad:
            raise ValidationErrors(bad)
    opener = State.peek if dry_run else State.open
    with opener(config.state) as state:
        previous = state.previous()
        due = plan(
            config, docs, previous, as_of, explicit=explicit, body_of=body_of, changes_of=changes_of
        )
        subscribers = {s.name: s for s in config.subscribers}
        pairs = [(a, ch.name) for a in due for ch in subscribers[a.subscriber].channels]
        report = RunReport(as_of, dry_run, previous.statuses is None)
        statuses = {d.id: d.status for d in docs.values()}
        if dry_run:
            stored = state.delivered()
            fresh = [(a, c) for a, c in pairs if (*a.key, c) not in stored]
            report.new = len(fresh)
            pending = state.pending() + [Pending(a, c, 0, None) for a, c in fresh]
        else:
            run_id, report.new = state.record_run(as_of, now, pairs, statuses)
            pending = state.pending()
        for sub in config.subscribers:
            for channel in sub.channels:
                items = [
                    p
                    for p in pending
                    if p.alert.subscriber == sub.name and p.channel == channel.name
                ]
                if items:
                    report.deliveries.append(
                        _deliver(
                            config,
                            sub,
                            channel,
                            items,
                            previous,
                            as_of,
                            state,
                            env,
                            now,
                            clock,
                            dry_run,
                        )
                    )
        if not dry_run:
            state.finish_run(
                run_id, report.sent_alerts, sum(len(d.message.alerts) for d in report.failed)
            )
    return report


def _deliver(
    config: AlertsConfig,
    sub: Subscriber,
    channel: Channel,
    items: list[Pending],
    previous: Previous,
    as_of: date,
    state: State,
    env: Mapping[str, str],
    now: str,
    clock: Clock,
    dry_run: bool,
) -> Delivery:
    message = render(sub.name, current([p.alert for p in items], as_of), as_of, previous.last_as_of)
    delivery = Delivery(sub.name, channel.name, channel.type, target_of(channel), message)
    if dry_run:
        return delivery
    try:
        send(channel, message, smtp=config.smtp, env=env, clock=clock, reach=reach_of(config))
    except DeliveryError as exc:
        state.mark_failed(items, str(exc))
        return replace(delivery, error=str(exc))
    state.mark_sent(items, now)
    return delivery
