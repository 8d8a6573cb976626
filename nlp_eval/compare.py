"""Compare what was promised (target) with what was reported (completion): plain features.

`compare(target, completion, indicator)` gives one `Comparison`; `features(table)` gives the
same features for every row of a tidy table in one pass: each distinct text is normalised,
tokenized and parsed once, the similarities of all rows are computed by rapidfuzz
`process.cpdist` (C++, both cores), and the quantity verdict is computed once per distinct
(target, completion, direction). The two agree row by row (tests/test_compare.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import astuple, dataclass, fields
from functools import cache, lru_cache
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process

from nlp_eval import lexicon
from nlp_eval.numbers import Quantity, normalized_quantities, quantities
from nlp_eval.text import normalize, original_span, read_cell, tokens

if TYPE_CHECKING:  # one pair (explain) needs neither: imported where a table is compared
    import numpy as np
    import pandas as pd

VERDICTS: tuple[str, ...] = (
    "met",  # the actual value reaches the target (≥ / ≤ / range / date deadline respected)
    "short",  # the actual value misses the target; see short_by
    "exceeded",  # the actual value goes beyond a plain target (3次 → 5次; lower for 反向)
    "unit_mismatch",  # actual values only in another unit family or measure (60场 → 30家)
    "restated",  # the completion repeats a threshold (≥95%, 达到95%, 控制在…以内) and no actual
    "no_actual",  # the target has a number, the completion none
    "no_target_number",  # the target has no number to compare with
)


@dataclass(frozen=True)
class Comparison:
    """Plain features of one target/completion pair (texts compared after normalize())."""

    char_ratio: float  # rapidfuzz fuzz.ratio of the two normalised texts, 0-100
    char_partial_ratio: float  # fuzz.partial_ratio: best alignment of the shorter in the longer
    token_ratio: float  # fuzz.token_set_ratio of the space-joined tokens (order-free overlap)
    stripped_ratio: float  # fuzz.ratio of target and the completion without copy prefixes
    indicator_ratio: (
        float  # fuzz.ratio of indicator name and completion (label-only answers); 0 if none
    )
    target_in_completion: bool  # the whole (non-empty) target occurs in the completion
    completion_in_target: bool  # the whole (non-empty) completion occurs in the target
    is_exact_copy: bool  # same text, end punctuation ignored
    is_copy_after_prefix: (
        bool  # same text after stripping 完成/已/已经/实现/进一步/均 from the completion
    )
    target_has_comparator: bool  # the target states a threshold (≥95%, 不低于, 以上, 以内)
    completion_has_comparator: (
        bool  # the completion restates a threshold (≥, 以上; 达到X with the target's X)
    )
    completion_comparator: str  # first comparator of the completion: >= <= > < = ~ or ""
    completion_has_actual: bool  # an actual value (no threshold) of the target's family/measure
    verdict: str  # one of VERDICTS
    short_by: float  # percent by which the actual misses the target (verdict short), else 0.0
    reverse: bool  # lower is better: ≤ target, 控制在…以内, 反向 indicator (受害率, 投诉率, 成本)
    target_family: str  # unit family of the target's main quantity ("" if none or a bare number)
    target_unit: str  # unit of the target's main quantity as written
    target_value: (
        float  # target's main value in the family base unit (元, %, 天, YYYYMMDD); NaN if none
    )
    completion_value: float  # the actual value compared, in the same base unit; NaN if none
    target_na: (
        bool  # the target declares the indicator not applicable (不适用, 无, /, 本项目不涉及…)
    )
    completion_na: bool  # the same for the completion
    target_template: bool  # placeholder (……, **, XX, (≥**人)) or template instruction text
    completion_template: bool  # the same for the completion
    target_bare_value: (
        bool  # the target is only a value or threshold (≥95%, 3个工作日, 达到90%以上)
    )
    completion_bare_value: bool  # the same for the completion
    target_vague_amount: bool  # an amount without a number (一批, 若干) or approximate (约, 余)
    completion_vague_amount: bool  # the same for the completion
    target_has_date: bool  # a date or period (2020年12月, 三季度, 11月前)
    completion_has_date: bool  # the same for the completion
    target_quantities: int  # number of quantities found in the target
    completion_quantities: int  # the same for the completion
    target_digits: int  # digit characters in the normalised target
    completion_digits: int  # the same for the completion
    target_chars: int  # length of the normalised target
    completion_chars: int  # length of the normalised completion


FEATURES: tuple[str, ...] = tuple(f.name for f in fields(Comparison))


class _Text(NamedTuple):
    """What the comparison needs from one cell, computed once per distinct text."""

    norm: str
    trimmed: str  # norm without end punctuation
    joined_tokens: str  # tokens joined by spaces, for token_set_ratio
    stripped: str  # norm without copy prefixes, end punctuation trimmed
    quantities: tuple[Quantity, ...]
    na: bool
    template: bool
    bare: bool
    vague_amount: bool
    has_date: bool
    digits: int


_END_PUNCT = ",.;:!?。、 "
_DIGIT = re.compile(r"\d")
_TOTAL = re.compile(
    "共|合计|累计|总计|总共"
)  # 建成车间8个、小区4个,共12个: the total is the actual


# Texts are compared on their first characters only: a real cell is a paragraph at most, and
# the fuzzy ratios cost the product of the two lengths (two million-character cells: hours).
MAX_COMPARED_CHARS = 20_000
# partial_ratio aligns the shorter text at every offset of the longer (length × length):
# it looks at the first 1,000 characters of each, more than any real cell holds
MAX_ALIGNED_CHARS = 1_000


@lru_cache(maxsize=1 << 17)
def _text(raw: str) -> _Text:
    # normalize() is idempotent: the parts below read norm as it is, not normalised again.
    norm = normalize(raw[:MAX_COMPARED_CHARS])
    found = normalized_quantities(norm)
    cell = read_cell(norm)
    rest = norm
    for q in reversed(found):
        rest = rest[: q.span[0]] + rest[q.span[1] :]
    return _Text(
        norm=norm,
        trimmed=norm.strip(_END_PUNCT),
        joined_tokens=" ".join(cell.tokens),
        stripped=cell.stripped.strip(_END_PUNCT),
        quantities=found,
        na=cell.na,
        template=cell.template,
        bare=bool(found) and not rest.strip(_END_PUNCT + "()"),
        vague_amount=any(q.vague for q in found),
        has_date=any(q.family == "date" for q in found),
        digits=len(_DIGIT.findall(norm)),
    )


@cache
def _terms(name: str) -> re.Pattern[str]:
    words = sorted({normalize(w) for w in lexicon.words(name)}, key=len)
    return re.compile("|".join(re.escape(w) for w in reversed(words) if w) or "(?!)")


# How a target without a comparator (X, =X) is judged: "lower" is better (a ceiling), "higher"
# is better, or "cost" (a 成本指标 row: a ceiling when its target is an amount of money).
LOWER, HIGHER, COST = "lower", "higher", "cost"


def _direction(indicator: str, target: str, cost_row: bool = False) -> str:
    """The direction the indicator and 二级指标 name (lexicons/higher_terms.txt, reverse_terms.txt).

    A higher-is-better term wins (高血压控制率, 补贴标准, 执行率), then a 反向 term (投诉率, 三公经费
    控制率, 调整率), then the 成本 row; "" when nothing says which way.
    """
    if _terms("higher_terms.txt").search(indicator) or _terms("higher_terms.txt").search(target):
        return HIGHER
    if _terms("reverse_terms.txt").search(indicator) or _terms("reverse_terms.txt").search(target):
        return LOWER
    return COST if cost_row else ""


# ---------------------------------------------------------------- quantity verdict


def _main(found: tuple[Quantity, ...]) -> Quantity | None:
    """The target's main quantity: the first threshold, else the first number (ages qualify only)."""
    numbers = [q for q in found if q.value is not None and q.kind != "vague" and q.family != "age"]
    return next((q for q in numbers if q.threshold), numbers[0] if numbers else None)


