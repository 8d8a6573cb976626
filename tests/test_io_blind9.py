"""The blind set of issue 9: tables with unusual header wordings built by a tester who had not
read the reader, with the tester's answer key (tests/fixtures/blind9/key.tsv).

The folder also holds 2021/自评表.xlsx and 2022/自评表.xlsx (two documents of one name) and the
key itself (a tidy table, skipped when the folder is read).

The key writes comparators normalised (≧ → ≥, a Sichuan `=` dropped: `=100%` → `100%`); the
reader keeps cells as written, so pairs are compared after nlp_eval.text.normalize and a
leading `=`. As written, 170 of the 181 pairs are identical; the 11 others differ only in
that comparator.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nlp_eval.io import read_files
from nlp_eval.text import normalize

BLIND = Path(__file__).parent / "fixtures" / "blind9"


@pytest.fixture(scope="module")
def read():
    return read_files([BLIND])


@pytest.fixture(scope="module")
def key() -> pd.DataFrame:
    key = pd.read_csv(BLIND / "key.tsv", sep="\t", dtype=str, keep_default_na=False, quoting=3)
    key["doc"] = key["file"].str.rsplit(".", n=1).str[0]
    return key


def _norm(text: str) -> str:
    return normalize(text).lstrip("=")


def test_every_indicator_pair_exact(read, key):
    t = read.table
    got = {
        (d, i, _norm(a), _norm(b))
        for d, i, a, b in zip(t["doc"], t["indicator"], t["target"], t["completion"], strict=True)
    }
    pairs = key[key["level1"] != "总体"]
    exact = sum(
        (r.doc, r.indicator, _norm(r.target), _norm(r.completion)) in got
        for r in pairs.itertuples()
    )
    assert exact == len(pairs) == 181
    # as written, 11 targets differ from the key, each only in its comparator (≧/﹦/= as printed)
    targets = dict(zip(zip(t["doc"], t["indicator"], strict=True), t["target"], strict=True))
    differ = [r for r in pairs.itertuples() if targets.get((r.doc, r.indicator)) != r.target]
    assert len(differ) == 11
    for r in differ:
        written = targets[(r.doc, r.indicator)]
        assert written[0] in "=≧≦﹦" and _norm(written) == _norm(r.target)


def test_levels_reason_and_unit_of_each_pair(read, key):
    t = read.table
    got = {
        (d, i, lv1, lv2, reason, unit)
        for d, i, lv1, lv2, reason, unit in zip(
            t["doc"], t["indicator"], t["level1"], t["level2"], t["reason"], t["unit"], strict=True
        )
    }
    pairs = key[key["level1"] != "总体"]
    missing = [
        r.indicator
        for r in pairs.itertuples()
        if (r.doc, r.indicator, r.level1, r.level2, r.reason, r.unit) not in got
    ]
    assert missing == []


def test_goal_pairs_and_no_section_label_read_as_a_goal(read, key):
    t = read.table
    goals = t[t["level1"] == "总体"]
    got = set(zip(goals["doc"], goals["target"], goals["completion"], strict=True))
    expected = key[key["level1"] == "总体"]
    assert all((r.doc, r.target, r.completion) in got for r in expected.itertuples())
    # every goal row read is one of the key's: no label row (年度绩效指标完成情况) became a goal
    assert len(goals) == len(expected)


def test_same_named_files_and_the_key_in_the_folder(read):
    assert {"2021/自评表", "2022/自评表"} <= set(read.table["doc"])
    assert [Path(p).name for p in read.skipped] == ["key.tsv"]
