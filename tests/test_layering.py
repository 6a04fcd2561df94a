"""The import layering of docs/architecture.md, enforced: a test fails on an upward or sideways
import."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PKG = ROOT / "policytrack"
# module → the policytrack modules it may import (docs/architecture.md, "Layers")
BASE = {"errors", "chinese", "fields", "lazyre"}
MODEL = BASE | {"model", "facts", "versions", "bodies"}
MIDDLE_FREE = MODEL | {
    "docfile",
    "diff",
    "keychanges",
    "keyfacts",
    "supersession",
    "temporal",
    "comparison",
}
# net (HTTP with an address rule and a deadline) and safeio (bounded file reads) are base
# modules for the layers that read the outside world (docs/security.md)
OUTSIDE = {"net", "safeio"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "fields": set(),
    "lazyre": set(),
    "chinese": {"errors", "lazyre"},
    "net": {"errors"},
    "safeio": {"errors"},
    "recovery": set(),
    "model": BASE,
    "facts": BASE | {"model"},
    "versions": BASE | {"model"},
    "bodies": BASE,
    "docfile": MODEL,
    "diff": MODEL | {"keychanges", "keyfacts"},
    "keychanges": MODEL,
    "keyfacts": MODEL | {"keychanges"},
    "supersession": MODEL,
    "temporal": MODEL | {"supersession"},
    "comparison": MODEL | {"diff"},
    "ingest": MODEL | OUTSIDE | {"docfile", "ingest"},
    "archive": MODEL | {"docfile", "recovery"},
    "index": MODEL | {"docfile", "archive", "recovery", "supersession", "index"},
    "alerts": MIDDLE_FREE | OUTSIDE,
    "site": MIDDLE_FREE | {"site"},
    "sitegraph": MIDDLE_FREE | {"archive", "index"},
    "sitedata": MIDDLE_FREE | {"archive", "index", "site", "sitegraph"},
    # ingest: the marker of a reading conflict in a field's evidence (ingest.extract.CONFLICT)
    "integrity": MIDDLE_FREE | {"archive", "index", "ingest"},
    "lookup": MIDDLE_FREE | {"index"},
    "curate": MIDDLE_FREE | {"ingest", "archive", "index"},
    "commands": MIDDLE_FREE
    | OUTSIDE
    | {
        "integrity",
        "lookup",
        "ingest",
        "archive",
        "index",
        "alerts",
        "site",
        "sitegraph",
        "sitedata",
        "curate",
        "commands",
    },
    "cli": MIDDLE_FREE | {"commands", "cli", "recovery"},
    # the library API: a thin object over commands (docs/api.md)
    "api": MIDDLE_FREE | {"commands", "curate", "site", "alerts"},
}
# third-party modules only one layer may import
EXCLUSIVE = {
    "git": "archive",
    "jinja2": "site",
    "diff_match_patch": "diff",
    "rapidfuzz": "diff",
    "typer": "cli",
    "rich": "cli",
    "lxml": "ingest",
    "docx": "ingest",
    "pdfplumber": "ingest",
    "pdfminer": "ingest",
}


def top_module(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def imports_of(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = path.relative_to(PKG).parts[: -node.level]
                target = ".".join([*base, node.module or ""]).strip(".")
                if not target:
                    out.extend((alias.name, node.lineno) for alias in node.names)
                else:
                    out.append((target.split(".")[0], node.lineno))
            elif node.module:
                name = node.module
                out.append(
                    (
                        name.split(".")[1]
                        if name.startswith("policytrack.")
                        else "!" + name.split(".")[0],
                        node.lineno,
                    )
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name
                out.append(
                    (
                        name.split(".")[1]
                        if name.startswith("policytrack.")
                        else "!" + name.split(".")[0],
                        node.lineno,
                    )
                )
    return out


def test_imports_follow_the_layering() -> None:
    violations = []
    for path in sorted(PKG.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py") and path.parent == PKG:
            continue
        me = top_module(path)
        allowed = ALLOWED.get(me)
        assert allowed is not None, (
            f"{path}: module {me!r} has no place in the layering; add it to docs/architecture.md and this test"
        )
        for target, line in imports_of(path):
            if target.startswith("!"):
                lib = target[1:]
                if lib in EXCLUSIVE and EXCLUSIVE[lib] != me:
                    violations.append(
                        f"{path.relative_to(ROOT)}:{line} imports {lib}, reserved for {EXCLUSIVE[lib]}"
                    )
            elif target != me and target not in allowed:
                violations.append(
                    f"{path.relative_to(ROOT)}:{line} imports policytrack.{target} (upward or sideways)"
                )
            elif target == me and me not in allowed and (PKG / f"{me}.py").exists():
                violations.append(f"{path.relative_to(ROOT)}:{line} imports itself")
    assert violations == []


def test_the_layering_test_catches_an_upward_import(tmp_path: Path) -> None:
    bad = PKG / "model_upward_probe.py"
    try:
        bad.write_text("from .commands import load\n", encoding="utf-8")
        assert imports_of(bad) == [("commands", 1)]
        assert "commands" not in ALLOWED["model"]
    finally:
        bad.unlink()


def test_every_package_ships_in_the_wheel() -> None:
    """setuptools lists packages explicitly: a new subpackage missing here is missing from
    `pip install .` (the editable install used by the tests would hide it)."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in PKG.rglob("__init__.py")} | {
        "policytrack.templates"
    }
    assert found == listed


