"""Narrative-quality scores: pair -> project -> document -> unit, every lost point traced.

The formula is data (lexicons/scoring.toml) and is documented in the README section `score`:
a pair starts at 100, loses the points of its label and of each finding that is not the
label's own explanation; a project's score is the weighted mean of its scored pairs (the
table's 分值 where present, else the default group weights); documents and units are the
plain mean of their projects.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from nlp_eval import lexicon
from nlp_eval.errors import ReadError
from nlp_eval.records import LABELS, Finding

if TYPE_CHECKING:
    from nlp_eval.provenance import Provenance

SCORING = "scoring.toml"
LABEL_CAUSE = "label"  # a loss caused by the pair's label
FINDING_CAUSE = "finding"  # a loss caused by a finding's severity

LOSS_COLUMNS = (
    "row",
    "doc",
    "unit",
    "year",
    "project",
    "level1",
    "level2",
    "indicator",
    "field",
    "code",
    "name",
    "severity",
    "cause",
    "pair_points",
    "points",
    "message",
    "suggestion",
)
PROJECT_KEY = ["doc", "project"]
TEXT_COLUMNS = ("doc", "unit", "project", "level1", "level2", "indicator", "label", "completion")
STAGES = ("read", "lint", "score", "write")  # what a batch goes through, for progress bars


@dataclass(frozen=True)
class Scores:
    """Scores at every level plus the losses that explain them."""

    pairs: pd.DataFrame  # the input table + row, group, pair_weight, pair_score, pair_lost
    losses: pd.DataFrame  # LOSS_COLUMNS: one row per (pair, code) that cost points
    projects: pd.DataFrame  # ranked best first
    documents: pd.DataFrame
    units: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # unreadable files of the batch
    lang: str = "zh"
    provenance: Provenance | None = None  # inputs, versions and settings, for the cover
    # what the reader could not read or had to guess: columns doc, kind, where, detail
    # (nlp_eval.io.ReadResult.reader_problems, in `lang`)
    reader_problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())


def settings() -> dict[str, Any]:
    """The scoring settings of lexicons/scoring.toml."""
    return lexicon.toml(SCORING)


def grade(score: float | None) -> str:
    """The grade band (优/良/中/差) of a 0-100 score, "" when there is no score."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return ""
    rounded = round(score, 1)  # grade what is displayed: 89.96 shows as 90.0 and is 优
    for band in settings()["grades"]:
        if rounded >= band["floor"]:
            return band["grade"]
    return settings()["grades"][-1]["grade"]


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _positive(value: Any) -> float | None:
    """A usable table weight: a positive finite number, else None (absent, 0, NaN)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _group_weights(rows: list[tuple[int, Any]], default: float) -> dict[int, float]:
    """Weights of the scored rows of one group: the table's 分值, else the default split evenly."""
    given = {row: w for row, raw in rows if (w := _positive(raw)) is not None}
    if not given:
        return {row: default / len(rows) for row, _ in rows}
    # Rows the table left without 分值 in a weighted group count like an average row.
    mean = sum(given.values()) / len(given)
    return {row: given.get(row, mean) for row, _ in rows}


def _items(
    table: pd.DataFrame, config: dict[str, Any]
) -> tuple[dict[int, list[int]], dict[int, float]]:
    """Scored items (a pair, or a whole block such as the budget) and their raw weights."""
    weights_cfg: dict[str, float] = config["weights"]
    blocks = {g for g, on in config.get("blocks", {}).items() if on}
    scored_labels = {lab for lab in config["label_loss"] if lab != "na"}
    groups: dict[tuple[str, str, str], list[tuple[int, str, Any]]] = defaultdict(list)
    # A project is scored only when one of its labelled pairs has a completion: a project of
    # budget figures alone, or a target declaration (申报表) with no completions, has no
    # narrative to score.
    narrated: set[tuple[str, str]] = set()
    columns = ("doc", "project", "level1", "row", "label", "weight", "completion")
    lists = (table[c].tolist() for c in columns)
    for doc, project, level1, row, label, weight, completion in zip(*lists, strict=True):
        if level1 in weights_cfg and project:  # rows of no project are document notes
            groups[(doc, project, level1)].append((row, label, weight))
            if level1 not in blocks and label in scored_labels and _text(completion).strip():
                narrated.add((doc, project))
    items: dict[int, list[int]] = {}
    weights: dict[int, float] = {}
    for (doc, project, group), members in groups.items():
        if (doc, project) not in narrated:
            continue
        if group in blocks:
            given = [w for _, _, raw in members if (w := _positive(raw)) is not None]
            items[members[0][0]] = [row for row, _, _ in members]
            weights[members[0][0]] = sum(given) if given else weights_cfg[group]
            continue
        live = [(row, weight) for row, label, weight in members if label in scored_labels]
        if not live:
            continue
        for row, weight in _group_weights(live, weights_cfg[group]).items():
            items[row] = [row]
            weights[row] = weight
    return items, weights


