"""Chinese text for analysis: normalize, tokens, copy prefixes, N/A and template detection.

Normalisation maps full-width to half-width, unifies operators (>= ≧ ⩾ → ≥, <= =< ≦ → ≤,
﹦ ═ ＝ → =) and dashes, removes whitespace that is not between two Latin letters or digits,
and converts traditional to simplified characters with OpenCC t2s. The tidy table keeps the
original text; everything here works on `normalize(text)`.

Tokens. The reference tokenizer is a private `jieba.Tokenizer` loaded with
`lexicons/jieba_user.txt` (never jieba's global `dt`, never at import time). jieba is slow
(about 17 µs for a short cell), and `lint` must tokenize 100k pairs within 1.5x the time of
plain `jieba.lcut`, so `tokens()` uses by default a private `rjieba.Jieba` (the Rust port
jieba-rs: same dictionary, same DAG + max-probability path, ~11x faster). rjieba exposes
`add_word(word, freq, tag)`, so the same domain dictionary is loaded into it. Both cut with
HMM off: with HMM on, jieba-rs and jieba disagree on ~1.6% of short texts (unknown-word
guessing), with HMM off they agree, and guessing new words from two-character fragments buys
nothing for similarity or for a bag-of-words model. `tests/test_text.py` asserts that both
engines give identical tokens on the seed table, the Songgang targets and the domain words.
When rjieba is not installed, jieba is used.

Quantity expressions (≥95%, 50.5万元, 三十五人, 2020年12月10日) are cut out first and stay
single tokens; word comparators (不低于, 以上) stay separate tokens. Tokens made only of
punctuation or whitespace are dropped.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import itertools
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Literal

from nlp_eval import lexicon

# Full-width ASCII (U+FF01..U+FF5E) to half-width, plus operator, dash, bracket variants.
_CHAR_MAP: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_CHAR_MAP.update(
    {
        ord(k): v
        for k, v in {
            "\u3000": " ",
            "\u00a0": " ",
            "≧": "≥",
            "⩾": "≥",
            "≦": "≤",
            "⩽": "≤",
            "﹦": "=",
            "═": "=",
            "〓": "=",
            "﹥": ">",
            "﹤": "<",
            "〜": "~",
            "∼": "~",
            "﹪": "%",
            "–": "-",
            "—": "-",
            "―": "-",
            "−": "-",
            "﹣": "-",
            "‐": "-",
            "‑": "-",
            "─": "-",
            "⋯": "…",
            "「": "“",
            "」": "”",
            "『": "‘",
            "』": "’",
            "〔": "(",
            "〕": ")",
            "【": "[",
            "】": "]",
        }.items()
    }
)
_MAPPED = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_CHAR_MAP)) + "]")
_OPERATORS = re.compile(r">\s*=|=\s*>|<\s*=|=\s*<|\.{3,}|。{3,}")
_OPERATOR_MAP = {">=": "≥", "=>": "≥", "<=": "≤", "=<": "≤"}
# Whitespace survives only between two Latin letters or digits ("ISO 9001"); Chinese needs none.
_SPACE = re.compile(r"\s+")
_PUNCT = ",.;:!?。、;:!?()[]{}“”‘’\"'《》〈〉/\\|…·-_ \t\n"
_PUNCT_SET = frozenset(_PUNCT)
_PLACEHOLDER_ONLY = re.compile(r"[\s…\.\*xX×#_?()\[\]<>≥≤=%]+")
_PLACEHOLDER = re.compile(r"\*\*|××|(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])|^…+|…+$")


@cache
def _t2s():
    """OpenCC traditional → simplified converter, created on first use."""
    import opencc

    return opencc.OpenCC("t2s")


# Every block holding a key of OpenCC's t2s dictionaries: radicals to CJK, compatibility
# ideographs, extensions B to G.
_CJK_BLOCKS = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


@cache
def _t2s_changes() -> frozenset[str]:
    """Characters t2s may change: those it converts alone, and those only a phrase converts."""
    chars = [chr(code) for low, high in _CJK_BLOCKS for code in range(low, high + 1)]
    converted = _t2s().convert("\n".join(chars)).split("\n")  # one call: ~40 ms
    alone = {ch for ch, out in zip(chars, converted, strict=True) if ch != out}
    return frozenset(alone | set(lexicon.words("t2s_phrase_chars.txt")))


@cache
def _t2s_bmp_changes() -> re.Pattern[str]:
    """The characters of _t2s_changes() below U+10000 as one character class (a fast search)."""
    # Astral characters would turn the class into a slow alternation: they are checked apart.
    bmp = sorted(ch for ch in _t2s_changes() if ch <= "\uffff")
    return re.compile("[" + "".join(re.escape(ch) for ch in bmp) + "]")


# Building the prefilter converts every CJK character once (about 0.1 s): a table of a few
# hundred texts converts them directly, a batch builds it after this many conversions.
_DIRECT_CONVERSIONS = 1000
_direct_conversions = itertools.count()


def _may_convert(text: str) -> bool:
    """Whether t2s could change the text (always yes for the first texts of a process)."""
    if next(_direct_conversions) < _DIRECT_CONVERSIONS:
        return True
    if _t2s_bmp_changes().search(text):
        return True
    return max(text) > "\uffff" and not _t2s_changes().isdisjoint(text)


def _operator(match: re.Match[str]) -> str:
    found = re.sub(r"\s", "", match.group())
    if found.startswith((".", "。")):
        return "……"
    return _OPERATOR_MAP[found]


def _space(match: re.Match[str]) -> str:
    start, end = match.span()
    text = match.string
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (
        " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""
    )


@lru_cache(maxsize=1 << 17)
def normalize(text: str) -> str:
    """Text for analysis: half-width, unified operators and dashes, no stray spaces, simplified."""
    return _normalize(text)


def _normalize(text: str) -> str:
    if not text:
        return ""
    if _MAPPED.search(text):  # most cells have no full-width or variant character
        text = text.translate(_CHAR_MAP)
    if "=" in text or "..." in text or "。。。" in text:  # every _OPERATORS match holds one
        text = _OPERATORS.sub(_operator, text)
    text = _SPACE.sub(_space, text).strip()
    # Most texts are simplified already: converting them would return them unchanged.
    if text.isascii() or not _may_convert(text):
        return text
    # OpenCC cannot encode a lone surrogate (from a bad file): convert around it
    return _t2s().convert(_LONE_SURROGATE.sub("\ufffd", text))


def original_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The span in `text` of a span found in normalize(text) (≥ 95 % → ≥95%: (0, 6) ↔ (0, 4))."""

    def first_prefix(size: int, strict: bool) -> int:
        """Smallest j whose normalised prefix text[:j] is longer than (or as long as) size."""
        low, high = 0, len(text)
        while low < high:
            middle = (low + high) // 2
            length = len(_normalize(text[:middle]))
            if length > size or (not strict and length == size):
                high = middle
            else:
                low = middle + 1
        return low

    start, end = span
    return max(0, first_prefix(start, strict=True) - 1), first_prefix(end, strict=False)


