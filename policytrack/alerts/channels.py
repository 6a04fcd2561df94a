"""Delivery: email over SMTP (STARTTLS, SSL or plain on loopback), a generic JSON webhook
with an optional HMAC signature, and the 企业微信 / 钉钉 / 飞书 group-bot webhooks with
their signing schemes. Each `send_*` returns on success and raises `DeliveryError`
otherwise; nothing here decides what is retried (the state does).

The standard library does the work (smtplib, email, urllib, hmac): the bot endpoints must be
configurable so tests can point them at loopback servers, and a failure must carry its
reason (HTTP status, errcode) into the report, which a notify-returns-bool library hides.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any
from urllib.parse import quote

from policytrack import __version__
from policytrack.errors import PolicytrackError
from policytrack.net import (
    HttpStatus,
    NetError,
    Reach,
    TimedOut,
    TooBig,
    Watchdog,
    deadline,
    origin,
    redact,
    request,
)

from .config import Channel, SmtpConfig
from .messages import Message

USER_AGENT = f"policytrack/{__version__}"
ANSWER_LIMIT = 1 << 20  # bytes of a webhook's answer read (its errcode is all we need)
# byte limits of the bots' message bodies (documented by each service)
LIMITS = {"wecom": 4096, "dingtalk": 20000, "feishu": 30000}
Clock = Callable[[], float]


class DeliveryError(PolicytrackError):
    """A channel did not accept a message; the alerts stay pending."""


def delivery_id(message: Message, channel: str) -> str:
    """Stable across retries, so a receiver can drop a duplicate it already has."""
    keys = sorted("|".join(map(str, a.key)) for a in message.alerts)
    return hashlib.sha256("\n".join([channel, *keys]).encode()).hexdigest()[:32]


def send(
    channel: Channel,
    message: Message,
    *,
    smtp: SmtpConfig | None,
    env: Mapping[str, str],
    clock: Clock,
    reach: Reach | None = None,
) -> None:
    """Deliver one message; `reach` is the addresses HTTP channels may connect to
    (default: public addresses only)."""
    reach = reach or Reach()
    if channel.type == "email":
        assert smtp is not None
        send_email(smtp, channel.to, message, env, clock, delivery_id(message, channel.name))
    elif channel.type == "webhook":
        send_webhook(channel, message, env, clock, reach)
    elif channel.type == "wecom":
        send_wecom(channel, message, env, reach)
    elif channel.type == "dingtalk":
        send_dingtalk(channel, message, env, clock, reach)
    else:
        send_feishu(channel, message, env, clock, reach)


# --- email --------------------------------------------------------------------------


def build_email(
    smtp: SmtpConfig, to: tuple[str, ...], message: Message, clock: Clock, delivery: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = message.subject
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(clock(), localtime=False)
    msg["Message-ID"] = make_msgid(idstring=delivery[:16], domain="policytrack.invalid")
    msg["X-Policytrack-Delivery"] = delivery
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(message.text, charset="utf-8")
    msg.add_alternative(message.html, subtype="html", charset="utf-8")
    return msg


def send_email(
    smtp: SmtpConfig,
    to: tuple[str, ...],
    message: Message,
    env: Mapping[str, str],
    clock: Clock,
    delivery: str,
) -> None:
    msg = build_email(smtp, to, message, clock, delivery)
    where = f"SMTP {smtp.host}:{smtp.port}"
    late = f"{where}: no complete answer within {smtp.timeout:g} s (timeout)"
    with deadline(smtp.timeout) as dog:
        try:
            refused = _smtp_session(smtp, to, msg, env, where, dog)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"{where} refused the login ({exc.smtp_code})") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(
                f"{where} refused every recipient: {', '.join(exc.recipients)}"
            ) from None
        except smtplib.SMTPResponseException as exc:
            if dog.expired():
                raise DeliveryError(late) from None
            raise DeliveryError(
                f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            if dog.expired():
                raise DeliveryError(late) from None
            raise DeliveryError(f"{where}: {exc or type(exc).__name__}") from None
    if refused:
        raise DeliveryError(f"{where} refused {', '.join(sorted(refused))}")


def _smtp_session(
    smtp: SmtpConfig,
    to: tuple[str, ...],
    msg: EmailMessage,
    env: Mapping[str, str],
    where: str,
    dog: Watchdog,
) -> dict[str, tuple[int, bytes]]:
    """One SMTP conversation under the watchdog, which shuts its socket when the deadline
    passes (a server answering a byte at a time never trips smtplib's per-read timeout)."""
    context = ssl.create_default_context(cafile=smtp.ca_file)
    server: smtplib.SMTP
    if smtp.security == "ssl":
        server = _WatchedSmtpSsl(
            dog, host=smtp.host, port=smtp.port, timeout=smtp.timeout, context=context
        )
    else:
        server = _WatchedSmtp(dog, host=smtp.host, port=smtp.port, timeout=smtp.timeout)
    with server:
        server.ehlo()
        if smtp.security == "starttls":
            server.starttls(context=context)
            if server.sock is not None:
                dog.watch(server.sock)  # the TLS socket replaced the plain one
            server.ehlo()
        if smtp.username:
            password = env[smtp.password_env] if smtp.password_env else ""
            if not (smtp.username + password).isascii():
                raise DeliveryError(
                    f"{where}: SMTP login needs an ASCII username and password "
                    f"(${smtp.password_env} has other characters)"
                )
            server.login(smtp.username, password)
        return server.send_message(msg, from_addr=parseaddr(smtp.sender)[1], to_addrs=list(to))


class _WatchedSmtp(smtplib.SMTP):
    def __init__(self, dog: Watchdog, **kwargs: Any) -> None:
        self._dog = dog
        super().__init__(**kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = super()._get_socket(host, port, min(timeout, self._dog.remaining()))  # type: ignore[misc]
        self._dog.watch(sock)
        return sock  # type: ignore[no-any-return]


class _WatchedSmtpSsl(smtplib.SMTP_SSL):
    def __init__(self, dog: Watchdog, **kwargs: Any) -> None:
        self._dog = dog
        super().__init__(**kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = super()._get_socket(host, port, min(timeout, self._dog.remaining()))  # type: ignore[misc]
        self._dog.watch(sock)
        return sock  # type: ignore[no-any-return]


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


# --- HTTP ---------------------------------------------------------------------------


def _post(
    url: str,
    body: Mapping[str, object],
    timeout: float,
    reach: Reach,
    headers: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """POST JSON; return the decoded JSON answer (or {}). Delivered means a 2xx answer to
    the POST itself: a redirect is a failure (following it would turn the POST into a
    bodyless GET that a landing page answers with 200). Errors name only scheme, host
    and port: bot URLs carry their token, webhook URLs may carry a user:password."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    where = origin(url)
    try:
        answer = request(
            "POST",
            url,
            reach=reach,
            timeout=timeout,
            max_bytes=ANSWER_LIMIT,
            body=data,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                **(headers or {}),
            },
        )
    except HttpStatus as exc:
        if 300 <= exc.status < 400:
            raise DeliveryError(
                f"{where} answered HTTP {exc.status} {exc.reason} (a redirect): a POST is "
                "delivered only when the address itself accepts it; configure the final "
                "address of the webhook"
            ) from None
        raise DeliveryError(f"{where} answered HTTP {exc.status} {exc.reason}") from None
    except TimedOut:
        raise DeliveryError(f"{where}: no complete answer within {timeout:g} s") from None
    except TooBig:
        raise DeliveryError(f"{where} answered with more than {ANSWER_LIMIT:,} bytes") from None
    except NetError as exc:
        raise DeliveryError(_without(str(exc), url, where)) from None
    try:
        decoded = json.loads(answer.body) if answer.body.strip() else {}
    except ValueError:
        decoded = {}
    return decoded if isinstance(decoded, dict) else {}


def _without(text: str, url: str, where: str) -> str:
    """A net error's text with the URL reduced to its origin (a bot's token may be in
    the path)."""
    return text.replace(redact(url), where)


def sign_webhook(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>` (see docs/alerts.md)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def send_webhook(
    channel: Channel, message: Message, env: Mapping[str, str], clock: Clock, reach: Reach
) -> None:
    url = channel.url or env[channel.url_env or ""]
    body = json.dumps(message.payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "X-Policytrack-Delivery": delivery_id(message, channel.name),
        "X-Policytrack-Event": "digest" if len(message.alerts) > 1 else message.alerts[0].event,
    }
    if channel.secret_env:
        headers["X-Policytrack-Signature"] = sign_webhook(
            env[channel.secret_env], int(clock()), body
        )
    _post(url, message.payload, channel.timeout, reach, headers)


def _bot_markdown(message: Message, limit: int) -> str:
    text = message.markdown
    if len(text.encode("utf-8")) <= limit:
        return text
    tail = f"\n\n…（内容过长已截断；共 {len(message.alerts)} 条，请查看邮件或网站）"
    budget = limit - len(tail.encode("utf-8"))
    cut = text.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return cut[: cut.rfind("\n")] + tail if "\n" in cut else cut + tail


def _check_errcode(kind: str, answer: dict[str, object]) -> None:
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code not in (0, None):
        msg = answer.get("errmsg", answer.get("msg", answer.get("StatusMessage", "")))
        raise DeliveryError(f"{kind} rejected the message: code {code} {msg}".rstrip())


def send_wecom(channel: Channel, message: Message, env: Mapping[str, str], reach: Reach) -> None:
    """企业微信群机器人: POST …/webhook/send?key=KEY, markdown ≤ 4096 bytes."""
    url = f"{channel.endpoint}?key={quote(env[channel.key_env or ''])}"
    content = _bot_markdown(message, LIMITS["wecom"])
    answer = _post(
        url, {"msgtype": "markdown", "markdown": {"content": content}}, channel.timeout, reach
    )
    _check_errcode("WeCom", answer)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>"))."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def send_dingtalk(
    channel: Channel, message: Message, env: Mapping[str, str], clock: Clock, reach: Reach
) -> None:
    """钉钉自定义机器人: POST …/robot/send?access_token=T[&timestamp=&sign=]."""
    url = f"{channel.endpoint}?access_token={quote(env[channel.token_env or ''])}"
    if channel.secret_env:
        ts = int(clock() * 1000)
        url += f"&timestamp={ts}&sign={quote(dingtalk_sign(env[channel.secret_env], ts), safe='')}"
    body = {
        "msgtype": "markdown",
        "markdown": {"title": message.subject, "text": _bot_markdown(message, LIMITS["dingtalk"])},
    }
    answer = _post(url, body, channel.timeout, reach)
    _check_errcode("DingTalk", answer)


def feishu_sign(secret: str, timestamp: int) -> str:
    """飞书签名校验: base64(HMAC-SHA256(key="<timestamp>\\n<secret>", message=""))."""
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def send_feishu(
    channel: Channel, message: Message, env: Mapping[str, str], clock: Clock, reach: Reach
) -> None:
    """飞书自定义机器人: POST …/bot/v2/hook/TOKEN with an optional timestamp + sign."""
    url = f"{channel.endpoint}/{quote(env[channel.token_env or ''])}"
    text = _bot_markdown(message, LIMITS["feishu"]).replace("### ", "", 1)
    body: dict[str, object] = {"msg_type": "text", "content": {"text": text}}
    if channel.secret_env:
        ts = int(clock())
        body = {"timestamp": str(ts), "sign": feishu_sign(env[channel.secret_env], ts), **body}
    answer = _post(url, body, channel.timeout, reach)
    _check_errcode("Feishu", answer)
