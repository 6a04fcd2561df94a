"""The data kept in tests/fixtures is what it says it is: byte for byte the files of ../shared
it was copied from (tests/fixtures/README.md), so a test on it is a test on real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, LAWREF, REALDEV, REALDEV_PAGES, SEED, SEEDS, SHARED


def test_the_kept_data_is_small_and_complete() -> None:
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == sorted(p.name for p in SEED.values())
    kept = [*LAWREF.rglob("*.md"), *(REALDEV_PAGES / "texts").glob("*.txt")]
    assert 0 < sum(p.stat().st_size for p in kept) < 1_500_000
    manifest = json.loads((REALDEV_PAGES / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(e["file"] for e in manifest) == sorted(
        p.name for p in (REALDEV_PAGES / "texts").glob("*.txt")
    )


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("kept", "origin", "pattern"),
    [
        (SEEDS, SHARED / "seeds", "*.txt"),
        (LAWREF, CORPUS, "*.md"),
        (REALDEV_PAGES / "texts", REALDEV / "texts", "*.txt"),
    ],
    ids=["seeds", "lawrefbook", "realdev"],
)
def test_kept_files_are_copies_of_their_origin(kept: Path, origin: Path, pattern: str) -> None:
    files = sorted(kept.rglob(pattern))
    assert files
    for path in files:
        rel = path.relative_to(kept)
        assert path.read_bytes() == (origin / rel).read_bytes(), rel


@pytest.mark.corpus
def test_kept_realdev_labels_are_realdevs_own() -> None:
    whole = {e["file"]: e for e in json.loads((REALDEV / "manifest.json").read_text("utf-8"))}
    for entry in json.loads((REALDEV_PAGES / "manifest.json").read_text(encoding="utf-8")):
        assert entry == whole[entry["file"]]
