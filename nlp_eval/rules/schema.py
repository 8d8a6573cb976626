"""The schema of a rules file (`--rules EXTRA.toml`), checked before any rule runs.

Every problem is one line with its TOML key path (`extra.toml: V901.params: expected a table,
got a string`), so a user fixes them all at once. Besides types and allowed names it checks
what would fail later, while the rules run over a table: message placeholders (known fields,
plain format specs), regular expressions (they compile; no nested unbounded quantifier, the
shape that backtracks catastrophically) and word lists (resolved next to the rules file first,
then among the shipped lexicons, and shown that way).
"""

from __future__ import annotations

import inspect
import re
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from nlp_eval import lexicon
from nlp_eval.errors import ReadError, RuleError
from nlp_eval.records import COLUMNS, LABELS

MAX_FILE_BYTES = 1 << 20  # a rules file is a page of TOML, not a megabyte
MAX_WIDTH = 100  # widest format width a message may ask for ({x:>20})
# kinds' parameters that are regular expressions, and those naming a word list or holding one
REGEX_PARAMS = ("pattern", "answers", "yes_no", "asks")
REGEX_LIST_PARAMS = ("patterns",)
_SPEC = re.compile(r"^[<>^]?(\d{0,3})(?:\.\d{1,2})?[f%]?$")
_TYPE_NAMES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    list: "an array",
    dict: "a table",
}
TEXT_KEYS = ("message", "suggestion", "why")


def _kind_of(value: Any) -> str:
    for t, name in _TYPE_NAMES.items():
        if type(value) is t:
            return name
    return type(value).__name__


