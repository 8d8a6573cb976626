"""Machine-readable reports: csv (one row per project) and json (projects with their pairs)."""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from nlp_eval import safe
from nlp_eval.io.notes import problem_counts
from nlp_eval.records import LABELS
from nlp_eval.report import _clean, note_views, project_views
from nlp_eval.score import Scores

JSON_SCHEMA = "nlp-eval.score/1"
CSV_COLUMNS = (
    "rank",
    "doc",
    "unit",
    "year",
    "project",
    "score",
    "grade",
    "pairs",
    *LABELS,
    "findings",
    "points_lost",
    "top_codes",
    "unscored_pairs",
)
# the csv summary also says what the reader could not read or guessed in each project's document
READER_COLUMN = "reader_problems"


def write_csv(scores: Scores, stream: IO[str]) -> None:
    """One row per project, ranked; text that a spreadsheet would run is neutralised."""
    writer = csv.writer(stream, lineterminator="\n")
    columns = (*CSV_COLUMNS, READER_COLUMN)
    writer.writerow(columns)
    per_doc = problem_counts(scores.reader_problems)
    for project in scores.projects.to_dict("records"):
        project[READER_COLUMN] = per_doc.get(project["doc"], "")
        writer.writerow(
            [safe.cell("" if (v := _clean(project[c])) is None else v) for c in columns]
        )


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def write_json(scores: Scores, stream: IO[str]) -> None:
    """Documents, units and projects with their pairs, findings, codes and points lost."""
    projects = []
    for view in project_views(scores):
        pairs = view.pop("pair_list")
        view["pair_count"] = view.pop("pairs")
        view["pairs"] = [_json_pair(p) for p in pairs]
        projects.append(view)
    document = {
        "schema": JSON_SCHEMA,
        "lang": scores.lang,
        "documents": _records(scores.documents),
        "units": _records(scores.units),
        "projects": projects,
        "notes": [
            {"doc": note["doc"], "pairs": [_json_pair(p) for p in note["pair_list"]]}
            for note in note_views(scores)
        ],
        "problems": scores.problems,
        "reader_problems": scores.reader_problems.to_dict("records"),
    }
    json.dump(document, stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def _json_pair(pair: dict[str, Any]) -> dict[str, Any]:
    """A pair view for json: the copied span as {"target": [start, end], "completion": [...]}."""
    if not pair["copied"]:
        return pair
    (ts, te), (cs, ce) = pair["copied"]
    return {**pair, "copied": {"target": [ts, te], "completion": [cs, ce]}}
