"""Boilerplate clusters: near-identical texts across projects, documents, units and years.

Method (scales near-linearly):
1. exact duplicates are collapsed first (已完成 occurs thousands of times; without this the
   LSH buckets of one frequent text would make candidate generation quadratic);
2. MinHash signatures over character n-grams (Chinese has no spaces), vectorised in numpy:
   every n-gram of every text is hashed once, then each permutation is a multiply-shift of
   those hashes and the per-text minimum is one `np.minimum.reduceat`;
3. LSH banding: texts that agree on every row of one band are candidates; inside a bucket
   each member is paired with the first and with the previous member only (linear, not
   all pairs), which keeps huge buckets cheap while a true near-duplicate still meets its
   neighbours through the other bands;
4. candidates are verified by the signature agreement (an unbiased estimate of the
   Jaccard similarity of the n-gram sets) or, for texts of 20 characters or more, by the
   rapidfuzz ratio (indel similarity) of the two texts: a writer's light edit (3-4
   characters replaced and 进一步 inserted in a 45-character sentence) keeps a ratio near 88
   but breaks so many 3-grams that their Jaccard falls to about 0.45 (the ratio check also
   needs equal numbers); texts under 20 characters must always state equal numbers.
   Clusters are the connected components.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from nlp_eval import lexicon
from nlp_eval.corpus.texts import CONTEXT, key

NUM_PERM = 64
NGRAM = 3
# 21 bands x 3 rows: a pair with Jaccard 0.6 becomes a candidate with p ≈ 0.99, a light edit
# (Jaccard 0.45) with p ≈ 0.86, which the other members of its cluster then complete.
BANDS = 21
THRESHOLD = 0.6  # estimated Jaccard of character 3-gram sets needed to join a cluster
RATIO = 75.0  # or rapidfuzz fuzz.ratio (0-100) of two texts both at least SHORT_WITH_NUMBERS long
# Only candidates whose estimated Jaccard reaches this are compared by ratio: a light edit
# sits near 0.45 (64 permutations: ± 0.06), most chance candidates of one sentence pattern
# below 0.3, and comparing them all would cost more than the rest of the clustering.
RECHECK_FROM = 0.25

_CHUNK = 1 << 14  # texts per MinHash chunk
SHORT_WITH_NUMBERS = 20  # characters: shorter near-duplicates must state the same numbers
_DIGITS = re.compile(r"[0-9]+")


def _gram_hashes(texts: list[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every character n-gram, and the start of each text's run of grams.

    A text shorter than `ngram` yields one gram (itself, padded), so every text has a sketch.
    """
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = "\x00".join(texts) + "\x00" * ngram
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    counts = np.maximum(lengths - ngram + 1, 1)
    offsets = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(counts[:-1], out=offsets[1:])
    # position of every gram: text start + rank of the gram inside its text
    positions = np.repeat(starts - offsets, counts) + np.arange(counts.sum(), dtype=np.int64)
    rng = np.random.default_rng(0x5EED)
    mult = rng.integers(1, 2**63, size=ngram, dtype=np.uint64) | np.uint64(1)
    hashes = np.zeros(len(positions), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(ngram):
            hashes += codes[positions + k] * mult[k]
        hashes ^= hashes >> np.uint64(29)
        hashes *= np.uint64(0xBF58476D1CE4E5B9)
        hashes ^= hashes >> np.uint64(32)
    return hashes, offsets


def minhash(texts: list[str], *, num_perm: int = NUM_PERM, ngram: int = NGRAM) -> np.ndarray:
    """MinHash signatures (len(texts) x num_perm, uint32) of the character n-gram sets."""
    rng = np.random.default_rng(0xC0FFEE)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    sig = np.empty((len(texts), num_perm), dtype=np.uint32)
    shift = np.uint64(32)
    # chunks of texts keep the gram arrays in cache: time grows linearly with the corpus
    for lo in range(0, len(texts), _CHUNK):
        hashes, offsets = _gram_hashes(texts[lo : lo + _CHUNK], ngram)
        permuted = np.empty_like(hashes)
        block = sig[lo : lo + _CHUNK]
        with np.errstate(over="ignore"):
            for k in range(num_perm):
                np.multiply(hashes, a[k], out=permuted)
                permuted += b[k]
                permuted >>= shift
                block[:, k] = np.minimum.reduceat(permuted, offsets)
    return sig


def band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    """(texts × bands) bucket key of every text in every band: equal keys, equal band rows."""
    rows = sig.shape[1] // bands
    rng = np.random.default_rng(0xBA4D)
    mult = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    keys = np.empty((len(sig), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            block = sig[:, band * rows : (band + 1) * rows].astype(np.uint64)
            keys[:, band] = (block * mult).sum(axis=1, dtype=np.uint64)
    return keys


def bucket_pairs(keys: np.ndarray, index: np.ndarray, n: int) -> np.ndarray:
    """Candidate codes i * n + j (i < j) of texts sharing a key, in one band.

    Members of a bucket are taken in text order (index) and paired with the previous member
    (chain) and with the first (star). Any subset holding whole buckets gives the same pairs,
    so buckets may be spread over workers (nlp_eval.engine).
    """
    if len(keys) < 2:
        return np.zeros(0, dtype=np.uint64)
    order = np.lexsort((index, keys))
    sorted_keys = keys[order]
    same_as_prev = np.empty(len(keys), dtype=bool)
    same_as_prev[0] = False
    np.equal(sorted_keys[1:], sorted_keys[:-1], out=same_as_prev[1:])
    if not same_as_prev.any():
        return np.zeros(0, dtype=np.uint64)
    group_start = np.maximum.accumulate(np.where(same_as_prev, 0, np.arange(len(keys))))
    members = np.flatnonzero(same_as_prev)
    found = []
    for other in (members - 1, group_start[members]):  # chain and star
        i, j = index[order[other]], index[order[members]]
        lo, hi = np.minimum(i, j).astype(np.uint64), np.maximum(i, j).astype(np.uint64)
        found.append(lo * np.uint64(n) + hi)
    return np.concatenate(found)


def distinct_codes(found: list[np.ndarray]) -> np.ndarray:
    """The sorted distinct candidate codes of several bands."""
    if not found:
        return np.zeros(0, dtype=np.uint64)
    codes = np.concatenate(found)
    if not len(codes):
        return codes
    codes.sort()  # sort + neighbour test: numpy 2's hash-based np.unique is ~10x slower here
    keep = np.empty(len(codes), dtype=bool)
    keep[0] = True
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


def _candidate_pairs(sig: np.ndarray, bands: int) -> np.ndarray:
    """Candidate pairs (i < j) from LSH banding, as one uint64 code i * n + j per pair."""
    n = len(sig)
    keys = band_keys(sig, bands)
    index = np.arange(n, dtype=np.int64)
    return distinct_codes([bucket_pairs(keys[:, band], index, n) for band in range(keys.shape[1])])


def _numbers(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """An id of each text's sequence of digit runs, and each text's length."""
    ids: dict[tuple[str, ...], int] = {}
    numbers = np.fromiter(
        (ids.setdefault(tuple(_DIGITS.findall(t)), len(ids)) for t in texts),
        dtype=np.int64,
        count=len(texts),
    )
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    return numbers, lengths


def near_duplicate_groups(
    texts: list[str],
    *,
    threshold: float = THRESHOLD,
    num_perm: int = NUM_PERM,
    bands: int = BANDS,
    ngram: int = NGRAM,
    ratio: float = RATIO,
) -> np.ndarray:
    """Group label of every text (distinct texts expected): connected near-duplicates share one."""
    if not texts:
        return np.zeros(0, dtype=np.int64)
    sig = minhash(texts, num_perm=num_perm, ngram=ngram)
    codes = _candidate_pairs(sig, bands)
    return verified_groups(texts, sig, codes, threshold=threshold, ratio=ratio)


def verified_groups(
    texts: list[str],
    sig: np.ndarray,
    codes: np.ndarray,
    *,
    threshold: float = THRESHOLD,
    ratio: float = RATIO,
) -> np.ndarray:
    """Connected components of the candidate pairs (codes i * n + j) that pass verification."""
    n, num_perm = sig.shape
    i = (codes // np.uint64(n)).astype(np.int64)
    j = (codes % np.uint64(n)).astype(np.int64)
    keep = np.zeros(len(codes), dtype=bool)
    maybe = np.zeros(len(codes), dtype=bool)  # worth comparing by ratio
    chunk = 1 << 18  # verify in chunks: memory stays at chunk x num_perm bytes
    for lo in range(0, len(codes), chunk):
        a, b = i[lo : lo + chunk], j[lo : lo + chunk]
        agreeing = np.count_nonzero(sig[a] == sig[b], axis=1)  # of num_perm rows
        keep[lo : lo + chunk] = agreeing >= threshold * num_perm
        maybe[lo : lo + chunk] = agreeing >= RECHECK_FROM * num_perm
    # a short text says little besides its numbers: 总成本不超过2万 and 总成本不超过2.4万 are
    # one template with different values, not one text copied
    numbers, lengths = _numbers(texts)
    short = np.minimum(lengths[i], lengths[j]) < SHORT_WITH_NUMBERS
    keep &= ~short | (numbers[i] == numbers[j])
    # A longer candidate the signatures reject may still be a light edit: compare the texts.
    # A copy keeps its numbers; two projects' sentences written on one pattern (通过A街道开展
    # 讲座380场… / 结合B街道开展讲座150场…) reach the ratio too, but state other numbers.
    # (ratio ≥ r needs 2 · shorter length ≥ r/100 · both lengths: a free first filter.)
    reachable = 200 * np.minimum(lengths[i], lengths[j]) >= ratio * (lengths[i] + lengths[j])
    same_numbers = numbers[i] == numbers[j]
    recheck = np.flatnonzero(maybe & ~keep & ~short & reachable & same_numbers)
    for lo in range(0, len(recheck), chunk):  # chunks: the string lists stay small
        part = recheck[lo : lo + chunk]
        left = [texts[k] for k in i[part]]
        right = [texts[k] for k in j[part]]
        scores = process.cpdist(
            left, right, scorer=fuzz.ratio, score_cutoff=ratio, workers=-1, dtype=np.float32
        )
        keep[part[scores >= ratio]] = True
    graph = coo_matrix((np.ones(int(keep.sum()), dtype=np.int8), (i[keep], j[keep])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def cluster_keys(
    keys: pd.Series, *, groups: Callable = near_duplicate_groups, **options
) -> pd.Series:
    """Cluster label for every key (one per text occurrence); exact duplicates collapse first.

    `groups` labels the distinct texts (nlp_eval.engine gives one that runs on Dask).
    """
    codes, uniques = pd.factorize(keys, sort=False)
    labels = groups(uniques.tolist(), **options)  # tolist: 10x list() on arrow
    return pd.Series(labels[codes], index=keys.index)


CLUSTER_COLUMNS = (
    *("cluster", "size", "units", "years", "docs", "kind", "representative"),
    *CONTEXT,
    *("project_name", "field", "source", "row", "text"),
)
SHORT = 8  # characters: a cluster whose representative is shorter is a status phrase


@cache
def _status_keys() -> frozenset[str]:
    """Whole-cell status words and grades (lexicons/vague_status.txt: 部分达成预期指标并具有一定效果)."""
    return frozenset(key(w) for w in lexicon.words("vague_status.txt"))


def boilerplate_clusters(texts: pd.DataFrame, *, min_size: int = 2, **options) -> pd.DataFrame:
    """One row per member of every cluster of near-identical texts spanning several projects.

    `texts` is `nlp_eval.corpus.texts.texts(table)`; only kind `text` is clustered, each field
    on its own (a completion equal to its own target is a copy, not boilerplate). Clusters are
    numbered from 1 by size, largest first; kind `short` marks status phrases and grades
    (under SHORT characters, or in lexicons/vague_status.txt), `text` the sentence templates.
    """
    parts = []
    for field, part in texts[texts["kind"] == "text"].groupby("field", sort=True):
        labels = cluster_keys(part["key"], **options)
        parts.append(part.assign(_group=field + ":" + labels.astype(str)))
    if not parts:
        return pd.DataFrame(columns=list(CLUSTER_COLUMNS))
    members = pd.concat(parts)
    size = members.groupby("_group")["_group"].transform("size")
    members = members[size >= min_size]  # most texts are alone: leave them out early
    spread = members.assign(_where=members["doc"].astype(str) + "\x00" + members["project"])
    grouped = spread.groupby("_group")
    # the most frequent wording stands for the cluster (ties: the first seen)
    wordings = spread.assign(_wording=spread["text"].str.strip())
    counts = wordings.groupby(["_group", "_wording"], sort=False).size()
    counts = counts.sort_values(ascending=False, kind="stable")
    representative = counts.reset_index().drop_duplicates("_group").set_index("_group")["_wording"]
    stats = pd.DataFrame(
        {
            "size": grouped.size(),
            "places": grouped["_where"].nunique(),
            "units": grouped["unit"].nunique(),
            "years": grouped["year"].nunique(),
            "docs": grouped["doc"].nunique(),
            "representative": representative,
        }
    )
    stats = stats[(stats["size"] >= min_size) & (stats["places"] >= 2)]
    stats = stats.sort_values(["size", "units", "representative"], ascending=[False, False, True])
    stats["cluster"] = range(1, len(stats) + 1)
    status = stats["representative"].map(lambda text: key(text) in _status_keys()).astype(bool)
    stats["kind"] = np.where((stats["representative"].str.len() < SHORT) | status, "short", "text")
    out = members.drop(columns="kind").join(stats.drop(columns="places"), on="_group", how="inner")
    out = out.sort_values(["cluster", "year", "doc", "row"], kind="stable", ignore_index=True)
    return out[list(CLUSTER_COLUMNS)]
