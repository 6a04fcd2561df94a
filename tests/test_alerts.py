"""`policytrack alerts run` against a real SMTP server (aiosmtpd) and a real HTTP server on
loopback: what arrives (subjects, Chinese bodies, headers, signatures), exactly-once over
repeated runs, retry after an outage, the catch-up digest after a gap, dry runs, the lock."""

from __future__ import annotations

import base64
import email
import email.policy
import fcntl
import hashlib
import hmac
import json
import os
import socket
import sqlite3
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from policytrack.alerts import DocFacts
from policytrack.alerts.config import Subscriber, Watch, parse_config
from policytrack.alerts.plan import watches
from tests.conftest import LAWREF, ROOT, Run, run_process

PARKING = LAWREF / "versions/DLC/北京地方法规/地方性法规/北京"
OLD_PARKING = PARKING / "北京市机动车停车条例(2021-09-24).md"
NEW_PARKING = PARKING / "北京市机动车停车条例(2024-03-29).md"
ZIBO_TITLE = "（无标题·淄博高新区）"  # the seed states no title: none is composed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- a real SMTP server -------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for _, _, raw in self.received
        ]


@dataclass
class Smtp:
    port: int
    box: Mailbox
    controller: Controller | None = None

    def start(self, **kwargs: Any) -> None:
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp(free_port(), Mailbox())
    server.start()
    yield server
    server.stop()


# --- a real HTTP server -------------------------------------------------------------------------


@dataclass
class Hook:
    """Loopback HTTP server recording every POST; `status` and `reply` set its answer."""

    server: ThreadingHTTPServer
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200
    reply: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, _, body in self.requests]


