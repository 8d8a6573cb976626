"""The commands shown in README.md and docs/*.md run, and print what the page shows.

Each ```console block is a list of `$ command` lines, each followed by lines of its output
(possibly cut with `| head` or `| sed`, which the test does not need: it checks that every
shown line is in the real output). Commands run in-process (no interpreter start-up each) in a
scratch directory that sees the repository's corpus/ and tests/.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp_eval.cli import app

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, str, list[str]]]:
    found = []
    for page in PAGES:
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            command, shown = None, []
            for line in block.splitlines():
                if line.strip().startswith("$ "):
                    if command:
                        found.append((page.name, command, shown))
                    command, shown = line.strip()[2:], []
                elif command and line.strip():
                    shown.append(line.strip())
            if command:
                found.append((page.name, command, shown))
    return found


def run(command: str, cwd: Path) -> str:
    """Run `[cat FILE |] nlp-eval ARGS [| filter]` in-process; stdout and stderr together."""
    stdin = None
    parts = [p.strip() for p in command.split("|")]
    if parts[0].startswith("cat "):
        stdin = (cwd / shlex.split(parts.pop(0))[1]).read_bytes()
    args = shlex.split(parts[0])
    assert args[0] == "nlp-eval", command
    result = CliRunner().invoke(app, args[1:], input=stdin, prog_name="nlp-eval")
    assert result.exit_code in (0, 1), f"{command}: {result.output}"
    return result.stdout + result.stderr


@pytest.mark.parametrize(("page", "command", "shown"), examples())
def test_a_documented_command_prints_what_the_page_shows(
    page, command, shown, tmp_path, monkeypatch
):
    for name in ("corpus", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    output = run(command, tmp_path)
    missing = [line for line in shown if line not in output]
    assert not missing, f"{page}: `{command}` no longer prints: {missing[0]}"


def test_the_readme_links_every_reference_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme
