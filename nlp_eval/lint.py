"""Label every pair and explain every finding: the rules, then the classifier for the rest.

Labels follow domain.md §2 with the precedence na > missing > copy > restate > vague >
specific. A *sure* rule (rules.toml `sure = true`) decides the label; the classifier decides
every other pair, and a label it gives that no rule explains becomes an M-finding.
"""

from __future__ import annotations

import csv
import gc
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from nlp_eval.errors import ReadError
from nlp_eval.io.notes import problem_lines
from nlp_eval.records import LABELS, Finding, Severity
from nlp_eval.rules import (
    SEVERITY_ORDER,
    Rule,
    check_pairs,
    findings_of,
    load_rules,
    select_rules,
)

if TYPE_CHECKING:
    from nlp_eval.model import Model

# domain.md §2: when several labels fit, the first in this order wins.
PRECEDENCE: tuple[str, ...] = ("na", "missing", "copy", "restate", "vague", "specific")
SUPPRESSION_COLUMNS = ("project", "indicator", "code", "reason")
LINT_COLUMNS = ("label", "label_score", "codes")


@dataclass(frozen=True)
class Linted:
    """The tidy table with label, label_score and codes added, and every finding."""

    table: pd.DataFrame
    findings: list[Finding]
    lang: str = "zh"  # the language of the messages
    # what the reader could not read or had to guess (nlp_eval.io.ReadResult.reader_problems)
    reader_problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())


def _first_label(labels: Iterable[str]) -> str:
    found = set(labels)
    return next((lab for lab in PRECEDENCE if lab in found), "")


def rule_labels(
    findings: Iterable[Finding], rules: Iterable[Rule], n: int
) -> tuple[list[str], list[str]]:
    """Per row: the label of its sure rules, and the label of all its label rules ("" if none)."""
    sure_codes = {r.code for r in rules if r.sure and r.label}
    # Only rows with a label finding get a set: most rows of a large table have none.
    sure_sets: dict[int, set[str]] = {}
    any_sets: dict[int, set[str]] = {}
    for f in findings:
        if f.label:
            any_sets.setdefault(f.row, set()).add(f.label)
            if f.code in sure_codes:
                sure_sets.setdefault(f.row, set()).add(f.label)
    sure, any_ = [""] * n, [""] * n
    for row, found in sure_sets.items():
        sure[row] = _first_label(found)
    for row, found in any_sets.items():
        any_[row] = _first_label(found)
    return sure, any_


def lint(
    table: pd.DataFrame,
    *,
    model: Model | str | Path | None | Literal[False] = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    lang: str = "zh",
    suppressions: pd.DataFrame | str | Path | None = None,
    rules: list[Rule] | None = None,
) -> Linted:
    """Label every pair and list its findings; model=None uses the shipped model, False none."""
    # Linting allocates millions of small objects and frees them in bulk; Python's cyclic
    # collector would rescan the growing heap again and again (a third of the run time at
    # 100k pairs). Nothing here makes reference cycles, so pause it for the run.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _lint(table, model, select, ignore, lang, suppressions, rules)
    finally:
        if paused:
            gc.enable()


def _lint(
    table: pd.DataFrame,
    model: Model | str | Path | None | Literal[False],
    select: Iterable[str],
    ignore: Iterable[str],
    lang: str,
    suppressions: pd.DataFrame | str | Path | None,
    rules: list[Rule] | None,
) -> Linted:
    from nlp_eval import model as model_module
    from nlp_eval.rules import kinds

    all_rules = load_rules() if rules is None else rules
    pairs = kinds.prepare(table)
    n = len(pairs)
    # Labels come from every label rule, whatever --select/--ignore say: they filter findings.
    found = check_pairs(pairs, all_rules, lang=lang)
    sure, heuristic = rule_labels(found, all_rules, n)
    labels = [s or h or "specific" for s, h in zip(sure, heuristic, strict=True)]
    scores = np.where([bool(s) for s in sure], 1.0, np.nan)
    model_findings: list[Finding] = []
    if model is not False:
        fitted = (
            model_module.load(model) if isinstance(model, str | Path) or model is None else model
        )
        figures = pairs["unlabelled_row"].to_numpy()
        decided = np.array([not s for s in sure], dtype=bool) & ~figures
        predicted = _predict_undecided(model_module, fitted, pairs, found, decided)
        labels = [
            p if d else lab for p, d, lab in zip(predicted["label"], decided, labels, strict=True)
        ]
        scores = np.where(decided, predicted["score"].to_numpy(), scores)
        model_findings = _model_findings(all_rules, predicted, decided, found, pairs, lang)
    findings = select_and_sort(found + model_findings, all_rules, select, ignore)
    if suppressions is not None:
        findings = suppress(findings, pairs, read_suppressions(suppressions))
    out = table.reset_index(drop=True).copy()
    figures = pairs["unlabelled_row"].to_numpy()
    labels = ["" if f else lab for f, lab in zip(figures, labels, strict=True)]
    scores = np.where(figures, np.nan, scores)
    out["label"] = labels
    out["label_score"] = np.round(scores.astype(float), 4)
    codes: list[list[str]] = [[] for _ in range(n)]
    for f in findings:
        codes[f.row].append(f.code)
    out["codes"] = [" ".join(c) for c in codes]
    return Linted(table=out, findings=findings, lang=lang)


