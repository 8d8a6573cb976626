"""One self-contained HTML page: cover, summary, ranking, and every pair side by side with its findings.

The cover and summary are HTML; the ranking and the pairs are data (one JSON block) that the
page's own script renders a page at a time, so that a report of 100,000 pairs opens in seconds:
the browser lays out 50 projects, not all of them. Repeated texts (messages, suggestions,
rewrite directions) are stored once. The JSON block escapes < > & so table text can never close
the script; the script inserts table text only through its `esc` function. The page loads
nothing (inline CSS and JS only).
"""

from __future__ import annotations

import json
from importlib.resources import files
from string import Template
from typing import IO, Any

from nlp_eval.records import LABELS
from nlp_eval.report import note_views, project_views, severity_word, words
from nlp_eval.report.cover import Section, sections
from nlp_eval.safe import escape
from nlp_eval.score import Scores

FOLD_ROWS = 10  # cover, unit and document tables longer than this start folded
COVER_ROWS = 500  # rows of a cover section shown in the page (the xlsx has them all)
# words the page's script needs
SCRIPT_WORDS = (
    "copied",
    "direction",
    "points_lost",
    "page",
    "previous",
    "next",
    "not_scored",
    "unscored_beside",
    "indicator",
    "target",
    "completion",
    "label",
    "notes",
    "rank",
    "score",
    "grade",
    "project",
    "doc",
    "top_codes",
    *LABELS,
)


def _template() -> Template:
    return Template((files("nlp_eval") / "templates" / "report.html").read_text(encoding="utf-8"))


def _num(value: Any) -> str:
    return "" if value is None or value != value else f"{value:.1f}"


def _grade(grade: str) -> str:
    return f'<span class="grade grade-{escape(grade)}">{escape(grade)}</span>' if grade else ""


