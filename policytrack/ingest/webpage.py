"""Government web pages → text: the page's metadata table, its main text and its attachments.

The bytes are decoded by policytrack's own detection (`decode`), never by the page's
`<meta charset>`: pages served as GB18030 while declaring UTF-8 are common. Navigation,
breadcrumbs, share widgets, scripts and footers are dropped; the main text is the smallest
element that holds most of the page's non-link Chinese text.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
from lxml.etree import ParserError, _Element

from policytrack.chinese import CJK, to_simplified_chars
from policytrack.docfile import table_rows
from policytrack.errors import IngestError

from .converted import Attachment, Converted
from .decode import decode
from .labels import LABEL_FIELDS

# labels of the 信息公开 metadata table and the field each speaks about (one vocabulary
# with the label blocks read from text)
META_FIELDS = LABEL_FIELDS
_LABEL = re.compile(
    r"^\s*(" + "|".join(sorted(META_FIELDS, key=len, reverse=True)) + r")\s*[:：]?\s*(.*)$",
    re.S,
)
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "form",
    "button",
    "select",
    "input",
    "textarea",
    "nav",
    "header",
    "footer",
    "aside",
    "svg",
    "object",
    "embed",
)
# class/id words of page furniture (当前位置, 分享, 打印, 关闭, 相关链接 …)
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|position|location|dqwz|share|bdshare|"
    r"fenxiang|print|close|footer|foot|header|head|topbar|toolbar|sidebar|side|related|xgxx|"
    r"xglj|links?|friend|copyright|banner|search|login|qrcode|ewm)(?:$|[\s_-])",
    re.I,
)
_FURNITURE_TEXT = re.compile(
    r"^(?:当前位置|您的位置|首页\s*[>＞»]|【?\s*(?:打印|关闭|收藏|分享)|分享到|扫一扫|"
    r"字号[:：]?\s*[大中小]|网站地图|版权所有|主办单位|上一篇|下一篇)"
)
_ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|txt|ceb|jpg|png)$", re.I)
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "pre", "dd", "dt", "dl", "center", "main", "hr",
}  # fmt: skip
_CJK = re.compile(f"[{CJK}]")
_CJK_GAP = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+[-—－]\s+|(?<=[^\d])-(?=[^\d])")


def read_page(data: bytes, name: str, *, max_bytes: int, base_url: str = "") -> Converted:
    text, encoding = decode(data, name, max_bytes)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an encoding decl
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise IngestError(f"{name} is not a readable web page ({exc})") from None
    stripped: list[tuple[str, str]] = []
    page_title = _page_title(root)
    for el in list(root.iter(*_DROP_TAGS)):
        _remove(el)
    metadata = _metadata(root)
    attachments = _attachments(root, base_url)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marker = f"{el.get('class', '')} {el.get('id', '')}"
        own = _text(el)
        if (_FURNITURE.search(marker) and _cjk_len(own) < 400) or (
            _FURNITURE_TEXT.match(own) and len(own) < 200
        ):
            if own:
                stripped.append(("page furniture", own[:80]))
            _remove(el)
    body = root.find("body")
    if body is None:
        raise IngestError(f"{name} has no <body>; give the page as saved from the browser")
    content = _main(body)
    lines = _lines(content)
    title = next((v for k, v in metadata if META_FIELDS[k] == "title"), "") or page_title
    if title and not any(_same(title, line) for line in lines[:12]):
        lines.insert(0, title)
    if not lines:
        raise IngestError(
            f"{name} has no text in its main content; is it the page of the document?"
        )
    return Converted(
        "\n".join(lines) + "\n",
        "html",
        encoding,
        tuple(metadata),
        tuple(attachments),
        tuple(stripped),
    )


def _remove(el: _Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():  # keep the text that follows the element
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _text(el: _Element) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _cjk_len(text: str) -> int:
    return len(_CJK.findall(text))


def _same(a: str, b: str) -> bool:
    """Is the title `a` already the line `b` (up to script, spacing and a 文号 after it)?"""
    a, b = (re.sub(r"\s+", "", to_simplified_chars(x)) for x in (a, b))
    return a == b or (len(a) > 6 and a in b and len(b) < len(a) + 16)


def _page_title(root: _Element) -> str:
    """The page's own idea of the title: ArticleTitle meta, the first <h1>, or <title>
    without its site-name segments (…_政策文件库_中国政府网)."""
    for meta in ("ArticleTitle", "og:title"):
        found = root.xpath(f'//meta[@name="{meta}" or @property="{meta}"]/@content')
        if found and str(found[0]).strip():
            return str(found[0]).strip()
    for h in root.iter("h1"):
        text = _text(h)
        if _cjk_len(text) >= 4:
            return text
    el = root.find(".//title")
    if el is None:
        return ""
    segments = [seg.strip() for seg in _TITLE_SPLIT.split(el.text_content()) if seg.strip()]
    return max(segments, key=_cjk_len, default="")


def _metadata(root: _Element) -> list[tuple[str, str]]:
    """Label/value pairs of the 信息公开 table (a <table>, or a <ul>/<div> grid), which is
    then removed from the page. A table needs two labels or more to count."""
    best: list[tuple[str, str]] = []
    best_el: _Element | None = None
    for container in root.iter("table", "ul", "dl", "div"):
        pairs = _pairs(container)
        if len(pairs) >= 2 and len(pairs) > len(best):
            # prefer the smallest container holding the same pairs
            best, best_el = pairs, container
        elif (
            len(pairs) >= 2
            and len(pairs) == len(best)
            and best_el is not None
            and container in best_el.iterdescendants()
        ):
            best_el = container
    if best_el is not None:
        _remove(best_el)
    return best


def _pairs(container: _Element) -> list[tuple[str, str]]:
    cells = [
        c
        for c in container.iterdescendants(
            "td", "th", "li", "span", "dt", "dd", "p", "div", "b", "strong", "label"
        )
        if not any(
            isinstance(ch.tag, str) and ch.tag in ("td", "th", "li", "dt", "dd", "p", "div")
            for ch in c
        )
    ]
    # 索&nbsp;&nbsp;引&nbsp;&nbsp;号： — labels are spaced out to line up in the table
    texts = [_CJK_GAP.sub("", _text(c)) for c in cells]
    if sum(_cjk_len(t) for t in texts) > 1500:
        return []  # the main text, not a table of metadata
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    i = 0
    while i < len(texts):
        m = _LABEL.match(texts[i])
        if m and len(texts[i]) < 120:
            label, value = m.group(1), m.group(2).strip()
            if not value and i + 1 < len(texts) and not _LABEL.match(texts[i + 1]):
                value = texts[i + 1]
                i += 1
            if value and label not in seen:
                out.append((label, value))
                seen.add(label)
        i += 1
    return out


def _attachments(root: _Element, base_url: str) -> list[Attachment]:
    out: list[Attachment] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        label = _text(a)
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        path = href.split("?", 1)[0].split("#", 1)[0]
        if not (_ATTACHMENT_EXT.search(path) or label.startswith("附件")):
            continue
        full = urljoin(base_url, href) if base_url else href
        if full in seen:
            continue
        seen.add(full)
        out.append(
            Attachment(
                re.sub(r"^附件\s*\d*\s*[:：.、]?\s*", "", label) or path.rsplit("/", 1)[-1], full
            )
        )
    return out


def _main(body: _Element) -> _Element:
    """Descend from <body> while one child holds most of the non-link Chinese text."""
    sizes: dict[_Element, int] = {}

    def size(el: _Element) -> int:
        if el not in sizes:
            total = _cjk_len(el.text_content())
            links = sum(_cjk_len(a.text_content()) for a in el.iter("a"))
            sizes[el] = total - links
        return sizes[el]

    node = body
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            return node
        top = max(children, key=size)
        if size(node) and size(top) >= 0.8 * size(node):
            node = top
        else:
            return node


def _lines(el: _Element) -> list[str]:
    """Text with a line break at every block element and <br>; tables as Markdown rows."""
    parts: list[str] = []

    def walk(node: _Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "table" and _is_data_table(node):
            parts.append("\n")
            parts.extend(_table_rows(node))
            parts.append("\n")
            if node.tail:
                parts.append(node.tail)
            return
        block = tag in _BLOCK
        if block:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk(el)
    text = "".join(parts).replace("\xa0", " ").replace("\u3000", " ")
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t\r\f\v]+", " ", line).strip()
        if line:
            lines.append(line)
    return lines


def _is_data_table(table: _Element) -> bool:
    rows = table.findall(".//tr")
    if len(rows) < 2:
        return False
    widths = {len(r.findall("td") + r.findall("th")) for r in rows}
    return max(widths) >= 2 and _cjk_len(table.text_content()) < 20 * 200


def _table_rows(table: _Element) -> list[str]:
    rows = []
    for tr in table.iter("tr"):
        cells = [_text(c) for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if any(cells):
            rows.append(cells)
    return [r + "\n" for r in table_rows(rows)]