@pytest.fixture
def hook() -> Iterator[Hook]:
    state: dict[str, Hook] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            h = state["hook"]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            h.requests.append((self.path, dict(self.headers.items()), body))
            answer = json.dumps(h.reply).encode()
            self.send_response(h.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["hook"] = Hook(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["hook"]
    server.shutdown()
    server.server_close()


# --- helpers ------------------------------------------------------------------------------------


# the test servers listen on loopback, which channels reach only when allowed explicitly
LOOPBACK = '[alerts]\nallow_networks = ["127.0.0.1"]\n'


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policytrack.toml"
    path.write_text(text, encoding="utf-8")
    return path


def smtp_table(port: int, security: str = "none", extra: str = "") -> str:
    return f"""
[smtp]
host = "127.0.0.1"
port = {port}
security = "{security}"
from = "政策提醒 <alerts@example.org>"
timeout = 5
{extra}
"""


def alerts(
    run: Run, archive: Path, cfg: Path, as_of: str, *extra: str, env: dict[str, str] | None = None
):  # type: ignore[no-untyped-def]
    return run(
        "alerts", "run", "--archive", archive, "--config", cfg, "--as-of", as_of, *extra, env=env
    )


def parts(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()  # type: ignore[attr-defined]


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


# --- email ---------------------------------------------------------------------------------------


def test_email_arrives_in_chinese_once_per_threshold(
    tmp_path: Path, seeded: Path, run: Run, smtp: Smtp
) -> None:
    cfg = config(
        tmp_path,
        smtp_table(smtp.port)
        + """
[alerts]
site_url = "https://policy.example.org"

[[subscribers]]
name = "淄博招商"
  [subscribers.watch]
  jurisdictions = ["淄博"]
  [[subscribers.channels]]
  type = "email"
  to = ["zibo@example.org", "lead@example.org"]
""",
    )
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 0, r
    assert len(smtp.box.received) == 1
    sender, rcpts, raw = smtp.box.received[0]
    assert sender == "alerts@example.org"
    assert rcpts == ["zibo@example.org", "lead@example.org"]
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0].lower()  # RFC 2047 encoded headers
    msg = smtp.box.messages()[0]
    assert msg["Subject"] == f"【政策提醒】{ZIBO_TITLE} 还剩 60 天到期"
    assert msg["From"].addresses[0].display_name == "政策提醒"
    assert msg.get_content_type() == "multipart/alternative"
    text, html = parts(msg)
    assert f"{ZIBO_TITLE}将于 2025-12-31 到期，还剩 60 天（90 天提醒）" in text
    assert "《（无标题" not in text  # the marker is never dressed as a title
    assert "发文机关" not in text  # the text names no issuer: none is shown
    assert "https://policy.example.org/documents/" in text
    assert ZIBO_TITLE in html and '<a href="https://policy.example.org/documents/' in html
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            assert part.get_content_charset() == "utf-8"
    assert msg["X-Policytrack-Delivery"]
    assert "sent    淄博招商 → email" in r.stdout

    # the same day again, and the next day: nothing new is sent
    assert alerts(run, seeded, cfg, "2025-11-01").code == 0
    assert alerts(run, seeded, cfg, "2025-11-02").code == 0
    assert len(smtp.box.received) == 1
    # 30 days before, then 7 days before: one message each
    assert alerts(run, seeded, cfg, "2025-12-02").code == 0
    assert alerts(run, seeded, cfg, "2025-12-03").code == 0
    assert alerts(run, seeded, cfg, "2025-12-25").code == 0
    subjects = [m["Subject"] for m in smtp.box.messages()]
    assert subjects == [
        f"【政策提醒】{ZIBO_TITLE} 还剩 60 天到期",
        f"【政策提醒】{ZIBO_TITLE} 还剩 29 天到期",
        f"【政策提醒】{ZIBO_TITLE} 还剩 6 天到期",
    ]
    # after expiry, with no successor: one "expired" alert, then silence
    assert alerts(run, seeded, cfg, "2026-01-05").code == 0
    assert alerts(run, seeded, cfg, "2026-01-06").code == 0
    last = smtp.box.messages()[-1]
    assert len(smtp.box.received) == 4
    assert last["Subject"] == f"【政策提醒】{ZIBO_TITLE} 已到期失效"
    assert "档案中没有接续的新版本" in parts(last)[0]


def test_starttls_with_login_and_ssl(tmp_path: Path, seeded: Path, run: Run) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )  # fmt: skip
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"k0u-s3cret")

    watch = """
[[subscribers]]
name = "ops"
  [[subscribers.channels]]
  type = "email"
  to = ["ops@example.org"]
"""
    # STARTTLS required by the server, login required
    box = Mailbox()
    starttls = Smtp(free_port(), box)
    starttls.start(
        tls_context=server_ctx,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    try:
        extra = f'username = "ops"\npassword_env = "SMTP_PASSWORD"\nca_file = "{cert}"'
        cfg = config(tmp_path, smtp_table(starttls.port, "starttls", extra) + watch)
        r = alerts(run, seeded, cfg, "2025-11-01", env={"SMTP_PASSWORD": "k0u-s3cret"})
        assert r.code == 0, r
        assert logins == [(b"ops", b"k0u-s3cret")]
        assert len(box.received) == 1
    finally:
        starttls.stop()
    # implicit TLS (port 465 style); a wrong CA fails and the alert stays pending
    box = Mailbox()
    implicit = Smtp(free_port(), box)
    implicit.start(ssl_context=server_ctx)
    try:
        state = tmp_path / "ssl.sqlite"
        base = f'[alerts]\nstate = "{state.name}"\n' + watch
        cfg = config(tmp_path, smtp_table(implicit.port, "ssl") + base)
        r = alerts(run, seeded, cfg, "2025-11-01")
        assert r.code == 1
        assert "certificate verify failed" in r.stderr.lower() or "certificate" in r.stderr.lower()
        assert box.received == []
        cfg = config(tmp_path, smtp_table(implicit.port, "ssl", f'ca_file = "{cert}"') + base)
        assert alerts(run, seeded, cfg, "2025-11-02").code == 0
        assert len(box.received) == 1
    finally:
        implicit.stop()


# --- webhooks and bots ----------------------------------------------------------------------------


def test_webhook_payload_and_signature(tmp_path: Path, seeded: Path, run: Run, hook: Hook) -> None:
    cfg = config(
        tmp_path,
        LOOPBACK
        + f"""
[[subscribers]]
name = "newsroom"
  [[subscribers.channels]]
  type = "webhook"
  url = "{hook.url}/policytrack"
  secret_env = "HOOK_SECRET"
""",
    )
    r = alerts(run, seeded, cfg, "2025-11-01", env={"HOOK_SECRET": "签名密钥"})
    assert r.code == 0, r
    path, headers, body = hook.requests[0]
    assert path == "/policytrack"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Policytrack-Event"] == "expiring"
    sig = dict(kv.split("=", 1) for kv in headers["X-Policytrack-Signature"].split(","))
    expected = hmac.new("签名密钥".encode(), f"{sig['t']}.".encode() + body, hashlib.sha256)
    assert sig["v1"] == expected.hexdigest()
    payload = json.loads(body)
    assert payload["version"] == 1 and payload["subscriber"] == "newsroom"
    assert payload["as_of"] == "2025-11-01" and payload["digest"] is False
    (alert,) = payload["alerts"]
    assert alert["event"] == "expiring" and alert["threshold"] == 90
    assert alert["days_left"] == 60 and alert["expires"] == "2025-12-31"
    assert alert["title"] == ZIBO_TITLE
    assert "还剩 60 天" in alert["message"]
    # the delivery id is stable: a receiver can drop a duplicate
    assert len(headers["X-Policytrack-Delivery"]) == 32


def test_work_chat_bots_sign_their_requests(
    tmp_path: Path, seeded: Path, run: Run, hook: Hook
) -> None:
    cfg = config(
        tmp_path,
        LOOPBACK
        + f"""
[[subscribers]]
name = "bots"
  [[subscribers.channels]]
  type = "wecom"
  key_env = "WECOM_KEY"
  endpoint = "{hook.url}/cgi-bin/webhook/send"
  [[subscribers.channels]]
  type = "dingtalk"
  token_env = "DING_TOKEN"
  secret_env = "DING_SECRET"
  endpoint = "{hook.url}/robot/send"
  [[subscribers.channels]]
  type = "feishu"
  token_env = "FEISHU_TOKEN"
  secret_env = "FEISHU_SECRET"
  endpoint = "{hook.url}/open-apis/bot/v2/hook"
""",
    )
    env = {
        "WECOM_KEY": "wk-1",
        "DING_TOKEN": "dt-2",
        "DING_SECRET": "SEC-ding",
        "FEISHU_TOKEN": "ft-3",
        "FEISHU_SECRET": "fs-secret",
    }
    r = alerts(run, seeded, cfg, "2025-11-01", env=env)
    assert r.code == 0, r
    by_path = {urlsplit(p).path: (urlsplit(p), json.loads(b)) for p, _, b in hook.requests}
    assert len(by_path) == 3

    url, body = by_path["/cgi-bin/webhook/send"]
    assert parse_qs(url.query) == {"key": ["wk-1"]}
    assert body["msgtype"] == "markdown"
    assert "还剩 60 天" in body["markdown"]["content"]

    url, body = by_path["/robot/send"]
    q = parse_qs(url.query)
    assert q["access_token"] == ["dt-2"]
    ts = q["timestamp"][0]
    mac = hmac.new(b"SEC-ding", f"{ts}\nSEC-ding".encode(), hashlib.sha256).digest()
    assert q["sign"] == [base64.b64encode(mac).decode()]
    assert body["markdown"]["title"].startswith("【政策提醒】")
    assert ZIBO_TITLE in body["markdown"]["text"]

    url, body = by_path["/open-apis/bot/v2/hook/ft-3"]
    mac = hmac.new(f"{body['timestamp']}\nfs-secret".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(mac).decode()
    assert body["msg_type"] == "text" and ZIBO_TITLE in body["content"]["text"]


def test_bot_errcode_is_a_failure(tmp_path: Path, seeded: Path, run: Run, hook: Hook) -> None:
    hook.reply = {"errcode": 310000, "errmsg": "sign not match"}
    cfg = config(
        tmp_path,
        LOOPBACK
        + f"""
[[subscribers]]
name = "ding"
  [[subscribers.channels]]
  type = "dingtalk"
  token_env = "DING_TOKEN"
  endpoint = "{hook.url}/robot/send"
""",
    )
    r = alerts(run, seeded, cfg, "2025-11-01", env={"DING_TOKEN": "tok-secret"})
    assert r.code == 1
    assert r.stderr.startswith("Error: 1 alert(s) could not be delivered and stay pending")
    assert "DingTalk rejected the message: code 310000 sign not match" in r.stderr
    assert "tok-secret" not in r.stderr + r.stdout  # tokens never reach the output


# --- guarantees -------------------------------------------------------------------------------------


def test_outage_keeps_alerts_pending_and_retries(
    tmp_path: Path, seeded: Path, run: Run, hook: Hook, smtp: Smtp
) -> None:
    cfg = config(
        tmp_path,
        LOOPBACK
        + smtp_table(smtp.port)
        + f"""
[[subscribers]]
name = "team"
  [[subscribers.channels]]
  type = "email"
  to = ["team@example.org"]
  [[subscribers.channels]]
  type = "webhook"
  url = "{hook.url}/in"
""",
    )
    hook.status = 503
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 1
    assert "team/webhook" in r.stderr and "HTTP 503" in r.stderr
    assert "FAILED  team → webhook" in r.stdout
    assert len(smtp.box.received) == 1  # the other channel is unaffected
    assert len(hook.requests) == 1

    smtp.stop()  # the mail server goes down too
    r = alerts(run, seeded, cfg, "2025-11-02")
    assert r.code == 1 and "HTTP 503" in r.stderr
    assert len(hook.requests) == 2  # retried, failed again

    hook.status = 200
    smtp.start()
    r = alerts(run, seeded, cfg, "2025-11-03")
    assert r.code == 0, r
    assert len(hook.requests) == 3
    assert len(smtp.box.received) == 1  # the email was delivered the first time: never again
    retried = hook.bodies()[-1]
    assert [a["event"] for a in retried["alerts"]] == ["expiring"]
    assert "此前未能送达" in retried["text"]
    assert alerts(run, seeded, cfg, "2025-11-04").code == 0
    assert len(hook.requests) == 3

    db = sqlite3.connect(tmp_path / "policytrack.state.sqlite")
    rows = db.execute("SELECT channel, status, attempts FROM alerts ORDER BY channel").fetchall()
    assert rows == [("email", "sent", 1), ("webhook", "sent", 3)]


def test_catch_up_digest_after_a_gap(tmp_path: Path, seeded: Path, run: Run, smtp: Smtp) -> None:
    assert run("add", "--archive", seeded, OLD_PARKING).code == 0
    cfg = config(
        tmp_path,
        smtp_table(smtp.port)
        + """
[[subscribers]]
name = "all"
  [[subscribers.channels]]
  type = "email"
  to = ["all@example.org"]
""",
    )
    r = alerts(run, seeded, cfg, "2025-09-01")
    assert r.code == 0, r
    assert "First run" in r.stdout and smtp.box.received == []
    r = run("add", "--archive", seeded, NEW_PARKING)  # its revision history links it
    assert r.code == 0, r
    assert "(amends 北京市机动车停车条例-2021-09-24-8767f1)" in r.stdout
    # nobody ran the alerts for four months
    r = alerts(run, seeded, cfg, "2025-12-28")
    assert r.code == 0, r
    assert len(smtp.box.received) == 1  # one digest, not a flood
    msg = smtp.box.messages()[0]
    assert msg["Subject"] == "【政策提醒】补发 2 条提醒（2025-09-01 至 2025-12-28）"
    text, _ = parts(msg)
    assert "上次运行是 2025-09-01，118 天来的提醒合并在这一封里" in text
    assert "还剩 3 天（7 天提醒）。自上次运行以来已越过 90、30 天提醒点" in text
    assert "废止" not in text  # an earlier version of an amended regulation is 已被修改
    assert (
        "《北京市机动车停车条例》发布，是 北京市机动车停车条例 的修订版本（修订/修正），"
        "新版本施行后原版本即为已被修改。主要变化：条文修改" in text
    )


def test_superseded_is_for_replacement_and_new_version_for_amendment(
    tmp_path: Path, seeded: Path, run: Run, hook: Hook
) -> None:
    """A later version coming into force announces itself once (new-version); the earlier
    version becomes 已被修改 and no `superseded` alert says it was abolished."""
    assert run("add", "--archive", seeded, OLD_PARKING).code == 0
    cfg = config(
        tmp_path,
        LOOPBACK
        + f"""
[[subscribers]]
name = "parking"
events = ["superseded", "new-version"]
  [[subscribers.channels]]
  type = "webhook"
  url = "{hook.url}/policytrack"
""",
    )
    assert alerts(run, seeded, cfg, "2024-01-01").code == 0  # the first run records statuses
    assert run("add", "--archive", seeded, NEW_PARKING).code == 0
    assert alerts(run, seeded, cfg, "2024-01-02").code == 0
    assert alerts(run, seeded, cfg, "2024-03-29").code == 0  # the new version is in force
    sent = [a for body in hook.bodies() for a in body["alerts"]]
    events = [(a["event"], a["doc_id"], a.get("relation")) for a in sent]
    assert events == [("new-version", "北京市机动车停车条例-2024-03-29-5177ed", "amends")], events
    old = json.loads(
        run(
            "status", "--archive", seeded, "北京市机动车停车条例-2021-09-24-8767f1",
            "--as-of", "2024-03-29", "--json",
        ).stdout
    )[0]  # fmt: skip
    assert (old["status"], old["status_label"]) == ("amended", "已被修改")
    assert old["current_version"] == "北京市机动车停车条例-2024-03-29-5177ed"


def test_dry_run_sends_and_records_nothing(
    tmp_path: Path, seeded: Path, run: Run, hook: Hook
) -> None:
    cfg = config(
        tmp_path,
        LOOPBACK
        + """
[[subscribers]]
name = "newsroom"
  [[subscribers.channels]]
  type = "webhook"
  url_env = "HOOK_URL"
""",
    )
    r = alerts(run, seeded, cfg, "2025-11-01", "--dry-run")  # secrets are not needed
    assert r.code == 0, r
    assert "would send to newsroom → webhook ($HOOK_URL): 1 alert" in r.stdout
    assert f"Subject: 【政策提醒】{ZIBO_TITLE} 还剩 60 天到期" in r.stdout
    assert "Dry run: nothing sent, nothing recorded." in r.stdout
    assert hook.requests == []
    assert list(tmp_path.glob("policytrack.state*")) == []
    # a real run afterwards still sends it
    r = alerts(run, seeded, cfg, "2025-11-01", env={"HOOK_URL": f"{hook.url}/x"})
    assert r.code == 0, r
    assert len(hook.requests) == 1
    r = alerts(run, seeded, cfg, "2025-11-01", "--dry-run")
    assert "No alerts due on 2025-11-01." in r.stdout


def test_concurrent_run_is_refused(tmp_path: Path, seeded: Path, hook: Hook) -> None:
    cfg = config(
        tmp_path,
        LOOPBACK
        + f"""
[[subscribers]]
name = "n"
  [[subscribers.channels]]
  type = "webhook"
  url = "{hook.url}/x"
""",
    )
    lock = tmp_path / "policytrack.state.sqlite.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        p = run_process(
            "alerts", "run", "--archive", seeded, "--config", cfg, "--as-of", "2025-11-01"
        )
    finally:
        os.close(fd)
    assert p.returncode == 1
    assert p.stderr.startswith("Error: another 'policytrack alerts run' is running")
    assert "Traceback" not in p.stderr
    assert hook.requests == []
    assert not (tmp_path / "policytrack.state.sqlite").exists()


# --- configuration errors ---------------------------------------------------------------------------


def test_config_problems_are_reported_together(tmp_path: Path, seeded: Path, run: Run) -> None:
    cfg = config(
        tmp_path,
        """
[alerts]
thresholds = [90, "thirty"]

[[subscribers]]
name = "a"
events = ["expiring", "repealed"]
  [subscribers.watch]
  kinds = ["memo"]
  [[subscribers.channels]]
  type = "email"
  to = ["not-an-address"]
  [[subscribers.channels]]
  type = "dingtalk"
  token = "pasted-secret"
""",
    )
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 1
    err = r.stderr
    assert err.startswith("Error: ")
    for needle in (
        "[alerts] thresholds: must be a list of whole numbers",
        "'repealed' is not one of expiring, expired, superseded, new-version",
        "'memo' is not one of",
        "'not-an-address' is not an email address",
        "'token' would put a secret in the file; name an environment variable instead: token_env",
        "token_env is required",
        "has an email channel but there is no [smtp] table",
    ):
        assert needle in err, needle
    assert "Traceback" not in err
    assert list(tmp_path.glob("policytrack.state*")) == []


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[[subscribers]\n", "is not valid TOML"),
        ("", "add at least one [[subscribers]] table"),
    ],
)
def test_bad_config_file(tmp_path: Path, seeded: Path, run: Run, text: str, needle: str) -> None:
    r = alerts(run, seeded, config(tmp_path, text), "2025-11-01")
    assert r.code == 1 and needle in r.stderr and r.stderr.startswith("Error: ")


