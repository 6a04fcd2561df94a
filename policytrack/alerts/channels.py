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
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import quote, urlsplit

from policytrack import __version__
from policytrack.errors import PolicytrackError

from .config import Channel, SmtpConfig
from .messages import Message

USER_AGENT = f"policytrack/{__version__}"
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
) -> None:
    if channel.type == "email":
        assert smtp is not None
        send_email(smtp, channel.to, message, env, clock, delivery_id(message, channel.name))
    elif channel.type == "webhook":
        send_webhook(channel, message, env, clock)
    elif channel.type == "wecom":
        send_wecom(channel, message, env)
    elif channel.type == "dingtalk":
        send_dingtalk(channel, message, env, clock)
    else:
        send_feishu(channel, message, env, clock)


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
    try:
        context = ssl.create_default_context(cafile=smtp.ca_file)
        server: smtplib.SMTP
        if smtp.security == "ssl":
            server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with server:
            server.ehlo()
            if smtp.security == "starttls":
                server.starttls(context=context)
                server.ehlo()
            if smtp.username:
                password = env[smtp.password_env] if smtp.password_env else ""
                if not (smtp.username + password).isascii():
                    raise DeliveryError(
                        f"{where}: SMTP login needs an ASCII username and password "
                        f"(${smtp.password_env} has other characters)"
                    )
                server.login(smtp.username, password)
            refused = server.send_message(
                msg, from_addr=parseaddr(smtp.sender)[1], to_addrs=list(to)
            )
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"{where} refused the login ({exc.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(
            f"{where} refused every recipient: {', '.join(exc.recipients)}"
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{where}: {exc or type(exc).__name__}") from None
    if refused:
        raise DeliveryError(f"{where} refused {', '.join(sorted(refused))}")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


# --- HTTP ---------------------------------------------------------------------------


def _post(
    url: str, body: Mapping[str, object], timeout: float, headers: Mapping[str, str] | None = None
) -> dict[str, object]:
    """POST JSON; return the decoded JSON answer (or {}). Errors name only scheme, host and
    port: bot URLs carry their token."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            **(headers or {}),
        },
    )
    parts = urlsplit(url)
    where = f"{parts.scheme}://{parts.netloc}"
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            answer = resp.read(1 << 20)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"{where} answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"{where} unreachable ({exc.reason})") from None
    except (TimeoutError, OSError) as exc:
        raise DeliveryError(f"{where} failed ({exc or type(exc).__name__})") from None
    try:
        decoded = json.loads(answer) if answer.strip() else {}
    except ValueError:
        decoded = {}
    return decoded if isinstance(decoded, dict) else {}


def sign_webhook(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>` (see docs/alerts.md)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def send_webhook(channel: Channel, message: Message, env: Mapping[str, str], clock: Clock) -> None:
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
    _post(url, message.payload, channel.timeout, headers)


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


def send_wecom(channel: Channel, message: Message, env: Mapping[str, str]) -> None:
    """企业微信群机器人: POST …/webhook/send?key=KEY, markdown ≤ 4096 bytes."""
    url = f"{channel.endpoint}?key={quote(env[channel.key_env or ''])}"
    content = _bot_markdown(message, LIMITS["wecom"])
    answer = _post(url, {"msgtype": "markdown", "markdown": {"content": content}}, channel.timeout)
    _check_errcode("WeCom", answer)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>"))."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def send_dingtalk(channel: Channel, message: Message, env: Mapping[str, str], clock: Clock) -> None:
    """钉钉自定义机器人: POST …/robot/send?access_token=T[&timestamp=&sign=]."""
    url = f"{channel.endpoint}?access_token={quote(env[channel.token_env or ''])}"
    if channel.secret_env:
        ts = int(clock() * 1000)
        url += f"&timestamp={ts}&sign={quote(dingtalk_sign(env[channel.secret_env], ts), safe='')}"
    body = {
        "msgtype": "markdown",
        "markdown": {"title": message.subject, "text": _bot_markdown(message, LIMITS["dingtalk"])},
    }
    answer = _post(url, body, channel.timeout)
    _check_errcode("DingTalk", answer)


def feishu_sign(secret: str, timestamp: int) -> str:
    """飞书签名校验: base64(HMAC-SHA256(key="<timestamp>\\n<secret>", message=""))."""
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def send_feishu(channel: Channel, message: Message, env: Mapping[str, str], clock: Clock) -> None:
    """飞书自定义机器人: POST …/bot/v2/hook/TOKEN with an optional timestamp + sign."""
    url = f"{channel.endpoint}/{quote(env[channel.token_env or ''])}"
    text = _bot_markdown(message, LIMITS["feishu"]).replace("### ", "", 1)
    body: dict[str, object] = {"msg_type": "text", "content": {"text": text}}
    if channel.secret_env:
        ts = int(clock())
        body = {"timestamp": str(ts), "sign": feishu_sign(env[channel.secret_env], ts), **body}
    answer = _post(url, body, channel.timeout)
    _check_errcode("Feishu", answer)
