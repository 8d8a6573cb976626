"""Rules as data: load lexicons/rules.toml and run its checks over a tidy table."""

from __future__ import annotations

import inspect
import itertools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nlp_eval import lexicon
from nlp_eval.errors import RuleError
from nlp_eval.records import LABELS, Finding, Severity
from nlp_eval.rules import kinds

__all__ = [
    "Rule",
    "check",
    "check_pairs",
    "example_table",
    "load_rules",
    "render_template",
    "select_rules",
]

CODE = re.compile(r"^[A-Z]\d{3}$")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LANGS = ("zh", "en")
SEVERITY_ORDER = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
_KEYS = {
    "name",
    "kind",
    "severity",
    "label",
    "sure",
    "field",
    "where",
    "message",
    "suggestion",
    "why",
    "params",
    "fail",
    "pass",
}


@dataclass(frozen=True)
class Rule:
    """One check: a kind (a function of kinds.py) with its parameters, texts and examples."""

    code: str
    name: str
    kind: str
    severity: Severity
    message: Mapping[str, str]  # lang -> template with {fields}
    suggestion: Mapping[str, str]
    label: str = ""  # the label a hit implies ("" when the finding is not a label)
    sure: bool = False  # a sure rule's label wins over the model's
    field: str = "completion"  # the field the finding points at
    where: Mapping[str, tuple[str, ...]] = _field(default_factory=dict)  # column -> allowed values
    params: Mapping[str, Any] = _field(default_factory=dict)
    why: Mapping[str, str] = _field(default_factory=dict)
    fail: tuple[Any, ...] = ()
    passes: tuple[Any, ...] = ()


def _rule(code: str, spec: Mapping[str, Any], source: str) -> Rule:
    """Validate one TOML table; errors name the file, the code and the key."""

    def bad(key: str, why: str) -> RuleError:
        return RuleError(f"{source}: rule {code}: {key}: {why}")

    if not CODE.match(code):
        raise bad("code", "must be a family letter and three digits, e.g. V001")
    unknown = set(spec) - _KEYS
    if unknown:
        raise bad(sorted(unknown)[0], "unknown key")
    for key in ("name", "kind", "severity", "message", "suggestion"):
        if key not in spec:
            raise bad(key, "missing")
    if not NAME.match(str(spec["name"])):
        raise bad("name", "must be kebab-case")
    kind = getattr(kinds, str(spec["kind"]), None)
    if spec["kind"] not in kinds.KINDS or kind is None:
        raise bad("kind", f"unknown kind {spec['kind']!r}; known: {', '.join(kinds.KINDS)}")
    try:
        severity = Severity(spec["severity"])
    except ValueError:
        raise bad("severity", "must be error, warning or info") from None
    label = str(spec.get("label", ""))
    if label and label not in LABELS:
        raise bad("label", f"must be one of {', '.join(LABELS)}")
    texts = {}
    for key in ("message", "suggestion", "why"):
        value = spec.get(key, {})
        if not isinstance(value, Mapping) or (key != "why" and not all(k in value for k in LANGS)):
            raise bad(key, "needs zh and en texts")
        texts[key] = {lang: str(value.get(lang, "")) for lang in LANGS}
    params = dict(spec.get("params", {}))
    accepted = inspect.signature(kind).parameters
    for name in params:
        if name not in accepted or name == "pairs":
            raise bad(f"params.{name}", f"not a parameter of kind {spec['kind']}")
    where = {
        col: tuple(v) if isinstance(v, list) else (v,) for col, v in spec.get("where", {}).items()
    }
    return Rule(
        code=code,
        name=str(spec["name"]),
        kind=str(spec["kind"]),
        severity=severity,
        message=texts["message"],
        suggestion=texts["suggestion"],
        why=texts["why"],
        label=label,
        sure=bool(spec.get("sure", False)),
        field=str(spec.get("field", "completion")),
        where=where,
        params=params,
        fail=tuple(spec.get("fail", ())),
        passes=tuple(spec.get("pass", ())),
    )


def load_rules(*extra: str | Path) -> list[Rule]:
    """The shipped rules of lexicons/rules.toml, plus (overriding by code) rules of extra files."""
    specs: dict[str, tuple[Mapping[str, Any], str]] = {
        code: (spec, "rules.toml") for code, spec in lexicon.toml("rules.toml").items()
    }
    for file in extra:
        from nlp_eval.rules import schema

        data = schema.load_file(Path(file))
        problems = schema.validate(data, str(file), base=Path(file).parent)
        if problems:
            raise RuleError(*problems)  # one line per problem, with its key path
        specs.update({code: (spec, str(file)) for code, spec in data.items()})
    rules = []
    for code, (spec, source) in sorted(specs.items()):
        if not isinstance(spec, Mapping):
            raise RuleError(f"{source}: rule {code}: must be a table")
        rules.append(_rule(code, spec, source))
    return rules


