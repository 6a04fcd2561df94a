"""Shared fixtures: real git archives in temporary folders, the seeds and the corpus.

The data the suite needs lives in tests/fixtures/ (the five seeds, a few LawRefBook files and
realdev pages; see tests/fixtures/README.md), so a clone runs `make test` on its own. Tests
that want the whole corpus or the whole realdev set are marked `corpus`: they read them from
../shared beside the repository (or $POLICYTRACK_SHARED), are skipped with the reason when it
is absent, and fail instead under CI=true, where .ci/run puts ../shared beside the clone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policytrack.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = FIXTURES / "seeds"
# a few files of ../shared/corpus/lawrefbook, in the same layout (versions/…, single/…)
LAWREF = FIXTURES / "lawrefbook"
# a few pages of ../shared/realdev, with their manifest entries
REALDEV_PAGES = FIXTURES / "realdev"
# the whole data sets, for the tests marked `corpus`
SHARED = Path(os.environ.get("POLICYTRACK_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus" / "lawrefbook"
REALDEV = SHARED / "realdev"
SEED = {
    "news_haidian": SEEDS / "000_e5ead79e5775d98a.txt",
    "minhang": SEEDS / "001_7280d984ce98fe0b.txt",
    "zibo": SEEDS / "002_770bfc9d4f467311.txt",
    "yizhuang": SEEDS / "003_7fda49d6328f62ff.txt",
    "news_forum": SEEDS / "004_674097da066391c5.txt",
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked `corpus` runs only with the whole corpus and realdev beside the repo."""
    if item.get_closest_marker("corpus") is None:
        return
    if (CORPUS / "versions").is_dir() and (CORPUS / "single").is_dir() and REALDEV.is_dir():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs the whole corpus and realdev in {SHARED} (.ci/run's checkout)")
    pytest.skip(
        f"needs the whole corpus and realdev in {SHARED} (../shared beside the repository, "
        "or $POLICYTRACK_SHARED); CI runs it"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: long fault loops; run by `make faults` (POLICYTRACK_FAULTS=1)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long fault loops run only with POLICYTRACK_FAULTS=1 (`make faults`): they take
    minutes, and `make test` stays within its budget."""
    if os.environ.get("POLICYTRACK_FAULTS"):
        return
    slow = [item for item in items if item.get_closest_marker("faults")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("faults")]


@pytest.fixture(autouse=True)
def _git_identity(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Isolate tests from the user's git config; no identity, so the fallback is exercised."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    for var in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "POLICYTRACK_ARCHIVE",
    ):
        monkeypatch.delenv(var, raising=False)


class Result:
    """What one CLI run gave: exit code, stdout, stderr."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:
        return (
            f"Result(code={self.code}, stdout={self.stdout[:500]!r}, stderr={self.stderr[:500]!r})"
        )


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Run the CLI in-process (fast); arguments as strings."""
    runner = CliRunner()

    def _run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
        result = runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return _run


def run_process(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a real process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "policytrack", *[str(a) for a in args]],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def archive(tmp_path: Path, run: Run) -> Path:
    """An empty archive in its own git repository."""
    path = tmp_path / "archive"
    assert run("init", path).code == 0
    return path


@pytest.fixture
def seeded(archive: Path, run: Run) -> Path:
    """An archive holding the five seeds."""
    result = run("add", "--archive", archive, *SEED.values())
    assert result.code == 0, result
    return archive


def git(path: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(path), *args], capture_output=True, text=True, check=True
    ).stdout


def write_files(base: Path, files: dict[str, str]) -> list[Path]:
    """Create files from a {relative path: text} mapping."""
    out = []
    for rel, text in files.items():
        p = base / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def edited_seed(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of a seed with one real phrase changed (a new version of the same document)."""
    text = SEED[name].read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in seed {name}"
    path = tmp_path / f"{name}-edited.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path
