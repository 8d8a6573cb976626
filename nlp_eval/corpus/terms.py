"""Distinctive terms of a group against the rest of the corpus.

Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
Words", Political Analysis 16(4): 372-403, eq. 16-22): the prior is the word counts of the
whole corpus scaled to `prior_size` pseudo-words, so rare words are shrunk towards their
corpus rate; z = delta / sqrt(variance) ranks words by how surely they mark the group.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

TERM_COLUMNS = ("by", "group", "term", "count_group", "count_rest", "log_odds", "z")
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def log_odds(
    group: Counter, rest: Counter, prior: Counter, *, prior_size: float | None = None
) -> pd.DataFrame:
    """delta (log-odds ratio group vs rest) and its z-score for every word."""
    vocab = sorted(prior)
    y_i = np.array([group.get(w, 0) for w in vocab], dtype=float)
    y_j = np.array([rest.get(w, 0) for w in vocab], dtype=float)
    alpha = np.array([prior[w] for w in vocab], dtype=float)
    if prior_size is not None:
        alpha *= prior_size / alpha.sum()
    a0, n_i, n_j = alpha.sum(), y_i.sum(), y_j.sum()
    delta = np.log((y_i + alpha) / (n_i + a0 - y_i - alpha)) - np.log(
        (y_j + alpha) / (n_j + a0 - y_j - alpha)
    )
    variance = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
    return pd.DataFrame(
        {
            "term": vocab,
            "count_group": y_i.astype(int),
            "count_rest": y_j.astype(int),
            "log_odds": delta,
            "z": delta / np.sqrt(variance),
        }
    )


def distinctive_terms(
    rows: pd.DataFrame, *, by: str = "year", top: int = 30, min_count: int = 3
) -> pd.DataFrame:
    """The `top` most over- and under-used words of every `by` group against the others."""
    from nlp_eval.text import tokens_many

    usable = rows[(rows["kind"] == "text") & rows[by].notna() & (rows[by].astype(str) != "")]
    if usable.empty:
        return pd.DataFrame(columns=list(TERM_COLUMNS))
    words = [
        [t for t in toks if len(t) > 1 and _WORD.search(t)] for toks in tokens_many(usable["text"])
    ]
    per_group: dict[object, Counter] = {}
    for g, toks in zip(usable[by], words, strict=True):
        per_group.setdefault(g, Counter()).update(toks)
    total = sum(per_group.values(), Counter())
    prior = Counter({w: c for w, c in total.items() if c >= min_count})
    if len(per_group) < 2 or not prior:
        return pd.DataFrame(columns=list(TERM_COLUMNS))
    frames = []
    for g, counts in per_group.items():
        scored = log_odds(counts, total - counts, prior)
        scored = scored.sort_values("z", ascending=False)
        picked = pd.concat([scored.head(top), scored.tail(top)]).drop_duplicates("term")
        frames.append(picked.assign(by=by, group=str(g)))
    out = pd.concat(frames, ignore_index=True)
    out[["log_odds", "z"]] = out[["log_odds", "z"]].round(4)
    return out[list(TERM_COLUMNS)].sort_values(
        ["group", "z"], ascending=[True, False], ignore_index=True
    )
