"""Alert messages in Chinese: a subject, a plain-text body, an HTML body, Markdown for the
work-chat bots and the JSON payload of the generic webhook. One alert makes a single
message; several for one subscriber make one digest (and a catch-up digest after a gap)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from policytrack.model import is_untitled

from .plan import Alert

if TYPE_CHECKING:
    from policytrack.diff import DocumentDiff

PAYLOAD_VERSION = 1
EVENT_TITLES = {
    "expiring": "即将到期",
    "expired": "已到期失效",
    "superseded": "已被废止",
    "new-version": "发布新版本",
}


@dataclass(frozen=True)
class Message:
    """One delivery to one channel of one subscriber."""

    subscriber: str
    subject: str
    text: str
    html: str
    markdown: str
    payload: dict[str, Any]
    alerts: tuple[Alert, ...]


def name_of(a: Alert) -> str:
    if is_untitled(a.title):  # no title is stated: the marker is not a title in 《》
        return a.title if a.label == a.title else f"{a.label}{a.title}"
    return f"{a.label}《{a.title}》" if a.label != a.title else f"《{a.title}》"


def sentence(a: Alert) -> str:
    """The one sentence that says what happened."""
    name = name_of(a)
    if a.event == "expiring":
        days = a.days_left or 0
        when = (
            "今天到期"
            if days == 0
            else f"将于 {a.expires} 到期，还剩 {days} 天"
            if days > 0
            else f"已于 {a.expires} 到期"  # a late retry after the date
        )
        s = f"{name}{when}（{a.threshold} 天提醒）。"
        if a.passed:
            s += f"自上次运行以来已越过 {'、'.join(str(t) for t in a.passed)} 天提醒点。"
        s += f"已有后续文件：{a.successor}。" if a.successor else "尚无后续文件。"
        return s
    if a.event == "expired":
        return f"{name}已于 {a.expires} 到期失效，档案中没有接续的新版本。"
    if a.event == "superseded":
        by = f"已被 {a.successor} 废止" if a.successor else "已被废止"
        return f"{name}{by}，不再有效。"
    how = {
        "amends": "的修订版本（修订/修正），新版本施行后原版本即为已被修改",
        "supersedes": "的替代文件，原文件已被废止",
        "draft": "（征求意见稿）的正式文本",
    }.get(a.relation or "", "的新版本")
    s = f"{name}发布，是 {a.predecessor} {how}。"
    if a.changes:
        s += "主要变化：" + "；".join(a.changes) + "。"
    return s


def _subject_one(a: Alert) -> str:
    if a.event == "expiring":
        return f"【政策提醒】{a.label} 还剩 {a.days_left} 天到期"
    if a.event == "expired":
        return f"【政策提醒】{a.label} 已到期失效"
    if a.event == "superseded":
        return f"【政策提醒】{a.label} 已被 {a.successor or '新文件'} 废止"
    return f"【政策提醒】{a.label} 发布新版本"


def render(
    subscriber: str,
    alerts: list[Alert],
    as_of: date,
    last_as_of: date | None,
) -> Message:
    """The message for a subscriber's alerts on one channel."""
    digest = len(alerts) > 1
    gap = (as_of - last_as_of).days if last_as_of else 0
    catch_up = gap > 1 and any(a.detected == as_of for a in alerts)
    retried = [a for a in alerts if a.detected < as_of]
    if digest:
        subject = f"【政策提醒】{len(alerts)} 条提醒（{as_of}）"
        if catch_up:
            subject = f"【政策提醒】补发 {len(alerts)} 条提醒（{last_as_of} 至 {as_of}）"
    else:
        subject = _subject_one(alerts[0])
    intro = f"截至 {as_of}，你关注的政策文件有 {len(alerts)} 条提醒。"
    if catch_up:
        intro += f"上次运行是 {last_as_of}，{gap} 天来的提醒合并在这一封里。"
    if retried:
        intro += f"其中 {len(retried)} 条此前未能送达，现补发。"
    groups: dict[str, list[Alert]] = {}
    for a in alerts:
        groups.setdefault(a.event, []).append(a)

    text_lines = [intro, ""]
    html_parts = [f"<p>{html.escape(intro)}</p>"]
    md_lines = [f"### {subject}", "", intro, ""]
    for event, items in groups.items():
        head = f"{EVENT_TITLES[event]}（{len(items)}）"
        text_lines.append(head)
        html_parts.append(f"<h3>{html.escape(head)}</h3><ul>")
        md_lines.append(f"**{head}**")
        for a in items:
            line = sentence(a)
            text_lines.append(f"- {line}")
            if a.issuer:
                text_lines.append(f"  发文机关：{a.issuer}")
            if a.url:
                text_lines.append(f"  链接：{a.url}")
            link = f' <a href="{html.escape(a.url, quote=True)}">查看</a>' if a.url else ""
            issuer = f"<br>发文机关：{html.escape(a.issuer)}" if a.issuer else ""
            html_parts.append(f"<li>{html.escape(line)}{link}{issuer}</li>")
            md_lines.append(f"- {line}" + (f" [查看]({a.url})" if a.url else ""))
        text_lines.append("")
        html_parts.append("</ul>")
        md_lines.append("")
    footer = "—— policytrack 自动发送；同一提醒只发送一次。"
    text_lines.append(footer)
    html_parts.append(f'<p style="color:#666">{html.escape(footer)}</p>')
    text = "\n".join(text_lines) + "\n"
    body_html = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>"
        + "".join(html_parts)
        + "</body></html>\n"
    )
    payload = {
        "version": PAYLOAD_VERSION,
        "subscriber": subscriber,
        "as_of": as_of.isoformat(),
        "digest": digest,
        "catch_up": {"since": last_as_of.isoformat(), "days": gap}
        if catch_up and last_as_of
        else None,
        "subject": subject,
        "text": text,
        "alerts": [{**a.to_json(), "message": sentence(a)} for a in alerts],
    }
    return Message(
        subscriber,
        subject,
        text,
        body_html,
        "\n".join(md_lines).rstrip() + "\n",
        payload,
        tuple(alerts),
    )


def change_summary(d: DocumentDiff, limit: int = 5) -> tuple[str, ...]:
    """A new version's changes in a few Chinese phrases, as a new-version alert lists them:
    unit counts, then the first key changes (ranked), then 另有 N 项 when there are more."""
    counts = d.counts
    names = {
        "modified": "修改",
        "added": "新增",
        "removed": "删除",
        "split": "拆分",
        "merged": "合并",
    }
    parts = [f"{label} {counts[op]} 处" for op, label in names.items() if counts[op]]
    out = ["条文" + "、".join(parts)] if parts else []
    out += [f"{k.where} {k.summary}" for k in d.key_changes[:limit]]
    if len(d.key_changes) > limit:
        out.append(f"另有 {len(d.key_changes) - limit} 项")
    return tuple(out)
