"""`policytrack site build` and `policytrack site serve`."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policytrack.cli.app import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    AsOfOpt,
    app,
    handles_errors,
    lazy_module,
    parse_as_of,
)

if TYPE_CHECKING:
    from policytrack import commands
else:
    commands = lazy_module("policytrack.commands")
from policytrack.errors import PolicytrackError

site_app = typer.Typer(help="Build or preview the static website.", no_args_is_help=True)
app.add_typer(site_app, name="site")

OutOpt = Annotated[Path, typer.Option("--out", help="Output folder.")]


@site_app.command("build")
@handles_errors
def build(
    out: OutOpt = Path("site"),
    base_url: Annotated[
        str, typer.Option("--base-url", help="Public URL of the site (for feeds).")
    ] = "",
    as_of: AsOfOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Build into a non-empty folder policytrack did not create (files with the "
            "site's names are overwritten; no other file is deleted).",
        ),
    ] = False,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
) -> None:
    """Render the archive into a static site; unchanged pages are not rewritten."""
    report = commands.site_build(archive, out, parse_as_of(as_of), base_url, force=force)
    print(
        f"Built {report.pages} files in {out}/ ({len(report.written)} written, {report.unchanged} unchanged"
        + (f", {len(report.removed)} removed" if report.removed else "")
        + (
            f"; {report.search_indexed} documents indexed for search"
            if report.search_indexed
            else ""
        )
        + f"); open {out / 'index.html'}"
    )


@site_app.command("serve")
@handles_errors
def serve(
    out: OutOpt = Path("site"),
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Preview a built site on http://127.0.0.1:PORT/ (Ctrl-C stops)."""
    if not (out / "index.html").exists():
        raise PolicytrackError(
            f"{out} has no built site; run 'policytrack site build --out {out}' first"
        )
    handler = functools.partial(_handler(), directory=str(out))
    import http.server

    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise PolicytrackError(
            f"cannot serve on 127.0.0.1:{port} ({exc.strerror}); choose another port with --port"
        ) from None
    with server:
        print(f"Serving {out}/ on http://127.0.0.1:{port}/ — Ctrl-C stops")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped")


def _handler() -> type:
    """A static file handler that answers a missing address with the site's own 404.html
    (in Chinese, with its links), as static hosts do, not Python's English error page."""
    import http.server

    class Handler(http.server.SimpleHTTPRequestHandler):
        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            page = Path(str(self.directory)) / "404.html"
            if code != 404 or not page.is_file():
                super().send_error(code, message, explain)
                return
            body = page.read_bytes()
            self.send_response(404, message)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler
