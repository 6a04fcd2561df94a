"""Generate docs/cli.md from the commands' own --help (`make docs`)."""

from __future__ import annotations

import typer

from . import app

HEADER = """# policytrack command reference

Generated from `--help` by `make docs` (python -m policytrack.cli.reference); a test fails
when this file is stale. Exit codes: 0 success, 1 user error (one `Error:` line on stderr),
2 usage error. Every command takes `--archive DIR` (env `POLICYTRACK_ARCHIVE`, default
`./archive`) where it reads an archive.
"""


def render() -> str:
    """The Markdown reference of every command."""
    root = typer.main.get_command(app)
    ctx = root.context_class(
        root, info_name="policytrack", terminal_width=100, max_content_width=100
    )
    parts = [HEADER, "## policytrack\n", "```text", root.get_help(ctx).rstrip(), "```\n"]
    for name in sorted(root.commands):  # type: ignore[attr-defined]
        cmd = root.commands[name]  # type: ignore[attr-defined]
        sub = cmd.context_class(
            cmd, info_name=name, parent=ctx, terminal_width=100, max_content_width=100
        )
        parts += [f"## policytrack {name}\n", "```text", cmd.get_help(sub).rstrip(), "```\n"]
        for sub_name in sorted(getattr(cmd, "commands", {})):
            leaf = cmd.commands[sub_name]
            leaf_ctx = leaf.context_class(
                leaf, info_name=sub_name, parent=sub, terminal_width=100, max_content_width=100
            )
            parts += [
                f"## policytrack {name} {sub_name}\n",
                "```text",
                leaf.get_help(leaf_ctx).rstrip(),
                "```\n",
            ]
    return "\n".join(parts)


def commands_without_help() -> list[str]:
    root = typer.main.get_command(app)
    missing = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        if not (cmd.help or "").strip():
            missing.append(name)
        for sub_name, leaf in getattr(cmd, "commands", {}).items():
            if not (leaf.help or "").strip():
                missing.append(f"{name} {sub_name}")
    return missing


if __name__ == "__main__":
    print(render(), end="")