def normalize_many(texts: Iterable[str]) -> list[str]:
    """normalize() over many texts (each distinct text is converted once)."""
    return [normalize(t) for t in texts]


def _trim(text: str) -> str:
    """Drop punctuation at both ends ("不适用。" is "不适用")."""
    return text.strip(",.;:!?。、 ")


@cache
def _na_phrases() -> frozenset[str]:
    return frozenset(_trim(normalize(p)) for p in lexicon.words("na_phrases.txt"))


def is_na(text: str) -> bool:
    """Whether a cell declares the indicator not applicable (不适用, 无, /, 本项目不涉及…)."""
    return _is_na_cell(normalize(text))


@cache
def _na_patterns() -> re.Pattern[str]:
    patterns = lexicon.words("na_patterns.txt")
    return re.compile("|".join(f"(?:{p})" for p in patterns) if patterns else "(?!)")


def _is_na_cell(norm: str) -> bool:
    cell = _trim(norm)
    if not cell:
        return False
    if cell in _na_phrases():
        return True
    if any(ch.isdigit() for ch in cell):
        return False
    # "本项目不涉及经济效益指标" and its variants: a short sentence, no number; and the open
    # forms of na_patterns.txt (该项目无经济效益, 本单位不产生社会效益), the whole cell.
    return (
        len(cell) <= 40 and any(word in cell for word in ("不涉及", "不适用", "无此项"))
    ) or bool(_na_patterns().fullmatch(cell))


@cache
def _template_phrases() -> re.Pattern[str]:
    phrases = sorted({normalize(p) for p in lexicon.words("template_text.txt")}, key=len)
    return re.compile("|".join(re.escape(p) for p in reversed(phrases)))


def is_placeholder(text: str) -> bool:
    """Whether a cell holds a placeholder instead of content (……, **, XX, (≥**人))."""
    return _is_placeholder_cell(normalize(text))


def _is_placeholder_cell(cell: str) -> bool:
    if not cell:
        return False
    if _PLACEHOLDER_ONLY.fullmatch(cell):
        return True
    # Every _PLACEHOLDER match holds one of these characters: most cells hold none.
    return any(ch in cell for ch in "*×…Xx") and bool(_PLACEHOLDER.search(cell))


def is_template(text: str) -> bool:
    """Whether a cell is a placeholder or still the template's instruction text."""
    return _is_template_cell(normalize(text))


def _is_template_cell(cell: str) -> bool:
    return _is_placeholder_cell(cell) or bool(_template_phrases().search(cell))