# Findings on the target (scoring.toml target_findings_cost): the completion's writer cannot fix them.
TARGET_CODES = ("T",)


def _target_codes(config: dict[str, Any]) -> tuple[str, ...]:
    """Code prefixes that cost nothing and are no main problem unless target_findings_cost."""
    return () if config.get("target_findings_cost", False) else TARGET_CODES


def _item_losses(
    rows: list[int],
    labels: Sequence[str],
    by_row: dict[int, list[Finding]],
    config: dict[str, Any],
    block: bool,
) -> list[tuple[int, Finding | None, str, float]]:
    """Raw losses of one item: (row, finding or None, cause, pair points), before capping."""
    losses: list[tuple[int, Finding | None, str, float]] = []
    free = tuple(config.get("no_loss", ())) + _target_codes(config)
    for row in rows:
        found = by_row.get(row, [])
        label = labels[row]
        label_points = 0.0 if block else float(config["label_loss"].get(label, 0))
        if label_points:
            # The first finding that implies this label explains the loss; else the label itself.
            reason = next((f for f in found if f.label == label), None)
            losses.append((row, reason, LABEL_CAUSE, label_points))
        for finding in found:
            if finding.label and not block:
                continue  # it explains a label: the label's loss already counts it
            if free and finding.code.startswith(free):
                continue  # e.g. the reader's own doubts (A-codes) are not the writer's fault
            points = float(config["severity_loss"].get(str(finding.severity), 0))
            if points:
                losses.append((row, finding, FINDING_CAUSE, points))
    return losses


def _top_codes(codes: Counter, left_out: tuple[str, ...]) -> str:
    """The three most frequent codes of a project, without the codes left_out (T: the target's)."""
    kept = [(c, n) for c, n in codes.most_common() if not (left_out and c.startswith(left_out))]
    return " ".join(f"{c}×{n}" for c, n in kept[:3])


def score(table: pd.DataFrame, findings: Iterable[Finding], *, lang: str = "zh") -> Scores:
    """Score a labelled tidy table (columns records.COLUMNS + label) and its findings."""
    config = settings()
    findings = list(findings)
    pairs = table.reset_index(drop=True).copy()
    pairs["row"] = range(len(pairs))
    if "label" not in pairs:
        pairs["label"] = ""
    for column in TEXT_COLUMNS:
        pairs[column] = pairs[column].map(_text) if column in pairs else ""
    if "weight" not in pairs:
        pairs["weight"] = float("nan")
    labels = pairs["label"].tolist()
    by_row: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_row[finding.row].append(finding)

    items, raw_weights = _items(pairs, config)
    blocks = {g for g, on in config.get("blocks", {}).items() if on}
    # Plain lists: iterating pandas (arrow) columns value by value is many times slower.
    cols = {c: pairs[c].tolist() for c in (*LOSS_COLUMNS, "label") if c in pairs}
    project_of = list(zip(cols["doc"], cols["project"], strict=True))
    total_weight: Counter[tuple[str, str]] = Counter()
    for head, weight in raw_weights.items():
        total_weight[project_of[head]] += weight

    pair_weight = [math.nan] * len(pairs)
    pair_score = [math.nan] * len(pairs)
    pair_lost = [0.0] * len(pairs)
    loss_rows: list[dict[str, Any]] = []
    for head, rows in items.items():
        share = raw_weights[head] / total_weight[project_of[head]]
        block = cols["level1"][head] in blocks
        raw = _item_losses(rows, labels, by_row, config, block)
        total = sum(points for *_, points in raw)
        scale = 100.0 / total if total > 100 else 1.0  # a pair never goes below 0
        for row in rows:
            pair_weight[row] = share / len(rows)
            pair_score[row] = 100.0 - total * scale
        for row, finding, cause, points in raw:
            pair_points = points * scale
            pair_lost[row] += pair_points * share
            where = {c: v[row] for c, v in cols.items()}
            loss_rows.append(_loss_row(where, finding, cause, pair_points, share * pair_points))
    pairs["group"] = pairs["level1"].where(pairs["level1"].isin(list(config["weights"])), "")
    pairs["pair_weight"] = pair_weight
    pairs["pair_score"] = pair_score
    pairs["pair_lost"] = pair_lost
    losses = pd.DataFrame(loss_rows, columns=list(LOSS_COLUMNS))
    labelled = [g for g in config["weights"] if g not in blocks]
    projects = _projects(pairs, losses, by_row, labelled)
    return Scores(
        pairs=pairs,
        losses=losses,
        projects=projects,
        documents=_documents(projects),
        units=_units(projects),
        findings=findings,
        lang=lang,
    )


