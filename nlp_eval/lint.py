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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from nlp_eval.errors import ReadError, RuleError
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
# Indicators of how a project is run, not of what it produced: no number to ask for.
PROCESS_INDICATORS = "决策|制度|管理|健全|规范|合规|程序|流程|机制|监督|公开|公示"
_MARKS = frozenset({"/", "-", "--", "—", "——", "\\", "、"})


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
    check_codes([*select, *ignore], all_rules)
    if suppressions is not None:
        suppressions = read_suppressions(suppressions)
        check_codes(suppressions["code"], all_rules)
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
    figures = pairs["unlabelled_row"].to_numpy()
    labels = ["" if f else lab for f, lab in zip(figures, labels, strict=True)]
    findings = select_and_sort(found + model_findings, all_rules, select, ignore)
    findings = strongest_per_family(findings, all_rules, labels)
    if suppressions is not None:
        findings = suppress(findings, pairs, read_suppressions(suppressions))
    out = table.reset_index(drop=True).copy()
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
    # A process indicator (项目决策, 管理制度健全性) whose target is a dash or a standard with no
    # number has no value to ask for: the classifier's "give numbers" finding would be noise.
    process = pairs["indicator"].str.contains(PROCESS_INDICATORS) & ~pairs["t_measurable"]
    dash = pairs["t_blank"] | pairs["t"].isin(_MARKS)
    decided = decided & ~(dash | process).to_numpy(dtype=bool)
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


def check_codes(codes: Iterable[str], rules: Iterable[Rule]) -> None:
    """Raise RuleError for a code or prefix (C, R001, "C,R") that names no rule.

    A typo in --select, --ignore or a suppression would otherwise silently check everything
    or silence nothing.
    """
    from nlp_eval.rules import _split

    known = [r.code for r in rules]
    for code in _split(c for c in codes if c and c.strip() not in ("", "*")):
        if not any(k.startswith(code.strip().upper()) for k in known):
            raise RuleError(f"unknown rule {code}; `nlp-eval rules` lists them")


def select_and_sort(
    findings: list[Finding], rules: Iterable[Rule], select: Iterable[str], ignore: Iterable[str]
) -> list[Finding]:
    """Findings of the selected codes, by row then severity (errors first) then code."""
    keep = {r.code for r in select_rules(rules, select, ignore)}
    return sort_findings([f for f in findings if f.code in keep])


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings by row then severity (errors first) then code (stable: ties keep their order)."""
    return sorted(findings, key=lambda f: (f.row, -SEVERITY_ORDER[f.severity], f.code))


def strongest_per_family(
    findings: list[Finding], rules: Iterable[Rule], labels: Sequence[str]
) -> list[Finding]:
    """One cell, one message: per pair, a finding that implies another label than the pair's
    (V003 "vague" on a copied cell) is dropped, then one finding per family (code letter) is
    kept: the strongest by severity, then the one explaining the pair's label, then a sure
    rule's, then the lowest code (V001 before V003, C001 before C002, T001 before T002)."""
    sure = {r.code for r in rules if r.sure}

    def strength(f: Finding) -> tuple:
        return (-SEVERITY_ORDER[f.severity], f.label != labels[f.row], f.code not in sure, f.code)

    best: dict[tuple[int, str], Finding] = {}
    for f in findings:
        if f.label and labels[f.row] and f.label != labels[f.row]:
            continue
        key = (f.row, f.code[0])
        if key not in best or strength(f) < strength(best[key]):
            best[key] = f
    kept = set(map(id, best.values()))
    return [f for f in findings if id(f) in kept]


# ---------------------------------------------------------------- suppressions


def read_suppressions(source: pd.DataFrame | str | Path) -> pd.DataFrame:
    """A suppression table (project, indicator, code, reason) from a frame or a CSV/TSV file."""
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        from nlp_eval.io.limits import check_regular_file

        path = Path(source)
        check_regular_file(path)  # a folder or a FIFO is one line, never a block
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


def _cell(table: pd.DataFrame, row: int, field: str, lang: str) -> str:
    """The cell of the finding's field, `自评表.xlsx 自评表!N12`, "" when the reader gave none."""
    from nlp_eval.place import pair_ref

    r = table.iloc[row]
    return pair_ref(str(r.get("source", "") or ""), str(r.get("target_source", "") or ""),
                    field, lang)  # fmt: skip


def to_text(linted: Linted) -> str:
    """One line per finding: file cell:project:indicator: CODE severity message → suggestion."""
    from nlp_eval.place import words
    from nlp_eval.safe import terminal

    w = words(linted.lang)
    lines = []
    for f in linted.findings:
        doc, project, where = _place(linted.table, f.row)
        cell = _cell(linted.table, f.row, f.field, linted.lang) or doc
        severity = w.get(str(f.severity), str(f.severity))
        line = f"{cell}:{project}:{where}: {f.code} {severity} {f.message} → {f.suggestion}"
        lines.append(terminal(line))  # table text holding ESC or a newline stays one plain line
    lines.extend(terminal(line) for line in problem_lines(linted.reader_problems, linted.lang))
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
        item["cell"] = _cell(linted.table, f.row, f.field, linted.lang)
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


def summary_line(linted: Linted, files: int, lang: str = "zh") -> str:
    """One line: files, pairs, findings by severity (`3 个文件，212 对，发现 41 个问题：…`)."""
    from nlp_eval.place import words

    w = words(lang)
    counts = {str(s): 0 for s in SEVERITY_ORDER}
    for f in linted.findings:
        counts[str(f.severity)] += 1
    if not linted.findings:
        return w["summary_clean"].format(files=files, pairs=len(linted.table))
    return w["summary_line"].format(
        files=files, pairs=len(linted.table), findings=len(linted.findings), **counts
    )


def render(linted: Linted, fmt: str) -> str:
    """The lint result as text (one line per finding), json (every field) or csv (the table)."""
    return {"text": to_text, "json": to_json, "csv": to_csv}[fmt](linted)


def lint_files(
    paths: Iterable[str | Path],
    *,
    tidy: bool = False,
    jobs: int = 1,
    progress: Any = None,
    client: Any = None,
    **options: Any,
) -> tuple[Linted, list[str]]:
    """Read tables (files or directories) and lint them; unreadable files become problems.

    jobs > 1 reads and lints in that many processes, split by document (nlp_eval.parallel);
    the result is the same; so does a Dask client (`--engine dask`, nlp_eval.engine).
    progress(done, total) is called as documents are linted. The reader's notes are given in
    the lint language, and its problems (unplaced cells, re-aligned rows, inferred columns,
    unreadable and skipped files) travel with the result.
    """
    from nlp_eval.io import read_files
    from nlp_eval.io.notes import localize_table
    from nlp_eval.parallel import lint_parallel

    result = read_files(paths, tidy=tidy, jobs=jobs, client=client)
    lang = options.get("lang", "zh")
    table = localize_table(result.table, lang)
    linted = lint_parallel(table, jobs=jobs, progress=progress, client=client, **options)
    linted = replace(linted, reader_problems=result.reader_problems(lang))
    return linted, list(result.problems)


def read_stdin(stream: IO[bytes], directory: Path) -> Path:
    """Save a tidy csv read from a pipe as `stdin.csv` in `directory`, for the reader."""
    path = directory / "stdin.csv"
    path.write_bytes(stream.read())
    return path
