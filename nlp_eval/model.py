"""The label classifier: a scikit-learn pipeline trained on labelled pairs, stored as plain arrays.

Features: character 1-3-grams of the completion, jieba words and word pairs of target and
completion (prefixed t:/c:), the comparison features of nlp_eval.compare, and which label
rules fired (so the model learns how far to trust the rules that are not sure). The
classifier is a multinomial logistic regression.

A saved model is one .npz file of numeric arrays plus a JSON header, read with
allow_pickle=False: loading never runs code from the file. Prediction only needs the
vocabularies, idf weights, scaler and coefficients, so a model written by another
scikit-learn version loads; a file of another format version fails with a ModelError.
"""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from nlp_eval.errors import ModelError, ReadError
from nlp_eval.records import LABELS, Finding

if TYPE_CHECKING:  # scikit-learn is imported only to train: prediction is numpy
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

FORMAT = "nlp-eval.model/1"
# Label files that measure the model and never train it (corpus/labels/GUIDE.md).
HELD_OUT = ("real_dev", "heldout_", "blind_")
DEFAULT_MODEL = "default.npz"
CHAR_NGRAMS = (1, 3)
CHAR_LIMIT = 64  # characters of the completion seen by the char n-grams


@dataclass(frozen=True)
class Model:
    """A fitted classifier as plain arrays: what predict() needs, nothing executable."""

    classes: tuple[str, ...]
    char_vocabulary: tuple[str, ...]
    char_idf: np.ndarray
    word_vocabulary: tuple[str, ...]
    word_idf: np.ndarray
    numeric: tuple[str, ...]  # names of the numeric columns, in order
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray
    info: dict[str, Any]


# ---------------------------------------------------------------- features


def split_words(text: str) -> list[str]:
    """Analyzer of the word column: tokens are pre-cut and joined with spaces."""
    return text.split()


def _target_words(words: list[str]) -> str:
    return " ".join(f"t:{w}" for w in words)


