"""Quantities in Chinese text: comparator, value or range, unit, unit family, span.

`quantities(text)` finds, in `normalize(text)`:
  dates and periods  2020年12月10日—2021年3月7日, 三季度, 12月底前, 2023年12月前, 上半年
  numbers with units ≥95%, 不低于90%, 95%以上, ≤90万元, 20-30家, 123,244.2元, -3480.83万元,
                     0.9‰, ≥100百分比, 三十五人, 3个工作日, 2天以内, 3.2万人, 100余人, ≤1500元/亩
  vague amounts      一批, 若干, 多个, 不少 (and approximations: 约100人, 100人左右, 100余人)

Comparators are normalised to ">=", "<=", ">", "<", "=", "~" (approximate) or "" (none).
Units, comparator words and vague words are data: lexicons/units.tsv, comparators.tsv,
vague_amounts.txt, numeral_idioms.txt. Dates are encoded as numbers YYYYMMDD (year 0 when
the text gives none: 11月前 → <= 1130, the month's real last day; February: 28, or 29 in a
leap year given), so they compare like any other value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import NamedTuple

from nlp_eval import lexicon
from nlp_eval.text import normalize

COMPARATORS: tuple[str, ...] = (">=", "<=", ">", "<", "=", "~", "")


class Quantity(NamedTuple):
    """One numeric, date or vague-amount expression found in normalize(text)."""

    # A NamedTuple, not a frozen dataclass: lint builds one per quantity of every distinct
    # text, and a frozen dataclass is several times slower to build.

    text: str  # the expression as found in the normalised text, comparator words included
    comparator: str  # ">=", "<=", ">", "<", "=", "~" (approximate) or "" (none)
    # The number written (a range: its low end; a date: YYYYMMDD); None for a vague word.
    value: float | None
    low: float | None  # lower bound stated (>= 95 → 95; 20-30 → 20; <= 90 → None)
    high: float | None  # upper bound stated (<= 90 → 90; 20-30 → 30; >= 95 → None)
    unit: str  # as written: "%", "万元", "家", "工作日", "元/亩", "date"; "" for a bare number
    # money percent count area length mass volume time score age date concentration, or "".
    family: str
    factor: float  # value * factor = amount in the family's base unit (元, %, 平方米, 米, 天…)
    vague: bool  # a vague amount (一批, 若干) or an approximation (约, 左右, 余, 多)
    span: tuple[int, int]  # character span of `text` in normalize(original)
    kind: str = "number"  # "number", "range", "date", "vague"
    comparator_text: str = ""  # the comparator words/symbols as written (≥, 不低于, 以上, 达到)
    threshold: bool = False  # the comparator states a threshold (≥ 不低于 以上 以内)
    weak: bool = False  # a weak 达到 / =: restates only when its value is the target's own
    core: tuple[int, int] = (0, 0)  # symbol comparator + number + unit: kept as one token

    @property
    def measure(self) -> str:
        """What is counted: 名 and 位 count 人, 万人次 counts 人次 (see units.tsv)."""
        unit = self.unit.split("/")[0]
        measures = _measures()
        if unit not in measures:
            unit = unit.lstrip("千万百亿") or unit
        return measures.get(unit, unit)


# ---------------------------------------------------------------- lexicon-built patterns

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_MULTIPLIERS = {"千万": 1e7, "百万": 1e6, "万": 1e4, "亿": 1e8, "千": 1e3}
_CN_NUM = "[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CJK_WORD = "[\u4e00-\u9fff]"
_RANGE_SEP = frozenset({"-", "~", "至", "到", "起至"})
_ANY_WORD = re.compile("[0-9\u4e00-\u9fff]")
_CN_NUMERAL = re.compile("[零〇一二两三四五六七八九十百]")  # what a Chinese numeral starts with
_NUMERAL = re.compile("[0-9零〇一二两三四五六七八九十]|百分之")
_MAYBE_DATE = re.compile(r"[年月季]|[0-9][日号]|(?:19|20)[0-9]{2}[./-]")
_MAYBE_NUMBER = re.compile("[0-9零〇一二两三四五六七八九十]|百分之|季度|半年|年底|年末")
_YUE_WORDS = frozenset("签预合节制履特公条邀违")  # 签约 预约 合约 节约 … end in 约
_ORDER = {">=": 0, "<=": 0, ">": 0, "<": 0, "=": 1, "~": 2}
# Words an item number follows: 目标1完成情况, 指标2:… count items, they state no amount.
_ITEM_WORDS = frozenset({"目标", "指标"})


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _units() -> dict[str, tuple[str, float]]:
    return {r["unit"]: (r["family"], float(r["factor"])) for r in lexicon.table("units.tsv")}


@cache
def _measures() -> dict[str, str]:
    return {r["unit"]: r.get("measure") or r["unit"] for r in lexicon.table("units.tsv")}


@cache
def _comparators() -> dict[tuple[str, str], tuple[str, str]]:
    rows = lexicon.table("comparators.tsv")
    return {(r["position"], r["phrase"]): (r["comparator"], r["threshold"]) for r in rows}


def _phrases(position: str) -> list[str]:
    return [phrase for pos, phrase in _comparators() if pos == position]


def _whole_unit() -> str:
    """A lookahead keeping units such as 千克 whole: 千 is their first character, not a multiplier."""
    units = _units()
    rests = [
        u[len(m) :]
        for u in units
        for m in _MULTIPLIERS
        if u.startswith(m) and u != m and u[len(m) :] not in units
    ]
    return f"(?!{_alternation(rests)})" if rests else ""


@cache
def _number_pattern() -> re.Pattern[str]:
    symbols = [p for p in _phrases("before") if not re.match(_CJK_WORD, p)]
    strong = [
        p
        for p in _phrases("before")
        if re.match(_CJK_WORD, p) and _comparators()[("before", p)][1] == "yes"
    ]
    weak = [p for p in _phrases("before") if re.match(_CJK_WORD, p) and p not in strong]
    # A threshold word may stand a few characters before its number (不超过预算30万元); a weak
    # word must touch it (水质达标率100% is not "达 … 100%").
    gap = "(?:(?![零〇一二两三四五六七八九十百千万亿第])[\u4e00-\u9fff]){0,4}?"
    return re.compile(
        rf"(?:(?P<word>{_alternation(strong)}){gap}|(?P<weak>{_alternation(weak)}))?"
        rf"(?P<symbol>(?<![0-9%])(?:{_alternation(symbols)}))?"  # 10~20人: a range, not "about 20"
        r"(?P<neg>(?<![\w.)%])-)?"
        r"(?<![A-Za-z\d.第])"
        rf"(?P<pct>百分之)?(?:(?P<num>{_ARABIC})(?:(?P<mult>千万|百万|万|亿|千){_whole_unit()})?"
        rf"|(?P<cn>{_CN_NUM}|(?<=百分之)百))"
        rf"(?P<inside>{_alternation(_phrases('inside'))})?"
        rf"(?P<unit>{_alternation(_units())})?"
        rf"(?P<per>/(?:{_alternation(_units())}|{_CJK_WORD}))?"
        # 95%(含)以上, 不低于95%(含95%): an inclusive note belongs to the quantity before it.
        r"(?:\(含[^()]{0,8}\))?"
        rf"(?P<after>{_alternation(_phrases('after'))})?"
    )


_MONTH = "1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_DAY = "[12]\\d|3[01]|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九]"
# 2022, or digit by digit in Chinese numerals: 二〇二二, 二零二一, 一九九八.
_CN_DIGIT = "[〇零一二三四五六七八九]"
_YEAR = rf"(?:19|20)\d{{2}}|(?<![零〇一二两三四五六七八九十])(?:一九|二[〇零]){_CN_DIGIT}{{2}}"


@cache
def _date_pattern() -> re.Pattern[str]:
    before = _alternation(_phrases("before"))
    after = _alternation(_phrases("after"))
    return re.compile(
        rf"(?P<before>{before})?(?<![\d.])(?:"
        rf"(?:(?P<y>{_YEAR})年(?:度)?)?(?:第)?(?P<q>[一二三四1-4])季度"
        rf"|(?:(?P<y2>{_YEAR})年)?(?P<h>上半年|下半年)"
        rf"|(?:(?P<y3>{_YEAR})年)?(?<![\d个])(?P<m>{_MONTH})月份?"
        rf"(?:(?P<d>{_DAY})[日号])?(?P<mod>底|末|初|上旬|中旬|下旬)?"
        rf"|(?P<y4>{_YEAR})年(?:度)?(?P<ymod>底|末|初)?"
        rf"|(?:每月|当月|本月|次月)(?P<dd>{_DAY})[日号]"
        r"|(?P<yr>年底|年末)"
        rf"|(?P<y5>(?:19|20)\d{{2}})(?P<sep>[./-])(?P<m5>{_MONTH})(?P=sep)(?P<d5>{_DAY})(?!\d)"
        r"|(?P<y6>(?:19|20)\d{2})(?=[-~至到](?:19|20)\d{2}年)"  # 2021-2035年
        rf")(?P<after>{after})?"
    )


@cache
def _vague_pattern() -> re.Pattern[str]:
    words = _alternation(lexicon.words("vague_amounts.txt"))
    units = _alternation(u for u, (family, _) in _units().items() if family == "count")
    return re.compile(rf"(?P<word>{words})(?!于)(?P<unit>{units})?")


@cache
def _idiom_pattern() -> re.Pattern[str]:
    return re.compile(_alternation(lexicon.words("numeral_idioms.txt")))


# ---------------------------------------------------------------- helpers


def chinese_number(text: str) -> float:
    """Value of a Chinese numeral: 三十五 → 35, 两千零五 → 2005, 一二〇 → 120, 1.5万 → 15000."""
    total, section, digit = 0.0, 0.0, None
    if all(ch in _CN_DIGITS for ch in text):  # digit by digit: 二〇二〇
        return float("".join(str(_CN_DIGITS[ch]) for ch in text))
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in ("万", "亿"):
            section += digit or 0
            total = (total + section) * (1e4 if ch == "万" else 1e8)
            section, digit = 0.0, None
    return total + section + (digit or 0)


def _resolve(found: list[tuple[str, str]]) -> tuple[str, str, bool, bool]:
    """(comparator, words, threshold, weak) from the (phrase, position) pairs around a number."""
    if not found:  # most numbers and dates stand alone
        return "", "", False, False
    table = _comparators()
    best: tuple[tuple[int, int], str] | None = None
    kinds = set()
    for phrase, position in found:
        comparator, kind = table[(position, phrase)]
        kinds.add(kind)
        rank = ((0 if kind == "yes" else 1, _ORDER[comparator]), comparator)
        best = rank if best is None or rank < best else best
    text = "…".join(phrase for phrase, _ in found)
    threshold = "yes" in kinds
    return (best[1] if best else ""), text, threshold, not threshold and "weak" in kinds


def _bounds(comparator: str, low: float | None, high: float | None):
    """(value, low, high) of an interval [low, high] qualified by a comparator."""
    if comparator in (">=", ">"):
        return low, low, None
    if comparator in ("<=", "<"):
        return high, None, high
    return low, low, high


def _integer(written: str) -> int:
    """2022, 11 or a Chinese numeral (二〇二二, 十一, 三十)."""
    return int(written) if written.isdigit() else int(chinese_number(written))


def _month_end(year: int, month: int) -> int:
    """The last day of the month; February has 28 days when the year is not given."""
    if month != 2:
        return 30 if month in (4, 6, 9, 11) else 31
    leap = year and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if leap else 28


def _date_interval(match: re.Match[str]) -> tuple[float, float]:
    """[start, end] of a date expression as YYYYMMDD numbers (year 0 when not given)."""
    g = match.groupdict()
    written = g["y"] or g["y2"] or g["y3"] or g["y4"] or g["y5"] or g["y6"]
    calendar_year = _integer(written) if written else 0
    year = calendar_year * 10000
    if g["y5"]:  # 2023/11/30, 2023.1.1, 2023-11-30
        day = year + int(g["m5"]) * 100 + int(g["d5"])
        return day, day
    if g["q"]:
        q = _integer(g["q"])
        return year + (3 * q - 2) * 100 + 1, year + 3 * q * 100 + _month_end(0, 3 * q)
    if g["h"]:
        return (year + 101, year + 630) if g["h"] == "上半年" else (year + 701, year + 1231)
    if g["m"]:
        month = _integer(g["m"])
        base, end = year + month * 100, _month_end(calendar_year, month)
        if g["d"]:
            return base + _integer(g["d"]), base + _integer(g["d"])
        first, last = {"底": (end, end), "末": (end, end), "初": (1, 10), "上旬": (1, 10)}.get(
            g["mod"] or "", {"中旬": (11, 20), "下旬": (21, end)}.get(g["mod"] or "", (1, end))
        )
        return base + first, base + last
    if g["dd"]:
        return float(int(g["dd"])), float(int(g["dd"]))
    if g["yr"] or g["ymod"] in ("底", "末"):
        return year + 1231, year + 1231
    if g["ymod"] == "初":
        return year + 101, year + 131
    return year + 101, year + 1231


@cache
def _date_lead() -> int:
    """How far before its first _MAYBE_DATE hit a date match can start."""
    # A comparator word, then at most 2021至2035年 before the first 年/月/季/day/2023- mark.
    return max(map(len, _phrases("before"))) + len("2021至2035")


def _date_matches(cell: str) -> Iterator[re.Match[str]]:
    """finditer of the date pattern, searched only from just before each date mark.

    Every date match starts at most _date_lead() characters before a _MAYBE_DATE hit, so
    searching from there finds the same leftmost matches as scanning the whole cell.
    """
    pattern, lead, pos = _date_pattern(), _date_lead(), 0
    while mark := _MAYBE_DATE.search(cell, pos):
        match = pattern.search(cell, max(pos, mark.start() - lead))
        if match is None:
            return
        yield match
        pos = match.end()


def _dates(cell: str) -> list[Quantity]:
    out: list[Quantity] = []
    for match in _date_matches(cell):
        start, end = (float(x) for x in _date_interval(match))
        found = [(match["before"], "before")] if match["before"] else []
        found += [(match["after"], "after")] if match["after"] else []
        comparator, words, threshold, weak = _resolve(found)
        value, low, high = _bounds(comparator, start, end)
        symbol = match["before"] and not re.match(_CJK_WORD, match["before"])
        core = (match.start() if symbol else match.end("before") if match["before"] else match.start(),
                match.start("after") if match["after"] else match.end())  # fmt: skip
        out.append(
            Quantity(match.group(), comparator, value, low, high, "date", "date", 1.0, False,
                     match.span(), "date", words, threshold, weak, core)
        )  # fmt: skip
    return _merge_ranges(cell, out)


def _number_matches(text: str) -> Iterator[re.Match[str]]:
    """finditer of the number pattern, tried only near numerals (the pattern is slow to scan)."""
    pattern, pos = _number_pattern(), 0
    while numeral := _NUMERAL.search(text, pos):
        # A match starts at most 10 characters before its number (a 4-character comparator,
        # a 4-character gap, a symbol, a minus sign) and is shorter than 40 after it.
        start = numeral.start()
        match = pattern.search(text, max(pos, start - 10), start + 40)
        if match is None or _number_start(match) != start:  # no number here: try the next
            pos = start + 1
            continue
        yield match
        pos = max(match.end(), pos + 1)


def _number_start(match: re.Match[str]) -> int:
    return match.start("pct" if match["pct"] else "num" if match["num"] is not None else "cn")


def _is_reference(cell: str, start: int, end: int) -> bool:
    """A document number, not a quantity: 深府办函(2018)1号, [2021]19号."""
    # The start and end of the cell are not brackets: a cell of just 2019 or 87.5 is a number.
    before = cell[start - 1] if start > 0 else ""
    after = cell[end] if end < len(cell) else ""
    return after == "号" or (before in ("(", "[") and after in (")", "]") and end - start == 4)


def _is_label(cell: str, start: int, end: int) -> bool:
    """A document number (深府办函(2018)1号, [2021]19号) or an item number (目标1, 指标2:)."""
    return _is_reference(cell, start, end) or (
        cell[max(0, start - 2) : start] in _ITEM_WORDS and end - start <= 2
    )


def _unit_of(unit: str, mult: str, per: str) -> tuple[str, str, float]:
    """(unit as written, family, factor) for a number's multiplier, unit and per-unit."""
    units = _units()
    if not unit:
        family, factor = units.get(mult, ("", 1.0)) if mult else ("", 1.0)
        return mult, family, factor
    written = mult + unit
    if written in units:
        family, factor = units[written]
    else:
        family, factor = units[unit]
        factor *= _MULTIPLIERS.get(mult, 1.0)
    if written.startswith("个") and written[1:] in units:  # 3个工作日: the unit is 工作日
        written = written[1:]
    return written + per, family, factor


