"""Findings of a run with the reviewers' decisions: views for the pages, exports, suppressions.

A finding's identity across runs is `db.finding_key` of its document, project, indicator, code
and the text it judged (the target for target findings, else the completion).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from nlp_eval import safe
from nlp_eval.lint import SUPPRESSION_COLUMNS, suppress
from nlp_eval.report import project_views
from nlp_eval.score import Scores
from nlp_eval.serve.db import Store, finding_key, pair_key

REVIEW_COLUMNS = (
    "doc", "unit", "year", "project", "level1", "level2", "indicator", "field", "cell", "target",
    "completion", "label", "code", "severity", "message", "suggestion", "points", "decision",
    "reason", "note",
)  # fmt: skip
DECISION_WORDS = {"confirm": "确认", "dismiss": "驳回", "": ""}


def place(pair: dict[str, Any]) -> str:
    """The indicator a pair is about: its 三级指标, else its categories (as lint prints it)."""
    indicator = str(pair.get("indicator") or "")
    return indicator or "/".join(x for x in (pair.get("level1"), pair.get("level2")) if x)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


@dataclass(frozen=True)
class Judged:
    """What a finding judged: enough to key a decision and to show where it is."""

    index: int  # position in scores.findings
    row: int
    where: dict[str, str]  # doc project indicator code text
    key: str
    cell: str  # file:sheet:row:column of the judged cell


def judged(scores: Scores) -> list[Judged]:
    """Every finding of the run with its key."""
    pairs = scores.pairs
    columns = {c: pairs[c].tolist() for c in ("doc", "project", "indicator", "level1", "level2",
                                              "target", "completion", "source", "target_source")}  # fmt: skip
    extra = {c: pairs[c].tolist() for c in ("reason",) if c in pairs}
    out = []
    for index, f in enumerate(scores.findings):
        row = {c: values[f.row] for c, values in columns.items()}
        text_column = f.field if f.field in columns or f.field in extra else "completion"
        text = _text((columns | extra)[text_column][f.row])
        where = {"doc": _text(row["doc"]), "project": _text(row["project"]),
                 "indicator": place(row), "code": f.code, "text": text}  # fmt: skip
        cell = _text(row["target_source"] if f.field == "target" else row["source"])
        cell = cell or _text(row["source"] or row["target_source"])
        out.append(Judged(index, f.row, where, finding_key(**where), cell))
    return out


def note_key(pair: dict[str, Any]) -> str:
    return pair_key(_text(pair.get("doc")), _text(pair.get("project")), place(pair),
                    _text(pair.get("target")), _text(pair.get("completion")))  # fmt: skip


def project_scores(scores: Scores, doc: str, project: str) -> Scores:
    """The part of a run's scores that one project's page needs (fast on a large run)."""
    pairs = scores.pairs
    mask = (pairs["doc"] == doc) & (pairs["project"] == project)
    rows = set(pairs.loc[mask, "row"].tolist())
    losses = scores.losses
    return replace(
        scores,
        pairs=pairs[mask],
        losses=losses[(losses["doc"] == doc) & (losses["project"] == project)],
        projects=scores.projects[
            (scores.projects["doc"] == doc) & (scores.projects["project"] == project)
        ],
        findings=[f for f in scores.findings if f.row in rows],
    )


def project_page(
    scores: Scores, rank: int, store: Store, all_judged: list[Judged] | None = None
) -> dict[str, Any] | None:
    """One project's view (report.project_views) with each finding's review state and key."""
    chosen = scores.projects[scores.projects["rank"] == rank]
    if chosen.empty:
        return None
    doc, project = chosen.iloc[0]["doc"], chosen.iloc[0]["project"]
    part = project_scores(scores, doc, project)
    view = project_views(part)[0]
    all_judged = judged(scores) if all_judged is None else all_judged
    by_row: dict[int, list[Judged]] = defaultdict(list)
    rows = {p["row"] for p in view["pair_list"]}
    for j in all_judged:
        if j.row in rows:
            by_row[j.row].append(j)
    decisions = store.decisions(j.key for js in by_row.values() for j in js)
    notes = store.notes()
    pairs_by_row = part.pairs.set_index("row")
    for pair in view["pair_list"]:
        found = iter(by_row.get(pair["row"], []))
        for f in pair["findings"]:
            if f["code"].startswith("label:"):
                f["judged"] = None  # a label's own loss, not a finding of a rule
                continue
            j = next(found)
            f["judged"] = j
            f["decision"] = decisions.get(j.key, {})
        source = pairs_by_row.loc[pair["row"]]
        pair["note_key"] = note_key({**pair, "doc": doc, "project": project})
        pair["note"] = notes.get(pair["note_key"], "")
        pair["cell"] = _text(source.get("source")) or _text(source.get("target_source"))
        pair["target_cell"] = _text(source.get("target_source"))
        pair["target_parts"] = split(pair["target"], (pair["copied"] or (None, None))[0])
        pair["completion_parts"] = split(pair["completion"], (pair["copied"] or (None, None))[1])
    view["losses"] = part.losses.sort_values("points", ascending=False).to_dict("records")
    return view


def split(text: str, span: tuple[int, int] | list[int] | None) -> tuple[str, str, str]:
    """Text before, inside and after the shared span (the template escapes each part)."""
    if not span:
        return text, "", ""
    start, end = span
    return text[:start], text[start:end], text[end:]


# ---------------------------------------------------------------- exports


def review_table(scores: Scores, store: Store) -> pd.DataFrame:
    """One row per finding (and per noted pair without findings), with decision, reason, note."""
    decisions = store.decisions()
    notes = store.notes()
    pairs = scores.pairs
    records = pairs.to_dict("records")
    points: dict[tuple[int, str], float] = defaultdict(float)
    for loss in scores.losses[["row", "code", "points"]].itertuples(index=False):
        points[(loss.row, loss.code)] += loss.points
    rows = []
    seen_rows = set()
    for j in judged(scores):
        pair = records[j.row]
        f = scores.findings[j.index]
        decision = decisions.get(j.key, {})
        seen_rows.add(j.row)
        rows.append(_review_row(pair, notes) | {
            "field": f.field, "cell": j.cell, "code": f.code, "severity": str(f.severity),
            "message": f.message, "suggestion": f.suggestion,
            "points": round(points.get((j.row, f.code), 0.0), 2),
            "decision": DECISION_WORDS[decision.get("decision", "")],
            "reason": decision.get("reason", ""),
        })  # fmt: skip
    for index, pair in enumerate(records):
        if index not in seen_rows and notes.get(note_key(pair)):
            rows.append(_review_row(pair, notes) | {"cell": _text(pair.get("source"))})
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS)).astype(object).fillna("")


def _review_row(pair: dict[str, Any], notes: dict[str, str]) -> dict[str, Any]:
    year = pair.get("year")
    return {
        **{c: _text(pair.get(c)) for c in ("doc", "unit", "project", "level1", "level2",
                                             "indicator", "target", "completion", "label")},
        "year": "" if year is None or pd.isna(year) else int(year),
        "note": notes.get(note_key(pair), ""),
    }  # fmt: skip


def review_csv(scores: Scores, store: Store) -> str:
    table = review_table(scores, store)
    for column in table.columns:
        table[column] = table[column].map(safe.cell)
    return table.to_csv(index=False)


def review_xlsx(scores: Scores, store: Store) -> bytes:
    """The score report's workbook with a review sheet: every finding, decision, reason, note."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from nlp_eval.report import xlsx

    buffer = io.BytesIO()
    xlsx.write(scores, buffer)
    buffer.seek(0)
    book = load_workbook(buffer)
    sheet = book.create_sheet("审核", 1)
    table = review_table(scores, store)
    sheet.append(list(REVIEW_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in table.itertuples(index=False):
        sheet.append([safe.xlsx_cell(v) for v in values])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def review_html(scores: Scores, store: Store) -> str:
    """The score report's page with a review section (every decided or noted finding)."""
    from nlp_eval.report import html

    buffer = io.StringIO()
    html.write(scores, buffer)
    table = review_table(scores, store)
    table = table[(table["decision"] != "") | (table["note"] != "")]
    shown = ("doc", "project", "indicator", "cell", "code", "message", "decision", "reason", "note")
    head = "".join(f"<th>{safe.escape(c)}</th>" for c in shown)
    body = "".join(
        "<tr>" + "".join(f"<td>{safe.escape(r[c])}</td>" for c in shown) + "</tr>"
        for r in table.to_dict("records")
    )
    section = (
        f'<section id="review"><h2>审核结论 / Review</h2><p>{len(table)}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>\n"
    )
    page = buffer.getvalue()
    cut = page.rfind("<script>")
    return page[:cut] + section + page[cut:] if cut >= 0 else page + section


def suppression_file(scores: Scores, store: Store) -> str:
    """The run's dismissed findings as a `lint --suppress` file (project, indicator, code, reason).

    A suppression names no document and matches the indicator column against the pair's
    三级指标, 二级 category or target; so each line uses the first of those that hides no
    finding the reviewer did not dismiss. A dismissed finding no line can isolate is listed as
    a comment (lines starting with # are skipped by lint).
    """
    decisions = store.decisions()
    all_judged = judged(scores)
    dismissed = {
        j.index for j in all_judged if decisions.get(j.key, {}).get("decision") == "dismiss"
    }
    findings = scores.findings
    pairs = scores.pairs.reset_index(drop=True)
    lines: list[list[str]] = []
    comments: list[str] = []
    written: set[tuple[str, str, str]] = set()
    for j in all_judged:
        if j.index not in dismissed:
            continue
        reason = decisions[j.key]["reason"]
        pair = pairs.iloc[j.row]
        project = _text(pair["project"])
        candidates = [_text(pair[c]) for c in ("indicator", "target", "level2")]
        entry = None
        for name in dict.fromkeys(c for c in candidates if c.strip() and c.strip() != "*"):
            rules = pd.DataFrame(
                [[project, name, j.where["code"], ""]], columns=SUPPRESSION_COLUMNS
            )
            kept = {id(f) for f in suppress(findings, pairs, rules)}
            hidden = {i for i, f in enumerate(findings) if id(f) not in kept}
            if hidden <= dismissed:
                entry = (project, name, j.where["code"])
                break
        if not project.strip() or entry is None:
            comments.append(
                f"# not exported (a suppression would also hide findings not dismissed, or the"
                f" finding has no project): {j.where['doc']}:{project}:{j.where['indicator']}:"
                f" {j.where['code']} {reason}".replace("\n", " ").replace('"', "'")
            )
            continue
        if entry not in written:
            written.add(entry)
            lines.append([*entry, reason])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SUPPRESSION_COLUMNS)
    writer.writerows(lines)
    for comment in comments:
        out.write(comment + "\n")
    return out.getvalue()
