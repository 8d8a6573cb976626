"""The corpus as texts: one row per non-empty target or completion cell of a pair, with its kind.

Rows that are not target/completion pairs (预算 figures, 评价 verdicts, 说明 notes, 问题 and
整改; nlp_eval.rules.kinds.UNLABELLED_LEVELS) give no texts. Each text carries its
`project_name`: the project itself, or, when the reader named the project by its code (a
declaration export: 项目编码 | 项目名称 | …), the name the reader kept in that code's 说明 row.

Expected shared text is marked, not dropped, so every measure can say what it left out:
  na           N/A phrases (不适用, 本项目不涉及经济效益指标, 无, /)
  placeholder  ……, **, XX, the template's instruction text
  template     the template's own words (headers, indicator-tree names, a title line such as
               2021年度项目支出绩效自评表), the row's own indicator name written into the
               cell, or any indicator name of the corpus (社会满意度 as a target)
  value        a bare value: one quantity of nlp_eval.numbers with its comparator and unit
               (100%, ≥95%, 1处, 3个工作日), a bare date or deadline (2023年12月31日前,
               11月底前完成) or a one-character answer (是, 否); equal values in different
               tables are coincidence, not boilerplate
  text         everything else: what clusters, carry-over and the boilerplate share use.
Short status words and the template's grades (已完成, 按时完成, 达成预期指标) stay `text`:
they are the boilerplate auditors look for. Clusters flag them as kind `short`.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from nlp_eval import lexicon
from nlp_eval.io.headers import lookup
from nlp_eval.numbers import quantities
from nlp_eval.records import COLUMNS
from nlp_eval.rules.kinds import UNLABELLED_LEVELS
from nlp_eval.text import is_na, is_template, normalize, strip_prefix

FIELDS = ("target", "completion")
# where a cell sits: the tidy table's columns from doc to indicator
CONTEXT = COLUMNS[: COLUMNS.index("indicator") + 1]
TEXT_COLUMNS = ("row", "field", *CONTEXT, "project_name", "source", "text", "key", "kind")

_NOT_KEY = re.compile(r"[\s\W_]+", re.UNICODE)
# a bare value may name what it measures before it (读者满意度≥90%, 验收合格率100%) and a
# counted noun or 完成 after it (13个社区, 11月底前完成): still one value, not a sentence
_TAIL_CHARS = 2
NAME_CHARS = 4
_METRIC_CHARS = 16
_METRIC_ENDS = ("率", "度")
_TITLE = re.compile(r"(?:自评表|申报表|目标表|评价表)$")  # a table's title line


def key(text: str) -> str:
    """Comparison key: nlp_eval.text.normalize (half-width, simplified), lower case, no punctuation."""
    return _NOT_KEY.sub("", normalize(text).lower())


def _kind(text: str, text_key: str, own_names: frozenset[str], indicators: frozenset[str]) -> str:
    if is_na(text):
        return "na"
    if not text_key or is_template(text):
        return "placeholder" if text.strip() else "empty"
    if text_key in _template_keys() or text_key in own_names or text_key in indicators:
        return "template"
    if _TITLE.search(text_key):  # a table's title line
        return "template"
    if len(text_key) == 1 or _is_bare_value(text, own_names):
        return "value"
    return "text"


def _is_bare_value(text: str, own_names: frozenset[str]) -> bool:
    """One quantity or date (nlp_eval.numbers), at most named: 100%, 3个工作日, 满意度≥90%."""
    # a value with a copy prefix (完成≥100%) is still a bare value
    plain = strip_prefix(text) or normalize(text)
    found = quantities(plain)
    if len(found) != 1:
        return False
    start, end = found[0].span
    before, after = key(plain[:start]), key(plain[end:])
    named = (
        not before
        or any(before in name for name in own_names)
        or (len(before) <= _METRIC_CHARS and before.endswith(_METRIC_ENDS))
    )
    return named and len(after) <= _TAIL_CHARS


def _decoded(column: pd.Series) -> pd.Series:
    """Cell text as str, with a literal \\n read as the line break it stands for.

    Some exports write in-cell line breaks as the two characters \\n (the Songgang TSVs), and
    the reader keeps cells as written: left alone, the "n" would join the comparison key.
    """
    return column.fillna("").astype(str).str.replace("\\n", "\n", regex=False)


def project_names(table: pd.DataFrame) -> pd.Series:
    """The project name of every row: from a 说明 row naming its project code, else `project`."""
    project = table["project"].fillna("").astype(str)
    notes = table[(table["level1"] == "说明") & (table["completion"].fillna("") != "")]
    is_name = notes["indicator"].map(
        lambda header: (found := lookup(str(header))) is not None and found.field == "project"
    )
    named = notes[is_name.astype(bool)]
    # codes identify a project across the files of a batch (projects.tsv names it, indicators.tsv
    # holds its indicators), so the name joins on the code alone, as the reader joins units
    names = dict(zip(named["project"], named["completion"].str.strip(), strict=True))
    return project.map(lambda code: names.get(code) or code)


def pair_rows(table: pd.DataFrame) -> pd.Series:
    """True for target/completion pairs (not figures, verdicts, notes, problems or fixes)."""
    return ~table["level1"].fillna("").astype(str).isin(UNLABELLED_LEVELS)


@cache
def _template_keys() -> frozenset[str]:
    return frozenset(key(w) for w in lexicon.words("corpus_template_words.txt"))


def texts(table: pd.DataFrame, fields: tuple[str, ...] = FIELDS) -> pd.DataFrame:
    """One row per non-empty target/completion cell of the tidy table, with key and kind."""
    frames = []
    names = project_names(table)
    pairs = pair_rows(table)
    table = table.assign(
        **{c: _decoded(table[c]) for c in (*fields, "project", "level2", "indicator") if c in table}
    )
    # a cell holding only an indicator name (its own, or one the corpus uses: 社会满意度 written
    # as a target in a table without a 三级指标 column) is the template's words, not boilerplate;
    # other rows' names count from NAME_CHARS on (one table names an indicator 及时, a grade)
    indicators = frozenset(
        k for k in map(key, table.loc[pairs, "indicator"].unique()) if len(k) >= NAME_CHARS
    )
    for field in fields:
        if field not in table.columns:
            continue
        col = table[field]
        present = (col.str.strip() != "") & pairs
        part = table.loc[present]
        cells = col[present]
        keys = [key(t) for t in cells]
        own = zip(
            part.get("indicator", pd.Series("", index=part.index)),
            part.get("level2", pd.Series("", index=part.index)),
            strict=True,
        )
        kinds = [
            _kind(t, k, frozenset({key(ind), key(lv2), key(lv2) + "指标"}) - {""}, indicators)
            for t, k, (ind, lv2) in zip(cells, keys, own, strict=True)
        ]
        frame = pd.DataFrame(
            {
                "row": np.flatnonzero(present.to_numpy()),
                "field": field,
                "text": cells.to_numpy(),
                "key": keys,
                "kind": kinds,
            }
        )
        source = "source" if field == "completion" else "target_source"
        for column in CONTEXT:
            frame[column] = part[column].to_numpy() if column in part else ""
        frame["source"] = part[source].to_numpy() if source in part else ""
        frame["project_name"] = names[present].to_numpy()
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(TEXT_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["row", "field"], kind="stable", ignore_index=True)[list(TEXT_COLUMNS)]