def _numbers(cell: str, masked: str, blocked: list[tuple[int, int]]) -> list[Quantity]:
    out: list[Quantity] = []
    for match in _number_matches(masked):
        g = match.groupdict()
        if g["cn"] is not None:
            span = match.span("cn")
            unit_known = g["unit"] or g["pct"]
            if not unit_known or any(a < span[1] and span[0] < b for a, b in blocked):
                continue
            value = chinese_number(g["cn"])
        else:
            value = float(g["num"].replace(",", ""))
        if (
            not g["unit"]
            and not g["mult"]
            and _is_label(masked, match.start("num"), match.end("num"))
        ):
            continue
        if g["neg"]:
            value = -value
        weak = g["weak"]
        if weak == "约" and masked[match.start("weak") - 1 : match.start("weak")] in _YUE_WORDS:
            weak = None  # 签约12.6万人: the end of a word, not "about"
        found = [(g["word"] or weak, "before")] if g["word"] or weak else []
        found += [(g["symbol"], "before")] if g["symbol"] else []
        found += [(g["inside"], "inside")] if g["inside"] else []
        found += [(g["after"], "after")] if g["after"] else []
        comparator, words, threshold, weak = _resolve(found)
        if g["pct"]:
            unit, family, factor = "%", "percent", 1.0
        else:
            unit, family, factor = _unit_of(g["unit"] or "", g["mult"] or "", g["per"] or "")
        value_, low, high = _bounds(comparator, value, value)
        start = match.start("symbol") if g["symbol"] else match.start("neg") if g["neg"] else None
        start = start if start is not None else match.start("pct") if g["pct"] else None
        start = start if start is not None else match.start("num" if g["num"] else "cn")
        end = max(match.end("per"), match.end("unit"), match.end("mult"), match.end("num"))
        end = max(end, match.end("cn"), match.end("inside"))
        out.append(
            Quantity(cell[match.start():match.end()], comparator, value_, low, high, unit, family,
                     factor, comparator == "~", match.span(), "number", words, threshold, weak,
                     (start, end))
        )  # fmt: skip
    return _merge_ranges(cell, out)


