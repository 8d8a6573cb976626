"""Header texts -> reader fields, through lexicons/headers.tsv and lexicons/level_keywords.tsv."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from nlp_eval import lexicon

# Fields whose column holds values of an indicator row, a budget row or a record row.
COLUMN_FIELDS = frozenset(
    {
        "target",
        "completion",
        "indicator",
        "level1",
        "level2",
        "weight",
        "points",
        "reason",
        "op",
        "uom",
        "budget",
        "goal",
        "goal_done",
        "explain",
        "note",
        "seq",
        "project_code",
        "project",
        "unit",
        "dept",
    }
)
MONEY_UNITS = ("亿元", "万元", "千元", "元")
_MONEY_LINE = re.compile(r"^(?:金额|资金|货币)?单位\s*[:：]\s*(亿元|万元|千元|元)\s*$")
_PAREN_TAIL = re.compile(r"[(]([^()]*)[)]$")
_POINTS = re.compile(r"^(\d+(?:\.\d+)?)分$")
_MENTIONS = (
    ("满意", "满意度"),
    ("经济效益", "经济"),
    ("社会效益", "社会"),
    ("生态效益", "生态"),
    ("环境效益", "生态"),
    ("可持续", "可持续"),
)


class Key(NamedTuple):
    """What a header text means: a field, canonical levels, and what its brackets said."""

    field: str
    level1: str = ""
    level2: str = ""
    weight: float | None = None  # 产出指标(50分) -> 50
    money_unit: str = ""  # 项目资金(万元) -> 万元
    text: str = ""  # the header as written


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional -> simplified Chinese (for matching only; cell text is never rewritten)."""
    return _t2s().convert(text)


def normalize(text: str) -> tuple[str, list[str]]:
    """Header text for matching, and the bracketed tails removed from it ("(50分)", "(万元)")."""
    t = simplified(text)
    t = t.translate(str.maketrans("（）：＊【】", "():*()"))
    t = re.sub(r"\s+", "", t).lstrip("*★▲☆·").rstrip(":")
    tails = []
    while (m := _PAREN_TAIL.search(t)) and m.start() > 0:
        tails.append(m.group(1))
        t = t[: m.start()].rstrip(":")
    if t.endswith("等") and len(t) > 2:
        t = t[:-1]
    return t, tails


@cache
def _header_map() -> dict[str, tuple[str, str, str]]:
    out = {}
    for row in lexicon.table("headers.tsv"):
        name, _ = normalize(row["header"])
        out.setdefault(name, (row["field"], row.get("level1") or "", row.get("level2") or ""))
    return out


@lru_cache(maxsize=1 << 16)  # bounded: called with every cell text
def lookup(text: str) -> Key | None:
    """The Key of a header cell, or None when the text is not a known header."""
    if not text or len(text) > 40:
        return None
    name, tails = normalize(text)
    hit = _header_map().get(name)
    if hit is None:
        return None
    weight, money = None, ""
    for tail in tails:
        if m := _POINTS.match(tail):
            weight = float(m.group(1))
        for unit in MONEY_UNITS:
            if tail.endswith(unit):
                money = money or unit
    return Key(hit[0], hit[1], hit[2], weight, money, text)


@lru_cache(maxsize=1 << 14)
def level_of(text: str) -> tuple[str, str, float | None]:
    """Canonical (level1, level2, weight) of a category cell such as 产出指标(50分) or 产出数量."""
    key = lookup(text)
    if key and key.field == "level":
        return key.level1, key.level2, key.weight
    name, tails = normalize(text)
    weight = None
    for tail in tails:
        if m := _POINTS.match(tail):
            weight = float(m.group(1))
    for row in lexicon.table("level_keywords.tsv"):
        if row["keyword"] in name:
            return row["level1"], row.get("level2") or "", weight
    return "", "", weight


def money_unit_line(text: str) -> str:
    """'万元' for a line such as 单位:万元 / 金额单位：元, else ""."""
    m = _MONEY_LINE.match(simplified(text).strip())
    return m.group(1) if m else ""


def mentioned_level2(text: str) -> str:
    """The level2 a cell text names (本项目不涉及经济效益指标 -> 经济; …满意度… -> 满意度), else ""."""
    for word, level2 in _MENTIONS:
        if word in text:
            return level2
    return ""


# Fields that make a header row an indicator table's header (一级指标 | 二级指标 | 三级指标 …).
INDICATOR_FIELDS = frozenset({"level1", "level2", "indicator"})


@lru_cache(maxsize=1 << 12)
def keyword_field(text: str) -> str:
    """The field a header wording not in headers.tsv names (lexicons/header_keywords.tsv), or ""."""
    name, _ = normalize(text)
    if not name or len(name) > 20:
        return ""
    for row in lexicon.table("header_keywords.tsv"):
        if row["keyword"] in name:
            return row["field"]
    return ""


def is_indicator_kind(text: str) -> bool:
    """定量 / 定性指标 …: a 指标性质 cell stating the kind of indicator, not a comparator."""
    return normalize(text)[0] in lexicon.words("indicator_kinds.txt")