def _compatible(target: Quantity, actual: Quantity) -> bool:
    if target.family == "date" or actual.family == "date":
        return target.family == actual.family
    if not target.family or not actual.family:  # a bare number: assume the target's unit
        return actual.family in ("", "count", target.family) or not actual.family
    if target.family != actual.family:
        return False
    if target.family == "count":
        generic = ("个", "")
        return (
            target.measure == actual.measure
            or generic.count(target.measure) + generic.count(actual.measure) > 0
        )
    return True


def _base(q: Quantity, value: float | None) -> float:
    return math.nan if value is None else value * q.factor


def _restates(target: Quantity | None, q: Quantity) -> bool:
    """A threshold (≥95%, 以上), or a weak 达到/= whose value is the target's own.

    A deadline or duration reported with a different value is evidence, not a restatement:
    8月25日前 against 8月31日前, 平均18个工作日内 against 30个工作日内.
    """
    if q.threshold:
        if q.family == "date":
            if target is None or target.family != "date":
                return target is None
            return _date_key(q.high or 0.0, target.high or 0.0) == _date_key(
                target.high or 0.0, q.high or 0.0
            )
        if target is not None and q.family == target.family == "time":
            return math.isclose(_base(q, q.value), _base(target, target.value))
        # 88.32%及以上 against 95%及以上: a figure of its own with a stray comparator is the
        # actual value (GUIDE.md §3: a threshold restates only the target's own number).
        comparable = target is not None and target.family and q.family == target.family
        if comparable and q.value is not None and target.value is not None:
            return math.isclose(_base(q, q.value), _base(target, target.value))
        return True
    if target is None or not q.weak or q.value is None:
        return False
    return _compatible(target, q) and math.isclose(_base(q, q.value), _base(target, target.value))


