"""The built sample site in real headless Chromium: navigation, search, no console errors,
no request leaving the machine; every page type at a desktop (1366 px) and a phone (390 px)
width without horizontal overflow and with no axe-core violation; the search flow with ?q=
and filters, the version in force on a chosen day, comparing two versions, the 新旧对照表
download. Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from policytrack.site.search import query_tokens, token_hash
from tests.conftest import ROOT, Run

pytestmark = pytest.mark.slow  # a real browser on a built site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core 4.14.1, see vendor/README.md
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "Chromium is required in CI (apt-get install chromium); .ci/run installs it"
            )
        pytest.skip(
            "Chromium not installed: browser tests skipped locally (apt-get install chromium to run them)"
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from typer.testing import CliRunner

    from policytrack.cli import app

    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(
        app,
        [
            "site",
            "build",
            "--archive",
            str(ROOT / "archive"),
            "--out",
            str(out),
            "--as-of",
            "2025-10-01",
        ],
    )
    assert result.exit_code == 0, result.stdout
    from policytrack.cli.site_cmd import _handler

    handler = functools.partial(_quiet(_handler()), directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _quiet(handler: type) -> type:
    """`site serve`'s handler (404.html for a missing page) without its access log."""

    class Quiet(handler):  # type: ignore[valid-type,misc]
        def log_message(self, format: str, *args: object) -> None:
            pass

    return Quiet


