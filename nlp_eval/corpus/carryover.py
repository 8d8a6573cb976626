"""Year over year stickiness: text a unit carries forward from the previous year.

Two cells are the same place in consecutive years when unit, project name (`project_name`:
a declaration's project code changes every year, its name does not), level1, level2,
indicator name and field agree (names compared on their key: no spaces, no punctuation, so
"“宝安第一课”常态化培训经费" and "宝安第一课常态化培训经费" match); when a place holds several
cells in the earlier year (projects of the same name), a later cell pairs with the one it
carries most from. Projects renamed between years are not paired.

`carried` is the share of the later text found in the earlier one: the aligned runs of at
least MIN_RUN characters (the whole text when shorter) of the two keys, over the later key's
length, with four-digit years masked (writing 2023年 where last year said 2022年 is still
copying forward). Scattered single characters do not count, so 得到提升 is not carried from a
long paragraph that happens to contain 得, 到, 提 and 升 in that order. `kept` is the same
share of the earlier text. A pair is copied forward when carried ≥ COPIED and kept ≥ KEPT
(a short phrase found inside last year's paragraph is not that paragraph copied forward);
`unchanged` marks identical keys.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np
import pandas as pd

from nlp_eval.corpus.texts import key

COPIED = 0.9
KEPT = 0.5
MIN_RUN = 4
PLACE = ("unit", "_project", "level1", "level2", "_indicator", "field")
# the place a pair is reported at (PLACE is what it is matched on)
PLACE_COLUMNS = ("unit", "project", "level1", "level2", "indicator", "field")
CARRYOVER_COLUMNS = (
    *PLACE_COLUMNS,
    *("project_from", "project_to", "year_from", "year_to", "doc_from", "doc_to"),
    *("source_from", "source_to", "carried", "kept", "unchanged"),
    *("text_from", "text_to", "row_from", "row_to"),
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def _masked(keys: pd.Series) -> pd.Series:
    return keys.str.replace(_YEAR, "Y", regex=True)


def _shared(earlier: str, later: str) -> int:
    """Characters of `later` in runs of at least MIN_RUN aligned with `earlier`."""
    if earlier == later:
        return len(later)
    run = min(MIN_RUN, len(later), len(earlier))
    # difflib takes the longest common run first (an LCS alignment may split it)
    blocks = SequenceMatcher(None, earlier, later, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks if block.size >= run)


def year_pairs(texts: pd.DataFrame) -> pd.DataFrame:
    """Every (earlier, later) pair of cells at the same place in consecutive years, with `carried`."""
    part = texts[(texts["kind"] == "text") & texts["year"].notna()].copy()
    if part.empty:
        return pd.DataFrame(columns=list(CARRYOVER_COLUMNS))
    part["year"] = part["year"].astype(int)
    part["_project"] = part["project_name"].astype(str).map(key)
    part["_indicator"] = part["indicator"].astype(str).map(key)
    part["_masked"] = _masked(part["key"])
    earlier = part.assign(year=part["year"] + 1)
    pairs = earlier.merge(part, on=[*PLACE, "year"], suffixes=("_from", "_to"))
    if pairs.empty:
        return pd.DataFrame(columns=list(CARRYOVER_COLUMNS))
    pairs["year_to"] = pairs["year"]
    pairs["year_from"] = pairs["year"] - 1
    earlier_keys, later_keys = pairs["_masked_from"].tolist(), pairs["_masked_to"].tolist()
    common = np.fromiter(
        (_shared(a, b) for a, b in zip(earlier_keys, later_keys, strict=True)),
        dtype=np.float64,
        count=len(pairs),
    )
    later_len = np.fromiter(map(len, later_keys), dtype=np.float64, count=len(pairs))
    earlier_len = np.fromiter(map(len, earlier_keys), dtype=np.float64, count=len(pairs))
    pairs["carried"] = np.round(common / np.maximum(later_len, 1), 4)
    pairs["kept"] = np.round(common / np.maximum(earlier_len, 1), 4)
    pairs["unchanged"] = pairs["_masked_from"] == pairs["_masked_to"]
    pairs = pairs.sort_values(["carried", "row_from"], ascending=[False, True], kind="stable")
    pairs = pairs.drop_duplicates(["row_to", "field"])
    pairs["project"] = pairs["project_name_to"]
    pairs["indicator"] = pairs["indicator_to"]
    return pairs.sort_values(["unit", "year_to", "row_to"], ignore_index=True)[
        list(CARRYOVER_COLUMNS)
    ]


def copied_forward(pairs: pd.DataFrame, *, threshold: float = COPIED) -> pd.DataFrame:
    """The pairs whose later text is (near-)entirely carried over from the earlier one."""
    copied = (pairs["carried"] >= threshold) & (pairs["kept"] >= KEPT)
    return pairs[copied].reset_index(drop=True)
