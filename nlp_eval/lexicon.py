"""Read word lists and tables shipped in the nlp_eval.lexicons data package."""

from __future__ import annotations

import csv
import tomllib
from functools import cache
from importlib.resources import files

from nlp_eval.errors import RuleError


def path(name: str):
    """The Traversable of a lexicon file, e.g. path("na_phrases.txt")."""
    return files("nlp_eval.lexicons") / name


@cache
def words(name: str) -> tuple[str, ...]:
    """Entries of a .txt word list: one per line, blank lines and '#' comments skipped."""
    text = path(name).read_text(encoding="utf-8")
    entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(e for e in entries if e)


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a .tsv lexicon as dicts keyed by its header; '#' lines are comments."""
    text = path(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines, delimiter="\t"))


@cache
def toml(name: str) -> dict:
    """A parsed .toml lexicon; a syntax error names the file."""
    try:
        return tomllib.loads(path(name).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RuleError(f"{name}: {err}") from err