def _merge_ranges(cell: str, found: list[Quantity]) -> list[Quantity]:
    """Join `20-30家`, `20至30家`, `2020年12月10日—2021年3月7日` into one range quantity."""
    out: list[Quantity] = []
    for q in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and cell[prev.span[1] : q.span[0]] in _RANGE_SEP
            and prev.comparator in ("", ">=")
            and q.comparator in ("", "<=")
            and prev.value is not None
            and q.value is not None
            and (prev.unit in ("", q.unit) or (prev.kind == q.kind == "date"))
        ):
            low = prev.low if prev.low is not None else prev.value
            high = q.high if q.high is not None else q.value
            if prev.kind == q.kind == "date" and high < 10000 <= low:  # 2021年3月7日-9日
                high += low // 10000 * 10000
            kind = "date" if q.kind == "date" else "range"
            out[-1] = Quantity(
                cell[prev.span[0] : q.span[1]], "", low, low, high, q.unit, q.family, q.factor,
                prev.vague or q.vague, (prev.span[0], q.span[1]), kind, "", False, False,
                (prev.core[0], q.core[1]),
            )  # fmt: skip
            continue
        out.append(q)
    return out


@cache
def _zero_pattern() -> re.Pattern[str]:
    return re.compile(_alternation(lexicon.words("zero_phrases.txt")))