def test_code_and_docs_cite_only_what_the_repository_holds() -> None:
    """Design notes live in docs/: no file points a reader at notes outside the clone."""
    outside = ("DESIGN.md", "STYLE.md", "LIBRARIES.md")
    folders = ("policytrack", "tests", "benchmarks", "docs", "templates", "contrib")
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]
    files += [p for f in folders for p in (ROOT / f).rglob("*") if p.suffix in {".py", ".md"}]
    cited = [
        f"{p.relative_to(ROOT)}: {name}"
        for p in files
        if p.name != "test_layering.py"
        for name in outside
        if name in p.read_text(encoding="utf-8")
    ]
    assert cited == []


def _module_imports(path: Path) -> set[str]:
    """The policytrack modules (dotted names) a file imports, at its top or inside a
    function; what it imports only for type checking is left out."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    checking_only: set[int] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            checking_only.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in checking_only:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base]).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("policytrack")}


def test_no_two_modules_import_each_other() -> None:
    """A cycle between modules (ingest.formats importing the readers that import it) makes
    the import order matter; the shape both need goes in a module of its own."""
    modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts): p
        for p in PKG.rglob("*.py")
        if p.name != "__init__.py"
    }
    edges = {
        name: _module_imports(path) & modules.keys() - {name} for name, path in modules.items()
    }
    cycles = []
    for start in sorted(edges):
        stack, seen = [(start, (start,))], set()
        while stack:
            here, trail = stack.pop()
            for nxt in sorted(edges[here]):
                if nxt == start:
                    cycles.append(" → ".join([*trail, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*trail, nxt)))
    assert cycles == []


# --- size: no module over ~500 lines without the reason, no function over ~80 ----------------

MODULE_LINES = 500
FUNCTION_LINES = 80
# offenders left in modules other work is changing at the same time: split when that work
# has landed. The test fails when one of these is fixed, so the list only shrinks.
SIZE_PENDING: set[str] = set()


def size_offenders() -> set[str]:
    """Modules over MODULE_LINES lines whose docstring gives no "Size:" reason, and
    functions whose body (from the docstring on: a typer command's signature is its option
    declarations) is over FUNCTION_LINES lines."""
    found = set()
    for path in sorted(PKG.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        if text.count("\n") > MODULE_LINES and "Size:" not in (ast.get_docstring(tree) or ""):
            found.add(rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                end = node.end_lineno or node.lineno
                if end - node.body[0].lineno + 1 > FUNCTION_LINES:
                    found.add(f"{rel}:{node.name}")
    return found


def test_modules_and_functions_stay_small() -> None:
    offenders = size_offenders()
    assert sorted(offenders - SIZE_PENDING) == [], (
        "split it, or (a module) say in its docstring why it is long, after 'Size:'"
    )
    assert sorted(SIZE_PENDING - offenders) == [], "fixed: remove it from SIZE_PENDING"


def test_the_size_rule_catches_a_long_function() -> None:
    probe = PKG / "size_probe.py"
    try:
        lines = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES + 1))
        probe.write_text(f'"""A probe."""\n\n\ndef long() -> None:\n{lines}\n', encoding="utf-8")
        assert "policytrack/size_probe.py:long" in size_offenders()
    finally:
        probe.unlink()