def test_missing_config_and_secrets(tmp_path: Path, seeded: Path, run: Run) -> None:
    r = alerts(run, seeded, tmp_path / "nope.toml", "2025-11-01")
    assert r.code == 1
    assert r.stderr == (
        f"Error: alerts configuration {tmp_path / 'nope.toml'} not found; create it "
        "(see docs/alerts.md) or pass --config FILE\n"
    )
    cfg = config(
        tmp_path,
        """
[[subscribers]]
name = "w"
  [[subscribers.channels]]
  type = "wecom"
  key_env = "WECOM_KEY_FOR_TEST"
""",
    )
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 1
    assert "environment variable(s) WECOM_KEY_FOR_TEST not set" in r.stderr
    assert list(tmp_path.glob("policytrack.state*")) == []


def test_unknown_watched_document_suggests(tmp_path: Path, seeded: Path, run: Run) -> None:
    cfg = config(
        tmp_path,
        """
[[subscribers]]
name = "w"
  [subscribers.watch]
  documents = ["京技管发〔2024〕28号"]
  [[subscribers.channels]]
  type = "webhook"
  url = "http://127.0.0.1:9/x"
""",
    )
    r = alerts(run, seeded, cfg, "2025-11-01")
    assert r.code == 1
    assert "watch.documents: no document matches '京技管发〔2024〕28号'" in r.stderr
    assert "did you mean 京技管发〔2024〕29号?" in r.stderr