def _loss_row(
    where: dict[str, Any], finding: Finding | None, cause: str, pair_points: float, points: float
) -> dict[str, Any]:
    """One traced loss: where (row), why (code) and how many points of the project."""
    label = where["label"]
    return {
        "row": where["row"],
        "doc": where["doc"],
        "unit": where["unit"],
        "year": where.get("year"),
        "project": where["project"],
        "level1": where["level1"],
        "level2": where["level2"],
        "indicator": where["indicator"],
        "field": finding.field if finding else "completion",
        "code": finding.code if finding else f"label:{label}",
        "name": finding.name if finding else label,
        "severity": str(finding.severity) if finding else "",
        "cause": cause,
        "pair_points": round(pair_points, 4),
        "points": round(points, 4),
        "message": finding.message if finding else "",
        "suggestion": finding.suggestion if finding else "",
    }


def _first(values: pd.Series) -> Any:
    """The first non-empty value of a column (a unit name sits in one merged cell)."""
    for value in values:
        if _text(value):
            return value
    return "" if values.dtype == object else None


def _year(value: Any) -> int | None:
    try:
        return None if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return None


def _projects(
    pairs: pd.DataFrame,
    losses: pd.DataFrame,
    by_row: dict[int, list[Finding]],
    labelled: list[str],
) -> pd.DataFrame:
    """One row per project, ranked best first: score, grade, label counts, top findings."""
    lost = losses.groupby(PROJECT_KEY)["points"].sum().to_dict() if len(losses) else {}
    labelled_set = set(labelled)
    scored_labels = {lab for lab in settings()["label_loss"] if lab != "na"}
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    columns = (
        "doc",
        "project",
        "unit",
        "year",
        "row",
        "group",
        "label",
        "pair_weight",
        "pair_score",
    )
    for doc, project, unit, year, row, group, label, weight, value in zip(
        *(pairs[c].tolist() if c in pairs else [None] * len(pairs) for c in columns), strict=True
    ):
        a = acc.get((doc, project))
        if a is None:
            a = acc[(doc, project)] = {"unit": "", "year": None, "score": None, "unscored": 0}
            a |= {"labels": Counter(), "codes": Counter()}
        if not a["unit"] and _text(unit):
            a["unit"] = _text(unit)
        if a["year"] is None:
            a["year"] = _year(year)
        if not math.isnan(weight):
            a["score"] = (a["score"] or 0.0) + weight * value
        if group in labelled_set:
            a["labels"][label] += 1
            # a labelled pair the formula left out (not n/a): the report says so by the score
            a["unscored"] += label in scored_labels and math.isnan(weight)
        a["codes"].update(f.code for f in by_row.get(row, []))
    records = []
    for (doc, project), a in acc.items():
        if not project:
            continue  # a note after the table belongs to the document, not to a project
        counts, codes, value = a["labels"], a["codes"], a["score"]
        records.append(
            {
                "doc": doc,
                "unit": a["unit"],
                "year": a["year"],
                "project": project,
                "score": None if value is None else round(value, 1),
                "grade": grade(value),
                "pairs": int(sum(counts.values())),
                **{label: int(counts.get(label, 0)) for label in LABELS},
                "findings": int(sum(codes.values())),
                "points_lost": round(lost.get((doc, project), 0.0), 1),
                "top_codes": _top_codes(codes, _target_codes(settings())),
                "unscored_pairs": int(a["unscored"]),
            }
        )
    columns = ["doc", "unit", "year", "project", "score", "grade", "pairs", *LABELS]
    columns += ["findings", "points_lost", "top_codes", "unscored_pairs"]
    projects = pd.DataFrame(records, columns=columns).astype({"year": "Int64"})
    projects = projects.sort_values("score", ascending=False, na_position="last", kind="stable")
    projects.insert(0, "rank", range(1, len(projects) + 1))
    return projects.reset_index(drop=True)


