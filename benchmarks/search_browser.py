"""The site's search in headless Chromium under its "Fast 3G" throttling (562.5 ms latency,
1.6 Mbit/s down): for common two-character queries, the bytes the search page and the query
download and the time from submitting the query to the first result on screen. Budget
(issue 19): ≤ 500 KB and ≤ 1 s on the site of 3,000 corpus documents.

    python -m benchmarks.search_browser SITE_FOLDER [QUERY…]

`make bench` runs it on the real-corpus site it builds when Chromium is installed.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

QUERIES = ("管理", "保护", "安全", "数据", "规定", "人民", "信息")
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
    "uploadThroughput": 750 * 1024 / 8 * 0.9,
}
BUDGET_KB = 500
BUDGET_S = 1.0

# in the page, before the query is submitted: the time from the submit to the first result
_WATCH = """() => {
  window.__first = null;
  document.getElementById('search-form').addEventListener('submit',
    () => { window.__t0 = performance.now(); }, true);
  new MutationObserver(() => {
    if (window.__first === null && document.querySelector('#search-results li'))
      window.__first = performance.now() - window.__t0;
  }).observe(document.getElementById('search-results'), {childList: true});
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(site: Path, queries: tuple[str, ...] = QUERIES) -> list[dict[str, float | str]]:
    """Each query on a fresh page (empty cache): KB downloaded by the page and the query
    (every result's excerpt included) and seconds to the first result."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    out: list[dict[str, float | str]] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            for query in queries:
                page = browser.new_page(viewport={"width": 1366, "height": 900})
                cdp = page.context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
                cdp.send("Network.emulateNetworkConditions", FAST_3G)
                page.goto(root + "search.html")
                page.wait_for_load_state("networkidle")
                page.evaluate(_WATCH)
                page.fill("#search-input", query)
                page.press("#search-input", "Enter")
                page.wait_for_selector("#search-results li", timeout=60_000)
                # every result of the first page has its excerpt
                page.wait_for_function(
                    "() => { const li = document.querySelectorAll('#search-results li');"
                    " return li.length && [...li].every(x => x.querySelector('.search-excerpt')); }",
                    timeout=60_000,
                )
                page.wait_for_load_state("networkidle")
                first = page.evaluate("window.__first") / 1000
                size = page.evaluate(
                    "performance.getEntriesByType('navigation').concat("
                    "performance.getEntriesByType('resource'))"
                    ".reduce((n, e) => n + e.transferSize, 0)"
                )
                requests = page.evaluate("performance.getEntriesByType('resource').length + 1")
                shown = page.locator("#search-results li").count()
                out.append(
                    {
                        "query": query,
                        "kb": round(size / 1024, 1),
                        "first_result_s": round(first, 3),
                        "requests": requests,
                        "results_shown": shown,
                    }
                )
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def main() -> None:
    site = Path(sys.argv[1])
    queries = tuple(sys.argv[2:]) or QUERIES
    print(f"search on {site} under Fast 3G (budget {BUDGET_KB} KB, first result ≤ {BUDGET_S} s)")
    print(f"{'query':<8} {'KB':>7} {'first s':>8} {'requests':>9} {'shown':>6}")
    for r in measure(site, queries):
        print(
            f"{r['query']:<8} {r['kb']:>7} {r['first_result_s']:>8} "
            f"{r['requests']:>9} {r['results_shown']:>6}"
        )


if __name__ == "__main__":
    main()
