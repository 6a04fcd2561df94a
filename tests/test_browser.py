"""The built sample site in real headless Chromium: navigation, search, no console errors,
no request leaving the machine. Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator

import pytest

from policytrack.site.search import query_tokens, token_hash
from tests.conftest import ROOT, Run

pytestmark = pytest.mark.slow  # a real browser on a built site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
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
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


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

        page.get_by_role("link", name="文件 Documents").click()
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

        page.get_by_role("link", name="即将到期 Expiring").click()
        assert page.locator("h2#within-180").count() == 1
        page.screenshot(path=str(ARTIFACTS / "expiring.png"), full_page=True)

        page.get_by_role("link", name="搜索 Search").click()
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