def load_file(path: Path) -> dict[str, Any]:
    """Parse a rules (TOML) file; every way it cannot be read is a one-line RuleError."""
    from nlp_eval.io.limits import check_regular_file

    try:
        size = check_regular_file(path)
    except ReadError as err:
        raise RuleError(str(err)) from None
    if size > MAX_FILE_BYTES:
        raise RuleError(f"{path}: a rules file of {size:,} bytes (limit {MAX_FILE_BYTES:,})")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise RuleError(f"{path}: cannot read ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise RuleError(f"{path}: not UTF-8 text (save the rules file as UTF-8)") from None
    except tomllib.TOMLDecodeError as err:
        raise RuleError(f"{path}: not valid TOML ({err})") from None
    except RecursionError:
        raise RuleError(f"{path}: tables or arrays nested too deeply") from None


@cache
def known_fields() -> frozenset[str]:
    """Placeholders a message may use: the pair's columns and every field the shipped rules use."""
    fields = set(COLUMNS) | {"measure", "goal", "category"}
    for spec in lexicon.toml("rules.toml").values():
        for key in TEXT_KEYS:
            for text in dict(spec.get(key, {})).values():
                fields |= {name for _, name, _, _ in string.Formatter().parse(str(text)) if name}
    return frozenset(fields)


def validate(data: Mapping[str, Any], source: str, base: Path | None = None) -> list[str]:
    """One line per problem of a parsed rules file (empty when it is fine).

    Word lists named by a file next to the rules file (base) are read into the rule's params
    in place, so a rule and its lists travel together.
    """
    from nlp_eval.rules import _KEYS, CODE, NAME, kinds

    problems: list[str] = []

    def bad(key: str, why: str) -> None:
        """`file: rule V901: params.words: why` (the rule's code, then the key path in it)."""
        code, _, path = key.partition(".")
        problems.append(f"{source}: rule {code}: {path}: {why}")

    for code, spec in data.items():
        if not CODE.match(code):
            bad(f"{code}.code", "a rule's key is its code: a family letter and three digits")
            continue
        if not isinstance(spec, dict):
            problems.append(f"{source}: rule {code}: expected a table, got {_kind_of(spec)}")
            continue
        for key in sorted(set(spec) - _KEYS):
            bad(f"{code}.{key}", f"unknown key; known: {', '.join(sorted(_KEYS))}")
        for key in ("name", "kind", "severity", "message", "suggestion"):
            if key not in spec:
                bad(f"{code}.{key}", "missing")
        for key in ("name", "kind", "severity", "label", "field"):
            if key in spec and not isinstance(spec[key], str):
                bad(f"{code}.{key}", f"expected a string, got {_kind_of(spec[key])}")
        if isinstance(spec.get("name"), str) and not NAME.match(spec["name"]):
            bad(f"{code}.name", "must be kebab-case, e.g. my-rule")
        kind = spec.get("kind")
        function = getattr(kinds, kind, None) if isinstance(kind, str) else None
        if isinstance(kind, str) and (kind not in kinds.KINDS or function is None):
            bad(f"{code}.kind", f"unknown kind {kind!r}; known: {', '.join(kinds.KINDS)}")
            function = None
        if isinstance(spec.get("severity"), str) and spec["severity"] not in (
            "error",
            "warning",
            "info",
        ):
            bad(f"{code}.severity", "must be error, warning or info")
        if isinstance(spec.get("label"), str) and spec["label"] not in ("", *LABELS):
            bad(f"{code}.label", f"must be one of {', '.join(LABELS)}")
        if "sure" in spec and not isinstance(spec["sure"], bool):
            bad(f"{code}.sure", f"expected true or false, got {_kind_of(spec['sure'])}")
        if isinstance(spec.get("field"), str) and spec["field"] not in COLUMNS:
            bad(f"{code}.field", f"no column {spec['field']!r}; columns: {', '.join(COLUMNS)}")
        _check_where(code, spec.get("where", {}), bad)
        for key in TEXT_KEYS:
            _check_texts(code, key, spec.get(key, {}) if key == "why" else spec.get(key), bad)
        if function is not None:
            _check_params(code, spec, function, bad, base)
        for key in ("fail", "pass"):
            _check_examples(code, key, spec.get(key, []), bad)
    return problems


def _check_where(code: str, where: Any, bad) -> None:
    if not isinstance(where, dict):
        bad(f"{code}.where", f"expected a table (column = values), got {_kind_of(where)}")
        return
    for column, values in where.items():
        if column not in COLUMNS:
            bad(f"{code}.where.{column}", f"no column {column!r}; columns: {', '.join(COLUMNS)}")
        items = values if isinstance(values, list) else [values]
        if not all(isinstance(v, str) for v in items):
            bad(f"{code}.where.{column}", "expected a string or an array of strings")


def _check_texts(code: str, key: str, texts: Any, bad) -> None:
    if texts is None:
        return  # missing: reported above
    if not isinstance(texts, dict):
        bad(f"{code}.{key}", f"expected a table with zh and en texts, got {_kind_of(texts)}")
        return
    for lang in ("zh", "en"):
        if key != "why" and lang not in texts:
            bad(f"{code}.{key}.{lang}", "missing")
    for lang, text in texts.items():
        where = f"{code}.{key}.{lang}"
        if lang not in ("zh", "en"):
            bad(where, "unknown language; use zh and en")
        elif not isinstance(text, str):
            bad(where, f"expected a string, got {_kind_of(text)}")
        else:
            _check_template(where, text, bad)


def _check_template(where: str, text: str, bad) -> None:
    try:
        parts = list(string.Formatter().parse(text.replace("[[", "").replace("]]", "")))
    except ValueError as err:
        bad(where, f"bad placeholder ({err}); write {{{{ and }}}} for literal braces")
        return
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if not re.fullmatch(r"\w+", name):
            bad(where, f"placeholder {{{name}}}: a field name only (no index, attribute or number)")
        elif name not in known_fields():
            bad(
                where,
                f"placeholder {{{name}}}: unknown field; known: {', '.join(sorted(known_fields()))}",
            )
        if conversion:
            bad(where, f"placeholder {{{name}!{conversion}}}: no conversion allowed")
        match = _SPEC.match(spec or "")
        if not match:
            bad(
                where,
                f"placeholder {{{name}:{spec}}}: format spec not allowed (width, .precision, f or %)",
            )
        elif match.group(1) and int(match.group(1)) > MAX_WIDTH:
            bad(where, f"placeholder {{{name}:{spec}}}: width over {MAX_WIDTH}")


def _accepts(annotation: str, value: Any) -> bool:
    if "Sequence[str]" in annotation and isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    if annotation.startswith("str"):
        return isinstance(value, str)
    if annotation == "bool":
        return isinstance(value, bool)
    if annotation == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return True


def _check_params(code: str, spec: dict, function, bad, base: Path | None) -> None:
    params = spec.get("params", {})
    if not isinstance(params, dict):
        bad(f"{code}.params", f"expected a table, got {_kind_of(params)}")
        return
    accepted = {n: p for n, p in inspect.signature(function).parameters.items() if n != "pairs"}
    for name, value in list(params.items()):
        where = f"{code}.params.{name}"
        if name not in accepted:
            bad(
                where,
                f"not a parameter of kind {spec['kind']}; known: {', '.join(accepted) or 'none'}",
            )
            continue
        annotation = str(accepted[name].annotation)
        if not _accepts(annotation, value):
            bad(where, f"expected {annotation}, got {_kind_of(value)}")
            continue
        if "Sequence[str]" in annotation and isinstance(value, str):
            words = _word_list(where, value, bad, base)
            if words is None:
                continue
            if base is not None and (base / value).is_file():
                params[name] = list(words)  # a list beside the rules file travels with it
            value = list(words)
        if name in REGEX_PARAMS and isinstance(value, str):
            _check_regex(where, value, bad)
        if name in REGEX_LIST_PARAMS and isinstance(value, list):
            for i, pattern in enumerate(value):
                _check_regex(f"{where}[{i}]", pattern, bad)
    for name, parameter in accepted.items():
        if parameter.default is inspect.Parameter.empty and name not in params:
            bad(f"{code}.params.{name}", f"missing (kind {spec['kind']} needs it)")
    if spec["kind"] == "regex" and not (params.get("pattern") or params.get("patterns")):
        bad(f"{code}.params", "kind regex needs a pattern or a patterns list")


def _word_list(where: str, name: str, bad, base: Path | None) -> tuple[str, ...] | None:
    local = base / name if base is not None else None
    if local is not None and local.is_file():
        try:
            text = local.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            bad(where, f"cannot read word list {local} ({err})")
            return None
        entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
        return tuple(e for e in entries if e)
    if "/" not in name and "\\" not in name and lexicon.path(name).is_file():
        return lexicon.words(name)
    shown = local if local is not None else name
    bad(
        where,
        f"word list {shown} not found (looked beside the rules file, then in the shipped lexicons)",
    )
    return None


def _check_regex(where: str, pattern: str, bad) -> None:
    import re._parser as parser  # the stdlib's own parse tree: no new dependency

    try:
        tree = parser.parse(pattern)
    except (re.error, RecursionError, OverflowError) as err:
        bad(where, f"bad regular expression {pattern[:60]!r}: {err}")
        return
    if _nested_repeat(tree):
        bad(
            where,
            f"regular expression {pattern[:60]!r} repeats a repeated group, (a+)+ style: it can "
            "take exponential time on a long cell; rewrite it without the nesting",
        )


def _nested_repeat(tree, inside: bool = False) -> bool:
    """Whether an unbounded repeat contains another unbounded repeat (catastrophic backtracking)."""
    import re._constants as c
    import re._parser as parser

    for op, arg in tree:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            unbounded = high == c.MAXREPEAT or high > 1000
            if unbounded and inside:
                return True
            if _nested_repeat(sub, inside or unbounded):
                return True
        elif op == c.SUBPATTERN:
            if _nested_repeat(arg[-1], inside):
                return True
        elif op == c.BRANCH:
            if any(_nested_repeat(branch, inside) for branch in arg[1]):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if _nested_repeat(arg[1], inside):
                return True
        elif isinstance(arg, parser.SubPattern) and _nested_repeat(arg, inside):
            return True
    return False


def _check_examples(code: str, key: str, examples: Any, bad) -> None:
    where = f"{code}.{key}"
    if not isinstance(examples, list):
        bad(where, f"expected an array of examples, got {_kind_of(examples)}")
        return
    for i, example in enumerate(examples):
        at = f"{where}[{i}]"
        if isinstance(example, str):
            continue
        if not isinstance(example, dict):
            bad(at, f'expected "target → completion" or a table, got {_kind_of(example)}')
            continue
        rows = example.get("rows", [example])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            bad(f"{at}.rows", "expected an array of tables")
            continue
        for row in rows:
            for column in row:
                if column not in COLUMNS and column != "rows":
                    bad(f"{at}.{column}", f"no column {column!r}")