# --- watchlists ----------------------------------------------------------------------------------------


def fact(**kw: Any) -> DocFacts:
    base: dict[str, Any] = {
        "id": "d",
        "title": "关于支持人工智能产业发展的若干措施",
        "doc_number": "京技管发〔2024〕29号",
        "issuer": "北京经济技术开发区管理委员会",
        "jurisdiction": "北京经济技术开发区",
        "kind": "policy",
        "expires": date(2027, 12, 31),
        "status": "in_force",
        "status_label": "现行有效",
    }
    return DocFacts(**{**base, **kw})


@pytest.mark.parametrize(
    ("watch", "matches"),
    [
        (Watch(), True),
        (Watch(issuers=("经济技术开发区",)), True),
        (Watch(issuers=("上海市",)), False),
        (Watch(issuers=("上海市", "北京经济技术开发区")), True),  # any value within a field
        (Watch(issuers=("北京经济技术开发区",), kinds=("regulation",)), False),  # all fields
        (Watch(keywords=("人工智能",)), True),  # in the title
        (Watch(keywords=("算力券",)), True),  # in the body
        (Watch(keywords=("低空经济",)), False),
        (Watch(documents=("other",)), False),  # only the listed documents
        (Watch(jurisdictions=("上海",), documents=("other",)), False),
    ],
)
def test_watchlist_semantics(watch: Watch, matches: bool) -> None:
    sub = Subscriber("s", (), watch)
    assert watches(sub, fact(), (), lambda _: "对企业发放算力券") is matches
    assert watches(sub, fact(), {"d"}, lambda _: "") is True  # listed explicitly