def _date_key(value: float, other: float) -> float:
    """Compare dates on month/day alone when either side gives no year."""
    return value % 10000 if value < 10000 or other < 10000 else value


def _judge(target: Quantity, actual: Quantity, reverse: bool) -> tuple[str, float, float, float]:
    """(verdict, short_by, target value, actual value) in the family's base unit."""
    if target.family == "date":
        deadline = target.high if target.high is not None else target.value
        done = actual.high if actual.high is not None else actual.value
        deadline, done = _date_key(deadline, done), _date_key(done, deadline)
        if target.comparator in (">=", ">"):
            start = _date_key(target.low, done)
            return ("met" if done >= start else "short"), 0.0, start, done
        return ("met" if done <= deadline else "short"), 0.0, deadline, done
    value = _base(actual, actual.value)
    low, high = _base(target, target.low), _base(target, target.high)
    comparator = target.comparator
    if comparator in (">=", ">") or (not math.isnan(low) and math.isnan(high)):
        goal, lower_better, point = low, False, False
    elif comparator in ("<=", "<") or (math.isnan(low) and not math.isnan(high)):
        goal, lower_better, point = high, True, False
    elif low != high:  # a range: 20-30家
        if value < low:
            return "short", _percent(low - value, low), low, value
        return ("exceeded" if value > high else "met"), 0.0, low, value
    else:
        goal, lower_better, point = low, reverse, True
    if math.isclose(value, goal):
        return "met", 0.0, goal, value
    better = value < goal if lower_better else value > goal
    if better:
        return ("exceeded" if point else "met"), 0.0, goal, value
    return "short", _percent(abs(value - goal), goal), goal, value


def _percent(gap: float, goal: float) -> float:
    return round(100.0 * gap / abs(goal), 2) if goal else 100.0


class _Verdict(NamedTuple):
    verdict: str
    short_by: float
    reverse: bool
    target_family: str
    target_unit: str
    target_value: float
    completion_value: float
    completion_has_actual: bool
    completion_has_comparator: bool
    completion_comparator: str
    target_has_comparator: bool


def _verdict(target: _Text, completion: _Text, direction: str) -> _Verdict:
    main = _main(target.quantities)
    found = completion.quantities
    restating = [q for q in found if _restates(main, q)]
    actual = [
        q
        for q in found
        if q not in restating and q.kind != "vague" and q.value is not None and q.family != "age"
    ]
    first = next((q.comparator for q in found if q.comparator), "")
    has_comparator = any(q.threshold for q in target.quantities)
    reverse_term = direction == LOWER or (
        direction == COST and main is not None and main.family == "money"
    )
    if main is None:
        return _Verdict(
            "no_target_number", 0.0, reverse_term, "", "", math.nan, math.nan, bool(actual),
            bool(restating), first, has_comparator,
        )  # fmt: skip
    reverse = main.comparator in ("<=", "<") or (main.comparator in ("", "=") and reverse_term)
    duration = main.comparator in ("", "=") and main.family == "time" and direction != HIGHER
    reverse = reverse or duration
    fitting = [q for q in actual if _compatible(main, q)]
    fitting.sort(
        key=lambda q: (
            q.measure != main.measure,
            not _TOTAL.search(completion.norm, max(0, q.span[0] - 3), q.span[0]),
            q.unit != main.unit,
        )
    )
    if (
        fitting
        and fitting[0].measure != main.measure
        and any(q.measure == main.measure for q in restating)
    ):  # 不少于600场 restated, 6个街道 is not the actual of 场
        fitting = []
    value = _base(main, main.value)
    if fitting:
        verdict, short_by, value, done = _judge(main, fitting[0], reverse)
        if main.family == "money" and done == 0 < value and verdict != "short":
            verdict, short_by = "short", 100.0  # nothing spent against a money target: not done
    else:
        verdict = "restated" if restating else "unit_mismatch" if actual else "no_actual"
        short_by, done = 0.0, math.nan
        if main.family == "date":
            value = main.high if main.high is not None else main.value
    return _Verdict(
        verdict, short_by, reverse, main.family, main.unit, value, done, bool(fitting),
        bool(restating), first, has_comparator,
    )  # fmt: skip


