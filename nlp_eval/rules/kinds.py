"""Rule kinds: one function per kind, vectorised over the prepared pairs frame.

Every kind takes the prepared frame (see `prepare`; only the rows the rule's `where` keeps)
and keyword parameters from rules.toml, and returns its hits: a DataFrame indexed by row with
the fields its message and suggestion use (`match`, `span`, `ratio`…). No hit, empty frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from nlp_eval import compare, lexicon, numbers, text
from nlp_eval.errors import RuleError
from nlp_eval.records import NUMBER_COLUMNS, TEXT_COLUMNS

KINDS: tuple[str, ...] = (
    "long_name",
    "rate_only",
    "goal_without_evidence",
    "restate_bound",
    "empty",
    "not_text",
    "not_applicable",
    "phrase",
    "regex",
    "copy",
    "restate",
    "label_only",
    "no_evidence",
    "shortfall",
    "admits_shortfall",
    "unit_mismatch",
    "duplicate",
    "required_levels",
    "misplaced",
    "alignment",
    "budget_rate",
    "overspent",
    "rate_points",
    "points",
    "qualitative_points",
    "reason_none",
    "model",
)

INDICATOR_LEVELS = ("产出", "效益", "满意度")
# Rows of figures and verdicts, not of narrative text: only these kinds look at them, and
# lint gives them no label (budget figures, 评价 总分/等级, the notes under a table).
FIGURE_LEVELS = ("预算", "评价", "说明")
FIGURE_KINDS = ("budget_rate", "overspent", "rate_points", "alignment")
# Rows that are not a target/completion pair: no label, and label rules skip them unless
# their `where` names them (E002 still finds template text left in 问题 or 整改).
UNLABELLED_LEVELS = (*FIGURE_LEVELS, "问题", "整改")


def _no_hits() -> pd.DataFrame:
    return pd.DataFrame(index=pd.Index([], dtype=int))


def _hits(mask: pd.Series | np.ndarray, index: pd.Index, **fields: Any) -> pd.DataFrame:
    """Hits of a boolean mask, with per-row fields (Series aligned on index, or scalars)."""
    mask = np.asarray(mask, dtype=bool)
    rows = index[mask]
    data = {}
    for name, value in fields.items():
        if isinstance(value, pd.Series):
            data[name] = value.loc[rows].to_numpy()
        elif isinstance(value, np.ndarray):
            data[name] = value[mask]
        else:
            data[name] = [value] * len(rows)
    return pd.DataFrame(data, index=rows)


def _map_unique(values: pd.Series, func: Callable[[str], Any]) -> pd.Series:
    """func over each distinct value once: real tables repeat 已完成, 不适用… thousands of times."""
    codes, uniques = pd.factorize(values)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques.tolist()]
    return pd.Series(mapped[codes], index=values.index)


@cache
def _word_list(name: str) -> tuple[str, ...]:
    return lexicon.words(name)


def _words(words: str | Sequence[str]) -> tuple[str, ...]:
    """A word list given inline in rules.toml or as the name of a lexicons/*.txt file."""
    if isinstance(words, str):
        return _word_list(words)
    return tuple(words)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# ---------------------------------------------------------------- preparation


# A bare value, threshold or grade: what the domain guide judges on the completion alone.
_NUMBER = r"[0-9０-９]+(?:\.[0-9]+)?"
_MEASURABLE = re.compile(
    r"[0-9０-９]|[一二三四五六七八九十两百千万]+(?:个|次|场|人|家|项|所|批|期|台|套|件|篇|条|季度|月|年|天)"
    r"|[《“\"「].+?[》”\"」]|^(?:是|否|有|无)$|百分之|[一二三四五六七八九十]成"
)


@cache
def _code_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in _word_list("code_patterns.txt"))


def is_code(cell: str) -> bool:
    """Whether a cell holds markup, script or a formula instead of text (code_patterns.txt)."""
    return any(p.search(cell) for p in _code_patterns())


# A cell holding only a mark is an unfilled cell, not a declaration (GUIDE.md §10).
_MARKS = frozenset({"/", "-", "--", "—", "——", "\\", "、"})


def prepare(table: pd.DataFrame, features: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tidy table plus the normalised text and comparison columns the kinds read."""

    p = table.reset_index(drop=True).copy()
    for col in TEXT_COLUMNS:
        if col not in p:
            p[col] = ""
        p[col] = p[col].fillna("").astype(str)
    for col in NUMBER_COLUMNS:
        if col not in p:
            p[col] = np.nan
        p[col] = pd.to_numeric(p[col], errors="coerce").astype(float)
    if "confidence" not in p:
        p["confidence"] = 1.0
    p["confidence"] = pd.to_numeric(p["confidence"], errors="coerce").fillna(1.0).astype(float)
    if features is None:
        features = _distinct_features(p)
    for col in features.columns:
        p[f"f_{col}"] = features[col].to_numpy()
    for col, source in (("t", "target"), ("c", "completion")):
        p[col] = _map_unique(p[source], text.normalize).astype("str")
    # N/A phrases and the open forms of na_patterns.txt (text.is_na), in any of the three cells:
    # 本项目无经济效益 as the 三级指标 declares the indicator not applicable too.
    p["t_na"] = p["f_target_na"].astype(bool)
    p["c_na"] = p["f_completion_na"].astype(bool)
    p["i_na"] = _map_unique(p["indicator"], _is_na_text).astype(bool)
    # Placeholders (……, **, XX) are template cells: test only the cells compare flagged so.
    for col, source in (("t_blank", "target"), ("c_blank", "completion")):
        flagged = p[f"f_{source}_template"].astype(bool).to_numpy()
        p[col] = False
        if flagged.any():
            p.loc[flagged, col] = _map_unique(p.loc[flagged, source], text.is_placeholder).astype(
                bool
            )
        p[col] = p[col].astype(bool)
    p["t_measurable"] = _map_unique(p["t"], lambda s: bool(_MEASURABLE.search(s))).astype(bool)
    p["c_measurable"] = _map_unique(p["c"], lambda s: bool(_MEASURABLE.search(s))).astype(bool)
    # Markup, script or a formula in place of a completion says nothing about the work: the
    # other rules treat it as blank, E005 names it.
    p["c_code"] = False
    suspect = p["c"].str.contains(r"<|^[=@+]|script:|data:", case=False, regex=True)
    if suspect.any():
        p.loc[suspect, "c_code"] = _map_unique(p.loc[suspect, "c"], is_code).astype(bool)
    p["c_code"] = p["c_code"].astype(bool)
    p["t_blank"] |= p["t"] == ""
    p["c_blank"] |= (p["c"] == "") | p["c_code"]
    p["c_mark"] = p["c"].isin(_MARKS)
    p["no_reason"] = (p["reason"].str.strip(" 。.\n") == "") | _map_unique(
        p["reason"], _is_na_text
    ).astype(bool)
    p["is_indicator"] = p["level1"].str.startswith(INDICATOR_LEVELS) | (p["level1"] == "")
    # One integer per (doc, project): the project-scope rules group on it.
    p["pkey"] = pd.factorize(p["doc"] + "\x1f" + p["project"])[0]
    # A target declaration (申报表/批复表): the reader found target cells but no completion
    # cell (no source) in any indicator row of the document. Its pairs get no label, and only
    # the target checks look at them; a blank completion cell of a self-evaluation is missing.
    for col in ("source", "target_source"):
        if col not in p:
            p[col] = ""
        p[col] = p[col].fillna("").astype(str)
    paired = p["is_indicator"] | (p["level1"] == "总体")
    unanswered = paired & (p["c"] == "") & (p["source"] == "") & (p["target_source"] != "")
    answered = (paired & (p["c"] != "")).groupby(p["doc"]).transform("any").astype(bool)
    targets_only = unanswered.groupby(p["doc"]).transform("any").astype(bool)
    p["declaration"] = paired & targets_only & ~answered
    p["figure_row"] = p["level1"].isin(FIGURE_LEVELS)
    p["unlabelled_row"] = p["level1"].isin(UNLABELLED_LEVELS) | p["declaration"]
    verdict = p["f_verdict"]
    p["a_met"] = np.where(
        verdict.isin(("met", "exceeded")), 1.0, np.where(verdict == "short", 0.0, np.nan)
    )
    p["a_direction"] = np.where(p["f_reverse"].astype(bool), "反向", "正向")
    return p


def category_name(level: str) -> str:
    """A category as a reader names it: 社会 → 社会效益指标, 数量 → 数量指标, 总体 → 年度总体目标."""
    if not level or level.endswith(("指标", "目标")):
        return level
    if level == "总体":
        return "年度总体目标"
    if level in ("经济", "社会", "生态", "环境"):
        return f"{level}效益指标"
    if level.startswith("可持续"):
        return "可持续影响指标"
    return f"{level}指标"


_THIS_INDICATOR = {"zh": "本指标", "en": "this indicator"}


def message_fields(
    pairs: pd.DataFrame, rows: np.ndarray, names: Iterable[str], lang: str = "zh"
) -> dict:
    """Pair fields a message may use, for the rows of its hits: columns, measure and goal."""
    # Take the rows first: converting a whole Arrow string column costs more than the rule.
    out = {n: pairs[n].take(rows).tolist() for n in names if n in pairs}
    if "category" in names:
        out["category"] = [category_name(v) for v in pairs["level2"].take(rows).tolist()]
    if {"measure", "goal"} & set(names):
        parts = [measure_and_goal(t) for t in pairs["target"].take(rows).tolist()]
        # No measure before a value: name the indicator, else a short target that names the
        # measure (社会大众对举办活动情况的满意度), else the category as a reader names it
        # (社会 → 社会效益指标, 总体 → 年度总体目标: a bare 社会 reads like an indicator name).
        # Every step is per row: work on the hit rows only, not the whole table.
        hit = pairs[
            ["target", "indicator", "level1", "level2", "f_target_quantities", "t_na"]
        ].take(rows)
        short = hit["target"].where(hit["target"].str.len().between(2, 20), "")
        short = short.where(hit["f_target_quantities"].astype(int) == 0, "").where(~hit["t_na"], "")
        names = (
            hit["indicator"]
            .where(hit["indicator"].str.strip() != "", short)
            .where(lambda s: s.str.strip() != "", _map_unique(hit["level2"], category_name))
            .where(lambda s: s != "", _map_unique(hit["level1"], category_name))
            .tolist()
        )
        this = _THIS_INDICATOR.get(lang, _THIS_INDICATOR["zh"])
        out["measure"] = [m or name or this for (m, _), name in zip(parts, names, strict=True)]
        out["goal"] = [g for _, g in parts]
    return out


def _distinct_features(p: pd.DataFrame) -> pd.DataFrame:
    """compare.features once per distinct (target, completion, indicator, 成本 row or not)."""
    cost = p["level2"].str.contains("成本", regex=False)
    key = (
        p["target"]
        + "\x1f"
        + p["completion"]
        + "\x1f"
        + p["indicator"]
        + cost.map({True: "\x1f成本", False: ""})
    )
    codes, uniques = pd.factorize(key)
    if len(uniques) == len(p):
        return compare.features(p)
    first = np.full(len(uniques), -1)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    distinct = p.iloc[first][["target", "completion", "indicator", "level2"]].reset_index(drop=True)
    return compare.features(distinct).iloc[codes].reset_index(drop=True)


@lru_cache(maxsize=1 << 18)
def measure_and_goal(target: str) -> tuple[str, str]:
    """Split 相关设备使用者对设备情况满意度≥95% into the measure and the goal ≥95%."""
    qs = numbers.quantities(target)
    if not qs:
        return "", ""
    q = qs[-1]
    start, end = q.span
    measure = target[:start].strip(" :：,，。")
    return measure, target[start:end].strip()


# ---------------------------------------------------------------- labels (E, X, C, R, V)


def empty(pairs: pd.DataFrame, *, field: str = "completion") -> pd.DataFrame:
    """The field is blank, a placeholder (……, **, XX) or a bare mark (/, —), the other side not N/A."""
    if field == "completion":
        declared = pairs["t_na"] | pairs["i_na"]
        mask = (pairs["c_blank"] | pairs["c_mark"]) & ~pairs["c_code"] & ~declared
    else:
        mask = pairs["t_blank"] & ~pairs["t_na"] & ~pairs["c_na"]
    return _hits(mask, pairs.index, match=pairs[field])


def not_text(pairs: pd.DataFrame) -> pd.DataFrame:
    """The completion is markup, script or a spreadsheet formula, the target not N/A."""
    return _hits(pairs["c_code"] & ~pairs["t_na"], pairs.index, match=pairs["completion"])


def not_applicable(pairs: pd.DataFrame, *, both: bool = True) -> pd.DataFrame:
    """N/A on both sides (or, with both=false, a N/A word as the completion of a real target).

    A 三级指标 that declares itself not applicable (本项目无经济效益) stands for the target: the
    pair is na unless the completion reports something else than the target.
    """
    if both:
        unanswered = pairs["c_na"] | pairs["c_blank"]
        declared = pairs["i_na"] & (
            unanswered | pairs["t_na"] | pairs["t_blank"] | (pairs["c"] == pairs["t"])
        )
        mask = (pairs["t_na"] & unanswered) | declared
    else:
        real = ~pairs["t_na"] & ~pairs["t_blank"] & ~pairs["i_na"]
        mask = pairs["c_na"] & ~pairs["c_mark"] & ~pairs["c_blank"] & real & pairs["is_indicator"]
    return _hits(mask, pairs.index, match=pairs["completion"])


def phrase(
    pairs: pd.DataFrame,
    *,
    words: str | Sequence[str],
    field: str = "completion",
    match: str = "contains",
    no_number: bool = False,
    max_len: int = 0,
    min_hits: int = 1,
    unless_indicator: str = "",
) -> pd.DataFrame:
    """Words of a list found in the field: the whole cell, its start, or anywhere in it.

    unless_indicator: a regex; rows whose 三级指标 matches are skipped (验收结果 → 合格 answers
    the indicator: a category or pass mark repeated is a value, not a status word).
    """
    if unless_indicator:
        pairs = pairs[~pairs["indicator"].str.contains(unless_indicator)]
    column = {"completion": "c", "target": "t", "reason": "reason", "indicator": "indicator"}[field]
    text = pairs[column]
    entries = _words(words)
    if not entries:
        return _no_hits()
    alternation = _alternation(entries)
    if match == "whole":
        # The whole cell, with trailing punctuation and a leading 已/均 ignored.
        stripped = text.str.strip(" 。.,，;；!！")
        found = stripped.where(stripped.isin(set(entries)), "")
        mask = found != ""
        span = pd.Series([(0, len(s)) for s in found.tolist()], index=pairs.index, dtype=object)
        return _hits(mask, pairs.index, match=found, span=span)
    pattern = f"^(?:{alternation})" if match == "start" else f"(?:{alternation})"
    # A vectorised contains finds the few candidate cells; only those are searched for the word.
    mask = text.str.count(pattern) >= min_hits if min_hits > 1 else text.str.contains(pattern)
    compiled = re.compile(pattern)
    found = pd.Series("", index=pairs.index, dtype=object)
    candidates = pairs.index[mask.to_numpy(dtype=bool)]
    found.loc[candidates] = [compiled.search(t).group(0) for t in text.loc[candidates].tolist()]
    if no_number:
        column_measurable = "c_measurable" if field == "completion" else "t_measurable"
        mask &= (
            ~pairs[column_measurable] if column_measurable in pairs else ~text.str.contains(r"\d")
        )
    if max_len:
        mask &= text.str.len() <= max_len
    mask &= ~pairs["c_na"] if field == "completion" else True
    hit = pairs.index[np.asarray(mask, dtype=bool)]
    raw = pairs[field]
    span = pd.Series([None] * len(pairs), index=pairs.index, dtype=object)
    raw_hit, found_hit = raw.loc[hit].tolist(), found.loc[hit].tolist()
    starts = [r.find(f) for r, f in zip(raw_hit, found_hit, strict=True)]
    span.loc[hit] = pd.Series(
        [(a, a + len(f)) if a >= 0 else None for a, f in zip(starts, found_hit, strict=True)],
        index=hit,
        dtype=object,
    )
    return _hits(mask, pairs.index, match=found, span=span)


def regex(
    pairs: pd.DataFrame,
    *,
    pattern: str = "",
    patterns: str | Sequence[str] = (),
    field: str = "completion",
    negate: bool = False,
    skip_na: bool = True,
    min_len: int = 0,
    normalized: bool = False,
) -> pd.DataFrame:
    """A regular expression searched in the field (negate: fires when it does not match).

    patterns: a list of expressions (inline or a lexicons/*.txt file), any of which may match.
    normalized: search the normalised text (half-width, simplified) instead of the cell.
    """
    if patterns:
        pattern = "|".join(f"(?:{p})" for p in _words(patterns))
    if not pattern:
        raise RuleError("regex: give a pattern or a patterns list")
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise RuleError(f"bad pattern {pattern!r}: {err}") from err
    column = {"completion": "c", "target": "t"}.get(field, field) if normalized else field
    text = pairs[column].str.strip()
    searched = _map_unique(text, compiled.search)
    matched = searched.notna()
    mask = ~matched if negate else matched
    if skip_na:
        na_col = "t_na" if field in ("target", "indicator") else "c_na"
        blank_col = "t_blank" if field in ("target", "indicator") else "c_blank"
        mask &= ~pairs[na_col] & ~pairs[blank_col] & (text != "")
    if min_len:
        mask &= text.str.len() >= min_len
    # What matched (the whole cell when the rule fires because nothing matched), and where;
    # offsets in normalised text are not the cell's, so no span then. Only the hit rows.
    hit = np.flatnonzero(np.asarray(mask, dtype=bool))
    raw = pairs[field].take(hit)
    offset = (raw.str.len() - raw.str.lstrip().str.len()).tolist()
    found = searched.take(hit).tolist()
    match = np.fromiter(
        (
            m.group(0) if m is not None else t
            for m, t in zip(found, text.take(hit).tolist(), strict=True)
        ),
        dtype=object,
        count=len(hit),
    )
    span = np.fromiter(
        (
            (m.start() + o, m.end() + o)
            if m is not None and not negate and not normalized
            else None
            for m, o in zip(found, offset, strict=True)
        ),
        dtype=object,
        count=len(hit),
    )
    length = text.str.len().to_numpy()[hit]
    return pd.DataFrame({"match": match, "length": length, "span": span}, index=pairs.index[hit])


def copy(
    pairs: pd.DataFrame,
    *,
    min_ratio: float = 90,
    max_ratio: float = 101,
    min_content: int = 3,
    min_words: int = 7,
    min_phrase: int = 5,
    grades: str | Sequence[str] = "grade_words.txt",
    fillers: str | Sequence[str] = (),
    loose: bool = False,
) -> pd.DataFrame:
    """The completion repeats the target sentence (after 完成/已/进一步… is stripped).

    Only a target with content beyond a value or a grade can be copied (GUIDE.md §1-2): a
    measure name with its value (min_content characters besides the quantity); with no
    number, a phrase of min_words characters, or a shorter one keeping min_phrase characters
    once the grade words are out (方便群众出行 is content; 逐步完善, 全年持续开展 are grades).
    fillers: words a completion may add to the whole target and stay a copy, whatever the
    ratio (按季度拨付 → 按季度拨付到位).
    loose: also the target without its framing (本项目目标为…, 通过…), with fillers anywhere
    (了, 较好地, 有效, 基本), a number-free stretch of it of 8+ characters, or the target
    followed by a completion rate (…，完成率100%): see _loose_copy.
    """
    ratio = pairs["f_stripped_ratio"].astype(float)
    # 不发生… → 未发生… reports that it did not happen: an answer, not a copy (GUIDE.md §6).
    answered = pairs["t"].str.match(r"^(不|无)") & pairs["c"].str.match(r"^(未|没有|全年未|均未)")
    # A numberless threshold repeated (不突破年度预算) is restated, not copied (R003).
    bound = _map_unique(pairs["t"], is_bound).astype(bool)
    eligible = ~pairs["t_na"] & ~pairs["c_blank"] & ~answered & ~bound
    mask = (ratio >= min_ratio) & (ratio < max_ratio) & eligible
    if fillers:
        mask |= _padded(pairs, _words(fillers)) & eligible
    if loose:
        similar = np.maximum(pairs["f_char_partial_ratio"], pairs["f_token_ratio"]).astype(float)
        near = eligible & ~mask & (similar >= 70)
        rows = pairs.index[near.to_numpy(dtype=bool)]
        if len(rows):
            t, c = pairs.loc[rows, "t"].tolist(), pairs.loc[rows, "c"].tolist()
            mask.loc[rows] = [_loose_copy(a, b, min_ratio) for a, b in zip(t, c, strict=True)]
    rows = pairs.index[mask.to_numpy()]
    if len(rows):  # the costlier checks only on the few near-identical pairs
        t, c = pairs.loc[rows, "t"].tolist(), pairs.loc[rows, "c"].tolist()
        numbered = (pairs.loc[rows, "f_target_quantities"].astype(int) > 0).tolist()
        grade_words = _words(grades)
        keep = [
            (
                _content_length(a) >= min_content
                if n
                else _content_length(a) >= min_words or _phrase_length(a, grade_words) >= min_phrase
            )
            and not _has_new_number(a, b)
            for a, b, n in zip(t, c, numbered, strict=True)
        ]
        mask.loc[rows] = keep
    return _hits(mask, pairs.index, ratio=ratio.round(0).astype(int))


def _padded(pairs: pd.DataFrame, fillers: Sequence[str]) -> pd.Series:
    """The completion is the whole target plus only filler words (了, 到位…), prefixes aside."""
    t, c = pairs["t"], pairs["c"]
    near = (t.str.len() >= 2) & (c.str.len() > t.str.len()) & (c.str.len() <= t.str.len() + 8)
    rows = pairs.index[near.to_numpy()]
    out = pd.Series(False, index=pairs.index)
    inside = [a in b for a, b in zip(t.loc[rows].tolist(), c.loc[rows].tolist(), strict=True)]
    rows = rows[np.asarray(inside, dtype=bool)] if len(rows) else rows
    if not len(rows):
        return out
    filler = re.compile(f"(?:{_alternation(fillers)})" if fillers else "(?!)")
    found = []
    for a, b in zip(t.loc[rows].tolist(), c.loc[rows].tolist(), strict=True):
        core, done = text.strip_prefix(a), text.strip_prefix(b)
        head, sep, tail = done.partition(core)
        rest = filler.sub("", head + tail) if sep and core else "x"
        found.append(bool(sep) and not re.search(r"[\w\u4e00-\u9fff]", rest))
    out.loc[rows] = found
    return out


_RATE_TAIL = re.compile(r"^(?:完成率|完成|达到|达成率)?(?:为|达)?(?:100%|百分之百)(?:完成)?$")


@cache
def _framing() -> tuple[str, ...]:
    return tuple(sorted(_word_list("target_framing.txt"), key=len, reverse=True))


@cache
def _anywhere() -> re.Pattern[str]:
    words = _word_list("copy_fillers.txt")
    return re.compile(
        f"(?:{_alternation(words)})|[\\s,.;:、。，；：!！?？]" if words else r"[\s,.;:、。，；：]"
    )


@lru_cache(maxsize=1 << 16)
def _loose_copy(target: str, completion: str, min_ratio: float) -> bool:
    """The completion is the target after framing, fillers or a completion rate are set aside."""
    core = target
    for word in _framing():
        if core.startswith(word):
            core = core[len(word) :].lstrip(":：,， ")
            break
    core = text.strip_prefix(core).strip(",.;:!?。、 ")
    done = text.strip_prefix(completion).strip(",.;:!?。、 ")
    if not core or not done:
        return False
    if done.startswith(core) and _RATE_TAIL.match(done[len(core) :].strip(",.;:，；。 ")):
        return True
    stretch = re.sub(r"[^\u4e00-\u9fff]", "", done)
    if done in core and len(stretch) >= 8 and not re.search(r"[0-9]", done):
        return True
    plain_t, plain_c = _anywhere().sub("", core), _anywhere().sub("", done)
    return bool(plain_t) and fuzz.ratio(plain_t, plain_c) >= min_ratio


@lru_cache(maxsize=1 << 18)
def _phrase_length(target: str, grades: tuple[str, ...]) -> int:
    """Chinese characters of a target without quantities once its grade words are taken out."""
    words = _cjk_outside_quantities(target)
    if words in _word_list("vague_status.txt"):
        return 0
    for grade in sorted(grades, key=len, reverse=True):
        words = words.replace(grade, "")
    return len(words)


@lru_cache(maxsize=1 << 18)
def _content_length(target: str) -> int:
    """Chinese characters of the target outside its quantities; a status word or grade counts 0."""
    words = _cjk_outside_quantities(target)
    return 0 if words in _word_list("vague_status.txt") else len(words)


@lru_cache(maxsize=1 << 18)
def _cjk_outside_quantities(target: str) -> str:
    rest, end = [], 0
    for q in numbers.normalized_quantities(target):  # target is already normalised
        rest.append(target[end : q.span[0]])
        end = q.span[1]
    rest.append(target[end:])
    return re.sub(r"[^\u4e00-\u9fff]", "", "".join(rest))


@lru_cache(maxsize=1 << 18)
def _has_new_number(target: str, completion: str) -> bool:
    """A completion number absent from the target: a copy with a new actual value is specific."""
    found = numbers.normalized_quantities(target)
    goals = {q.value for q in found}
    # …，完成率100% after the target is a completion rate, not a new actual value.
    rate = not any(q.family == "percent" for q in found)
    return any(
        q.value not in goals and not (rate and q.family == "percent" and q.value == 100)
        for q in _actual_quantities(completion)
        if q.value is not None
    )


def restate(pairs: pd.DataFrame, *, about: str = "", without: str = "") -> pd.DataFrame:
    """The completion reports a threshold (≥95%, 不低于90%, 3000户以上), not an achieved value.

    about / without: a regex the target or indicator must (not) match, e.g. 满意.
    A weak 达到/为/= counts only when it repeats the target's value (GUIDE.md §3).
    """
    mask = (
        pairs["f_completion_has_comparator"].astype(bool)
        & ~pairs["f_completion_has_actual"].astype(bool)
        & (pairs["f_verdict"] != "unit_mismatch")
        & ~pairs["c_na"]
        & ~pairs["c_blank"]
    )
    subject = pairs["t"] + " " + pairs["indicator"]
    if about:
        mask &= subject.str.contains(about)
    if without:
        mask &= ~subject.str.contains(without)
    match = pd.Series("", index=pairs.index)
    rows = pairs.index[np.asarray(mask, dtype=bool)]
    match.loc[rows] = [_main_text(c) for c in pairs.loc[rows, "c"]]
    return _hits(mask, pairs.index, match=match)


def label_only(pairs: pd.DataFrame, *, max_len: int = 12) -> pd.DataFrame:
    """The completion only names the measure (社会满意度) with no value, date or named output."""
    candidates = (
        ~pairs["c_measurable"]
        & (pairs["c"].str.len().between(2, max_len))
        & ~pairs["c"].str.match(r"^(未|无|没有|不)")  # 未发生… answers the measure
        & ~pairs["c_na"]
        & ~pairs["c_blank"]
        & (pairs["c"] != pairs["t"])
    )
    rows = pairs.index[candidates.to_numpy()]
    sources = (pairs.loc[rows, "t"] + pairs.loc[rows, "indicator"]).tolist()
    answers = (set(re.findall(r"[\u4e00-\u9fff]", c)) for c in pairs.loc[rows, "c"].tolist())
    inside = pd.Series(
        [bool(a) and a <= set(src) for a, src in zip(answers, sources, strict=True)],
        index=rows,
        dtype=bool,
    ).reindex(pairs.index, fill_value=False)
    return _hits(candidates & inside, pairs.index, match=pairs["completion"])


def no_evidence(
    pairs: pd.DataFrame,
    *,
    max_len: int = 30,
    answers: str = r"^(未发生|未出现|均未发生|全年未发生|无|没有|零)",
    yes_no: str = r"^(?:是|否|有)[。.]?$",
    asks: str = r"是否|有无|是/否",
) -> pd.DataFrame:
    """A target with a number answered by a short text with no number, date or named output.

    answers: completions that state a zero (未发生…) and so answer a 0 / 不发生 target.
    yes_no: a yes/no answer, evidence only when the target or indicator asks (`asks`) a
    yes/no question (是 → 是, 是否按期完工 → 是); against ≥90% it says nothing.
    """
    question = pairs["t"].str.match(yes_no) | (pairs["t"] + " " + pairs["indicator"]).str.contains(
        asks
    )
    bare_yes = pairs["c"].str.match(yes_no) & ~question
    mask = (
        (pairs["f_target_quantities"].astype(int) > 0)
        & (~pairs["c_measurable"] | bare_yes)
        & pairs["c"].str.len().between(1, max_len)
        & ~pairs["c"].str.match(answers)
        & ~pairs["c_na"]
        & ~pairs["c_blank"]
        & ~pairs["t_na"]
    )
    return _hits(mask, pairs.index, match=pairs["completion"])


def rate_only(
    pairs: pd.DataFrame,
    *,
    rates: str = "率|比例|比重|占比|百分比|满意",
    max_len: int = 20,
) -> pd.DataFrame:
    """A completion rate (已完成100%, 完成率100%) where the target is no rate: not evidence.

    Fires when every quantity of a short completion is a percentage and the target states a
    count, date or amount, or no number at all, and neither target nor indicator names a rate.
    """
    candidates = (
        (pairs["f_completion_quantities"].astype(int) > 0)
        & (pairs["c"].str.len() <= max_len)
        & pairs["c"].str.contains("%|百分之", regex=True)
        & ~pairs["t_na"]
        & ~pairs["c_na"]
        & ~pairs["c_blank"]
        & ~(pairs["t"] + " " + pairs["indicator"]).str.contains(rates)
        & pairs["f_target_family"].isin(
            (
                "",
                "count",
                "date",
                "money",
                "area",
                "length",
                "mass",
                "volume",
                "time",
                "score",
                "ratio",
            )
        )  # fmt: skip
        & ((pairs["f_target_family"] != "") | (pairs["f_target_quantities"].astype(int) == 0))
    )
    rows = pairs.index[candidates.to_numpy(dtype=bool)]
    mask = pd.Series(False, index=pairs.index)
    if len(rows):
        mask.loc[rows] = [_only_percent(c) for c in pairs.loc[rows, "c"].tolist()]
    return _hits(mask, pairs.index, match=pairs["completion"])


@lru_cache(maxsize=1 << 16)
def _only_percent(cell: str) -> bool:
    """Only percentages, and they are completion rates: 100%, or said of 完成/达成/执行."""
    found = numbers.normalized_quantities(cell)
    if not found or not all(q.family == "percent" and not q.threshold for q in found):
        return False
    return all(q.value == 100 for q in found) or bool(re.search("完成|达成|执行|进度", cell))


def goal_without_evidence(pairs: pd.DataFrame, *, max_copy_ratio: float = 75) -> pd.DataFrame:
    """An overall goal (总体) answered without a number, date or named output: never specific.

    Near-copies (stripped similarity ≥ max_copy_ratio) are left to the copy rules.
    """
    mask = (
        (pairs["level1"] == "总体")
        & ~pairs["c_measurable"]
        & ~pairs["c_na"]
        & ~pairs["c_blank"]
        & ~pairs["t_blank"]
        & (pairs["f_stripped_ratio"].astype(float) < max_copy_ratio)
        & ~pairs["f_completion_template"].astype(bool)
    )
    return _hits(mask, pairs.index, match=pairs["completion"])


# A threshold written without a number: 不突破年度预算, 不低于上年, 控制在批复范围内.
_BOUND = re.compile(
    r"(?:不突破|不超过|不超出|不高于|不大于|不低于|不少于|不小于|低于|高于|优于|好于|不劣于|控制在)"
    r"[^0-9%]{1,16}"
)


def is_bound(cell: str) -> bool:
    """Whether a normalised cell is only a threshold with no number (不突破年度预算).

    A measure named before it (项目资金控制在预算范围内) makes it a sentence that can be copied.
    """
    return not re.search(r"[0-9]", cell) and bool(_BOUND.match(cell))


def restate_bound(pairs: pd.DataFrame) -> pd.DataFrame:
    """A numberless threshold target (不突破年度预算) repeated as the completion: restate."""
    candidates = (
        ~pairs["c_measurable"] & ~pairs["c_na"] & ~pairs["c_blank"] & ~pairs["t_measurable"]
    )
    rows = pairs.index[candidates.to_numpy(dtype=bool)]
    found = []
    for t, c in zip(pairs.loc[rows, "t"].tolist(), pairs.loc[rows, "c"].tolist(), strict=True):
        bound = _BOUND.search(c)
        same = bound is not None and is_bound(t) and bound.group(0)[:2] in t
        found.append(bound.group(0) if same else "")
    match = pd.Series("", index=pairs.index)
    match.loc[rows] = found
    return _hits(match != "", pairs.index, match=match)


# A numbering prefix (指标6:, （一）, 1.) and a bracketed unit at the end ((万元)) are not the name.
_NAME_PREFIX = re.compile(
    r"^(?:[指目]标\s*\d+\s*[:：.、]?|[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.、:：]|[一二三四五六七八九十]+[、.])"
)
_NAME_UNIT = re.compile(r"[（(][^（）()]{1,6}[)）]$")


def bare_name(name: str) -> str:
    """The indicator name without its numbering prefix, bracketed unit and spaces."""
    name = re.sub(r"\s+", "", name)
    return _NAME_UNIT.sub("", _NAME_PREFIX.sub("", name))


def long_name(pairs: pd.DataFrame, *, min_len: int = 20) -> pd.DataFrame:
    """A 三级指标 of min_len+ characters once its numbering and unit are set aside."""
    length = _map_unique(pairs["indicator"], lambda n: len(bare_name(n))).astype(int)
    mask = (length >= min_len) & ~pairs["i_na"]
    return _hits(mask, pairs.index, length=length, match=pairs["indicator"])


# ---------------------------------------------------------------- project scope (D, A)


def duplicate(
    pairs: pd.DataFrame, *, field: str = "completion", min_len: int = 10, min_cells: int = 2
) -> pd.DataFrame:
    """One text fills several indicator cells of the same project (completion, target, indicator)."""
    column = {"completion": "c", "target": "t", "indicator": "indicator"}[field]
    na = (
        pairs["c_na"] | pairs["c_blank"]
        if field == "completion"
        else pairs["t_na"] | pairs["t_blank"]
    )
    eligible = pairs["is_indicator"] & ~na & (pairs[column].str.len() >= min_len)
    if field == "indicator":
        eligible &= ~_map_unique(pairs["indicator"], _is_na_text).astype(bool)
    if not eligible.any():
        return _no_hits()
    sub = pairs.loc[eligible, ["pkey", column, "level2"]].rename(columns={column: "c"})
    texts = pd.factorize(sub["c"])[0]
    key = pd.Series(
        sub["pkey"].to_numpy().astype(np.int64) * (texts.max() + 1) + texts, index=sub.index
    )
    count = key.map(key.value_counts())
    mask = count >= min_cells
    hit = sub[mask]
    cells = (
        hit["level2"].groupby(key[mask]).agg(lambda s: "、".join(dict.fromkeys(v for v in s if v)))
    )
    return _hits(mask, sub.index, n=count, cells=key.map(cells).astype(object).fillna(""))


def required_levels(
    pairs: pd.DataFrame, *, levels: Sequence[str] = ("数量", "质量", "时效", "成本", "社会")
) -> pd.DataFrame:
    """A project with indicators but none of a required category (数量, 质量…): on its first row."""
    rows = pairs[pairs["is_indicator"] & (pairs["level1"] != "")]
    if rows.empty:
        return _no_hits()
    key = rows["pkey"].to_numpy()
    first = rows.index[~rows["pkey"].duplicated().to_numpy()]  # each project's first indicator row
    first_key = pairs.loc[first, "pkey"].to_numpy()
    missing = pd.Series("", index=first)
    for level in levels:
        present = np.zeros(int(pairs["pkey"].max()) + 1, dtype=bool)
        present[key[rows["level2"].str.startswith(level).to_numpy()]] = True
        missing = missing.mask(~present[first_key], missing + "、" + level)
    missing = missing.str.lstrip("、")
    return _hits(missing != "", first, missing=missing)


@cache
def _categories(name: str) -> dict[str, tuple[str, ...]]:
    return {
        row["level2"]: tuple(w for w in re.split(r"[,，\s]+", row["words"]) if w)
        for row in lexicon.table(name)
    }


def misplaced(
    pairs: pd.DataFrame,
    *,
    keywords: str = "category_keywords.tsv",
    field: str = "completion",
    min_hits: int = 2,
) -> pd.DataFrame:
    """Text under one category whose words belong to another (social prose under 生态效益)."""
    categories = _categories(keywords)
    text = pairs["c" if field == "completion" else "t"]
    na = pairs["c_na" if field == "completion" else "t_na"]
    if not categories:
        return _no_hits()
    names = np.array(list(categories), dtype=object)
    # rows × categories: keyword hits of each category in the text.
    counts = np.column_stack(
        [
            text.str.count(_alternation(words)).to_numpy(dtype=np.int64)
            for words in categories.values()
        ]
    )
    # 生态效益指标, 生态效益 and 生态 are one category (the last listed prefix wins).
    category = np.full(len(pairs), -1)
    for j, level2 in enumerate(names):
        category[pairs["level2"].str.startswith(level2).to_numpy(dtype=bool)] = j
    rows = np.flatnonzero(category >= 0)
    own = np.zeros(len(pairs), dtype=np.int64)
    own[rows] = counts[rows, category[rows]]
    counts[rows, category[rows]] = 0  # a category never competes with itself
    best = counts.argmax(axis=1)  # the first of equal counts, as idxmax
    best_count = counts[np.arange(len(pairs)), best]
    mask = (category >= 0) & (own == 0) & (best_count >= min_hits) & ~na.to_numpy(dtype=bool)
    other = names[best]
    other_name = np.array([category_name(o) for o in other[mask].tolist()], dtype=object)
    return pd.DataFrame(
        {"other": other[mask], "other_name": other_name, "hits": best_count[mask]},
        index=pairs.index[mask],
    )


def alignment(pairs: pd.DataFrame, *, below: float = 1.0) -> pd.DataFrame:
    """The reader placed a row by content, not by header (confidence < 1): once per source row."""
    low = pairs[pairs["confidence"] < below]
    if low.empty:
        return _no_hits()
    # One finding per re-aligned source row (its pairs share project, note and confidence).
    key = (
        low["doc"]
        + "\x1f"
        + low["project"]
        + "\x1f"
        + low["note"]
        + "\x1f"
        + low["confidence"].astype(str)
    )
    count = key.map(key.value_counts())
    first = ~key.duplicated()
    return _hits(first, low.index, note=low["note"], confidence=low["confidence"].round(2), n=count)


# ---------------------------------------------------------------- budget (F)


# The reader's names of budget figures (lexicons/headers.tsv): the national template scores
# execution against the full-year budget (全年预算数 = 调整后预算数), else the initial one.
_BUDGET_NAMES = ("调整后预算数", "预算数")
_SPENT_NAMES = ("执行数",)
_RATE_NAMES = ("执行率",)


def _first_of(group: pd.DataFrame, names: tuple[str, ...]) -> tuple[float, int, str]:
    """Value, row and text of the first row named like the first name that occurs (the total)."""
    for name in names:
        rows = group[group["level2"] == name]
        if len(rows):
            return float(rows["value"].iloc[0]), int(rows.index[0]), str(rows["completion"].iloc[0])
    return np.nan, -1, ""


def _budget_frame(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per project: budget, spent and stated rate with the rows they came from."""
    rows = pairs[(pairs["level1"] == "预算") & pairs["value"].notna()]
    out = []
    for (doc, project), group in rows.groupby(["doc", "project"], sort=False):
        budget, budget_row, _ = _first_of(group, _BUDGET_NAMES)
        spent, spent_row, _ = _first_of(group, _SPENT_NAMES)
        rate, rate_row, rate_text = _first_of(group, _RATE_NAMES)
        out.append(
            {
                "doc": doc,
                "project": project,
                "budget": budget,
                "budget_row": budget_row,
                "spent": spent,
                "spent_row": spent_row,
                "rate": rate,
                "rate_row": rate_row,
                "rate_text": rate_text,
            }
        )
    return pd.DataFrame(out)


def _decimals(text: str) -> int:
    match = re.search(r"\d+(?:\.(\d+))?", text)
    return len(match.group(1)) if match and match.group(1) else 0


def budget_rate(pairs: pd.DataFrame, *, slack: float = 0.01) -> pd.DataFrame:
    """Stated 执行率 disagrees with 执行数/预算数 beyond the rounding its digits allow."""
    frame = _budget_frame(pairs)
    if frame.empty:
        return _no_hits()
    frame = frame[(frame["budget"] > 0) & frame["spent"].notna() & frame["rate"].notna()]
    computed = frame["spent"] / frame["budget"] * 100
    if frame.empty:
        return _no_hits()
    step = pd.Series([10.0 ** -_decimals(t) for t in frame["rate_text"]], index=frame.index)
    # Rounded (99.24 → 99) or truncated (99.6 → 99) writing are both tolerated.
    ok = (computed - frame["rate"]).abs() <= step / 2 + slack
    ok |= (computed >= frame["rate"] - slack) & (computed < frame["rate"] + step + slack)
    bad = frame[~ok]
    return pd.DataFrame(
        {
            "stated": bad["rate"].round(4).to_numpy(),
            "computed": computed[~ok].round(2).to_numpy(),
            "spent": bad["spent"].to_numpy(),
            "budget": bad["budget"].to_numpy(),
            "field": "value",
        },
        index=pd.Index(bad["rate_row"].astype(int).to_numpy()),
    )


def overspent(pairs: pd.DataFrame, *, slack: float = 0.005) -> pd.DataFrame:
    """Spending (执行数) above the budget (全年预算数)."""
    frame = _budget_frame(pairs)
    if frame.empty:
        return _no_hits()
    bad = frame[(frame["budget"] > 0) & (frame["spent"] > frame["budget"] + slack)]
    return pd.DataFrame(
        {
            "spent": bad["spent"].to_numpy(),
            "budget": bad["budget"].to_numpy(),
            "excess": (bad["spent"] - bad["budget"]).round(2).to_numpy(),
            "field": "value",
        },
        index=pd.Index(bad["spent_row"].astype(int).to_numpy()),
    )


def rate_points(pairs: pd.DataFrame, *, slack: float = 0.05) -> pd.DataFrame:
    """Points for budget execution above 执行率 × weight (the national scoring rule)."""
    rows = pairs[(pairs["level1"] == "预算") & (pairs["level2"] == "执行率")]
    rows = rows[(rows["weight"] > 0) & rows["points"].notna() & rows["value"].notna()]
    expected = (rows["weight"] * np.clip(rows["value"], 0, 100) / 100).round(2)
    mask = rows["points"] > expected + slack
    return _hits(
        mask, rows.index, expected=expected, rate=rows["value"], points=rows["points"],
        weight=rows["weight"], field="points",
    )  # fmt: skip


# The fixed menu of qualitative completions and the share of the weight each earns
# (national scoring rules: 达成 80-100%, 部分达成 60-80%, 未达成 0-60%).
_BANDS = (
    ("未达成预期指标", 0.0, 0.6),
    ("部分达成预期指标", 0.6, 0.8),
    ("达成预期指标", 0.8, 1.0),
)


def qualitative_points(pairs: pd.DataFrame, *, slack: float = 0.01) -> pd.DataFrame:
    """Self-given points outside the band of a qualitative grade (达成/部分达成/未达成)."""
    low = pd.Series(np.nan, index=pairs.index)
    high = pd.Series(np.nan, index=pairs.index)
    grade = pd.Series("", index=pairs.index)
    for phrase_, lo, hi in _BANDS:  # prefixes are distinct: 未达成 / 部分达成 / 达成
        hit = pairs["c"].str.startswith(phrase_)
        low, high, grade = low.mask(hit, lo), high.mask(hit, hi), grade.mask(hit, phrase_)
    share = pairs["points"] / pairs["weight"]
    valid = (pairs["weight"] > 0) & pairs["points"].notna() & low.notna()
    mask = valid & ((share < low - slack) | (share > high + slack))
    return _hits(
        mask,
        pairs.index,
        match=grade,
        low=(low * pairs["weight"]).round(2),
        high=(high * pairs["weight"]).round(2),
        field="points",
    )


def model(pairs: pd.DataFrame) -> pd.DataFrame:
    """Findings of the classifier: added by lint(), never by check()."""
    return _no_hits()


# ---------------------------------------------------------------- numbers (N, F003)


def _actual_quantities(text: str) -> list:
    """Quantities of a normalised completion that state an achieved value (not a threshold, not vague)."""
    return [q for q in numbers.normalized_quantities(text) if q.kind != "vague" and not q.threshold]


@lru_cache(maxsize=1 << 18)
def _main_text(text: str) -> str:
    """The text of a cell's main quantity (its first threshold, else its first number)."""
    found = [q for q in numbers.normalized_quantities(text) if q.kind != "vague"]
    main = next((q for q in found if q.threshold), found[0] if found else None)
    return main.text if main else ""


@lru_cache(maxsize=1 << 18)
def _actual_text(text: str, value: float = np.nan) -> str:
    """The completion's quantity the verdict compared (its value in base units), else the first."""
    found = _actual_quantities(text)
    # 88.32%及以上: a figure with a stray comparator may be the value compared.
    candidates = [q for q in numbers.normalized_quantities(text) if q.value is not None]
    for q in candidates:
        amounts = (q.value, q.high) if q.family == "date" else (q.value * q.factor,)
        if any(a is not None and np.isclose(a, value) for a in amounts):
            return q.text
    return found[0].text if found else ""


def _is_na_text(cell: str) -> bool:
    return bool(text.is_na(cell))


def _excuse(pairs: pd.DataFrame) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Whether a shortfall goes unexplained (points full or no reason), and the words for it.

    An explained shortfall (points below full and a reason given) is still reported, as info:
    the auditor sees every missed target, the score charges only the unexplained ones.
    """
    full = (pairs["weight"] > 0) & (pairs["points"] >= pairs["weight"] - 1e-9)
    no_reason = pairs["no_reason"]
    unexplained = full | no_reason
    reason = pairs["reason"].str.strip().str.slice(0, 40)
    words = {}
    for lang, none, top, both, given, fix, check in (
        ("zh", "但未说明偏差原因", "但得分为满分", "但得分为满分且未说明偏差原因",
         "偏差原因已说明（“", "在偏差原因中说明未达标的原因和改进措施，并按实际完成比例调整得分",
         "核对得分是否已按实际完成比例扣减"),
        ("en", "yet no reason is given", "yet the points are full",
         "yet the points are full and no reason is given", "the reason given: “",
         "Explain the shortfall and the remedy in the deviation reason, and lower the points in proportion",
         "Check that the points were lowered in proportion to what was done"),
    ):  # fmt: skip
        excuse = (given + reason + "”" + ("）" if lang == "zh" else "")).where(~unexplained, "")
        excuse = excuse.mask(no_reason, none).mask(full, top).mask(full & no_reason, both)
        words[f"excuse_{lang}"] = excuse
        words[f"advice_{lang}"] = pd.Series(fix, index=pairs.index).where(unexplained, check)
    words["excuse"] = words["excuse_zh"]  # the name the messages of earlier versions used
    words["severity"] = pd.Series("error", index=pairs.index).where(unexplained, "info")
    return unexplained, words


def _texts_of(pairs: pd.DataFrame, mask: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Goal and actual quantity texts of the rows a rule fires on (messages only)."""
    goal = pd.Series("", index=pairs.index)
    actual = pd.Series("", index=pairs.index)
    rows = pairs.index[np.asarray(mask, dtype=bool)]
    goal.loc[rows] = [_main_text(t) for t in pairs.loc[rows, "t"]]
    actual.loc[rows] = [
        _actual_text(c, v)
        for c, v in zip(
            pairs.loc[rows, "c"].tolist(),
            pairs.loc[rows, "f_completion_value"].tolist(),
            strict=True,
        )
    ]
    return goal, actual


def _checked_for_shortfall(pairs: pd.DataFrame) -> pd.Series:
    """Indicator rows and the overall goal (总体): both promise something that can be missed."""
    answered = ~pairs["c_blank"] & ~pairs["f_completion_template"].astype(bool)
    return (pairs["is_indicator"] | (pairs["level1"] == "总体")) & answered


def shortfall(pairs: pd.DataFrame) -> pd.DataFrame:
    """The actual value misses the target (direction-aware); error when unexplained, else info."""
    _, words = _excuse(pairs)
    mask = (pairs["f_verdict"] == "short") & _checked_for_shortfall(pairs)
    goal, actual = _texts_of(pairs, mask)
    reverse = pairs["f_reverse"].astype(bool)
    date = pairs["f_target_family"] == "date"
    direction_zh = (
        pd.Series("正向指标，越高越好", index=pairs.index)
        .where(~reverse, "反向指标，越低越好")
        .where(~date, "时限，不晚于目标日期")
    )
    direction_en = (
        pd.Series("higher is better", index=pairs.index)
        .where(~reverse, "lower is better")
        .where(~date, "a deadline: no later than the target date")
    )
    return _hits(
        mask, pairs.index, actual=actual, goal=goal, direction=direction_zh,
        direction_en=direction_en, **words,
    )  # fmt: skip


@cache
def _admission() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _word_list("shortfall_patterns.txt")))


def _admits(cell: str) -> str:
    """The words by which a normalised completion admits a shortfall ("" if none)."""
    found = _admission().search(cell)
    return found.group(0) if found else ""


def admits_shortfall(pairs: pd.DataFrame) -> pd.DataFrame:
    """The completion admits a shortfall (未能及时…, 尚未, 正在建设, 基本完成…, shortfall_patterns.txt).

    Words the target itself uses are no admission (基本提高 → 基本提高 promised only that).
    An error when the points are full or no reason is given, else info.
    """
    found = _map_unique(pairs["c"], _admits).astype(str)
    own = [bool(f) and f in t for f, t in zip(found.tolist(), pairs["t"].tolist(), strict=True)]
    _, words = _excuse(pairs)
    mask = (
        (found != "")
        & ~np.asarray(own, dtype=bool)
        & ~pairs["c_na"]
        & _checked_for_shortfall(pairs)
    )
    return _hits(mask, pairs.index, match=found, **words)


def unit_mismatch(pairs: pd.DataFrame) -> pd.DataFrame:
    """The completion counts something else than the target (家 vs 场)."""
    mask = (
        (pairs["f_verdict"] == "unit_mismatch")
        & (pairs["f_target_family"] != "")  # a bare number has no unit to mismatch
        & pairs["is_indicator"]
        & ~pairs["c_blank"]
    )
    goal, actual = _texts_of(pairs, mask)
    # A completion whose only quantity is a threshold still has a unit to show.
    lacking = actual.index[(actual == "") & np.asarray(mask, dtype=bool)]
    actual.loc[lacking] = [_main_text(c) or c for c in pairs.loc[lacking, "c"]]
    # The units themselves (场, 家) when both quantities have one: a bare number has none.
    goal_name, actual_name = goal.map(_unit_name), actual.map(_unit_name)
    both = (goal_name != "") & (actual_name != "")
    return _hits(
        mask, pairs.index, goal_unit=goal, actual_unit=actual,
        goal_name=goal_name.where(both, ""), actual_name=actual_name.where(both, ""),
    )  # fmt: skip


def _unit_name(quantity_text: str) -> str:
    found = numbers.quantities(quantity_text) if quantity_text else []
    return found[0].unit if found and found[0].family != "date" else ""


def points(pairs: pd.DataFrame, *, slack: float = 0.05) -> pd.DataFrame:
    """Self-given points above the national rule (正向: actual/target × weight if missed)."""
    weight, got = pairs["weight"], pairs["points"]
    goal, actual = pairs["f_target_value"], pairs["f_completion_value"]
    reverse = pairs["f_reverse"].astype(bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(reverse, goal / actual.where(actual > 0), actual / goal.where(goal > 0))
    share = pd.Series(np.clip(np.nan_to_num(share, nan=0.0), 0.0, 1.0), index=pairs.index)
    expected = (weight * share.where(pairs["a_met"] == 0.0, 1.0)).round(2)
    valid = (
        (weight > 0)
        & got.notna()
        & pairs["a_met"].notna()
        & (pairs["f_target_family"] != "date")
        & ~pairs["c_blank"]
    )
    mask = valid & (got > expected + np.maximum(slack, 0.01 * weight))
    goal_text, actual_text = _texts_of(pairs, mask)
    rule_zh = np.where(reverse, "反向指标：目标值/实际值×分值", "正向指标：实际值/目标值×分值")
    rule_en = np.where(reverse, "lower is better: target/actual × weight", "actual/target × weight")
    return _hits(
        mask,
        pairs.index,
        expected=expected,
        actual=actual_text,
        goal=goal_text,
        rule_zh=pd.Series(rule_zh, index=pairs.index),
        rule_en=pd.Series(rule_en, index=pairs.index),
        points=got,
        weight=weight,
    )


def reason_none(pairs: pd.DataFrame) -> pd.DataFrame:
    """偏差原因 or 存在问题 says 无 although an indicator of the project falls short."""
    admitted = _map_unique(pairs["c"], _admits).astype(str) != ""
    short = pairs["is_indicator"] & ((pairs["f_verdict"] == "short") | admitted) & ~pairs["c_na"]
    if not short.any():
        return _no_hits()
    names = pairs["indicator"].where(pairs["indicator"] != "", pairs["level2"])
    names = names.where(names != "", pairs["target"].str.slice(0, 12))
    key = pairs["pkey"]
    with_short = np.zeros(int(key.max()) + 1, dtype=bool)
    with_short[key[short].to_numpy()] = True
    says_none = _map_unique(pairs["reason"], _is_na_text).astype(bool)
    problem_row = pairs["level1"].isin(("问题", "偏差")) & pairs["c_na"]
    mask = with_short[key.to_numpy()] & ((short & says_none) | problem_row)
    listed_rows = short & key.isin(set(key[mask]))  # name the shortfalls of hit projects only
    # Per project, its distinct shortfall names in row order (a dict per project, no groupby).
    named: dict[int, dict[str, None]] = {}
    for project, name in zip(key[listed_rows].tolist(), names[listed_rows].tolist(), strict=True):
        named.setdefault(project, {})[name] = None
    listed = {project: "、".join(found) for project, found in named.items()}
    text = pairs["reason"].where(~problem_row, pairs["completion"])
    where_zh = pd.Series("偏差原因", index=pairs.index).where(~problem_row, "存在问题")
    where_en = pd.Series("The deviation reason", index=pairs.index).where(
        ~problem_row, "The problems cell"
    )
    return _hits(
        mask,
        pairs.index,
        reason_text=text,
        shortfalls=np.array([listed.get(k, "") for k in key.tolist()], dtype=object),
        where_zh=where_zh,
        where_en=where_en,
    )
