"""Score reports: text, csv, json, xlsx and html views of one `Scores`.

Every writer takes the same view of the data (`project_views`), so the formats never disagree.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, Any

import pandas as pd

from nlp_eval.errors import NlpEvalError
from nlp_eval.place import pair_ref, words
from nlp_eval.score import Scores, settings

FORMATS = ("text", "json", "csv", "xlsx", "html")
BINARY_FORMATS = ("xlsx",)
MIN_COPIED_SPAN = 4  # shorter common text ("3次", "95%") is the answer echoing its number
SHORT_TARGET = 40  # characters of the target quoted in a rewrite direction
MAX_STATED = 4  # target values a rewrite direction lists
# Labels whose text shared with the target is worth highlighting: an n/a phrase on both
# sides is expected, and a specific answer naming its target's subject is not a copy.
SHOWN_COPIES = ("copy", "restate", "vague")


def severity_word(severity: str, lang: str) -> str:
    """A severity as the reader says it: 错误/警告/提示 (error/warning/info); "" stays ""."""
    return words(lang).get(severity, severity) if severity else ""


def _clean(value: Any) -> Any:
    """JSON-friendly scalar: NaN and pandas NA become None, numpy numbers plain numbers."""
    if hasattr(value, "item"):
        value = value.item()
    return None if pd.api.types.is_scalar(value) and pd.isna(value) else value


@lru_cache(maxsize=1 << 16)
def copied_span(target: str, completion: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The longest text shared by target and completion, as (target span, completion span)."""
    if not target or not completion:
        return None
    matcher = difflib.SequenceMatcher(None, target, completion, autojunk=False)
    match = matcher.find_longest_match(0, len(target), 0, len(completion))
    if match.size < MIN_COPIED_SPAN:
        return None
    return (match.a, match.a + match.size), (match.b, match.b + match.size)


@lru_cache(maxsize=1 << 16)
def direction(label: str, target: str, lang: str = "zh", *, name: str = "") -> str:
    """What to write instead for a completion with this label, in the pair's own words.

    The label's template quotes the target (or `name`, the indicator, when there is no
    target); when the target states numbers or dates, the direction asks for each one's
    actual value.
    """
    templates = settings()["direction"].get(lang, settings()["direction"]["zh"])
    template = templates.get(label, "")
    if not template:
        return ""
    quoted = target or name
    short = quoted if len(quoted) <= SHORT_TARGET else quoted[: SHORT_TARGET - 1] + "…"
    text = template.format(target=short)
    stated = _stated_values(target)
    if stated:
        key = "number" if len(stated) == 1 else "numbers"
        text += templates[key].format(values="、".join(stated))
    return text


def _stated_values(target: str) -> list[str]:
    """The numbers and dates a target states, as written ("62条", "≥95%", "三季度")."""
    from nlp_eval.numbers import quantities

    found = [q.text for q in quantities(target) if not q.vague] if target else []
    return list(dict.fromkeys(found))[:MAX_STATED]