def _predict_undecided(
    model_module: Any, fitted: Model, pairs: pd.DataFrame, found: list[Finding], decided: np.ndarray
) -> pd.DataFrame:
    """The model's label and score for the rows no sure rule decided (others: "", 1.0)."""
    rows = np.flatnonzero(decided)
    out = pd.DataFrame({"label": [""] * len(pairs), "score": np.ones(len(pairs))})
    if not len(rows):
        return out
    position = {int(row): i for i, row in enumerate(rows)}
    kept = [f._replace(row=position[f.row]) for f in found if f.label and f.row in position]
    predicted = model_module.predict(fitted, pairs.iloc[rows].reset_index(drop=True), kept)
    out.loc[rows, "label"] = predicted["label"].to_numpy()
    out.loc[rows, "score"] = predicted["score"].to_numpy()
    return out


def _model_findings(
    rules: Iterable[Rule],
    predicted: pd.DataFrame,
    decided: np.ndarray,
    found: list[Finding],
    pairs: pd.DataFrame,
    lang: str,
) -> list[Finding]:
    """An M-finding for each label the model gave that no rule finding already explains."""
    explained = {(f.row, f.label) for f in found if f.label}
    out: list[Finding] = []
    for rule in (r for r in rules if r.kind == "model"):
        rows = [
            row
            for row in np.flatnonzero(decided & (predicted["label"].to_numpy() == rule.label))
            if (row, rule.label) not in explained
        ]
        score = predicted["score"].to_numpy()[rows]
        hits = pd.DataFrame({"score": [f"{s:.2f}" for s in score]}, index=pd.Index(rows, dtype=int))
        out.extend(findings_of(rule, hits, pairs, lang))
    return out


def select_and_sort(
    findings: list[Finding], rules: Iterable[Rule], select: Iterable[str], ignore: Iterable[str]
) -> list[Finding]:
    """Findings of the selected codes, by row then severity (errors first) then code."""
    keep = {r.code for r in select_rules(rules, select, ignore)}
    out = [f for f in findings if f.code in keep]
    out.sort(key=lambda f: (f.row, -SEVERITY_ORDER[f.severity], f.code))
    return out


# ---------------------------------------------------------------- suppressions


def read_suppressions(source: pd.DataFrame | str | Path) -> pd.DataFrame:
    """A suppression table (project, indicator, code, reason) from a frame or a CSV/TSV file."""
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            raise ReadError(f"{path}: cannot read suppression file: {err}") from err
        delimiter = "\t" if path.suffix.lower() == ".tsv" or "\t" in text.split("\n", 1)[0] else ","
        rows = [
            r
            for r in csv.reader(io.StringIO(text), delimiter=delimiter)
            if r and not r[0].startswith("#")
        ]
        if not rows or [c.strip() for c in rows[0][:3]] != list(SUPPRESSION_COLUMNS[:3]):
            raise ReadError(
                f"{path}: a suppression file needs the header project, indicator, code, reason"
            )
        frame = pd.DataFrame([r + [""] * (4 - len(r)) for r in rows[1:]], columns=None)
        frame = frame.iloc[:, :4]
        frame.columns = list(SUPPRESSION_COLUMNS)
    missing = [c for c in SUPPRESSION_COLUMNS[:3] if c not in frame]
    if missing:
        raise ReadError(f"suppressions: missing column {missing[0]}")
    return frame.fillna("").astype(str)


