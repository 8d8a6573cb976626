"""Language measures per document, unit-year and group, adapted to Chinese.

Each measure is computed on the written text of a group: its completions, or its targets when
the corpus holds targets only (declarations). Expected shared text (N/A, placeholders, template
words) is left out; bare values count for the quantity measures and length only.

- label shares: share of pairs per label (specific, copy, restate, vague, na, missing), from
  the table's `label` column, else from `nlp_eval.lint` when it can run.
- boilerplate_share — Lang & Stice-Lawrence (2015, JAE 60: 110-135): share of the words of a
  document in sentences that contain a common tetragram. Chinese has no word spaces, so the
  tetragram becomes a character 8-gram (about four two-character words) of the sentence
  without punctuation; sentences split on 。；;！？!? and line breaks; sentences shorter than
  8 characters count as one n-gram. L&SL call a tetragram common when 30% of the annual
  reports use it; the counterpart of a firm's annual report is a unit's tables of one year
  (a file may hold one project only), so an n-gram is common when the texts of at least 30%
  of the unit-years (and at least 3) use it. Share of characters.
- specificity — Hope, Hu & Lu (2016, RAST 21: 1005-1045): specific tokens (named entities:
  places, organisations, quantities, money, percentages, dates) over all tokens. Without a
  Chinese NER model, specific tokens are the quantities and dates of nlp_eval.numbers (not
  vague ones) plus names ending in a place/organisation suffix (lexicons/corpus_name_suffixes.txt:
  区, 街道, 社区, 局, 中心, 公司…); tokens from nlp_eval.text.tokens.
- hard_number_share: share of texts stating at least one exact quantity or date.
- vague_quantity_share: share of texts with a vague amount (一批, 若干, 约100人, 100余人).
- mean_length: mean characters per text (mean completion length when completions exist).
- clustered_share: share of texts that belong to a boilerplate cluster.
- stickiness: share of the characters carried over from the same unit's text of the year
  before (nlp_eval.corpus.carryover); empty when the unit has no table of the year before.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from nlp_eval import lexicon
from nlp_eval.corpus.texts import key
from nlp_eval.records import LABELS

NGRAM = 8
_SENTENCE = re.compile(r"[。；;！？!?\n]+")
LEVELS = ("doc", "unit-year")
MEASURES = (
    *(f"share_{label}" for label in LABELS),
    "boilerplate_share",
    "specificity",
    "hard_number_share",
    "vague_quantity_share",
    "mean_length",
    "clustered_share",
    "stickiness",
)
GROUP_KEYS = {
    "doc": ["doc"],
    "unit-year": ["unit", "year"],
    "year": ["year"],
    "unit": ["unit"],
    "region": ["region"],
}


@cache
def _name_pattern() -> re.Pattern[str]:
    suffixes = sorted(lexicon.words("corpus_name_suffixes.txt"), key=len, reverse=True)
    return re.compile(r"[\u4e00-\u9fff]{2,10}?(?:" + "|".join(map(re.escape, suffixes)) + ")")


def _sentence_grams(key_of_sentence: str) -> set[str]:
    if len(key_of_sentence) <= NGRAM:
        return {key_of_sentence}
    return {key_of_sentence[i : i + NGRAM] for i in range(len(key_of_sentence) - NGRAM + 1)}


def boilerplate_chars(texts: pd.DataFrame) -> np.ndarray:
    """Characters of each text in sentences holding an n-gram common across unit-years."""
    sentences = [[key(s) for s in _SENTENCE.split(t)] for t in texts["text"]]
    sentences = [[s for s in ss if s] for ss in sentences]
    docs = (texts["unit"].astype(str) + "\x00" + texts["year"].astype(str)).to_numpy()
    doc_grams: dict[str, set[str]] = {}
    for doc, ss in zip(docs, sentences, strict=True):
        grams = doc_grams.setdefault(doc, set())
        for s in ss:
            grams |= _sentence_grams(s)
    counts: dict[str, int] = {}
    for grams in doc_grams.values():
        for g in grams:
            counts[g] = counts.get(g, 0) + 1
    floor = max(3, int(np.ceil(0.3 * len(doc_grams))))
    common = {g for g, c in counts.items() if c >= floor}
    out = np.zeros(len(sentences), dtype=np.float64)
    for i, ss in enumerate(sentences):
        out[i] = sum(len(s) for s in ss if not common.isdisjoint(_sentence_grams(s)))
    return out


def per_text(texts: pd.DataFrame, clustered: pd.Series, carried: pd.Series) -> pd.DataFrame:
    """The counts behind every measure, one row per written text."""
    from nlp_eval.numbers import quantities
    from nlp_eval.text import tokens_many

    names = _name_pattern()
    frame = texts.copy()
    plain = frame["text"].astype(str)
    found = [quantities(t) for t in plain]
    frame["chars"] = [len(k) for k in frame["key"]]
    frame["hard"] = [sum(not q.vague and q.family != "" for q in qs) for qs in found]
    frame["vague"] = [any(q.vague for q in qs) for qs in found]
    frame["names"] = [len(names.findall(t)) for t in plain]
    frame["tokens"] = [len(toks) for toks in tokens_many(plain)]
    is_text = frame["kind"] == "text"
    frame["boiler"] = 0.0
    frame.loc[is_text, "boiler"] = boilerplate_chars(frame[is_text])
    frame["clustered"] = clustered.reindex(frame.index, fill_value=False).to_numpy()
    frame["carried"] = carried.reindex(frame.index).to_numpy()
    return frame


def _label_shares(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rated = table[table["label"].fillna("").astype(str) != ""]
    counts = rated.groupby([*keys, "label"]).size().unstack("label", fill_value=0)
    counts = counts.reindex(columns=list(LABELS), fill_value=0)
    shares = counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0)
    shares.columns = [f"share_{c}" for c in shares.columns]
    return shares


def measures(table: pd.DataFrame, rows: pd.DataFrame, *, by: str = "year") -> pd.DataFrame:
    """Measures for every document, unit-year and `by` group (one row each)."""
    frames = []
    for level in (*LEVELS, by) if by not in LEVELS else LEVELS:
        keys = GROUP_KEYS[level]
        usable = rows.dropna(subset=keys)
        grouped = usable.groupby(keys)
        texts_only = usable[usable["kind"] == "text"].groupby(keys)
        out = pd.DataFrame(
            {
                "n_texts": grouped.size(),
                "boilerplate_share": texts_only["boiler"].sum() / texts_only["chars"].sum(),
                "specificity": (grouped["hard"].sum() + grouped["names"].sum())
                / grouped["tokens"].sum().replace(0, np.nan),
                "hard_number_share": grouped["hard"].apply(lambda s: float((s > 0).mean())),
                "vague_quantity_share": grouped["vague"].mean(),
                "mean_length": grouped["chars"].mean(),
                "clustered_share": texts_only["clustered"].mean(),
                "stickiness": _stickiness(usable, keys),
            }
        )
        out["n_pairs"] = table.dropna(subset=keys).groupby(keys).size()
        if "label" in table.columns:
            out = out.join(_label_shares(table.dropna(subset=keys), keys), how="outer")
        out = out.reset_index()
        out.insert(0, "level", level)
        frames.append(out)
    result = pd.concat(frames, ignore_index=True)
    columns = ["level", "doc", "unit", "region", "year", "n_pairs", "n_texts", *MEASURES]
    for column in columns:
        if column not in result:
            result[column] = np.nan if column not in ("doc", "unit", "region") else ""
    result[["doc", "unit", "region"]] = result[["doc", "unit", "region"]].fillna("")
    result["year"] = result["year"].astype("Int64")
    return result[columns].round(4)


def _stickiness(rows: pd.DataFrame, keys: list[str]) -> pd.Series:
    eligible = rows[rows["carried"].notna() & (rows["kind"] == "text")]
    weighted = eligible.assign(_w=eligible["carried"] * eligible["chars"])
    grouped = weighted.groupby(keys)
    return grouped["_w"].sum() / grouped["chars"].sum().replace(0, np.nan)
