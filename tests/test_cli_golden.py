"""Every command's normal output on the sample archive, byte for byte (tests/golden/).

The sample archive is copied into a fresh git repository committed with a fixed author and
date, so `history` prints the same commit on every machine. A change to any output shows up
here as a diff of the golden file; a deliberate change is recorded with

    POLICYTRACK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_cli_golden.py

and the new golden file is read, line by line, before it is committed (tests/golden/README.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policytrack.cli import app
from tests.conftest import REALDEV_PAGES, ROOT

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("POLICYTRACK_UPDATE_GOLDEN") == "1"
AS_OF = ("--as-of", "2025-10-01")
PARKING_2024 = "北京市机动车停车条例-2024-03-29-5177ed"
YIZHUANG = "京技管发〔2024〕29号"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "policytrack tests",
    "GIT_AUTHOR_EMAIL": "tests@policytrack.invalid",
    "GIT_AUTHOR_DATE": "2025-01-02T03:04:05+08:00",
    "GIT_COMMITTER_NAME": "policytrack tests",
    "GIT_COMMITTER_EMAIL": "tests@policytrack.invalid",
    "GIT_COMMITTER_DATE": "2025-01-02T03:04:05+08:00",
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample archive's files, committed once in a repository of their own."""
    path = tmp_path_factory.mktemp("golden") / "archive"
    shutil.copytree(ROOT / "archive", path, ignore=shutil.ignore_patterns(".policytrack"))
    home = path.parent / "home"
    home.mkdir()
    env = {**os.environ, **GIT_ENV, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    env["GIT_CONFIG_GLOBAL"] = str(home / "gitconfig")
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "add: the sample archive\n\nPolicytrack-Action: add"],
    ):
        subprocess.run(["git", "-C", str(path), *args], env=env, check=True)
    yield path


def stdout_of(archive: Path, *args: str) -> str:
    """What the command prints on stdout (not a terminal), with the archive's folder named
    <archive> so the output does not depend on where the test runs."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout.replace(str(archive.parent), "<tmp>")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}; record it with POLICYTRACK_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see tests/golden/README.md"


REPORTS = [
    ("list", ["list", *AS_OF]),
    ("status", ["status", *AS_OF]),
    ("expiring", ["expiring", "--within", "1200d", *AS_OF]),
]
FORMATS = {"table": "txt", "json": "json", "csv": "csv", "md": "md"}


@pytest.mark.parametrize(("name", "args"), REPORTS, ids=[n for n, _ in REPORTS])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_reports_in_every_format(sample: Path, name: str, args: list[str], fmt: str) -> None:
    text = stdout_of(sample, *args, "--archive", str(sample), "--format", fmt)
    check_golden(f"{name}.{FORMATS[fmt]}", text)
    if fmt == "json":
        json.loads(text)  # one JSON document
        assert stdout_of(sample, *args, "--archive", str(sample), "--json") == text


SINGLE = [
    ("status-ref.txt", ["status", YIZHUANG, *AS_OF]),
    ("show.txt", ["show", YIZHUANG, *AS_OF]),
    ("show.md", ["show", YIZHUANG, "--format", "md", *AS_OF]),
    ("show.json", ["show", YIZHUANG, "--format", "json", *AS_OF]),
    ("history.txt", ["history", PARKING_2024, *AS_OF]),
    ("history.json", ["history", PARKING_2024, "--json", *AS_OF]),
    ("diff.txt", ["diff", PARKING_2024]),
    ("diff.md", ["diff", PARKING_2024, "--format", "md"]),
    ("diff.html", ["diff", PARKING_2024, "--format", "html"]),
    ("diff.json", ["diff", PARKING_2024, "--format", "json"]),
    ("diff.patch", ["diff", PARKING_2024, "--format", "patch"]),
    ("check.txt", ["check"]),
    ("check.json", ["check", "--json"]),
    ("link-suggest.txt", ["link", "--suggest", *AS_OF]),
    ("link-suggest.json", ["link", "--suggest", "--json", *AS_OF]),
]


@pytest.mark.parametrize(("name", "args"), SINGLE, ids=[n for n, _ in SINGLE])
def test_command_output(sample: Path, name: str, args: list[str]) -> None:
    check_golden(name, stdout_of(sample, *args, "--archive", str(sample)))


def test_add_dry_run_output(sample: Path) -> None:
    """What `add --dry-run` shows of a new text: the fields with their evidence, what was
    stripped; the archive is left as it was."""
    head = subprocess.run(
        ["git", "-C", str(sample), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    page = next((REALDEV_PAGES / "texts").glob("082_*"))  # the issuer's own page
    for name, extra in (("add-dry-run.txt", []), ("add-dry-run.json", ["--json"])):
        text = stdout_of(sample, "add", "--archive", str(sample), "--dry-run", *extra, page)
        check_golden(name, text.replace(str(page.parent), "<pages>"))
    # what the golden file says of the page agrees with realdev's truth labels for it
    (record,) = json.loads(text)
    manifest = json.loads((REALDEV_PAGES / "manifest.json").read_text(encoding="utf-8"))
    (truth,) = [e for e in manifest if e["file"] == page.name]
    fields = record["fields"]
    for name in ("title", "doc_number", "issued", "published", "effective", "expires"):
        assert fields[name]["value"] == truth[name], name
    assert [fields["issuer"]["value"]] == truth["issuer"]
    after = subprocess.run(
        ["git", "-C", str(sample), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    assert after == head


def test_site_build_and_alerts_dry_run_output(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    text = stdout_of(sample, "site", "build", "--archive", str(sample), "--out", str(out), *AS_OF)
    check_golden("site-build.txt", text.replace(str(tmp_path), "<out>"))
    config = tmp_path / "policytrack.toml"
    shutil.copyfile(ROOT / "contrib" / "policytrack.example.toml", config)
    text = stdout_of(
        sample, "alerts", "run", "--archive", str(sample), "--config", str(config), "--dry-run",
        "--as-of", "2027-11-01",
    )  # fmt: skip
    check_golden("alerts-dry-run.txt", text.replace(str(tmp_path), "<config>"))