def _aggregate(projects: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Plain mean of project scores per key: every project counts the same."""
    if projects.empty:
        return pd.DataFrame(columns=[*keys, "projects", "score", "grade"])
    records = []
    for key, part in projects.groupby(keys, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        scored = part["score"].dropna()
        value = float(scored.mean()) if len(scored) else None
        records.append(
            {
                **dict(zip(keys, key, strict=True)),
                "projects": int(len(part)),
                "score": None if value is None else round(value, 1),
                "grade": grade(value),
            }
        )
    frame = pd.DataFrame(records)
    if "year" in frame:  # a year is a year (2022), never 2022.0, also beside a missing one
        frame["year"] = frame["year"].astype("Int64")
    return frame.sort_values(
        "score", ascending=False, na_position="last", kind="stable"
    ).reset_index(drop=True)


def _documents(projects: pd.DataFrame) -> pd.DataFrame:
    if projects.empty:
        return _aggregate(projects, ["doc", "unit", "year"])
    firsts = projects.groupby("doc", sort=False).agg(unit=("unit", _first), year=("year", _first))
    merged = projects.drop(columns=["unit", "year"]).join(firsts, on="doc")
    return _aggregate(merged, ["doc", "unit", "year"])


def _units(projects: pd.DataFrame) -> pd.DataFrame:
    units = _aggregate(projects, ["unit"])
    docs = projects.groupby("unit", sort=False)["doc"].nunique()
    units.insert(1, "documents", units["unit"].map(docs).fillna(0).astype(int))
    return units


def explain(scores: Scores, project: str) -> pd.DataFrame:
    """The losses of the projects whose name contains `project`, biggest first."""
    losses = scores.losses
    chosen = losses[losses["project"].str.contains(project, regex=False)]
    return chosen.sort_values(["doc", "project", "points"], ascending=[True, True, False])


def run(
    paths: Sequence[str | Path],
    *,
    model: str | Path | None = None,
    lang: str = "zh",
    step: Callable[[str], None] | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    suppressions: str | Path | None = None,
    extra_rules: Sequence[str | Path] = (),
    client: Any = None,
    tidy: bool = False,
) -> Scores:
    """Read, lint and score files and directories; unreadable files become `problems`.

    select/ignore/suppressions/extra_rules filter and extend the findings as in `lint`.
    Suppressed findings (a `lint --suppress` file) cost no points. With a Dask client, files
    are read and pairs linted on its workers (nlp_eval.engine). Inside a directory only
    published tables are scored; tidy tables (label files, `read -o` output) are skipped
    unless `tidy` is true, and listed in `reader_problems`.
    """
    from nlp_eval import provenance
    from nlp_eval.io import read_files
    from nlp_eval.io.notes import localize_table
    from nlp_eval.parallel import lint_parallel
    from nlp_eval.rules import load_rules

    step = step or (lambda _name: None)
    step("read")
    result = read_files(paths, tidy=tidy, client=client)
    if result.table.empty:
        raise ReadError("; ".join(result.problems) or "no self-evaluation table found")
    step("lint")
    linted = lint_parallel(
        localize_table(result.table, lang), jobs=1, client=client, model=model, lang=lang,
        select=select, ignore=ignore, suppressions=suppressions, rules=load_rules(*extra_rules),
    )  # fmt: skip
    step("score")
    scores = score(linted.table, linted.findings, lang=lang)
    settings = {
        "select": ",".join(select),
        "ignore": ",".join(ignore),
        "suppress": str(suppressions or ""),
        "extra_rules": ",".join(map(str, extra_rules)),
        "language": lang,
    }
    reader = result.reader_problems(lang)
    cover = provenance.collect(
        paths, model=model, extra_rules=extra_rules, settings=settings, reader=reader,
    )  # fmt: skip
    return replace(scores, problems=list(result.problems), provenance=cover, reader_problems=reader)
