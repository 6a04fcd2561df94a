"""The site build's same-run baseline: Hugo rendering the same documents.

Each archive document becomes a Hugo content page (its title, date and Markdown body);
minimal layouts render each as an HTML page with its title and text, plus the home page
and the section's list. Hugo is the Debian package (`apt-get install -y hugo`; 0.111 on
Debian 12); without it the benchmark says so and reports no ratio. HTML pages are counted
alike on both sides: every `*.html` file the build wrote.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

from policytrack.docfile import parse, split_front_matter

_LAYOUT_SINGLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
<p>{{ .Params.doc_number }} {{ .Params.issuer }} {{ .Date.Format "2006-01-02" }}</p>
{{ .Content }}</body></html>
"""
_LAYOUT_LIST = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></body></html>
"""


class Measured(NamedTuple):
    """One build: wall time, CPU time of the process and its children, HTML pages."""

    ms: float
    cpu_s: float
    html_pages: int


def hugo() -> str | None:
    """The hugo executable, or None when it is not installed."""
    return shutil.which("hugo")


def write_site(archive_root: Path, folder: Path) -> int:
    """A Hugo site of every document in the archive; returns the number of content pages."""
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "layouts" / "_default" / "single.html").write_text(_LAYOUT_SINGLE, encoding="utf-8")
    (folder / "layouts" / "_default" / "list.html").write_text(_LAYOUT_LIST, encoding="utf-8")
    (folder / "config.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "policytrack baseline"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n',
        encoding="utf-8",
    )
    content = folder / "content" / "documents"
    content.mkdir(parents=True)
    n = 0
    for path in sorted(archive_root.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        doc = parse(text, path.name)
        day = doc.window.issued.value or doc.window.published.value or doc.window.effective.value
        front = {
            "title": doc.title,
            "date": day.isoformat() if day else "2000-01-01",
            "doc_number": doc.doc_number or "",
            "issuer": doc.issuer or "",
        }
        _, body = split_front_matter(text, path.name)
        page = json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + body
        (content / f"{doc.id}.md").write_text(page, encoding="utf-8")
        n += 1
    return n


def build(folder: Path) -> Measured:
    """One `hugo` build of the site into folder/public (emptied first)."""
    exe = hugo()
    assert exe is not None
    shutil.rmtree(folder / "public", ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [exe, "--source", str(folder), "--quiet"], check=True, capture_output=True, text=True
    )
    ms = (time.perf_counter() - t) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(ms, cpu, html_pages(folder / "public"))


def html_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))
