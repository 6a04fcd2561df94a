"""The site build's forked workers: a site big enough to be rendered by a pool of forked
processes gives, byte for byte, the site one process renders."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LAWREF, SEED, Run

AS_OF = "2025-10-01"


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)
def test_forked_workers_build_the_site_one_process_builds(
    archive: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = sorted(LAWREF.rglob("*.md")) + list(SEED.values())
    added = run("add", "--archive", archive, "--batch", *sources)
    assert added.code == 0, added
    pools: list[Any] = []
    init = ProcessPoolExecutor.__init__

    def counted(self: ProcessPoolExecutor, *args: Any, **kwargs: Any) -> None:
        pools.append(kwargs.get("mp_context"))
        init(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", counted)

    def build(out: Path, cores: int) -> None:
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        r = run("site", "build", "--archive", archive, "--out", out, "--as-of", AS_OF)
        assert r.code == 0, r

    build(tmp_path / "one", 1)
    assert pools == []  # one core: rendered in this process
    build(tmp_path / "forked", 4)
    assert pools and all(ctx.get_start_method() == "fork" for ctx in pools)

    one, forked = files_of(tmp_path / "one"), files_of(tmp_path / "forked")
    pages = [rel for rel in one if rel.startswith("documents/") and rel.endswith(".html")]
    assert len(pages) >= 64  # over the size from which pages go to the workers
    assert any(rel.startswith("changes/") for rel in one)  # redlines, rendered there too
    marker = ".policytrack-site.json"  # names the build's state by its output folder
    assert {k: v for k, v in forked.items() if k != marker} == {
        k: v for k, v in one.items() if k != marker
    }