def _zeros(cell: str, masked: str) -> list[Quantity]:
    """全年未发生森林火灾: a count of zero, an actual value."""
    return [
        Quantity(
            m.group(), "", 0.0, 0.0, 0.0, "", "", 1.0, False, m.span(), "number", core=m.span()
        )
        for m in _zero_pattern().finditer(masked)
    ]


def _vague(cell: str, masked: str) -> list[Quantity]:
    out: list[Quantity] = []
    units = _units()
    for match in _vague_pattern().finditer(masked):
        word, unit = match["word"], match["unit"] or ""
        if not unit:  # 一批, 多家: the word ends with its measure word
            unit = next(
                (word[i:] for i in range(1, len(word)) if units.get(word[i:], ("",))[0] == "count"),
                "",
            )
        family = "count" if unit else ""
        out.append(
            Quantity(cell[match.start():match.end()], "", None, None, None, unit, family, 1.0,
                     True, match.span(), "vague", "", False, False, match.span())
        )  # fmt: skip
    return out


def _mask(text: str, found: list[Quantity]) -> str:
    """The text with the spans already parsed blanked out (positions kept)."""
    for q in found:
        start, end = q.span
        text = text[:start] + "\0" * (end - start) + text[end:]
    return text


@lru_cache(maxsize=1 << 17)
def _quantities(cell: str) -> tuple[Quantity, ...]:
    if not _ANY_WORD.search(cell):  # "/", "——", "……"
        return ()
    if not _MAYBE_NUMBER.search(cell):  # most prose and status cells: skip the slow patterns
        zeros = _zeros(cell, cell)
        return tuple(sorted(zeros + _vague(cell, _mask(cell, zeros)), key=lambda q: q.span))
    dates = _dates(cell)
    masked = _mask(cell, dates)
    blocked: list[tuple[int, int]] = []  # spans a Chinese numeral may not overlap (一批, 一站式)
    if _CN_NUMERAL.search(masked):  # only Chinese numerals are checked against them
        blocked = [m.span() for m in _vague_pattern().finditer(masked)]
        blocked += [m.span() for m in _idiom_pattern().finditer(masked)]
    numbers = _numbers(cell, masked, blocked)
    numbers = sorted(numbers + _zeros(cell, _mask(masked, numbers)), key=lambda q: q.span)
    vague = _vague(cell, _mask(masked, numbers))
    return tuple(sorted(dates + numbers + vague, key=lambda q: q.span))


def quantities(text: str) -> list[Quantity]:
    """Every quantity, date and vague amount in the text, in reading order (spans in normalize(text))."""
    return list(_quantities(normalize(text)))


def normalized_quantities(norm: str) -> tuple[Quantity, ...]:
    """quantities() of a text normalize() already returned (spares normalising it again)."""
    return _quantities(norm)


def token_spans(cell: str) -> list[tuple[int, int]]:
    """Spans of an already normalised cell that must stay single tokens (≥95%, 50.5万元, 35人)."""
    return [q.core for q in _quantities(cell) if q.kind != "vague" and q.core[1] > q.core[0]]