def _completion_words(words: list[str]) -> str:
    pairs_ = [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return " ".join(f"c:{w}" for w in (*words, *pairs_))


def _word_column(pairs: pd.DataFrame) -> list[str]:
    """t:-prefixed words of the target; c:-prefixed words and word pairs of the completion."""
    from nlp_eval.text import tokens_many

    target = tokens_many(pairs["target"].tolist())
    done = tokens_many(pairs["completion"].tolist())
    return [
        _target_words(t) + " " + _completion_words(c) for t, c in zip(target, done, strict=True)
    ]


def rule_flags(findings: Iterable[Finding], n: int) -> np.ndarray:
    """An n × labels matrix: 1 where a rule implying that label fired on the row."""
    flags = np.zeros((n, len(LABELS)))
    hits = [(f.row, LABELS.index(f.label)) for f in findings if f.label]
    if hits:
        rows, cols = zip(*hits, strict=True)
        flags[list(rows), list(cols)] = 1.0
    return flags


def numeric_features(pairs: pd.DataFrame, flags: np.ndarray | None = None) -> pd.DataFrame:
    """The numeric columns: comparison features, text shape, and label rules that fired."""
    out = pd.DataFrame(index=pairs.index)
    for col in pairs.columns:
        if col.startswith("f_"):
            values = pairs[col]
            if values.dtype == bool or pd.api.types.is_numeric_dtype(values):
                out[col] = pd.to_numeric(values, errors="coerce").astype(float)
    out["len_c"] = np.log1p(pairs["c"].str.len())
    out["len_t"] = np.log1p(pairs["t"].str.len())
    for col in ("c_measurable", "t_measurable", "t_na", "c_na", "c_blank", "t_blank"):
        out[col] = pairs[col].astype(float)
    # A yes/no answer to a yes/no target is evidence (GUIDE.md §1): 是 → 是, 否 → 否.
    out["t_yes_no"] = pairs["t"].isin(("是", "否")).astype(float)
    out["c_yes_no"] = pairs["c"].str.strip(" 。.").isin(("是", "否")).astype(float)
    if flags is None:
        flags = np.zeros((len(pairs), len(LABELS)))
    codes = pd.DataFrame(flags, index=pairs.index, columns=[f"rule_{lab}" for lab in LABELS])
    out = pd.concat([out, codes], axis=1)
    return out.replace([np.inf, -np.inf], np.nan).fillna(0.0)


def _inputs(pairs: pd.DataFrame, flags: np.ndarray, *, words: bool = True) -> pd.DataFrame:
    frame = numeric_features(pairs, flags)
    # The start of a completion carries its form (已完成, ≥95%, 完成…); long narratives are
    # judged by their words and numbers, and cutting them keeps char n-grams cheap.
    frame["chars"] = pairs["c"].str.slice(0, CHAR_LIMIT).to_numpy()
    if words:
        frame["words"] = _word_column(pairs)
    return frame


def make_model(*, C: float = 4.0, numeric: Sequence[str] = ()) -> Pipeline:
    """Unfitted pipeline: tf-idf of completion characters and of words, scaled numbers, LR."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    features = ColumnTransformer(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char", ngram_range=CHAR_NGRAMS, lowercase=False, min_df=2
                ),
                "chars",
            ),
            ("words", TfidfVectorizer(analyzer=split_words, lowercase=False, min_df=2), "words"),
            ("numeric", StandardScaler(), list(numeric)),
        ]
    )
    return Pipeline(
        [("features", features), ("classifier", LogisticRegression(C=C, max_iter=3000))]
    )


# ---------------------------------------------------------------- train / predict


def train(
    table: pd.DataFrame, labels: Sequence[str], *, C: float = 4.0, info: dict | None = None
) -> Model:
    """Fit the pipeline on a tidy table and its labels; return it as plain arrays."""
    from nlp_eval.rules import check_pairs, kinds, load_rules

    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ModelError(f"unknown label {unknown[0]!r}: labels are {', '.join(LABELS)}")
    if len(set(labels)) < 2:
        raise ModelError("training needs at least two different labels")
    pairs = kinds.prepare(table)
    flags = rule_flags(check_pairs(pairs, load_rules()), len(pairs))
    inputs = _inputs(pairs, flags)
    numeric = [c for c in inputs.columns if c not in ("chars", "words")]
    pipeline = make_model(C=C, numeric=numeric)
    pipeline.fit(inputs, list(labels))
    return _export(pipeline, numeric, {**(info or {}), "pairs": len(labels)})


def _export(pipeline: Pipeline, numeric: list[str], info: dict) -> Model:
    import sklearn

    features = pipeline.named_steps["features"]
    chars = features.named_transformers_["chars"]
    words = features.named_transformers_["words"]
    scaler = features.named_transformers_["numeric"]
    classifier = pipeline.named_steps["classifier"]

    def vocabulary(vec: TfidfVectorizer) -> tuple[str, ...]:
        return tuple(sorted(vec.vocabulary_, key=vec.vocabulary_.get))

    coef, intercept = classifier.coef_, classifier.intercept_
    if len(classifier.classes_) == 2:  # binary LR keeps one row: expand to one per class
        coef, intercept = (
            np.vstack([-coef[0], coef[0]]) / 2,
            np.array([-intercept[0], intercept[0]]) / 2,
        )
    return Model(
        classes=tuple(str(c) for c in classifier.classes_),
        char_vocabulary=vocabulary(chars),
        char_idf=chars.idf_.astype(np.float64),
        word_vocabulary=vocabulary(words),
        word_idf=words.idf_.astype(np.float64),
        numeric=tuple(numeric),
        mean=scaler.mean_.astype(np.float64),
        scale=scaler.scale_.astype(np.float64),
        coef=coef.astype(np.float64),
        intercept=intercept.astype(np.float64),
        info={**info, "sklearn": sklearn.__version__},
    )


class _Scored(NamedTuple):
    """Tf-idf documents scored against one block of coefficients, one row per document."""

    dots: np.ndarray  # (documents, classes): counts × idf · coef, before the l2 norm
    norms2: np.ndarray  # (documents,): squared l2 norm of counts × idf


def _score_docs(
    docs: Iterable[list[str]], vocabulary: tuple[str, ...], idf: np.ndarray, coef: np.ndarray
) -> _Scored:
    """Each document's tf-idf vector (counts × idf, not yet normalised) dotted with coef.

    What TfidfVectorizer(vocabulary=...).transform followed by `@ coef.T` computes, without
    building the sparse matrix: the l2 norm is applied by the caller, which may first add
    the target's and the completion's parts (their terms never overlap).
    """
    index = _index(vocabulary)
    size = max(len(vocabulary), 1)
    keys: list[int] = []  # document × size + term, once per occurrence
    n_docs = 0
    for doc in docs:
        base = n_docs * size
        keys.extend(base + j for j in map(index.get, doc) if j is not None)
        n_docs += 1
    unique, counts = np.unique(np.asarray(keys, dtype=np.int64), return_counts=True)
    rows, terms = unique // size, unique % size
    weights = counts * idf[terms]
    norms2 = np.bincount(rows, weights=weights * weights, minlength=n_docs)
    dots = np.zeros((n_docs, len(coef)))
    for k, row in enumerate(coef):
        dots[:, k] = np.bincount(rows, weights=weights * row[terms], minlength=n_docs)
    return _Scored(dots, norms2)


@cache
def _index(vocabulary: tuple[str, ...]) -> dict[str, int]:
    """Term → column of a vocabulary, built once per model vocabulary."""
    return {term: j for j, term in enumerate(vocabulary)}


# What CountVectorizer(analyzer="char") does to a text before cutting it into n-grams.
_WHITE_SPACES = re.compile(r"\s\s+")


def _char_ngrams(text: str, low: int, high: int) -> list[str]:
    """The char n-grams CountVectorizer(analyzer="char", ngram_range=(low, high)) counts."""
    text = _WHITE_SPACES.sub(" ", text)
    return [text[i : i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]


def _normalised(dots: np.ndarray, norms2: np.ndarray) -> np.ndarray:
    """Dot products of l2-normalised tf-idf vectors (an all-zero vector stays zero)."""
    norms = np.sqrt(norms2)
    norms[norms == 0] = 1.0
    return dots / norms[:, None]


def _char_logits(model: Model, chars: list[str], coef: np.ndarray) -> np.ndarray:
    """Logit part of the completion's char n-grams, each distinct text scored once."""
    # Real tables repeat 已完成, 不适用, 满意度≥95% many times.
    codes, uniques = pd.factorize(pd.Series(chars, dtype=object))
    low, high = CHAR_NGRAMS
    docs = (_char_ngrams(t, low, high) for t in uniques)
    scored = _score_docs(docs, model.char_vocabulary, model.char_idf, coef)
    return _normalised(scored.dots, scored.norms2)[codes]


def _word_logits(model: Model, pairs: pd.DataFrame, coef: np.ndarray) -> np.ndarray:
    """Logit part of the word column, from each distinct target and completion once."""
    from nlp_eval.text import tokens_many

    t_codes, t_uniques = pd.factorize(pairs["target"])
    c_codes, c_uniques = pd.factorize(pairs["completion"])
    targets = (split_words(_target_words(w)) for w in tokens_many(list(t_uniques)))
    completions = (split_words(_completion_words(w)) for w in tokens_many(list(c_uniques)))
    vocabulary, idf = model.word_vocabulary, model.word_idf
    target = _score_docs(targets, vocabulary, idf, coef)
    done = _score_docs(completions, vocabulary, idf, coef)
    # t: and c: terms never overlap: the row's vector is the two parts side by side.
    return _normalised(
        target.dots[t_codes] + done.dots[c_codes], target.norms2[t_codes] + done.norms2[c_codes]
    )


def probabilities(
    model: Model, pairs: pd.DataFrame, findings: Iterable[Finding] = ()
) -> np.ndarray:
    """Class probabilities (rows × model.classes) for prepared pairs and their rule findings."""
    flags = rule_flags(findings, len(pairs))
    # Identical pairs get identical features: score each distinct one once.
    key = pairs["t"] + "\x1f" + pairs["c"] + "\x1f" + pairs["indicator"] + "\x1f" + pairs["level2"]
    codes, uniques = pd.factorize(key)
    if len(uniques) < len(pairs):
        first = np.full(len(uniques), -1)
        first[codes[::-1]] = np.arange(len(codes))[::-1]
        distinct = pairs.iloc[first].reset_index(drop=True)
        return _probabilities(model, distinct, flags[first])[codes]
    return _probabilities(model, pairs, flags)


def _probabilities(model: Model, pairs: pd.DataFrame, flags: np.ndarray) -> np.ndarray:
    """Softmax of [char tf-idf | word tf-idf | scaled numbers] · coef + intercept, in numpy."""
    inputs = _inputs(pairs, flags, words=False)
    numbers = inputs.reindex(columns=list(model.numeric), fill_value=0.0).to_numpy(dtype=np.float64)
    scale = np.where(model.scale == 0, 1.0, model.scale)
    numbers = (numbers - model.mean) / scale
    n_chars, n_words = len(model.char_vocabulary), len(model.word_vocabulary)
    char_coef = model.coef[:, :n_chars]
    word_coef = model.coef[:, n_chars : n_chars + n_words]
    logits = numbers @ model.coef[:, n_chars + n_words :].T + model.intercept
    if n_chars:
        logits += _char_logits(model, inputs["chars"].tolist(), char_coef)
    if n_words:
        logits += _word_logits(model, pairs, word_coef)
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def predict(model: Model, pairs: pd.DataFrame, findings: Iterable[Finding] = ()) -> pd.DataFrame:
    """Label and score (the probability of that label) of each prepared pair."""
    proba = probabilities(model, pairs, findings)
    best = proba.argmax(axis=1)
    return pd.DataFrame(
        {"label": np.asarray(model.classes)[best], "score": proba[np.arange(len(best)), best]},
        index=pairs.index,
    )


# ---------------------------------------------------------------- save / load


def save(model: Model, path: str | Path) -> None:
    """Write the model as one .npz of numeric arrays with a JSON header (no pickle)."""
    header = {
        "format": FORMAT,
        "classes": list(model.classes),
        "char_vocabulary": list(model.char_vocabulary),
        "word_vocabulary": list(model.word_vocabulary),
        "numeric": list(model.numeric),
        "info": model.info,
    }
    from nlp_eval.output import atomic

    with atomic(path, "wb") as out:
        np.savez_compressed(
            out,
            header=np.frombuffer(
                json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8
            ),
            char_idf=model.char_idf,
            word_idf=model.word_idf,
            mean=model.mean,
            scale=model.scale,
            coef=model.coef,
            intercept=model.intercept,
        )


def load(path: str | Path | None = None) -> Model:
    """Read a model written by save(); the shipped default when path is None."""
    if path is None:
        return _default()
    return _read(Path(path))


@cache
def _default() -> Model:
    resource = files("nlp_eval") / "models" / DEFAULT_MODEL
    if not resource.is_file():
        raise ModelError("no default model is installed: run `nlp-eval train` or pass --model")
    with resource.open("rb") as handle:
        return _read_handle(handle, DEFAULT_MODEL)


def _read(path: Path) -> Model:
    try:
        with path.open("rb") as handle:
            return _read_handle(handle, str(path))
    except OSError as err:
        raise ModelError(f"{path}: cannot read model: {err.strerror or err}") from err


# What a model file may hold: these arrays, numeric, and no more than this in total.
MODEL_ARRAYS = ("header", "char_idf", "word_idf", "mean", "scale", "coef", "intercept")
MAX_MODEL_MB = 500


def _check_archive(handle: Any, name: str) -> None:
    """Members, dtypes and shapes from the zip directory and the .npy headers, before any
    array is allocated: a header claiming 600 million floats is refused, not allocated."""
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise ModelError(f"{name}: not an nlp-eval model file ({err})") from None
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        expected = {f"{array}.npy" for array in MODEL_ARRAYS}
        if set(members) != expected:
            odd = sorted(set(members) ^ expected)
            raise ModelError(f"{name}: not an nlp-eval model file (members {', '.join(odd)})")
        total = sum(info.file_size for info in members.values())
        if total > MAX_MODEL_MB * 2**20:
            raise ModelError(f"{name}: {total / 2**20:,.0f} MB of arrays (limit {MAX_MODEL_MB} MB)")
        for member, info in members.items():
            try:
                with archive.open(info) as part:
                    version = np.lib.format.read_magic(part)
                    read_header = (
                        np.lib.format.read_array_header_1_0
                        if version == (1, 0)
                        else np.lib.format.read_array_header_2_0
                    )
                    shape, _, dtype = read_header(part)
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, SyntaxError) as err:
                raise ModelError(f"{name}: {member}: not a numpy array ({err})") from None
            if dtype.kind not in "fiu":
                raise ModelError(f"{name}: {member}: {dtype} is not a numeric array")
            if math.prod(shape) * dtype.itemsize > info.file_size:
                raise ModelError(f"{name}: {member}: shape {shape} is larger than its data")
    handle.seek(0)