def _matches(code: str, prefixes: Iterable[str]) -> bool:
    return any(code.startswith(p.strip().upper()) for p in prefixes if p.strip())


def _split(codes: Iterable[str]) -> list[str]:
    return [c for item in codes for c in re.split(r"[,\s]+", item) if c]


def select_rules(
    rules: Iterable[Rule], select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> list[Rule]:
    """Rules whose code starts with a selected prefix (all when none) and with no ignored one."""
    select, ignore = _split(select), _split(ignore)
    return [
        r
        for r in rules
        if (not select or _matches(r.code, select)) and not _matches(r.code, ignore)
    ]


def _where(rule: Rule, pairs: pd.DataFrame) -> pd.Series:
    mask = pd.Series(True, index=pairs.index)
    for col, allowed in rule.where.items():
        if col not in pairs:
            raise RuleError(f"rule {rule.code}: where: no column {col!r}")
        values = pairs[col].astype(str)
        mask &= values.isin(allowed) | values.str.startswith(tuple(a for a in allowed if a))
    return mask


def rule_scope(rule: Rule, pairs: pd.DataFrame) -> np.ndarray:
    """The rows a rule looks at: its `where`, no figure rows, no unlabelled rows for label rules."""
    mask = _where(rule, pairs).to_numpy(dtype=bool, copy=True)
    if rule.kind not in kinds.FIGURE_KINDS:
        mask &= ~pairs["figure_row"].to_numpy()
    if rule.label and "level1" not in rule.where:
        mask &= ~pairs["unlabelled_row"].to_numpy()
    return mask


def run_rule(
    rule: Rule, pairs: pd.DataFrame, scopes: dict[bytes, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """The rule's hits: a frame indexed by row with the message fields of each hit."""
    mask = rule_scope(rule, pairs)
    if not mask.any():
        return pd.DataFrame(index=pd.RangeIndex(0))
    if mask.all():
        scope = pairs
    else:  # most rules share a scope: cut the (wide) frame once per distinct scope
        key = np.packbits(mask).tobytes()
        scope = scopes.get(key) if scopes is not None else None
        if scope is None:
            scope = pairs[mask]
            if scopes is not None:
                scopes[key] = scope
    return getattr(kinds, rule.kind)(scope, **rule.params)


def check(
    table: pd.DataFrame,
    rules: Iterable[Rule] | None = None,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    lang: str = "zh",
) -> list[Finding]:
    """Run every selected rule over the tidy table; codes select/ignore by prefix."""
    return check_pairs(kinds.prepare(table), rules, select=select, ignore=ignore, lang=lang)


def check_pairs(
    pairs: pd.DataFrame,
    rules: Iterable[Rule] | None = None,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    lang: str = "zh",
) -> list[Finding]:
    """check() over a frame already made by kinds.prepare (lint prepares it once)."""
    if lang not in LANGS:
        raise RuleError(f"unknown language {lang!r}: use zh or en")
    rules = select_rules(load_rules() if rules is None else rules, select, ignore)
    findings = []
    scopes: dict[bytes, pd.DataFrame] = {}
    for rule in rules:
        if rule.kind == "model":  # the classifier's findings are added by lint()
            continue
        findings.extend(findings_of(rule, run_rule(rule, pairs, scopes), pairs, lang))
    findings.sort(key=lambda f: (f.row, -SEVERITY_ORDER[f.severity], f.code))
    return findings


_FIELD = re.compile(r"{(\w+)")


def findings_of(rule: Rule, hits: pd.DataFrame, pairs: pd.DataFrame, lang: str) -> list[Finding]:
    """Render a rule's hits (indexed by row of pairs) as findings in the chosen language."""
    if hits.empty:
        return []
    message, suggestion = rule.message[lang], rule.suggestion[lang]
    used = set(_FIELD.findall(message + suggestion))
    rows = hits.index.to_numpy()
    columns = kinds.message_fields(pairs, rows, [c for c in used if c not in hits], lang=lang)
    columns.update({c: hits[c].to_numpy() for c in hits.columns if c in used})
    spans = hits["span"].to_numpy() if "span" in hits else [None] * len(rows)
    where = hits["field"].to_numpy() if "field" in hits else [rule.field] * len(rows)
    # A kind may grade its hits (an explained shortfall is info, an unexplained one an error).
    grades = (
        [Severity(v) for v in hits["severity"].tolist()]
        if "severity" in hits
        else [rule.severity] * len(rows)
    )
    messages = render_template(message, columns, len(rows))
    suggestions = render_template(suggestion, columns, len(rows))
    return [
        Finding(
            rule.code,
            rule.name,
            grade,
            text,
            fix,
            int(row),
            str(field or rule.field),
            tuple(span) if isinstance(span, tuple | list) else None,
            rule.label,
        )
        for row, text, fix, field, span, grade in zip(
            rows.tolist(), messages, suggestions, where, spans, grades, strict=True
        )
    ]


_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)


def render_template(template: str, columns: Mapping[str, Any], n: int) -> list[str]:
    """The template filled for n hits; a [[segment]] is dropped where a field in it is empty."""
    parts = _OPTIONAL.split(template)  # even: always shown; odd: optional segments
    if len(parts) == 1:
        return _render_many(template, columns, n)
    rendered = []
    for i, part in enumerate(parts):
        texts = _render_many(part, columns, n)
        if i % 2:
            fields = [f for f in _FIELD.findall(part) if f in columns]
            empty = [
                any(_blank(columns[f][row]) for f in fields) for row in range(n)
            ]  # a field's value per hit
            texts = ["" if gone else t for t, gone in zip(texts, empty, strict=True)]
        rendered.append(texts)
    return ["".join(pieces) for pieces in zip(*rendered, strict=True)]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def _render_many(template: str, columns: Mapping[str, Any], n: int) -> list[str]:
    """The template filled for n hits at once; an unknown {field} stays as written."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return [template] * n
    pieces: list[Any] = []
    for literal, name, spec, conversion in parts:
        if literal:
            pieces.append(itertools.repeat(literal, n))
        if name is None:
            continue
        if name not in columns or conversion:
            pieces.append(itertools.repeat("{" + name + (":" + spec if spec else "") + "}", n))
        elif spec:
            pieces.append([_formatted(v, spec) for v in columns[name]])
        else:
            pieces.append(["" if v is None else str(v) for v in columns[name]])
    return ["".join(p) for p in zip(*pieces, strict=False)] if pieces else [""] * n


def _formatted(value: Any, spec: str) -> str:
    """format(value, spec), or the plain value where the spec does not fit it ({x:.1f} on text)."""
    try:
        return format(value, spec)
    except (ValueError, TypeError):
        return "" if value is None else str(value)


def example_table(example: Any) -> pd.DataFrame:
    """A tidy table from a rule example: "target → completion", a dict of columns, or {rows=[…]}."""
    from nlp_eval.records import COLUMNS

    if isinstance(example, str):
        target, _, completion = example.partition("→")
        rows = [{"target": target.strip(), "completion": completion.strip()}]
    elif isinstance(example, Mapping) and "rows" in example:
        rows = [dict(r) for r in example["rows"]]
    elif isinstance(example, Mapping):
        rows = [dict(example)]
    else:
        raise RuleError(f"bad example {example!r}")
    defaults: dict[str, Any] = {c: "" for c in COLUMNS}
    defaults.update(
        doc="example",
        project="示例项目",
        level1="产出",
        level2="数量",
        year=2020,
        weight=float("nan"),
        points=float("nan"),
        value=float("nan"),
        confidence=1.0,
    )
    table = pd.DataFrame([{**defaults, **r} for r in rows], columns=list(COLUMNS))
    for col in ("weight", "points", "value", "confidence"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    table["year"] = table["year"].astype("Int64")
    return table


def describe(
    *, select: Iterable[str] = (), lang: str = "zh", extra: Iterable[str | Path] = ()
) -> str:
    """The rules as a table: code, name, severity, label (* = sure) and message template."""
    rules = select_rules(load_rules(*extra), select)
    lines = [f"{'code':<6}{'name':<34}{'severity':<9}{'label':<10}message"]
    for r in rules:
        label = (r.label + ("*" if r.sure else "")) if r.label else "-"
        lines.append(f"{r.code:<6}{r.name:<34}{r.severity:<9}{label:<10}{r.message[lang]}")
    lines.append(f"{len(rules)} rules; * = a sure rule, its label wins over the classifier")
    return "\n".join(lines)
