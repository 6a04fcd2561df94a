"""Documents as governments publish them: web pages, .docx and PDF files, and `add URL`.

Every fixture is built from real text (the seeds, the corpus); the check that matters is that
the canonical document equals what plain-text ingestion gives for the same document."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from policytrack.docfile import parse, serialise
from policytrack.errors import IngestError
from policytrack.ingest import ingest
from tests.conftest import LAWREF, SEED, Run, git
from tests.fixtures.documents import make_docx, make_page, make_pdf, seed_lines

YIZHUANG_TITLE = "北京经济技术开发区关于加快打造AI原生产业创新高地的若干政策"
PAGE_FIELDS = {
    "title": YIZHUANG_TITLE,
    "index_no": "11110000MB0000000X/2024-00123",
    "issuer": "北京经济技术开发区管理委员会",
    "issued": "2024年11月24日",
    "published": "2024-11-24",
    "doc_number": "京技管发〔2024〕29号",
    "attachment": "人工智能产业政策申报指南",
    "declared_charset": "utf-8",
}
PAGE_URL = "https://kfqgw.beijing.gov.cn/zwgk/zcwj/202411/t20241125_1.html"


def plain(text: str, name: str = "plain.txt") -> Any:
    return ingest(text.encode("utf-8"), name)


def page_plain_text(template: str) -> str:
    """The same document as plain text: the seed, plus the 附件 line a page shows in its
    main text (gov.cn puts the attachment link inside the article)."""
    text = SEED["yizhuang"].read_text(encoding="utf-8")
    if template == "govcn_policy_library.html":
        text += f"\n附件：{PAGE_FIELDS['attachment']}.pdf\n"
    return text


# --- web pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["govcn_policy_library.html", "district_xxgk.html"])
def test_web_page_gives_the_plain_text_document(template: str) -> None:
    page = make_page(template, seed_lines(SEED["yizhuang"]), **PAGE_FIELDS)
    got = ingest(page.encode("utf-8"), "t20241125_1.html", url=PAGE_URL)
    want = plain(page_plain_text(template))
    d, w = got.document, want.document
    assert d.body == w.body
    assert (d.id, d.title, d.doc_number, d.issuer) == (w.id, w.title, w.doc_number, w.issuer)
    assert (d.window.effective.value, d.window.expires.value) == (
        w.window.effective.value,
        w.window.expires.value,
    )
    assert d.window.issued.value == w.window.issued.value
    # the publisher's table is the evidence, and it agrees with the text
    ev = d.field_evidence("doc_number")
    assert ev is not None and "page metadata table" in ev.evidence and "text agrees" in ev.evidence
    # the text dates only its signing: the publisher's 发布日期 states the publication
    assert d.window.published.rule == "page label 发布日期 (official page)"
    assert got.warnings == ()
    # page furniture is gone and reported; 索引号 and 主题分类 are kept aside
    reasons = dict(got.stripped)
    assert "page furniture" in reasons
    stripped_text = " ".join(t for _, t in got.stripped)
    assert "当前位置" in stripped_text or "您的位置" in stripped_text
    assert "版权所有" in stripped_text
    assert ("page metadata (kept aside)", f"索引号：{PAGE_FIELDS['index_no']}") in got.stripped
    for noise in ("分享", "打印", "ICP", "相关稿件", "English", "搜索"):
        assert noise not in d.body
    # the attachment is a relation of the document, with its absolute address
    (att,) = [r for r in d.relations if r.type == "attachment"]
    assert att.title == PAGE_FIELDS["attachment"]
    assert att.evidence.startswith("https://kfqgw.beijing.gov.cn/") and att.evidence.endswith(
        (".pdf", ".docx")
    )
    assert d.source.url == PAGE_URL and d.source.file == "t20241125_1.html"


def test_the_text_wins_over_the_metadata_table_and_both_are_named(
    run: Run, seeded: Path, tmp_path: Path
) -> None:
    fields = {**PAGE_FIELDS, "doc_number": "京技管发〔2024〕30号", "published": "2024-11-26"}
    page = tmp_path / "policy.html"
    page.write_text(
        make_page("govcn_policy_library.html", seed_lines(SEED["yizhuang"]), **fields),
        encoding="utf-8",
    )
    got = ingest(page.read_bytes(), page.name)
    d = got.document
    # the document's own header prints 29号: the table's 30号 does not replace it
    assert d.doc_number == "京技管发〔2024〕29号" and d.id == "京技管发-2024-29"
    assert any(
        "the page's metadata table 发文字号 gives 京技管发〔2024〕30号 but the text says "
        "京技管发〔2024〕29号"
        in w
        and "kept the text's" in w
        for w in got.warnings
    )
    # both evidences stay with the document, and check names them
    assert "disagrees: the page's metadata table 发文字号 gives 京技管发〔2024〕30号" in (
        d.field_evidence("doc_number").evidence  # type: ignore[union-attr]
    )
    r = run("add", "--archive", seeded, page, "--replace")
    assert r.code == 0, r
    r = run("check", "--archive", seeded)
    assert (
        "京技管发-2024-29.md: doc_number: the text says 京技管发〔2024〕29号 but the page's "
        "metadata table 发文字号 gives 京技管发〔2024〕30号" in r.stdout + r.stderr
    )
    # what the text leaves open, the table fills: it states the publication date
    assert d.window.published.value.isoformat() == "2024-11-26"
    assert d.window.published.evidence == "发布日期：2024-11-26"
    # 自公布之日起施行 follows the publisher's date
    assert d.window.effective.value.isoformat() == "2024-11-26"
    # the dry run shows both evidences, and the user still has the last word
    r = run("add", "--archive", seeded, page, "--dry-run")
    assert r.code == 0, r
    assert "kept the text's" in r.stdout and "京技管发〔2024〕30号" in r.stdout
    r = run(
        "add", "--archive", seeded, page, "--dry-run", "--set", "doc_number=京技管发〔2024〕30号"
    )
    assert r.code == 0, r
    first = r.stdout.split("\n")[0]
    assert first.startswith("added: ") and first.split()[1].endswith("/京技管发-2024-30.md")


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [("utf-8", "gb18030"), ("gb2312", "utf-8"), ("big5", "utf-8"), ("utf-8", "utf-16")],
)
def test_declared_charset_is_not_trusted(declared: str, encoding: str) -> None:
    fields = {**PAGE_FIELDS, "declared_charset": declared}
    lines = seed_lines(SEED["yizhuang"])
    page = make_page("district_xxgk.html", lines, **fields)
    data = page.encode(encoding)
    d = ingest(data, "page.htm").document
    assert d.source.encoding.startswith(encoding[:3])
    assert d.body == plain(page_plain_text("district_xxgk.html")).document.body


def test_page_without_metadata_table_uses_its_title_and_text() -> None:
    lines = seed_lines(SEED["zibo"])
    html = (
        "<html><head><title>淄博高新区关于人工智能的实施意见 - 淄博高新区管委会</title></head><body>"
        '<div class="nav"><a href="/">首页</a><a href="/zw">政务</a></div>'
        '<div id="zoom">' + "".join(f"<p>{line}</p>" for line in lines) + "</div>"
        '<div class="footer">版权所有 淄博高新区</div></body></html>'
    )
    got = ingest(html.encode("gb18030"), "zoom.html").document
    # the publisher's page title states a title the text itself does not
    assert got.title == "淄博高新区关于人工智能的实施意见"
    assert (
        got.body
        == "# 淄博高新区关于人工智能的实施意见\n\n"
        + plain(SEED["zibo"].read_text(encoding="utf-8")).document.body
    )


# --- Word and PDF ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED))
def test_docx_and_pdf_give_the_plain_text_document(name: str) -> None:
    lines = seed_lines(SEED[name])
    want = plain(SEED[name].read_text(encoding="utf-8")).document
    docx = ingest(make_docx(lines), f"{name}.docx")
    pdf = ingest(make_pdf(lines), f"{name}.pdf")
    for got in (docx, pdf):
        d = got.document
        assert d.body == want.body
        assert (d.id, d.doc_number, d.issuer, d.window) == (
            want.id,
            want.doc_number,
            want.issuer,
            want.window,
        )
    # running header and page numbers are reported, never in the text
    running = [t for why, t in pdf.stripped if why.startswith("running header")]
    assert "北京经济技术开发区管理委员会文件" in running and "— 1 —" in running
    assert "— 2 —" not in pdf.document.body and "管理委员会文件" not in pdf.document.body


def corpus_sample() -> list[Path]:
    files = sorted((LAWREF / "versions").rglob("*.md"))
    return files[:: max(1, len(files) // 6)][:6]


@pytest.mark.parametrize("path", corpus_sample(), ids=lambda p: p.stem[:20])
def test_pdf_of_corpus_laws_rejoins_every_article(path: Path) -> None:
    """Laws with 编/章/节/条 and long articles: a typeset PDF re-joins to the same text."""
    want = ingest(path.read_bytes(), path.name).document
    body_lines = [ln for ln in want.body.splitlines() if ln.strip()]
    text = "\n".join(re.sub(r"^#+ |^> ?|\\", "", ln) for ln in body_lines)
    from_text = plain(text, "law.txt").document
    from_pdf = ingest(make_pdf(text.splitlines(), title_index=0), "law.pdf").document
    assert [u.text for u in from_pdf.articles] == [u.text for u in from_text.articles]
    assert len(from_pdf.articles) == len(want.articles) > 0


def test_docx_numbering_headings_and_tables() -> None:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("关于印发支持人工智能产业发展若干措施的通知", style="Title")
    document.add_paragraph("各有关单位：")
    for text in ("加大算力支持力度。", "支持模型研发。", "鼓励场景开放。"):
        document.add_paragraph(text, style="List Number")
    document.add_heading("支持标准", level=2)
    grid = document.add_table(rows=3, cols=2)
    for r, row in enumerate(
        (("项目", "支持标准"), ("算力券", "最高2000万元"), ("模型券", "合同金额50%|最高500万元"))
    ):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    d = ingest(out.getvalue(), "measures.docx").document
    assert (
        "1\\. 加大算力支持力度。\n\n2\\. 支持模型研发。\n\n3\\. 鼓励场景开放。\n\n## 支持标准\n"
        in d.body
    )
    assert (
        "| 项目 | 支持标准 |\n| --- | --- |\n| 算力券 | 最高2000万元 |\n| 模型券 | 合同金额50%\\|最高500万元 |"
        in d.body
    )
    assert serialise(parse(serialise(d), f"{d.id}.md")) == serialise(d)


def test_docx_chinese_automatic_numbering() -> None:
    """第%1条 with chineseCounting, as Word documents of regulations number articles."""
    import io

    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering.append(
        parse_xml(
            f'<w:abstractNum {ns} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(parse_xml(f'<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    document.add_paragraph("某某市数据条例")
    for n in range(12):
        p = document.add_paragraph(f"第{n + 1}项规定的内容。")
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {ns}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')
        )
    out = io.BytesIO()
    document.save(out)
    d = ingest(out.getvalue(), "regulation.docx").document
    assert [a.label for a in d.articles] == [f"第{n}条" for n in "一二三四五六七八九十"] + [
        "第十一条",
        "第十二条",
    ]
    assert d.articles[10].text == "第11项规定的内容。"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "old.doc",
            "Word 97-2003 .doc or WPS file; save it as .docx or PDF",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.png", "PNG image .*run OCR first"),
        (b"PK\x03\x04", "broken.docx", "damaged zip/Office file"),
    ],
)
def test_unsupported_files_name_what_is_supported(data: bytes, name: str, message: str) -> None:
    with pytest.raises(IngestError, match=message) as info:
        ingest(data, name)
    assert "Supported:" in str(info.value) or "damaged" in str(info.value)


def test_zip_containers_that_are_not_docx(tmp_path: Path) -> None:
    import io
    import zipfile

    for member, what in (
        ("xl/workbook.xml", "Excel workbook"),
        ("OFD.xml", "OFD file"),
        ("a.txt", "zip archive"),
    ):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr(member, "<x/>")
        with pytest.raises(IngestError, match=what):
            ingest(out.getvalue(), "file.bin")


def test_scanned_pdf_is_refused_clearly(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = tmp_path / "scan.png"
    Image.new("L", (200, 280), 255).save(png)
    pdf = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawImage(ImageReader(str(png)), 50, 50, 400, 560)
    c.save()
    with pytest.raises(
        IngestError, match=r"has no text layer: it is a scanned document .* run OCR first"
    ):
        ingest(pdf.read_bytes(), pdf.name)


# --- add URL -----------------------------------------------------------------------------------------


@dataclass
class Site:
    """A loopback web server with routes: path → (status, headers, body, delay)."""

    server: ThreadingHTTPServer
    routes: dict[str, tuple[int, dict[str, str], bytes, float]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def site() -> Iterator[Site]:
    holder: dict[str, Site] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            s = holder["site"]
            s.hits.append(self.path)
            status, headers, body, delay = s.routes.get(
                self.path, (404, {"Content-Type": "text/html"}, b"<h1>404 Not Found</h1>", 0.0)
            )
            time.sleep(delay)
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["site"] = Site(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield holder["site"]
    server.shutdown()
    server.server_close()


def test_add_url_follows_redirects_and_records_provenance(
    run: Run, archive: Path, site: Site
) -> None:
    page = make_page("district_xxgk.html", seed_lines(SEED["yizhuang"]), **PAGE_FIELDS)
    # served as GB18030 while both the header and the page say UTF-8
    site.routes["/zwgk/zcwj/t20241125_1.html"] = (
        200, {"Content-Type": "text/html; charset=utf-8"}, page.encode("gb18030"), 0.0
    )  # fmt: skip
    site.routes["/old/29.html"] = (301, {"Location": "/zwgk/zcwj/t20241125_1.html"}, b"", 0.0)
    pdf_lines = seed_lines(SEED["minhang"])
    site.routes["/files/download?id=7"] = (
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="minhang.pdf"',
        },
        make_pdf(pdf_lines),
        0.0,
    )
    r = run("add", "--archive", archive, site.url("/old/29.html"), site.url("/files/download?id=7"))
    assert r.code == 0, r
    assert "archive/京技管发-2024-29.md — 京技管发〔2024〕29号" in r.stdout
    assert "archive/闵府规发-2018-4.md — 闵府规发〔2018〕4号" in r.stdout
    assert f"redirected from {site.url('/old/29.html')}" in r.stderr
    stored = parse(
        (archive / "京技管发-2024-29.md").read_text(encoding="utf-8"), "京技管发-2024-29.md"
    )
    assert stored.source.url == site.url("/zwgk/zcwj/t20241125_1.html")
    assert stored.source.file == "t20241125_1.html" and stored.source.encoding == "gb18030"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stored.source.retrieved)
    assert stored.body == plain(page_plain_text("district_xxgk.html")).document.body
    minhang = parse(
        (archive / "闵府规发-2018-4.md").read_text(encoding="utf-8"), "闵府规发-2018-4.md"
    )
    assert minhang.source.file == "minhang.pdf"
    assert minhang.body == plain(SEED["minhang"].read_text(encoding="utf-8")).document.body
    log = git(archive, "log", "--format=%B")
    assert f"Source-URL: {site.url('/zwgk/zcwj/t20241125_1.html')}" in log


@pytest.mark.parametrize(
    ("path", "route", "args", "message"),
    [
        ("/missing.html", None, (), "the server answered HTTP 404 Not Found; check the address"),
        (
            "/slow.html",
            (200, {"Content-Type": "text/html"}, b"<p>late</p>", 3.0),
            ("--timeout", "0.5"),
            "no complete answer within 0.5 s; try again later or raise --timeout",
        ),
        (
            "/huge.pdf",
            (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4" + bytes(5000), 0.0),
            ("--max-bytes", "4096"),
            "over the limit of 4,096 bytes; raise it with --max-bytes",
        ),
        (
            "/loop",
            (302, {"Location": "/loop"}, b"", 0.0),
            (),
            "redirects in a loop",
        ),
    ],
)
def test_add_url_failures_are_one_error_and_change_nothing(
    run: Run, seeded: Path, site: Site, path: str, route: Any, args: tuple[str, ...], message: str
) -> None:
    if route:
        site.routes[path] = route
    head = git(seeded, "rev-parse", "HEAD")
    files = sorted(p.name for p in seeded.iterdir())
    started = time.monotonic()
    r = run("add", "--archive", seeded, *args, site.url(path))
    assert r.code == 1
    assert r.stderr.startswith("Error: ") and message in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert git(seeded, "rev-parse", "HEAD") == head
    assert sorted(p.name for p in seeded.iterdir()) == files
    if path == "/slow.html":
        assert (
            time.monotonic() - started < 2.5
        )  # gave up at the timeout, not when the server answered


def test_unreachable_host(run: Run, archive: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run("add", "--archive", archive, f"http://127.0.0.1:{port}/policy.html")
    assert r.code == 1
    assert r.stderr.startswith(f"Error: cannot reach 127.0.0.1:{port} (")
    assert "check the address and the connection" in r.stderr


def test_page_attachments_survive_the_archive_round_trip(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    page = tmp_path / "policy.html"
    page.write_text(
        make_page("govcn_policy_library.html", seed_lines(SEED["yizhuang"]), **PAGE_FIELDS),
        encoding="utf-8",
    )
    assert run("add", "--archive", archive, page, "--url", PAGE_URL).code == 0
    r = run("check", "--archive", archive)
    assert r.code == 0, r
    r = run("show", "--archive", archive, "京技管发〔2024〕29号", "--json")
    assert r.code == 0, r
    assert "人工智能产业政策申报指南" in r.stdout


def test_docx_table_reaches_the_website_as_a_table(run: Run, archive: Path, tmp_path: Path) -> None:
    lines = seed_lines(SEED["zibo"])
    docx_file = tmp_path / "zibo.docx"
    docx_file.write_bytes(
        make_docx(lines, table=[["项目", "支持标准"], ["算力券", "合同金额50%|最高500万元"]])
    )
    assert run("add", "--archive", archive, docx_file).code == 0
    out = tmp_path / "site"
    r = run("site", "build", "--archive", archive, "--out", out, "--as-of", "2025-10-01")
    assert r.code == 0, r
    (page,) = (out / "documents").glob("淄博*.html")
    html = page.read_text(encoding="utf-8")
    assert '<table class="doc-table"><thead><tr><th>项目</th><th>支持标准</th></tr></thead>' in html
    assert "<td>合同金额50%|最高500万元</td>" in html
