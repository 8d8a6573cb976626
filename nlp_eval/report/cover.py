"""The cover of the xlsx and html reports: when, with what, from which files, and what was left out.

Each section is a title, a header and rows of plain values, so that the workbook and the page
state the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from nlp_eval.place import cell_ref, words
from nlp_eval.score import Scores, settings

SETTING_KEYS = ("select", "ignore", "suppress", "extra_rules", "language")


@dataclass(frozen=True)
class Section:
    key: str  # a stable name for the html anchor
    title: str
    head: list[str]
    rows: list[list[Any]]


def _about(scores: Scores, w: dict[str, str]) -> Section:
    p = scores.provenance
    rows: list[list[Any]] = []
    if p is not None:
        rows += [
            [w["generated_at"], p.generated_at],
            [w["version"], p.version],
            [w["model_version"], p.model],
            [w["rules_version"], p.rules],
            [w["lexicons_hash"], p.lexicons],
        ]
        for key in SETTING_KEYS:
            value = p.settings.get(key, "")
            if not value:
                value = w["all_rules"] if key == "select" else w["none"]
            rows.append([w[key], value])
    else:
        rows.append([w["language"], scores.lang])
    return Section("about", w["cover_title"], [w["setting"], w["value"]], rows)


def _inputs(scores: Scores, w: dict[str, str]) -> Section:
    found = scores.provenance.inputs if scores.provenance else []
    rows = [[i["file"], i["size"], i["sha256"]] for i in found]
    return Section("inputs", w["inputs"], [w["file"], w["size"], w["sha256"]], rows)


def _reader(scores: Scores, w: dict[str, str]) -> Section:
    frame = scores.provenance.reader if scores.provenance else pd.DataFrame()
    rows = [
        [r["doc"], w.get(r["kind"], r["kind"]), cell_ref(str(r["where"]), scores.lang),
         r["detail"]]
        for r in frame.to_dict("records")
    ]  # fmt: skip
    if not scores.provenance:  # a Scores made without a run still lists unreadable files
        rows = [["", w["unreadable"], "", p] for p in scores.problems]
    head = [w["doc"], w["kind"], w["where"], w["detail"]]
    return Section("reader", w["reader_problems"], head, rows)


def unscored_pairs(scores: Scores) -> pd.DataFrame:
    """Pairs of a project that have a scored label but no weight: doc, project, pairs, reason.

    reason: no_completion (the project has no completion at all), group (not an indicator
    group the formula scores), no_weight (any other pair the formula left out).
    """
    columns = ["doc", "project", "pairs", "reason"]
    pairs = scores.pairs
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    scored_labels = [lab for lab in settings()["label_loss"] if lab != "na"]
    left = pairs[
        (pairs["project"] != "") & pairs["label"].isin(scored_labels) & pairs["pair_weight"].isna()
    ]
    if left.empty:
        return pd.DataFrame(columns=columns)
    scored = scores.projects.dropna(subset=["score"])
    scored_keys = set(zip(scored["doc"], scored["project"], strict=True))
    has_score = [(d, p) in scored_keys for d, p in zip(left["doc"], left["project"], strict=True)]
    reason = pd.Series("no_weight", index=left.index)
    reason[left["group"] == ""] = "group"
    reason[[not s for s in has_score]] = "no_completion"
    counted = (
        left.assign(reason=reason)
        .groupby(["doc", "project", "reason"], sort=False)
        .size()
        .reset_index(name="pairs")
    )
    return counted[columns]


def _unscored(scores: Scores, w: dict[str, str]) -> Section:
    rows = [
        [r["doc"], r["project"], int(r["pairs"]), w[f"reason_{r['reason']}"]]
        for r in unscored_pairs(scores).to_dict("records")
    ]
    head = [w["doc"], w["project"], w["pairs"], w["reason"]]
    return Section("unscored", w["unscored_title"], head, rows)


def sections(scores: Scores) -> list[Section]:
    """About (versions and settings), inputs, reader problems, unscored pairs."""
    w = words(scores.lang)
    return [_about(scores, w), _inputs(scores, w), _reader(scores, w), _unscored(scores, w)]