def test_home_document_redline_expiring_and_search(
    chromium: str, served_site: str, run: Run
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    external: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def guard(route, request) -> None:  # type: ignore[no-untyped-def]
            if request.url.startswith(served_site):
                route.continue_()
            else:
                external.append(request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(served_site + "index.html")
        assert page.locator("h1").inner_text().startswith("政策文件追踪")
        page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

        page.get_by_role("link", name="文件", exact=True).click()
        page.get_by_role("link", name="京技管发〔2024〕29号").first.click()
        assert page.locator("#art-12").count() == 1
        assert "现行有效" in page.locator(".meta").inner_text()
        page.screenshot(path=str(ARTIFACTS / "document.png"), full_page=False)

        page.goto(served_site + "index.html")
        page.get_by_role(
            "link", name="北京市机动车停车条例（2021-09-24） → 北京市机动车停车条例（2024-03-29）"
        ).click()
        assert page.locator("ins, del").count() > 0
        page.screenshot(path=str(ARTIFACTS / "redline.png"), full_page=False)

        page.get_by_role("link", name="即将到期", exact=True).click()
        assert page.locator("h2#within-180").count() == 1
        page.screenshot(path=str(ARTIFACTS / "expiring.png"), full_page=True)

        page.get_by_role("link", name="搜索", exact=True).click()
        page.locator("#search-input").fill("算力")
        results = page.locator("#search-results")
        expect(results).to_contain_text(
            "北京经济技术开发区关于加快打造AI原生产业创新高地的若干政策", timeout=15000
        )
        expect(results).to_contain_text("京技管发〔2024〕29号")
        # the browser's tokens and hashes are the indexer's (policytrack.site.search)
        samples = [
            "算力",
            "京技管发〔2024〕29号",
            "ＡＩ原生 产业",
            "法",
            "第十二条（一）",
            "第①项Ⅳ类㈠",
        ]
        got = page.evaluate(
            "s => s.map(t => [window.policytrackSearch.tokens(t),"
            " window.policytrackSearch.tokens(t).map(window.policytrackSearch.hash)])",
            samples,
        )
        for text, (toks, hashes) in zip(samples, got, strict=True):
            assert set(toks) == query_tokens(text), text
            assert hashes == [token_hash(t) for t in toks], text
        page.locator("#search-input").fill("无此内容的查询词语")
        expect(page.locator("#search-status")).to_contain_text("没有找到", timeout=15000)
        page.locator("#search-input").fill("京技管发〔2024〕29号")
        expect(results.locator("li").first).to_contain_text("京技管发〔2024〕29号", timeout=15000)
        page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=False)
        browser.close()
    assert errors == []
    assert external == []


# every page type of the sample site, by a path that shows it
PAGE_TYPES = {
    "home": "index.html",
    "documents": "documents/index.html",
    "document": "documents/京技管发-2024-29.html",
    "long-law": "documents/中华人民共和国反洗钱法-2024-11-08-eb12fa.html",
    "historical-version": "documents/北京市机动车停车条例-2021-09-24-8767f1.html",
    "untitled": "documents/淄博高新区-undated-c83def.html",
    "comparison": "changes/北京市机动车停车条例-2021-09-24-8767f1--北京市机动车停车条例-2024-03-29-5177ed.html",
    "expiring": "expiring.html",
    "issuers": "issuers.html",
    "issuer": "issuers/北京市人民代表大会常务委员会-{slug}/index.html",
    "search": "search.html?q=停车",
    "not-found": "no/such/page.html",
}
WIDTHS = {"desktop": 1366, "phone": 390}


def _url(served_site: str, path: str) -> str:
    from policytrack.site import group_slug

    path = path.replace(
        "北京市人民代表大会常务委员会-{slug}", group_slug("北京市人民代表大会常务委员会")
    )
    return served_site + quote(path, safe="/?=&")


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        yield b
        b.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_every_page_type_fits_the_screen_and_has_no_axe_violation(
    browser: object, served_site: str, kind: str, width: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": WIDTHS[width], "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(_url(served_site, PAGE_TYPES[kind]))
    assert response is not None
    assert response.status == (404 if kind == "not-found" else 200)
    if kind == "search":
        page.wait_for_selector("#search-results li .search-excerpt", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() == 1
    # no page is wider than the screen: long hashes, addresses and tables wrap or stack
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{kind} at {WIDTHS[width]} px is {scroll} px wide"
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > w + 1 && getComputedStyle(e).position !== 'absolute')
          .map(e => e.tagName + '.' + e.className).slice(0, 5)""",
        WIDTHS[width],
    )
    assert wide == [], f"{kind} at {WIDTHS[width]} px: {wide}"
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
    )
    assert violations == [], f"{kind} at {WIDTHS[width]} px: {violations}"
    page.screenshot(path=str(ARTIFACTS / f"{kind}-{width}.png"), full_page=True)
    assert errors == []
    page.close()


def test_phone_lists_are_cards_that_keep_the_status(browser: object, served_site: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 900})  # type: ignore[attr-defined]
    page.goto(_url(served_site, "documents/index.html"))
    row = page.locator("table.cards tbody tr").first
    assert page.evaluate("e => getComputedStyle(e).display", row.element_handle()) == "block"
    status = row.locator('td[data-label="时效性"]')
    assert status.is_visible() and status.locator(".badge").count() == 1
    page.goto(_url(served_site, "documents/index.html"))
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.evaluate("e => getComputedStyle(e).display", row.element_handle()) == "table-row"
    page.close()


def test_search_keeps_the_query_and_filters_in_the_address(
    browser: object, served_site: str
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    page.goto(_url(served_site, "search.html?q=停车"))
    results = page.locator("#search-results li")
    expect(results.first).to_contain_text("北京市机动车停车条例", timeout=15000)
    expect(page.locator("#search-status")).to_contain_text("找到 3 个文件")
    # each result: its status, its date, and a link to the article the words are in
    first = results.first
    expect(first.locator(".badge")).to_have_text("现行有效")
    expect(first.locator(".search-excerpt")).to_contain_text("第一条：", timeout=15000)
    assert first.locator("a").first.get_attribute("href").endswith("#art-1")  # type: ignore[union-attr]
    assert "，" in first.locator(".search-excerpt").inner_text()  # punctuation as written
    # a filter narrows the results and goes into the address
    page.select_option("#filter-status", "amended")
    expect(page.locator("#search-status")).to_contain_text("找到 1 个文件（已筛选）")
    assert "status=amended" in page.url and "q=" in page.url
    expect(results).to_have_count(1)
    expect(results.first.locator(".badge")).to_have_text("已被修改")
    page.screenshot(path=str(ARTIFACTS / "search-filtered.png"), full_page=False)
    # a new query, then back: the filtered search again, from the address
    page.locator("#search-input").fill("算力")
    page.locator("#search-input").press("Enter")
    expect(page.locator("#search-status")).to_contain_text("找到", timeout=15000)
    assert "q=%E7%AE%97%E5%8A%9B" in page.url
    page.go_back()
    expect(page.locator("#search-input")).to_have_value("停车")
    expect(page.locator("#filter-status")).to_have_value("amended")
    expect(page.locator("#search-status")).to_contain_text("找到 1 个文件（已筛选）", timeout=15000)
    page.go_back()
    expect(page.locator("#search-status")).to_contain_text("找到 3 个文件", timeout=15000)
    page.close()


def test_the_version_in_force_on_a_chosen_day(browser: object, served_site: str) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 390, "height": 900})  # type: ignore[attr-defined]
    page.goto(_url(served_site, "documents/北京市机动车停车条例-2021-09-24-8767f1.html"))
    banner = page.locator(".banner")
    expect(banner).to_contain_text("此为历史版本")
    expect(banner.get_by_role("link")).to_have_text("北京市机动车停车条例（2024-03-29）")
    for day, version in (
        ("2022-06-01", "北京市机动车停车条例（2021-09-24）"),
        ("2024-03-29", "北京市机动车停车条例（2024-03-29）"),
        ("2025-10-01", "北京市机动车停车条例（2024-03-29）"),
    ):
        page.fill("#as-of-date", day)
        page.locator("#as-of-form button").click()
        expect(page.locator("#as-of-result")).to_contain_text(f"{day} 施行的版本：{version}")
        assert f"date={day}" in page.url
    page.fill("#as-of-date", "2019-01-01")
    page.locator("#as-of-form button").click()
    expect(page.locator("#as-of-result")).to_contain_text("尚无施行中的版本")
    page.screenshot(path=str(ARTIFACTS / "as-of-phone.png"), full_page=False)
    # the day in the address is shown when the page opens (a link to "as it stood on")
    page.goto(page.url.split("?")[0] + "?date=2022-06-01")
    expect(page.locator("#as-of-result")).to_contain_text("北京市机动车停车条例（2021-09-24）")
    # any two versions: the form opens their comparison
    page.select_option("#compare-old", index=1)
    page.select_option("#compare-new", index=0)
    page.locator("#compare-form button").click()
    expect(page.locator("h1")).to_contain_text("版本对比")
    page.close()


def test_the_comparison_downloads_as_a_word_table(
    browser: object, served_site: str, tmp_path: Path
) -> None:
    import docx

    page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    page.goto(_url(served_site, PAGE_TYPES["comparison"]))
    table = page.locator("table.sidebyside")
    assert table.locator("th").all_inner_texts() == ["修改前", "修改后"]
    assert table.locator("del").count() > 0 and table.locator("ins").count() > 0
    with page.expect_download() as info:
        page.get_by_role("link", name="下载新旧对照表（Word .docx）").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.suffix == ".docx"
    word = docx.Document(str(target))
    (grid,) = word.tables
    assert [c.text for c in grid.rows[0].cells] == ["修改前", "修改后"]
    assert len(grid.rows) - 1 == table.locator("tbody tr").count()
    # the same rows as the page: each row's text, without the marks
    first_page = table.locator("tbody tr").first.locator("td").all_inner_texts()
    first_word = [c.text for c in grid.rows[1].cells]
    assert [t.replace("\n", "") for t in first_word] == [t.replace("\n", "") for t in first_page]
    page.close()


def test_long_texts_have_contents_deep_links_and_print_without_chrome(
    browser: object, served_site: str
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    page.goto(_url(served_site, PAGE_TYPES["long-law"]))
    toc = page.locator("nav.toc a")
    assert toc.count() >= 60
    assert toc.first.get_attribute("href") == "#ch-1"
    page.locator('nav.toc a[href="#art-12"]').click()
    assert page.url.endswith("#art-12")
    buttons = page.locator("section.unit-article .copy-link")
    assert buttons.count() == page.locator("section.unit-article").count() >= 60
    page.emulate_media(media="print")
    for hidden in ("header.site", "nav.toc", ".copy-link"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("#art-12").is_visible()
    page.pdf(path=str(ARTIFACTS / "long-law-print.pdf"))
    page.close()