@cache
def _copy_prefixes() -> tuple[str, ...]:
    return tuple(sorted({normalize(p) for p in lexicon.words("copy_prefixes.txt")}, key=len)[::-1])


def strip_prefix(text: str, prefixes: Iterable[str] | None = None) -> str:
    """Normalised text without leading copy prefixes (已经/完成/实现/进一步/均…), repeatedly."""
    return _strip_prefix_cell(normalize(text), prefixes)


def _strip_prefix_cell(cell: str, prefixes: Iterable[str] | None = None) -> str:
    words = _copy_prefixes() if prefixes is None else tuple(sorted(prefixes, key=len)[::-1])
    changed = True
    while changed and cell:
        changed = False
        for word in words:
            if word and cell.startswith(word):
                cell = cell[len(word) :].lstrip(",.;:、 ")
                changed = True
                break
    return cell


# ---------------------------------------------------------------- tokens


def _user_words() -> Iterable[tuple[str, int | None, str | None]]:
    """Entries of jieba_user.txt: word [freq] [tag], as jieba's load_userdict reads them."""
    for line in lexicon.words("jieba_user.txt"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        yield parts[0], freq, tag


@cache
def _jieba():
    """The reference tokenizer: a private jieba.Tokenizer with the domain dictionary."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in _user_words():
        tokenizer.add_word(word, freq, tag)
    return tokenizer


def _rjieba_module() -> ModuleType | None:
    """rjieba's compiled module, without running rjieba/__init__.py when it can be found.

    `import rjieba` builds a default Jieba with jieba's dictionary (as long to build as ours,
    0.1-0.3 s) that is never used. The compiled module is registered under its own name, so a
    later `import rjieba` reuses it (a PyO3 module cannot be initialised twice).
    """
    if "rjieba.rjieba" in sys.modules:
        return sys.modules["rjieba.rjieba"]
    package = importlib.util.find_spec("rjieba")
    if package is None:
        return None
    for folder in package.submodule_search_locations or ():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"rjieba{suffix}"
            if path.is_file():
                spec = importlib.util.spec_from_file_location("rjieba.rjieba", path)
                if spec is None or spec.loader is None:
                    continue
                module = importlib.util.module_from_spec(spec)
                sys.modules["rjieba.rjieba"] = module
                spec.loader.exec_module(module)
                return module
    import rjieba  # an unusual layout: the ordinary import

    return rjieba


@cache
def _rjieba():
    """The fast tokenizer (jieba-rs) with the same dictionary; None if rjieba is missing."""
    module = _rjieba_module()
    if module is None:
        return None
    tokenizer = module.Jieba()
    for word, freq, tag in _user_words():
        tokenizer.add_word(word, freq, tag)
    return tokenizer


Engine = Literal["fast", "jieba"]


def _cutter(engine: Engine) -> Callable[[str], list[str]]:
    """The cut function of the engine: rjieba (falls back to jieba if missing) or jieba."""
    fast = _rjieba() if engine == "fast" else None
    if fast is not None:
        return lambda text: fast.cut(text, False)
    reference = _jieba()
    return lambda text: reference.lcut(text, HMM=False)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=1 << 17)
def _tokens(cell: str, engine: Engine) -> tuple[str, ...]:
    from nlp_eval.numbers import token_spans  # numbers imports this module

    cut = _cutter(engine)
    cell = _LONE_SURROGATE.sub("\ufffd", cell)  # the cutters cannot encode \ud800 (from a bad file)
    out: list[str] = []
    position = 0
    for start, end in (*token_spans(cell), (len(cell), len(cell))):
        if start > position:
            out.extend(cut(cell[position:start]))
        if end > start:
            out.append(cell[start:end])
        position = end
    # Drop punctuation-only tokens; a token starting with a word character is kept at once
    # (strip with a long character set costs more than the set lookup).
    return tuple(t for t in out if t and (t[0] not in _PUNCT_SET or t.strip(_PUNCT)))


@dataclass(frozen=True)
class Cell:
    """What the comparison reads of one normalised text, each part computed without normalising again."""

    tokens: tuple[str, ...]
    na: bool
    template: bool
    stripped: str  # without copy prefixes


def read_cell(norm: str) -> Cell:
    """Tokens, N/A, template and prefix-stripped text of a text normalize() already returned."""
    return Cell(
        _tokens(norm, "fast"), _is_na_cell(norm), _is_template_cell(norm), _strip_prefix_cell(norm)
    )


def tokens(text: str, *, engine: Engine = "fast") -> list[str]:
    """Words of the normalised text; quantities stay whole; engine="jieba" is the reference."""
    return list(_tokens(normalize(text), engine))


def tokens_many(texts: Iterable[str], *, engine: Engine = "fast") -> list[list[str]]:
    """tokens() for many texts (each distinct text is cut once)."""
    return [list(_tokens(normalize(t), engine)) for t in texts]
