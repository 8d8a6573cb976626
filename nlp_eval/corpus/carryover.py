"""Year over year stickiness: text a unit carries forward from the previous year.

Two cells are the same place in consecutive years when unit, project name, level1, level2,
indicator name and field agree (names compared on their key: no spaces, no punctuation, so
"“宝安第一课”常态化培训经费" and "宝安第一课常态化培训经费" match); when a place holds several
cells in the earlier year (projects of the same name), a later cell pairs with the one it
carries most from. Projects renamed between years are not paired. The share of the later text carried over is the longest common
subsequence of the two keys over the later key's length, with four-digit years masked
(writing 2023年 where last year said 2022年 is still copying forward). A pair is copied
forward when that share is at least COPIED; `unchanged` marks identical keys.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz.distance import LCSseq

COPIED = 0.9
PLACE = ("unit", "_project", "level1", "level2", "_indicator", "field")
CARRYOVER_COLUMNS = (
    "unit",
    "project",
    "level1",
    "level2",
    "indicator",
    "field",
    "year_from",
    "year_to",
    "doc_from",
    "doc_to",
    "source_from",
    "source_to",
    "carried",
    "unchanged",
    "text_from",
    "text_to",
    "row_from",
    "row_to",
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def _masked(keys: pd.Series) -> pd.Series:
    return keys.str.replace(_YEAR, "Y", regex=True)


def year_pairs(texts: pd.DataFrame) -> pd.DataFrame:
    """Every (earlier, later) pair of cells at the same place in consecutive years, with `carried`."""
    from nlp_eval.corpus.texts import key

    part = texts[(texts["kind"] == "text") & texts["year"].notna()].copy()
    if part.empty:
        return pd.DataFrame(columns=list(CARRYOVER_COLUMNS))
    part["year"] = part["year"].astype(int)
    part["_project"] = part["project"].astype(str).map(key)
    part["_indicator"] = part["indicator"].astype(str).map(key)
    part["_masked"] = _masked(part["key"])
    earlier = part.assign(year=part["year"] + 1)
    pairs = earlier.merge(part, on=[*PLACE, "year"], suffixes=("_from", "_to"))
    if pairs.empty:
        return pd.DataFrame(columns=list(CARRYOVER_COLUMNS))
    pairs["year_to"] = pairs["year"]
    pairs["year_from"] = pairs["year"] - 1
    later = pairs["_masked_to"].to_numpy()
    common = np.fromiter(
        (LCSseq.similarity(a, b) for a, b in zip(pairs["_masked_from"], later, strict=True)),
        dtype=np.float64,
        count=len(pairs),
    )
    lengths = np.fromiter((len(b) for b in later), dtype=np.float64, count=len(pairs))
    pairs["carried"] = np.round(common / np.maximum(lengths, 1), 4)
    pairs["unchanged"] = pairs["_masked_from"] == pairs["_masked_to"]
    pairs = pairs.sort_values(["carried", "row_from"], ascending=[False, True], kind="stable")
    pairs = pairs.drop_duplicates(["row_to", "field"])
    for column in ("project", "indicator"):
        pairs[column] = pairs[f"{column}_to"]
    return pairs.sort_values(["unit", "year_to", "row_to"], ignore_index=True)[
        list(CARRYOVER_COLUMNS)
    ]


def copied_forward(pairs: pd.DataFrame, *, threshold: float = COPIED) -> pd.DataFrame:
    """The pairs whose later text is (near-)entirely carried over from the earlier one."""
    return pairs[pairs["carried"] >= threshold].reset_index(drop=True)