def suppress(findings: list[Finding], pairs: pd.DataFrame, rules: pd.DataFrame) -> list[Finding]:
    """Drop findings a suppression matches: same project ("" or * = any), indicator, code prefix."""
    entries = [
        (p.strip(), i.strip(), c.strip().upper())
        for p, i, c in rules[["project", "indicator", "code"]].itertuples(index=False)
        if c.strip()
    ]
    if not entries:
        return findings

    def hidden(f: Finding) -> bool:
        project = pairs.at[f.row, "project"]
        names = {pairs.at[f.row, "indicator"], pairs.at[f.row, "level2"], pairs.at[f.row, "target"]}
        return any(
            (p in ("", "*") or p == project)
            and (i in ("", "*") or i in names)
            and f.code.startswith(c)
            for p, i, c in entries
        )

    return [f for f in findings if not hidden(f)]


# ---------------------------------------------------------------- output


def failing(findings: Iterable[Finding], fail_on: str) -> bool:
    """Whether a finding is at or above the --fail-on severity."""
    floor = SEVERITY_ORDER[Severity(fail_on)]
    return any(SEVERITY_ORDER[f.severity] >= floor for f in findings)


def _place(table: pd.DataFrame, row: int) -> tuple[str, str, str]:
    r = table.iloc[row]
    where = str(r.get("indicator", "") or "") or "/".join(
        x for x in (str(r.get("level1", "") or ""), str(r.get("level2", "") or "")) if x
    )
    return str(r.get("doc", "") or ""), str(r.get("project", "") or ""), where


def to_text(linted: Linted) -> str:
    """One line per finding: file:project:indicator: CODE severity message → suggestion."""
    lines = []
    for f in linted.findings:
        doc, project, where = _place(linted.table, f.row)
        lines.append(f"{doc}:{project}:{where}: {f.code} {f.severity} {f.message} → {f.suggestion}")
    lines.extend(problem_lines(linted.reader_problems, linted.lang))
    return "\n".join(lines) + ("\n" if lines else "")


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def to_json(linted: Linted) -> str:
    """Every finding with every field, and where it is: {"findings": [...], "labels": {...}}."""
    why = {r.code: r.why.get(linted.lang) or r.why.get("zh", "") for r in load_rules()}
    items = []
    for f in linted.findings:
        doc, project, where = _place(linted.table, f.row)
        item = {k: _json_value(v) for k, v in f._asdict().items()}
        item["severity"] = str(f.severity)
        item["span"] = list(f.span) if f.span else None
        item.update(doc=doc, project=project, indicator=where, why=why.get(f.code, ""))
        row = linted.table.iloc[f.row]
        item["source"] = _json_value(row.get("source", ""))
        item["row_label"] = row["label"]
        items.append(item)
    counts = linted.table["label"].value_counts()
    payload = {
        "schema": "nlp-eval.lint/1",
        "pairs": len(linted.table),
        "labels": {lab: int(counts.get(lab, 0)) for lab in LABELS},
        "findings": items,
        "reader_problems": linted.reader_problems.to_dict("records"),
    }
    return json.dumps(payload, ensure_ascii=False, indent=1)


def to_csv(linted: Linted) -> str:
    """The tidy table with label, label_score and codes; formula-like cells neutralised."""
    from nlp_eval.safe import cell

    table = linted.table.copy()
    for col in table.columns:
        if table[col].dtype == object or pd.api.types.is_string_dtype(table[col]):
            table[col] = table[col].map(cell)
    return table.to_csv(index=False)


def render(linted: Linted, fmt: str) -> str:
    """The lint result as text (one line per finding), json (every field) or csv (the table)."""
    return {"text": to_text, "json": to_json, "csv": to_csv}[fmt](linted)


def lint_files(
    paths: Iterable[str | Path], *, tidy: bool = False, **options: Any
) -> tuple[Linted, list[str]]:
    """Read tables (files or directories) and lint them; unreadable files become problems.

    The reader's notes are given in the lint language, and its problems (unplaced cells,
    re-aligned rows, inferred columns, unreadable and skipped files) travel with the result.
    """
    from nlp_eval.io import read_files
    from nlp_eval.io.notes import localize_table

    result = read_files(paths, tidy=tidy)
    lang = options.get("lang", "zh")
    linted = lint(localize_table(result.table, lang), **options)
    linted = replace(linted, reader_problems=result.reader_problems(lang))
    return linted, list(result.problems)