def _pair(target: _Text, completion: _Text, indicator: str, cost_row: bool = False) -> tuple:
    """Every feature except the five rapidfuzz similarities, in FEATURES order."""
    # A tuple, not a dict: features() builds one per distinct row.
    v = _verdict(target, completion, _direction(indicator, target.norm, cost_row))
    t_trimmed = target.trimmed
    return (
        bool(t_trimmed) and t_trimmed in completion.norm,  # target_in_completion
        bool(completion.trimmed) and completion.trimmed in target.norm,  # completion_in_target
        bool(t_trimmed) and t_trimmed == completion.trimmed,  # is_exact_copy
        bool(t_trimmed) and t_trimmed == completion.stripped,  # is_copy_after_prefix
        v.target_has_comparator, v.completion_has_comparator, v.completion_comparator,
        v.completion_has_actual, v.verdict, v.short_by, v.reverse, v.target_family,
        v.target_unit, v.target_value, v.completion_value,
        target.na, completion.na, target.template, completion.template,
        target.bare, completion.bare, target.vague_amount, completion.vague_amount,
        target.has_date, completion.has_date,
        len(target.quantities), len(completion.quantities), target.digits, completion.digits,
        len(target.norm), len(completion.norm),
    )  # fmt: skip


def is_cost_row(level2: str) -> bool:
    """A 成本指标 row (成本, 成本指标, 产出成本): its amounts of money are ceilings."""
    return "成本" in (level2 or "")


def compare(target: str, completion: str, indicator: str = "", level2: str = "") -> Comparison:
    """Features of one target/completion pair (indicator, level2: the 三级/二级指标, for direction)."""
    t, c = _text(target or ""), _text(completion or "")
    ind = normalize(indicator or "")
    return Comparison(  # char, partial, token, stripped and indicator ratios
        fuzz.ratio(t.norm, c.norm),
        fuzz.partial_ratio(t.norm[:MAX_ALIGNED_CHARS], c.norm[:MAX_ALIGNED_CHARS]),
        fuzz.token_set_ratio(t.joined_tokens, c.joined_tokens),
        fuzz.ratio(t.trimmed, c.stripped),
        fuzz.ratio(ind, c.norm) if ind else 0.0,
        *_pair(t, c, ind, is_cost_row(level2)),
    )


