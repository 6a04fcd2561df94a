"""The site's feeds work wherever they are read: every link of every Atom feed and of the
iCalendar feed, resolved against the feed's own address as a reader does (RFC 3986), answers
200 from the served site, with and without --base-url; jurisdiction feeds hold their
documents; a feed per lineage; DTSTAMP never after the as-of date."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote, urljoin

import pytest

from tests.conftest import ROOT, Run

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://policy.example.org/zhengce/"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[object]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def build(run: Run, out: Path, *extra: str, as_of: str = "2025-10-01") -> None:
    result = run(
        "site", "build", "--archive", ROOT / "archive", "--out", out, "--as-of", as_of, *extra
    )
    assert result.code == 0, result


def feed_links(site: Path) -> dict[str, list[str]]:
    """Every link of every feed, by the feed's path in the site."""
    out: dict[str, list[str]] = {}
    for path in sorted(site.glob("feeds/**/*.xml")):
        root = ET.fromstring(path.read_bytes())
        links = [link.get("href") or "" for link in root.iter(f"{ATOM}link")]
        out[path.relative_to(site).as_posix()] = links
    ics = (site / "calendar" / "expiries.ics").read_bytes().decode("utf-8")
    unfolded = ics.replace("\r\n ", "")
    out["calendar/expiries.ics"] = re.findall(r"^URL:(.+)$", unfolded, re.M)
    return out


def status(url: str) -> int:
    with urllib.request.urlopen(url) as response:  # raises on 404
        return int(response.status)


@pytest.mark.parametrize("base_url", ["", BASE])
def test_every_feed_link_resolves_against_the_served_site(
    run: Run, tmp_path: Path, serve: object, base_url: str
) -> None:
    site = tmp_path / "site"
    build(run, site, *(["--base-url", base_url] if base_url else []))
    root = serve(site)  # type: ignore[operator]
    links = feed_links(site)
    assert len(links) >= 14 and sum(map(len, links.values())) >= 40
    assert any(p.startswith("feeds/versions/") for p in links)
    for feed, hrefs in links.items():
        for href in hrefs:
            if base_url:
                assert href.startswith(BASE), (feed, href)  # absolute, under the base
                url = root + href[len(BASE) :]
            else:
                assert not re.match(r"^[a-z]+:", href), (feed, href)  # relative
                url = urljoin(root + quote(feed), href)  # as a reader resolves it
            assert status(url) == 200, (feed, href, url)


def test_jurisdiction_feeds_hold_each_jurisdictions_latest_changes(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each jurisdiction's feed has its own latest changes, however many changes of other
    places came after (here: two a feed, from a history of 22 changes)."""
    import policytrack.sitedata
    from policytrack.commands import site_build

    monkeypatch.setattr(policytrack.sitedata, "RECENT_CHANGES", 2)
    site = tmp_path / "site"
    site_build(ROOT / "archive", site, date(2025, 10, 1))
    api = __import__("json").loads((site / "api" / "index.json").read_text(encoding="utf-8"))
    places: dict[str, set[str]] = {}
    for d in api["documents"]:
        if d["jurisdiction"]:
            places.setdefault(d["jurisdiction"], set()).add(unquote(d["url"]))
    assert len(places) >= 4
    for place, urls in places.items():
        feed = ET.fromstring((site / "feeds" / f"changes-{place}.xml").read_bytes())
        hrefs = [
            unquote(e.find(f"{ATOM}link").get("href", ""))  # type: ignore[union-attr]
            for e in feed.findall(f"{ATOM}entry")
        ]
        assert len(hrefs) == 2 or set(urls) <= {h.removeprefix("../") for h in hrefs}, place
        assert hrefs and {h.removeprefix("../") for h in hrefs} <= urls, place


def test_a_feed_per_lineage_lists_every_version_with_its_status(run: Run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(run, site)
    feed = site / "feeds" / "versions" / "北京市机动车停车条例-2021-09-24-8767f1.xml"
    root = ET.fromstring(feed.read_bytes())
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == [
        "第2版：北京市机动车停车条例（2024-03-29）（现行有效）",
        "第1版：北京市机动车停车条例（2021-09-24）（已被修改）",
    ]
    page = (site / "documents" / "北京市机动车停车条例-2024-03-29-5177ed.html").read_text()
    assert "../feeds/versions/" in page  # each version's page offers its lineage's feed


@pytest.mark.parametrize("as_of", ["2025-10-01", "2019-06-01"])
def test_dtstamp_is_never_after_the_as_of_date(run: Run, tmp_path: Path, as_of: str) -> None:
    from icalendar import Calendar

    site = tmp_path / "site"
    build(run, site, as_of=as_of)
    cal = Calendar.from_ical((site / "calendar" / "expiries.ics").read_bytes())
    stamps = [e.decoded("DTSTAMP").date() for e in cal.walk("VEVENT")]
    assert stamps and max(stamps) <= date.fromisoformat(as_of)
    # an incremental build to another as-of writes what a build from scratch writes
    build(run, site, as_of="2026-03-01")
    fresh = tmp_path / "fresh"
    build(run, fresh, as_of="2026-03-01")
    ics = "calendar/expiries.ics"
    assert (site / ics).read_bytes() == (fresh / ics).read_bytes()
