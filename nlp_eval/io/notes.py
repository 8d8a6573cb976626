"""What the reader says about rows and batches, in English and Chinese (lexicons/reader_notes.toml).

The reader writes its notes in English (the `note` column of `read`); `localize` renders a
note in the report's language, part by part ("; "-separated), so lint and score under
--lang zh say in Chinese what the reader did. Parts that are no reader sentence (a cell kept
under its header, `完成率(B/A): 98%`) stay as written.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from nlp_eval import lexicon

CATALOGUE = "reader_notes.toml"


def _roles() -> dict[str, dict[str, str]]:
    return lexicon.toml(CATALOGUE)["roles"]


def render(key: str, lang: str = "en", section: str = "notes", **fields: object) -> str:
    """The sentence `key` of the catalogue in `lang`, fields filled ({role} by its name)."""
    template = lexicon.toml(CATALOGUE)[section][key]
    text = template.get(lang) or template["en"]
    if "role" in fields:
        role = str(fields["role"])
        fields["role"] = _roles().get(role, {}).get(lang, role)
    return text.format(**fields)


def say(key: str, **fields: object) -> str:
    """The English note `key` (what the reader writes into the table)."""
    return render(key, "en", **fields)


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each English note as a regex whose groups are its fields."""
    out = []
    for key, template in lexicon.toml(CATALOGUE)["notes"].items():
        parts = re.split(r"\{(\w+)\}", template["en"])
        regex = "".join(
            re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)
        )
        out.append((key, re.compile(f"^{regex}$", re.S)))
    return out


@cache
def _role_keys() -> dict[str, str]:
    return {names["en"]: key for key, names in _roles().items()}


@cache
def _localize_part(part: str, lang: str) -> str:
    for key, pattern in _patterns():
        if m := pattern.match(part):
            fields = m.groupdict()
            if "role" in fields:
                fields["role"] = _role_keys().get(fields["role"], fields["role"])
            return render(key, lang, **fields)
    return part


def localize(note: str, lang: str) -> str:
    """A reader note in `lang` (en: as written)."""
    if lang == "en" or not note:
        return note
    return "; ".join(_localize_part(p, lang) for p in note.split("; "))


def localize_reason(reason: str, lang: str) -> str:
    """Why a cell was left unplaced, in `lang` (the reader writes it in English)."""
    if lang == "en":
        return reason
    return lexicon.toml(CATALOGUE)["reasons"].get(reason, reason)


def localize_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with its `note` column in `lang` (the same object when nothing changes)."""
    if lang == "en" or "note" not in table.columns or not table["note"].astype(bool).any():
        return table
    table = table.copy()
    table["note"] = table["note"].map(lambda n: localize(n, lang) if n else n)
    return table


def problem_lines(problems: pd.DataFrame, lang: str = "zh") -> list[str]:
    """reader_problems() as text: a heading, then per document one line per problem."""
    if problems.empty:
        return []
    catalogue = lexicon.toml(CATALOGUE)
    heading = catalogue["headings"]["problems"]
    lines = [heading.get(lang) or heading["en"]]
    for doc, group in problems.groupby("doc", sort=False):
        lines.append(f"  {doc}")
        for kind, where, detail in group[["kind", "where", "detail"]].itertuples(index=False):
            name = catalogue["kinds"].get(kind, {}).get(lang, kind)
            lines.append(f"    {name} {where}: {detail}" if where else f"    {name}: {detail}")
    return lines


def problem_counts(problems: pd.DataFrame) -> dict[str, str]:
    """doc -> "inferred 2, unplaced 1": the reader's problems of each document in one cell."""
    out: dict[str, str] = {}
    if problems.empty:
        return out
    for doc, group in problems.groupby("doc", sort=False):
        counts = group["kind"].value_counts()
        out[doc] = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    return out