def features(table: pd.DataFrame) -> pd.DataFrame:
    """compare() for every row of a tidy table (target, completion, optional indicator, level2)."""
    import numpy as np
    import pandas as pd

    n = len(table)
    if not n:
        return pd.DataFrame({name: [] for name in FEATURES}, index=table.index)

    def column(name: str) -> np.ndarray:
        if name not in table:
            return np.full(n, "", dtype=object)
        return table[name].fillna("").astype(str).to_numpy(dtype=object)

    # Real tables repeat texts (不适用, 已完成, 满意度≥95%): each distinct text is read once,
    # each distinct (target, completion, indicator) row is compared once.
    codes, texts = pd.factorize(np.concatenate([column("target"), column("completion")]))
    ind_codes, ind_texts = pd.factorize(column("indicator"))
    cost = np.fromiter(map(is_cost_row, column("level2")), dtype=np.int64, count=n)
    rows = np.stack([codes[:n], codes[n:], ind_codes, cost], axis=1)
    distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
    infos = [_text(text) for text in texts]
    ind_norm = [normalize(text) for text in ind_texts]
    t_info = [infos[i] for i in distinct[:, 0]]
    c_info = [infos[i] for i in distinct[:, 1]]
    inds = [ind_norm[i] for i in distinct[:, 2]]
    costs = distinct[:, 3].astype(bool).tolist()

    def similarity(scorer, left: list[str], right: list[str]) -> np.ndarray:
        return process.cpdist(left, right, scorer=scorer, workers=-1, dtype=np.float64)

    t_norm, c_norm = [t.norm for t in t_info], [c.norm for c in c_info]
    indicator_ratio = similarity(fuzz.ratio, inds, c_norm)
    columns = {
        "char_ratio": similarity(fuzz.ratio, t_norm, c_norm),
        "char_partial_ratio": similarity(
            fuzz.partial_ratio,
            [t[:MAX_ALIGNED_CHARS] for t in t_norm],
            [c[:MAX_ALIGNED_CHARS] for c in c_norm],
        ),
        "token_ratio": similarity(
            fuzz.token_set_ratio,
            [t.joined_tokens for t in t_info],
            [c.joined_tokens for c in c_info],
        ),
        "stripped_ratio": similarity(
            fuzz.ratio, [t.trimmed for t in t_info], [c.stripped for c in c_info]
        ),
        "indicator_ratio": np.where([bool(i) for i in inds], indicator_ratio, 0.0),
    }
    pairs = pd.DataFrame.from_records(
        [_pair(t, c, i, k) for t, c, i, k in zip(t_info, c_info, inds, costs, strict=True)],
        columns=FEATURES[len(columns) :],
    )
    out = pd.concat([pd.DataFrame(columns), pairs], axis=1)[list(FEATURES)]
    out = out.iloc[inverse.reshape(-1)]
    out.index = table.index
    return out


def as_dict(comparison: Comparison) -> dict:
    """A Comparison as a JSON-ready dict (NaN becomes None)."""
    values = astuple(comparison)
    return {
        name: (None if isinstance(v, float) and math.isnan(v) else v)
        for name, v in zip(FEATURES, values, strict=True)
    }


def _quantity_dict(q: Quantity, raw: str) -> dict:
    return {
        "text": q.text,
        "comparator": q.comparator,
        "value": q.value,
        "low": q.low,
        "high": q.high,
        "unit": q.unit,
        "family": q.family,
        "factor": q.factor,
        "vague": q.vague,
        "span": list(q.span),
        "original_span": list(original_span(raw, q.span)),
        "kind": q.kind,
        "comparator_text": q.comparator_text,
        "threshold": q.threshold,
    }


def explain(target: str, completion: str, indicator: str = "") -> dict:
    """Everything about one pair as a JSON-ready dict: texts, tokens, quantities, comparison."""

    def side(text: str) -> dict:
        return {
            "text": text,
            "normalized": normalize(text),
            "tokens": tokens(text),
            "quantities": [_quantity_dict(q, text) for q in quantities(text)],
        }

    result = {
        "schema": "nlp-eval.explain/1",
        "indicator": indicator,
        "target": side(target[:MAX_COMPARED_CHARS]),
        "completion": side(completion[:MAX_COMPARED_CHARS]),
        "comparison": as_dict(compare(target, completion, indicator)),
    }
    if max(len(target), len(completion)) > MAX_COMPARED_CHARS:
        result["note"] = f"texts over {MAX_COMPARED_CHARS:,} characters: only their start is read"
    return result


def explain_text(result: dict) -> str:
    """The explain() dict as plain lines for a terminal."""

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    lines: list[str] = []
    for name, label in (("target", "目标 target"), ("completion", "完成 completion")):
        side = result[name]
        lines += [f"{label}: {side['text']}", f"  normalized: {side['normalized']}"]
        lines.append(f"  tokens: {' | '.join(side['tokens'])}")
        for q in side["quantities"]:
            bounds = f"[{number(q['low'])}, {number(q['high'])}]"
            lines.append(
                f"  quantity: {q['text']}  comparator={q['comparator'] or '-'} value={number(q['value'])}"
                f" range={bounds} unit={q['unit'] or '-'} family={q['family'] or '-'}"
                f" factor={q['factor']:g}{' vague' if q['vague'] else ''} span={tuple(q['span'])}"
            )
    lines.append("comparison:")
    lines += [f"  {key}: {value}" for key, value in result["comparison"].items()]
    return "\n".join(lines)