def _read_handle(handle: Any, name: str) -> Model:
    _check_archive(handle, name)
    try:
        with np.load(handle, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
        raise ModelError(f"{name}: not an nlp-eval model file ({err})") from err
    try:
        header = json.loads(arrays["header"].tobytes().decode("utf-8"))
    except RecursionError:
        raise ModelError(f"{name}: not an nlp-eval model file (header nested too deeply)") from None
    except (KeyError, ValueError) as err:
        raise ModelError(f"{name}: not an nlp-eval model file (no header)") from err
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise ModelError(
            f"{name}: model format {found!r} is not {FORMAT!r}: retrain it with `nlp-eval train`"
        )
    try:
        model = Model(
            classes=tuple(header["classes"]),
            char_vocabulary=tuple(header["char_vocabulary"]),
            char_idf=arrays["char_idf"].astype(np.float64),
            word_vocabulary=tuple(header["word_vocabulary"]),
            word_idf=arrays["word_idf"].astype(np.float64),
            numeric=tuple(header["numeric"]),
            mean=arrays["mean"].astype(np.float64),
            scale=arrays["scale"].astype(np.float64),
            coef=arrays["coef"].astype(np.float64),
            intercept=arrays["intercept"].astype(np.float64),
            info=dict(header.get("info", {})),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ModelError(f"{name}: model file is incomplete ({err})") from err
    width = len(model.char_vocabulary) + len(model.word_vocabulary) + len(model.numeric)
    if (
        model.coef.shape != (len(model.classes), width)
        or model.intercept.shape != (len(model.classes),)
        or model.char_idf.shape != (len(model.char_vocabulary),)
        or model.word_idf.shape != (len(model.word_vocabulary),)
        or not set(model.classes) <= set(LABELS)
    ):
        raise ModelError(f"{name}: model arrays do not fit together: the file is corrupt")
    return model


# ---------------------------------------------------------------- evaluation


def evaluate(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Per-label precision/recall/F1 and support, macro-F1, accuracy and the confusion matrix."""
    labels = [lab for lab in LABELS if lab in set(truth) | set(predicted)]
    per_label = {}
    for lab in labels:
        tp = sum(t == lab and p == lab for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != lab and p == lab for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == lab and p != lab for t, p in zip(truth, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[lab] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    present = [lab for lab in labels if per_label[lab]["support"]]
    macro = sum(per_label[lab]["f1"] for lab in present) / len(present) if present else math.nan
    accuracy = (
        sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)
        if truth
        else math.nan
    )
    confusion = {t: {p: 0 for p in labels} for t in labels}
    for t, p in zip(truth, predicted, strict=True):
        confusion[t][p] += 1
    return {
        "labels": per_label,
        "macro_f1": macro,
        "accuracy": accuracy,
        "confusion": confusion,
        "n": len(truth),
    }


def format_report(report: dict[str, Any], title: str = "") -> str:
    """A plain-text evaluation report: per-label P/R/F1, macro-F1 and the confusion matrix."""
    lines = [title] if title else []
    lines.append(f"{'label':<10}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for lab, m in report["labels"].items():
        lines.append(
            f"{lab:<10}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>9d}"
        )
    lines.append(
        f"macro-F1 {report['macro_f1']:.3f}   accuracy {report['accuracy']:.3f}   n {report['n']}"
    )
    labels = list(report["confusion"])
    lines.append("confusion (rows = truth, columns = predicted)")
    lines.append(" " * 10 + "".join(f"{lab:>9}" for lab in labels))
    for t in labels:
        lines.append(f"{t:<10}" + "".join(f"{report['confusion'][t][p]:>9d}" for p in labels))
    return "\n".join(lines)


def read_labels(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Labelled pairs from corpus TSV/CSV files as a tidy table with a `label` column."""
    from nlp_eval.errors import ReadError
    from nlp_eval.records import COLUMNS

    frames = []
    from nlp_eval.io.limits import check_regular_file

    for path in map(Path, paths):
        check_regular_file(path)  # a folder or a FIFO is one line, never a block
        try:
            sep = "\t" if path.suffix.lower() in (".tsv", ".txt") else ","
            frame = pd.read_csv(
                path, sep=sep, dtype=str, keep_default_na=False, quoting=3 if sep == "\t" else 0
            )
        except pd.errors.EmptyDataError:
            raise ReadError(f"{path}: empty label file") from None
        except (OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
            reason = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
            raise ReadError(f"{path}: cannot read labels: {reason}") from None
        for col in ("target", "completion", "label"):
            if col not in frame:
                raise ReadError(f"{path}: labels need a {col!r} column")
        if frame.empty:
            raise ReadError(f"{path}: no labelled pairs (a header only)")
        bad = sorted(set(frame["label"]) - set(LABELS))
        if bad:
            raise ReadError(f"{path}: unknown label {bad[0]!r}: labels are {', '.join(LABELS)}")
        frames.append(frame)
    if not frames:
        raise ReadError("no label files given")
    table = pd.concat(frames, ignore_index=True)
    for col in COLUMNS:
        if col not in table:
            table[col] = "" if col not in ("weight", "points", "value", "confidence") else np.nan
    for col in ("weight", "points", "value"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    table["confidence"] = pd.to_numeric(table["confidence"], errors="coerce").fillna(1.0)
    table["completion"] = table["completion"].str.replace("\\n", "\n")
    table["target"] = table["target"].str.replace("\\n", "\n")
    return table


def train_files(paths: Iterable[str | Path], out: str | Path, *, C: float = 4.0) -> str:
    """Train on label files, save the model to out, and say what was trained.

    Files named like a held-out set (real_dev*, heldout_*, blind_*) are refused: they measure
    the model and must never train it.
    """
    paths = list(paths)
    held = [p for p in map(Path, paths) if p.name.startswith(HELD_OUT)]
    if held:
        raise ModelError(f"{held[0]}: a held-out label set is never used for training")
    table = read_labels(paths)
    if table["label"].nunique() < 2:
        raise ReadError(f"{', '.join(map(str, paths))}: training needs at least two labels")
    model = train(
        table, table["label"].tolist(), C=C, info={"trained_on": [Path(p).name for p in paths]}
    )
    save(model, out)
    counts = table["label"].value_counts()
    spread = ", ".join(f"{lab} {int(counts.get(lab, 0))}" for lab in LABELS)
    return f"trained on {len(table)} pairs ({spread}); wrote {out}"


def evaluate_files(
    paths: Iterable[str | Path], *, model: Model | str | Path | None | bool = None
) -> str:
    """lint's labels on label files against the truth, as a plain-text report."""
    from nlp_eval.lint import lint

    table = read_labels(paths)
    linted = lint(table, model=model)
    title = "rules only" if model is False else f"model {model or 'default'}"
    report = format_report(evaluate(table["label"].tolist(), linted.table["label"].tolist()), title)
    if "shortfall" in table:
        report += "\n" + format_shortfall(shortfall_report(table, linted.findings))
    return report


# Findings that say a target was missed: by the numbers (N001) or in the completion's words (N002).
SHORTFALL_CODES = ("N001", "N002")


def shortfall_report(table: pd.DataFrame, findings: Iterable[Finding]) -> dict[str, Any]:
    """Pair-level precision/recall of N001+N002 against a `shortfall` column (yes/no).

    Rows whose `shortfall` is neither yes nor no are left out.
    """
    flagged = {f.row for f in findings if f.code in SHORTFALL_CODES}
    truth = table["shortfall"].fillna("").astype(str).str.strip().str.lower()
    rows = [i for i, t in enumerate(truth.tolist()) if t in ("yes", "no")]
    tp = sum(truth.iat[i] == "yes" and i in flagged for i in rows)
    fp = sum(truth.iat[i] == "no" and i in flagged for i in rows)
    fn = sum(truth.iat[i] == "yes" and i not in flagged for i in rows)
    return {
        "precision": tp / (tp + fp) if tp + fp else math.nan,
        "recall": tp / (tp + fn) if tp + fn else math.nan,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "n": len(rows),
        "missed": [i for i in rows if truth.iat[i] == "yes" and i not in flagged],
        "false": [i for i in rows if truth.iat[i] == "no" and i in flagged],
    }


def format_shortfall(report: dict[str, Any]) -> str:
    """One line: shortfall precision and recall of N001+N002 per pair, with the counts."""
    return (
        f"shortfall (N001+N002 per pair): precision {report['precision']:.3f}   "
        f"recall {report['recall']:.3f}   tp {report['tp']} fp {report['fp']} fn {report['fn']}"
        f"   n {report['n']}"
    )
