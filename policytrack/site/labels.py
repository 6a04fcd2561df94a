"""What a public page calls things: Chinese first (an English gloss may follow), and no tool
terms. Codes stay English in the JSON API and on the command line; the pages, feeds and
calendar show these labels. Status names are `temporal.STATUS_LABELS` and redline operations
`diff.OP_LABELS`; status reasons come in Chinese from `temporal.status_of` (`reason_zh`)."""

from __future__ import annotations

KIND_LABELS: dict[str, str] = {
    "policy": "政策文件",
    "draft": "征求意见稿",
    "interpretation": "政策解读",
    "news": "新闻报道",
    "notice": "通知公告",
    "regulation": "法规规章",
    "law": "法律",
}

# a relation as the page of the document holding it names it
RELATION_LABELS: dict[str, str] = {
    "supersedes": "废止或取代",
    "cites": "引用",
    "interprets": "解读",
    "implements": "实施",
    "predecessor": "前一版本",
    "mentions": "提及",
    "attachment": "附件",
    "amends": "修改（本文为其新版本）",
    "draft": "草案（本文为其正式文本）",
}
MENTIONED_IN = "被以下文件引用或提及"

BASIS_LABELS: dict[str, str] = {"stated": "明示", "inferred": "推断", "unknown": "不明"}

# archive commit actions (Policytrack-Action trailer); a batch joins several with "+"
ACTION_LABELS: dict[str, str] = {
    "init": "建立存档",
    "add": "收录",
    "copy": "增加来源",
    "correct": "更正",
    "link": "关联版本",
    "unlink": "取消关联",
    "set": "更正信息",
}

# evidence a person gave rather than the text (ingest.USER_EVIDENCE and its kin)
_BY_EDITOR = "由存档编辑人员设定"


def action_label(action: str) -> str:
    """add → 收录; add+correct → 收录、更正; an unknown action → 更新."""
    parts = [ACTION_LABELS.get(a) for a in action.split("+") if a]
    return "、".join(p for p in parts if p) or "更新"


def evidence_label(evidence: str) -> str:
    """The evidence behind a value as a page shows it: the text's own sentence, or a note
    that a person set it (never the command that did)."""
    if evidence.startswith("set by the user"):
        return _BY_EDITOR
    return evidence


# the inference rules of ingest, in words a reader of the page knows (the rule texts are
# the tool's; a rule not named here shows only its evidence sentence)
_RULES: tuple[tuple[str, str], ...] = (
    ("自", "按“自……之日起施行”推定"),
    ("latest enactment or amendment", "最近一次通过或修正的日期"),
    ("amended text", "修正文本：以最近一次修正日期为施行日期"),
    ("page metadata", "网页所附信息表"),
    ("page label", "网页标注"),
    ("posted by", "网站发布日期"),
    ("有效期", "按有效期推算"),
    ("the document's period", "文件规定的执行期间"),
    ("effective date stated", "文中写明的施行日期"),
    ("signature", "落款日期"),
)


def rule_label(rule: str) -> str:
    """A Chinese name for an inference rule, or "" when it has none here."""
    for key, label in _RULES:
        if key in rule:
            return label
    return ""