def _table(head: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """A table whose cells are already-escaped HTML."""
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        cells = (f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                 for i, c in enumerate(row))  # fmt: skip
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _folded(title: str, body: str, count: int, *, opened: bool | None = None) -> str:
    opened = count <= FOLD_ROWS if opened is None else opened
    attr = " open" if opened else ""
    return f"<details{attr}><summary><b>{escape(title)}</b> ({count})</summary>{body}</details>"


def _cover_section(section: Section, w: dict[str, str]) -> str:
    rows = [[escape("" if v is None else str(v)) for v in row] for row in section.rows]
    shown = rows[:COVER_ROWS]
    body = _table(section.head, shown, set()) if rows else f"<p>{escape(w['nothing'])}</p>"
    if len(rows) > len(shown):
        body += f"<p>… {len(rows) - len(shown)}</p>"
    return _folded(section.title, body, len(rows), opened=section.key == "about" or None)


def _totals(scores: Scores, w: dict[str, str]) -> str:
    """One line of counts: projects, pairs, findings, grades and labels."""
    projects = scores.projects
    if projects.empty:
        return ""
    scored = projects[projects["score"].notna()]
    grades = scored["grade"].value_counts()
    labels = {label: int(scored[label].sum()) for label in LABELS}
    cells = [
        (w["documents"], str(len(scores.documents))),
        (w["projects"], str(len(scored))),
        (w["pairs"], str(int(scored["pairs"].sum()))),
        (w["findings"], str(int(scored["findings"].sum()))),
        *((g, str(int(grades.get(g, 0)))) for g in ("优", "良", "中", "差")),
        *((w[label], str(n)) for label, n in labels.items()),
    ]
    return _table([k for k, _ in cells], [[v for _, v in cells]], set(range(len(cells))))


def _summary(scores: Scores, w: dict[str, str]) -> str:
    parts = [_totals(scores, w)]
    for title, frame, keys in (
        (w["by_unit"], scores.units, ("unit",)),
        (w["by_document"], scores.documents, ("doc", "unit", "year")),
    ):
        frame = frame.dropna(subset=["score"])
        rows = [
            [
                *(escape("" if r[k] is None or r[k] != r[k] else str(r[k])) for k in keys),
                str(r["projects"]),
                _num(r["score"]),
                _grade(r["grade"]),
            ]
            for r in frame.to_dict("records")
        ]
        head = [w[k] for k in (*keys, "projects", "score", "grade")]
        # Long lists fold away so that the ranking stays near the top of the page.
        parts.append(_folded(title, _table(head, rows, {len(keys), len(keys) + 1}), len(rows)))
    return "\n".join(parts)


class _Strings:
    """A string table: each distinct text stored once, referred to by its index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        return self.index.setdefault(text, len(self.index))

    def table(self) -> list[str]:
        return list(self.index)


def _pair_data(pair: dict[str, Any], lang: str, ref: _Strings) -> list[Any]:
    """[where, path, target, completion, label, scored, score, lost, findings, direction, copied]."""
    path = " / ".join(x for x in (pair["level1"], pair["level2"], pair["indicator"]) if x)
    completion = pair["completion"]
    if not completion and pair["value"] is not None:
        completion = f"{pair['value']:g}"  # budget figures carry a number, not text
    findings = [
        [f["code"], f["severity"], severity_word(f["severity"], lang), ref(f["message"]),
         ref(f["suggestion"]), round(f["points"], 1), f["where"]]
        for f in pair["findings"]
    ]  # fmt: skip
    copied = pair["copied"]
    return [
        pair["where"],
        ref(path),
        pair["target"],
        completion,
        pair["label"] if pair["labelled"] else "",
        1 if pair["scored"] else 0,
        pair["pair_score"],
        round(pair["points_lost"], 1),
        findings,
        ref(pair["direction"]) if pair["direction"] and pair["scored"] else -1,
        [*copied[0], *copied[1]] if copied else 0,
    ]


def page_data(scores: Scores) -> dict[str, Any]:
    """What the page's script renders: projects with their pairs, notes, words, string table."""
    w = words(scores.lang)
    ref = _Strings()
    projects = []
    for p in project_views(scores):
        projects.append(
            {
                "rank": p["rank"],
                "project": p["project"],
                "doc": p["doc"],
                "unit": p["unit"],
                "year": p["year"],
                "score": p["score"],
                "grade": p["grade"],
                "lost": p["points_lost"],
                "unscored": p.get("unscored_pairs", 0),
                "labels": [p[label] for label in LABELS],
                "top": p["top_codes"],
                "pairs": [_pair_data(pair, scores.lang, ref) for pair in p["pair_list"]],
            }
        )
    notes = [
        {"doc": n["doc"], "pairs": [_pair_data(pair, scores.lang, ref) for pair in n["pair_list"]]}
        for n in note_views(scores)
    ]
    return {
        "words": {key: w[key] for key in SCRIPT_WORDS},
        "labels": list(LABELS),
        "strings": ref.table(),
        "projects": projects,
        "notes": notes,
    }


def script_json(data: Any) -> str:
    """JSON that is inert inside <script>: no <, > or & (so no </script>, no <!--)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write(scores: Scores, stream: IO[str]) -> None:
    """Write the page: cover, summary, then the ranking and pairs rendered by the page's script."""
    w = words(scores.lang)
    cover = "\n".join(_cover_section(section, w) for section in sections(scores))
    if scores.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in scores.problems)
        cover += f'<h3>{escape(w["unreadable"])}</h3><ul class="problems">{items}</ul>'
    page = _template().substitute(
        html_lang="zh-CN" if scores.lang == "zh" else "en",
        title=escape(w["title"]),
        formula=escape(w["formula"]),
        cover_title=escape(w["cover"]),
        cover=cover,
        summary_title=escape(w["summary"]),
        ranking_title=escape(w["ranking"]),
        details_title=escape(w["details"]),
        filter_placeholder=escape(w["filter"]),
        only_flagged=escape(w["only_flagged"]),
        summary=_summary(scores, w),
        data=script_json(page_data(scores)),
    )
    stream.write(page)