# Columns of scores.pairs a pair view reads.
VIEW_COLUMNS = ("row", "doc", "project", "level1", "level2", "indicator", "target", "completion",
                "label", "weight", "value", "source", "target_source", "pair_weight", "pair_score",
                "pair_lost", "group")  # fmt: skip


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Rows as dicts of the given columns (absent ones None), without pandas' per-cell boxing.

    to_dict("records") iterates arrow-backed text columns value by value, which costs more
    than everything else a report does with 100,000 pairs.
    """
    present = [c for c in columns if c in frame]
    lists = [frame[c].to_numpy(dtype=object, na_value=None) for c in present]
    absent = {c: None for c in columns if c not in frame}
    for values in zip(*lists, strict=True):
        yield {**dict(zip(present, values, strict=True)), **absent}


def _name(pair: dict[str, Any]) -> str:
    """What a pair is about when it has no target text: its indicator, else its category."""
    return str(pair.get("indicator") or pair.get("level2") or pair.get("level1") or "")


def _pair_views(scores: Scores, pairs: Any) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Views of the given rows of scores.pairs, grouped by (doc, project), in table order."""
    findings_by_row: dict[int, list[Any]] = defaultdict(list)
    for finding in scores.findings:
        findings_by_row[finding.row].append(finding)
    points: dict[tuple[int, str], float] = defaultdict(float)
    label_losses: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for loss in _records(scores.losses, ("row", "code", "name", "points")):
        points[(loss["row"], loss["code"])] += loss["points"]
        if loss["code"].startswith("label:"):
            label_losses[loss["row"]].append(loss)
    pairs_by_project: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    blocks = {group for group, on in settings().get("blocks", {}).items() if on}
    label_word = words(scores.lang)
    for pair in _records(pairs, VIEW_COLUMNS):
        row = pair["row"]
        block = pair["level1"] in blocks
        target, completion = str(pair.get("target") or ""), str(pair.get("completion") or "")
        source, target_source = str(pair.get("source") or ""), str(pair.get("target_source") or "")
        findings = [
            {
                "code": f.code,
                "name": f.name,
                "severity": str(f.severity),
                "field": f.field,
                "span": list(f.span) if f.span else None,
                "label": f.label,
                "message": f.message,
                "suggestion": f.suggestion,
                "points": round(points.get((row, f.code), 0.0), 2),
                "where": pair_ref(source, target_source, f.field, scores.lang),
            }
            for f in findings_by_row.get(row, [])
        ]
        findings += [  # a label loss no finding explains is still shown, with its points
            {"code": loss["code"], "name": loss["name"], "severity": "", "field": "completion",
             "span": None, "label": pair["label"], "suggestion": "",
             "message": label_word.get(pair["label"], pair["label"]),
             "points": round(loss["points"], 2),
             "where": pair_ref(source, target_source, "completion", scores.lang)}
            for loss in label_losses.get(row, [])
        ]  # fmt: skip
        pairs_by_project[(pair["doc"], pair["project"])].append(
            {
                "row": row,
                "level1": pair["level1"],
                "level2": pair["level2"],
                "indicator": pair["indicator"],
                "target": target,
                "completion": completion,
                "label": pair["label"],
                "weight": _clean(pair.get("weight")),
                "value": _clean(pair.get("value")),
                "source": source,
                "where": pair_ref(source, target_source, "completion", scores.lang),
                "scored": not pd.isna(pair["pair_weight"]),
                "pair_score": None if pd.isna(pair["pair_score"]) else round(pair["pair_score"], 1),
                "points_lost": round(pair["pair_lost"], 2),
                "findings": findings,
                "direction": direction(pair["label"], target, scores.lang, name=_name(pair)),
                "copied": None
                if block or pair["label"] not in SHOWN_COPIES
                else copied_span(target, completion),
                "block": block,
                # labels matter on indicator, overall and n/a pairs, not on figures or notes
                "labelled": bool(pair["group"]) and not block,
            }
        )
    return pairs_by_project


def project_views(scores: Scores) -> list[dict[str, Any]]:
    """Projects in rank order, each with its pairs, their findings and the points they cost."""
    pairs_by_project = _pair_views(scores, scores.pairs[scores.pairs["project"] != ""])
    views = []
    for project in scores.projects.to_dict("records"):
        project = {key: _clean(value) for key, value in project.items()}
        project["pair_list"] = pairs_by_project[(project["doc"], project["project"])]
        views.append(project)
    return views


def note_views(scores: Scores) -> list[dict[str, Any]]:
    """Rows of no project (the free notes after a table), per document: kept, never scored."""
    notes = _pair_views(scores, scores.pairs[scores.pairs["project"] == ""])
    return [{"doc": doc, "pair_list": pairs} for (doc, _), pairs in notes.items()]


def _writers() -> dict[str, Callable[[Scores, IO[Any]], None]]:
    from nlp_eval.report import html, tables, text, xlsx

    return {
        "text": text.write,
        "json": tables.write_json,
        "csv": tables.write_csv,
        "xlsx": xlsx.write,
        "html": html.write,
    }


def write_report(scores: Scores, fmt: str, out: Path | None, *, explain: str | None = None) -> None:
    """Write the report in `fmt` (or, with `explain`, the losses of those projects as text)."""
    import sys

    from nlp_eval.output import atomic

    if fmt not in FORMATS:
        raise NlpEvalError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    writer = _writers()[fmt]
    if explain is not None:
        from nlp_eval.report.text import write_explain

        fmt = "text"
        writer = partial(write_explain, project=explain)
    if out is None:
        if fmt in BINARY_FORMATS:
            raise NlpEvalError(f"--format {fmt} writes a binary file: give it with -o FILE")
        writer(scores, sys.stdout)
        return
    binary = fmt in BINARY_FORMATS
    encoding = None if binary else "utf-8"
    newline = "" if fmt == "csv" else None  # the csv module writes its own line ends
    try:
        with atomic(out, "wb" if binary else "w", encoding=encoding, newline=newline) as stream:
            writer(scores, stream)
    except OSError as err:
        raise NlpEvalError(f"{out}: cannot write: {err.strerror}") from err
