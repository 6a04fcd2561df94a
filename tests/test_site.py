"""The static site: every page parses, text is escaped, builds are deterministic and incremental."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import LAWREF, ROOT, SEED, Run, edited_seed, run_process


class Page(HTMLParser):
    """Collects what the tests look at; fails on unbalanced tags."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.headings: list[int] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if a.get("href"):
            self.hrefs.append(a["href"] or "")
        if a.get("src"):
            self.srcs.append(a["src"] or "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_page(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    assert p.errors == [] and p.stack == [], (path, p.errors, p.stack)
    return p


def build(run: Run, archive: Path, out: Path) -> str:
    result = run("site", "build", "--archive", archive, "--out", out, "--as-of", "2025-10-01")
    assert result.code == 0, result
    return result.stdout


def test_sample_site_pages_parse_and_link_within_the_site(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(run, ROOT / "archive", out)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 15
    for path in pages:
        page = parse_page(path)
        assert page.headings and page.headings[0] == 1  # one h1 first
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), path
        for url in page.hrefs + page.srcs:
            assert not re.match(r"^(https?:)?//", url), f"{path}: external resource {url}"
            if url == "data:,":  # an empty icon: no request for /favicon.ico
                continue
            if url.startswith("#"):
                assert url[1:] in page.ids, f"{path}: dangling anchor {url}"
                continue
            rel = re.sub(r"#.*$", "", __import__("urllib.parse").parse.unquote(url))
            # 404.html is served at any address: its links start from the site's root
            target = (out / rel[1:] if rel.startswith("/") else path.parent / rel).resolve()
            assert target.exists(), f"{path}: broken link {url}"


def test_document_page_has_article_anchors_and_status(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(run, ROOT / "archive", out)
    page = parse_page(out / "documents" / "京技管发-2024-29.html")
    assert {f"art-{n}" for n in range(1, 21)} <= set(page.ids)
    text = "".join(page.text)
    assert "现行有效" in text and "京技管发〔2024〕10号" in text
    red = (
        out
        / "changes"
        / "北京市机动车停车条例-2021-09-24-8767f1--北京市机动车停车条例-2024-03-29-5177ed.html"
    )
    assert "<del>" in red.read_text(encoding="utf-8") or "<ins>" in red.read_text(encoding="utf-8")
    index = json.loads((out / "api" / "index.json").read_text(encoding="utf-8"))
    assert {d["id"] for d in index["documents"]} >= {"京技管发-2024-29", "闵府规发-2018-4"}


def test_policy_text_is_escaped(archive: Path, run: Run, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        SEED["yizhuang"]
        .read_text(encoding="utf-8")
        .replace("強化普惠算力供給。", "強化普惠算力供給<script>alert(1)</script>。"),
        encoding="utf-8",
    )
    assert run("add", "--archive", archive, hostile).code == 0
    out = tmp_path / "site"
    build(run, archive, out)
    html = (out / "documents" / "京技管发-2024-29.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_builds_are_deterministic_and_incremental(seeded: Path, run: Run, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    build(run, seeded, a)
    # another process with another string hash seed: set orders (search tokens) differ
    other = run_process(
        "site",
        "build",
        "--archive",
        seeded,
        "--out",
        b,
        "--as-of",
        "2025-10-01",
        env={"PYTHONHASHSEED": "12345"},
    )
    assert other.returncode == 0, other.stderr
    files_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*") if p.is_file()}
    assert files_a == files_b
    again = build(run, seeded, a)
    assert " (0 written, " in again
    edited = edited_seed(tmp_path, "minhang", "最高不超过500万元", "最高不超过800万元")
    assert run("add", "--archive", seeded, edited, "--replace").code == 0
    after = build(run, seeded, a)
    written = int(re.search(r"\((\d+) written", after).group(1))  # type: ignore[union-attr]
    assert 1 <= written <= 6, after  # the document page, its JSON, the lists that show it


def test_atom_feeds_and_icalendar_are_valid(run: Run, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from icalendar import Calendar

    out = tmp_path / "site"
    build(run, ROOT / "archive", out)
    atom = "{http://www.w3.org/2005/Atom}"
    feeds = sorted((out / "feeds").glob("*.xml"))
    assert {"changes.xml", "expiring.xml", "changes-全国.xml", "expiring-淄博高新区.xml"} <= {
        f.name for f in feeds
    }
    for path in feeds:
        root = ET.fromstring(path.read_bytes())
        assert root.tag == f"{atom}feed"
        for required in ("id", "title", "updated"):  # RFC 4287 4.1.1
            assert root.find(f"{atom}{required}") is not None, (path, required)
        for entry in root.findall(f"{atom}entry"):
            for required in ("id", "title", "updated"):
                assert (entry.findtext(f"{atom}{required}") or "").strip(), (path, required)
    expiring = ET.fromstring((out / "feeds" / "expiring.xml").read_bytes())
    titles = [e.findtext(f"{atom}title") for e in expiring.findall(f"{atom}entry")]
    assert titles == ["2025-12-31 到期：（无标题·淄博高新区）"]
    raw = (out / "calendar" / "expiries.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 3.1 line folding
    cal = Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    uids = {str(e["UID"]) for e in events}
    assert {"京技管发-2024-29@policytrack", "闵府规发-2018-4@policytrack"} <= uids
    yizhuang = next(e for e in events if str(e["UID"]) == "京技管发-2024-29@policytrack")
    assert yizhuang.decoded("DTSTART").isoformat() == "2027-12-31"
    assert [str(a["TRIGGER"].to_ical(), "ascii") for a in yizhuang.walk("VALARM")] == ["-P30D"]


def test_validity_timeline_and_expiry_calendar(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(run, ROOT / "archive", out)
    html = (out / "documents" / "闵府规发-2018-4.html").read_text(encoding="utf-8")
    events = re.findall(r'<li class="event-(\w+)"><time datetime="([\d-]+)">', html)
    assert events == [
        ("stated", "2018-08-20"),
        ("stated", "2018-10-01"),
        ("stated", "2021-09-30"),
    ]  # no as-of marker: a document page reads the same until its status changes
    cal = (out / "expiring.html").read_text(encoding="utf-8")
    months = re.findall(r"<h3>(\d{4}-\d{2})</h3>", cal)
    # from the as-of month (2025-10) on, 36 months: the 2021 expiry is in the feed only
    assert months == ["2025-12", "2027-12"]
    ics = (out / "calendar" / "expiries.ics").read_text(encoding="utf-8")
    assert "DTSTART;VALUE=DATE:20210930" in ics


def test_a_later_as_of_rewrites_only_the_pages_whose_status_moved(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(run, ROOT / "archive", out)
    docs = {p.name: p.read_bytes() for p in (out / "documents").glob("*.html")}
    r = run("site", "build", "--archive", ROOT / "archive", "--out", out, "--as-of", "2026-01-15")
    assert r.code == 0, r
    changed = {n for n, b in docs.items() if (out / "documents" / n).read_bytes() != b}
    # the Zibo measures expired on 2025-12-31; every other document kept its status
    assert changed == {"index.html", "淄博高新区-undated-c83def.html"}, changed
    zibo = (out / "documents" / "淄博高新区-undated-c83def.html").read_text()
    assert "已失效" in zibo
    assert "2026-01-15" in (out / "index.html").read_text(encoding="utf-8")


def test_redline_keeps_paragraphs_and_escapes_text() -> None:
    from policytrack.diff import InlineEdit
    from policytrack.site.render import redline_html

    html = str(
        redline_html(
            (
                InlineEdit("equal", "第一段。\n\n第二段"),
                InlineEdit("insert", "<b>新增</b>"),
                InlineEdit("delete", "旧"),
            )
        )
    )
    assert html == "第一段。<br><br>第二段<ins>&lt;b&gt;新增&lt;/b&gt;</ins><del>旧</del>"


def test_search_finds_text_numbers_and_titles_title_matches_first(run: Run, tmp_path: Path) -> None:
    from policytrack.site.search import search

    out = tmp_path / "site"
    build(run, ROOT / "archive", out)
    folder = out / "search"
    assert search(folder, "算力") == ["京技管发-2024-29"]  # in its text only
    assert search(folder, "京技管发〔2024〕29号")[0] == "京技管发-2024-29"
    assert search(folder, "ＡＩ原生")[0] == "京技管发-2024-29"  # full-width folded
    # 停车 in two titles (newest first), then in the texts of others
    parking = search(folder, "停车")
    assert parking[:2] == [
        "北京市机动车停车条例-2024-03-29-5177ed",
        "北京市机动车停车条例-2021-09-24-8767f1",
    ]
    assert search(folder, "无此内容的查询词语") == []
    assert search(folder, "法") == []  # one character stands alone nowhere in these texts


def test_search_index_is_updated_by_a_small_segment(seeded: Path, run: Run, tmp_path: Path) -> None:
    from policytrack.site.search import search

    out = tmp_path / "site"
    build(run, seeded, out)
    folder = out / "search"
    (base,) = json.loads((folder / "index.json").read_text())["segments"]
    base_files = {p: p.stat().st_mtime_ns for p in (folder / base["name"]).iterdir()}
    assert search(folder, "最高不超过500万元") == ["闵府规发-2018-4"]
    # a page-only change (base URL) leaves the search index alone
    r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01",
            "--base-url", "https://policy.example.org")  # fmt: skip
    assert r.code == 0 and "indexed for search" not in r.stdout, r
    edited = edited_seed(tmp_path, "minhang", "最高不超过500万元", "最高不超过鲲鹏八百万元")
    assert run("add", "--archive", seeded, edited, "--replace").code == 0
    r = run("site", "build", "--archive", seeded, "--out", out, "--as-of", "2025-10-01")
    assert "; 1 documents indexed for search" in r.stdout, r
    segments = json.loads((folder / "index.json").read_text())["segments"]
    assert segments[0]["name"] == base["name"] and len(segments) == 2
    assert len(segments[0]["deleted"]) == 1 and segments[1]["docs"] == 1
    assert {p: p.stat().st_mtime_ns for p in (folder / base["name"]).iterdir()} == base_files
    assert search(folder, "鲲鹏八百万元") == ["闵府规发-2018-4"]
    assert search(folder, "最高不超过500万元") == []  # the old version's entry is deleted
    for query in ("人工智能", "停车", "国务院"):
        assert search(folder, query) == _fresh_search(run, seeded, tmp_path, query), query


def _fresh_search(run: Run, archive: Path, tmp_path: Path, query: str) -> list[str]:
    from policytrack.site.search import search

    fresh = tmp_path / "fresh-site"
    build(run, archive, fresh)
    return search(fresh / "search", query)


@pytest.mark.slow
def test_search_segments_merge_and_answer_as_a_full_build(tmp_path: Path) -> None:
    """Many updates: small segments are merged, mostly deleted ones rewritten, and every
    query answers what an index built from scratch answers."""
    import random

    from policytrack.site import search as s

    corpus = sorted(LAWREF.rglob("*.md"))
    texts = [p.read_text(encoding="utf-8")[:3000] for p in corpus[:60]]
    assert len(texts) == 60
    rng = random.Random(7)

    def entry(i: int, version: int) -> s.Entry:
        body = texts[(i + version) % len(texts)]
        return s.Entry(
            f"doc-{i:03d}", f"b{i}-{version}", f"文件{i}", "", "", f"2020-01-{i % 28 + 1:02d}", body
        )

    versions = dict.fromkeys(range(40), 0)
    out = tmp_path / "site"

    def update() -> None:
        current = {i: entry(i, v) for i, v in versions.items()}
        index = s.SearchIndex(out)
        plan = index.plan({e.id: e.blob for e in current.values()})
        by_id = {e.id: e for e in current.values()}
        index.commit(
            [s.write_segment(index.folder, [by_id[i] for i in ids]) for ids in index.chunks(plan)]
        )

    update()
    queries = ["人民", "国务院", "第一条", "法律", "2019", "委员会", "不存在的词组"]
    for _round in range(14):
        for i in rng.sample(sorted(versions), 3):
            versions[i] += 1
        update()
        segments = json.loads((out / "search" / "index.json").read_text())["segments"]
        assert len(segments) <= s.MAX_SMALL_SEGMENTS + 1
        assert all(len(seg["deleted"]) * 2 <= seg["docs"] for seg in segments)
        fresh = tmp_path / f"fresh-{_round}"
        index = s.SearchIndex(fresh)
        everything = [entry(i, v) for i, v in versions.items()]
        index.commit([s.write_segment(index.folder, everything)])
        for q in queries:
            assert sorted(s.candidates(out / "search", q)) == sorted(
                s.candidates(fresh / "search", q)
            ), q
    names = {seg["name"] for seg in segments}
    assert {p.name for p in (out / "search").iterdir() if p.is_dir()} == names  # no leftovers


def test_document_lists_are_paged_and_only_the_changed_page_is_rendered(
    seeded: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policytrack.site.summary

    monkeypatch.setattr(policytrack.site.summary, "LIST_PAGE_SIZE", 2)
    out = tmp_path / "site"
    build(run, seeded, out)
    lists = sorted((out / "documents").glob("page-*.html"))
    assert [p.name for p in lists] == ["page-2.html", "page-3.html"]  # 5 documents, 2 a page
    listed = []
    for path in [out / "documents" / "index.html", *lists]:
        html = path.read_text(encoding="utf-8")
        assert 'href="page-3.html"' in html or path.name == "page-3.html"
        listed += re.findall(r'<td data-label="文号"><a href="../documents/([^"]+)\.html">', html)
    ids = sorted(p.stem for p in (out / "api" / "documents").glob("*.json"))
    assert sorted(__import__("urllib.parse").parse.unquote(i) for i in listed) == ids
    # a new title for the last document: its list page, its issuer's and jurisdiction's
    # lists, its own page and JSON, the API index — not the other list pages
    last = sorted(seeded.glob("*.md"))[-1]
    text = last.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)  # type: ignore[union-attr]
    edited = tmp_path / "renamed.md"
    edited.write_text(text.replace(f"title: {title}", f"title: {title}（修订）"), encoding="utf-8")
    r = run("add", "--archive", seeded, edited, "--replace")
    assert r.code == 0, r
    from policytrack.commands import site_build

    report = site_build(seeded, out, date(2025, 10, 1))
    html = {
        p: (out / "documents" / p).read_text(encoding="utf-8")
        for p in ("index.html", "page-2.html", "page-3.html")
    }
    assert sum("（修订）" in h for h in html.values()) == 1
    changed_lists = [
        w for w in report.written if re.fullmatch(r"documents/(index|page-\d+)\.html", w)
    ]
    assert len(changed_lists) == 1 and "（修订）" in html[changed_lists[0].split("/")[1]]
    # the other two list pages were not even rendered: their fingerprints held
    assert report.skipped >= 2 + 4  # two list pages + four unchanged documents' page and JSON


def test_a_long_lineage_lists_the_first_the_last_and_the_nearest_versions() -> None:
    from policytrack.sitedata import LINEAGE_SHOWN, _nearest

    versions = tuple(f"v{i:02d}" for i in range(40))
    shown = _nearest(versions, "v20")
    assert shown[0] == "v00" and shown[-1] == "v39"
    assert shown[1:-1] == versions[20 - LINEAGE_SHOWN : 21 + LINEAGE_SHOWN]
    assert _nearest(versions, "v00") == (*versions[: LINEAGE_SHOWN + 1], "v39")
    assert _nearest(versions[:20], "v05") == versions[:20]  # short lineages in full


def test_icalendar_text_is_escaped_and_folded_as_rfc_5545_says() -> None:
    from icalendar import Calendar

    from policytrack.site.feeds import _ical_line

    text = "关于印发《促进条例》的通知, 第一; 第二\\第三\n" + "人工智能产业高质量发展" * 8
    raw = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//ZH", "BEGIN:VEVENT",
         _ical_line("SUMMARY", text), "UID:x@t", "DTSTAMP:20250101T000000Z",
         "DTSTART;VALUE=DATE:20250101", "END:VEVENT", "END:VCALENDAR", ""]
    ).encode("utf-8")  # fmt: skip
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == text


def test_search_tokens_see_every_folded_character_as_nfkc_does() -> None:
    """Tokens are cut after folding only the characters a token can see; each character of
    the folded blocks, between CJK text, letters or digits, gives the tokens a full NFKC of
    the text gives (what the browser's table does)."""
    import unicodedata

    from policytrack.site.search import FOLD_RANGES, tokens

    for lo, hi in FOLD_RANGES:
        for cp in range(lo, hi + 1):
            for text in (f"总则{chr(cp)}附则", f"a{chr(cp)}1", chr(cp)):
                folded = "".join(unicodedata.normalize("NFKC", c) for c in text)
                assert tokens(text) == tokens(folded), (hex(cp), text)


def test_document_text_html_escapes_headings_paragraphs_tables_and_notices() -> None:
    """The text of a page is written by units_html, outside the template's autoescape:
    every kind of unit it writes escapes its text and leaves the markup balanced."""
    from policytrack.docfile.body import parse_units
    from policytrack.model import Document
    from policytrack.site.render import units_html

    body = (
        "> 通知<script>x()</script>\n\n"
        "## 第一章 总则<b>粗</b>\n\n"
        "#### 第一条 <i>条</i>\n\n"
        "内容<img src=x onerror=y>。\n\n"
        "| 项目<a> | 金额 |\n| --- | --- |\n| 补贴</td> | 500万元&amp; |\n"
    )
    html = str(units_html(Document(id="t", title="t", units=parse_units(body))))
    for raw in ("<script>", "<b>", "<i>", "<img", "<a>", "</td> |"):
        assert raw not in html
    for escaped in (
        "&lt;script&gt;",
        "&lt;b&gt;粗",
        "&lt;i&gt;条",
        "&lt;img src=x",
        "项目&lt;a&gt;",
    ):
        assert escaped in html
    assert "500万元&amp;amp;" in html
    assert '<blockquote class="notice">' in html and '<table class="doc-table">' in html
    page = Page()
    page.feed(html)
    page.close()
    assert page.errors == [] and page.stack == []
    assert {"notice", "ch-1", "art-1"} <= set(page.ids)


def test_public_pages_speak_chinese_without_tool_internals(
    seeded: Path, run: Run, tmp_path: Path
) -> None:
    """No page shows a flag, a command, an archive file name or an English status, reason,
    kind or relation; a value an editor set says so in Chinese."""
    r = run("set", "--archive", seeded, "京技管发〔2024〕29号", "issued=2024-11-20")
    assert r.code == 0, r
    out = tmp_path / "site"
    build(run, seeded, out)
    codes = re.compile(
        r"\b(?:in_force|not_yet_effective|repealed|amended|expired|unknown|superseded|"
        r"policy|regulation|interpretation|supersedes|cites|mentions|mentioned in|"
        r"effective|issued|published|stated|inferred|add|correct|set)\b"
    )
    for path in sorted(out.rglob("*.html")):
        html = re.sub(r"<script\b.*?</script>", " ", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<[^>]+>", " ", html)  # what a reader sees (scripts hold data)
        for internal in ("--set", "--", "policytrack set", "set by the user", ".md", "Error"):
            assert internal not in text, (path.name, internal)
        assert not codes.search(text), (path.name, codes.search(text))
    html = (out / "documents" / "京技管发-2024-29.html").read_text(encoding="utf-8")
    assert "现行有效" in html and "规范性文件" in html  # its 效力级别, inferred
    assert "由存档编辑人员设定" in html  # the date set with `policytrack set`


def test_the_kept_state_round_trips_through_its_codec(run: Run, tmp_path: Path) -> None:
    """What a build keeps for the next (site.state) reads back equal, each distinct status
    one shared object, and a state of another version is not read (a full build follows)."""
    import marshal
    import pickle

    from policytrack.archive import Archive
    from policytrack.site.build import previous_build
    from policytrack.site.state import SiteState

    out = tmp_path / "site"
    build(run, ROOT / "archive", out)  # the sample archive: lineages, stubs, expiries
    previous = previous_build(Archive.open(ROOT / "archive").state, out)
    assert previous is not None
    state = previous.state
    documents = sorted(p.stem for p in (ROOT / "archive").glob("*.md"))
    assert sorted(state.docs) == documents
    assert all(len(s.blob) == 40 and len(s.link_key) == 16 for s in state.docs.values())
    assert state.redlines and state.stubs and state.expiring and state.touches
    again = SiteState.decode(state.encode())
    assert again == state == pickle.loads(pickle.dumps(state))
    statuses = [s.status for s in again.docs.values()]
    assert len({id(s) for s in statuses}) == len(set(statuses)) < len(statuses)
    stored = marshal.loads(state.encode())
    with pytest.raises(ValueError):
        SiteState.decode(marshal.dumps((stored[0] - 1, *stored[1:])))
    with pytest.raises(ValueError):
        SiteState.decode(b"not a state")


@given(st.text(alphabet="&<>'\"ab中文\n ", max_size=30))
def test_a_paragraph_is_escaped_as_markupsafe_escapes_it(text: str) -> None:
    from markupsafe import escape

    from policytrack.site.render import _escaped

    assert _escaped(text) == str(escape(text))