def test_documented_example_config_is_valid() -> None:
    text = (ROOT / "docs" / "alerts.md").read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    import tomllib

    cfg = parse_config(tomllib.loads(example), ROOT / "policytrack.toml")
    assert [s.name for s in cfg.subscribers] == ["subsidy-team", "newsroom"]
    assert {ch.type for s in cfg.subscribers for ch in s.channels} == {
        "email",
        "wecom",
        "dingtalk",
        "feishu",
        "webhook",
    }


def test_example_config_dry_run_on_the_sample_archive(run: Run) -> None:
    example = ROOT / "contrib" / "policytrack.example.toml"
    doc = (ROOT / "docs" / "alerts.md").read_text(encoding="utf-8")
    assert doc.split("```toml\n", 1)[1].split("```", 1)[0] in example.read_text(encoding="utf-8")
    r = run(
        "alerts", "run", "--config", example, "--archive", ROOT / "archive",
        "--as-of", "2027-11-01", "--dry-run",
    )  # fmt: skip
    assert r.code == 0, r
    assert "would send to subsidy-team → email (subsidy@example.org, lead@example.org)" in r.stdout
    assert "京技管发〔2024〕29号 还剩 60 天到期" in r.stdout  # watched by doc number
    assert not list((ROOT / "contrib").glob("*.sqlite*"))


def test_scheduling_recipes_run_the_documented_command() -> None:
    recipes = ROOT / "contrib"
    cron = (recipes / "cron" / "policytrack-alerts").read_text(encoding="utf-8")
    service = (recipes / "systemd" / "policytrack-alerts.service").read_text(encoding="utf-8")
    timer = (recipes / "systemd" / "policytrack-alerts.timer").read_text(encoding="utf-8")
    workflow = (recipes / "ci" / "github-actions-daily.yml").read_text(encoding="utf-8")
    for text in (cron, service, workflow):
        assert "policytrack alerts run --config" in text
    assert "policytrack site build" in workflow
    assert "schedule:" in workflow and "cron:" in workflow
    assert "OnCalendar=" in timer and "Persistent=true" in timer
    assert "Type=oneshot" in service
    # the cron line has five time fields, a user and a command
    line = next(
        ln for ln in cron.splitlines() if ln and not ln.startswith("#") and "=" not in ln.split()[0]
    )
    assert len(line.split(None, 6)) == 7
