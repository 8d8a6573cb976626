"""One self-contained HTML page: summary, ranking, and every pair side by side with its findings.

All table text goes through safe.escape; the page loads nothing (inline CSS and JS only).
"""

from __future__ import annotations

from importlib.resources import files
from string import Template
from typing import IO, Any

from nlp_eval.records import LABELS
from nlp_eval.report import note_views, project_views, words
from nlp_eval.safe import escape
from nlp_eval.score import Scores

FOLD_ROWS = 10  # unit and document tables longer than this start folded


def _template() -> Template:
    return Template((files("nlp_eval") / "templates" / "report.html").read_text(encoding="utf-8"))


def _num(value: Any) -> str:
    return "" if value is None or value != value else f"{value:.1f}"


def _grade(grade: str) -> str:
    return f'<span class="grade grade-{escape(grade)}">{escape(grade)}</span>' if grade else ""


def _table(
    head: list[str], rows: list[list[str]], numeric: set[int], names: list[str] | None = None
) -> str:
    """A table whose cells are already-escaped HTML; `names` feed the page's filter box."""
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for index, row in enumerate(rows):
        cells = (f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                 for i, c in enumerate(row))  # fmt: skip
        attr = f' data-name="{escape(names[index])}"' if names else ""
        out.append(f"<tr{attr}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


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
                *(escape(r[k]) for k in keys),
                str(r["projects"]),
                _num(r["score"]),
                _grade(r["grade"]),
            ]
            for r in frame.to_dict("records")
        ]
        head = [w[k] for k in (*keys, "projects", "score", "grade")]
        table = _table(head, rows, {len(keys), len(keys) + 1})
        # Long lists fold away so that the ranking stays near the top of the page.
        opened = " open" if len(rows) <= FOLD_ROWS else ""
        parts.append(
            f"<details{opened}><summary><b>{escape(title)}</b> ({len(rows)})</summary>"
            f"{table}</details>"
        )
    if scores.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in scores.problems)
        parts.append(f'<h3>{escape(w["unreadable"])}</h3><ul class="problems">{items}</ul>')
    return "\n".join(parts)


def _ranking(views: list[dict[str, Any]], w: dict[str, str]) -> str:
    head = [w[k] for k in ("rank", "score", "grade", "project", "doc", *LABELS, "top_codes")]
    rows = []
    for p in views:
        bar = f'<span class="bar" style="width:{(p["score"] or 0) * 0.6:.0f}px"></span>'
        link = f'<a href="#p{p["rank"]}">{escape(p["project"])}</a>'
        rows.append(
            [str(p["rank"]), _num(p["score"]) + bar, _grade(p["grade"]), link, escape(p["doc"]),
             *(str(p[label]) for label in LABELS), escape(p["top_codes"])]
        )  # fmt: skip
    names = [f"{p['project']} {p['doc']} {p['unit']}" for p in views]
    return _table(head, rows, {0, 1, *range(5, 5 + len(LABELS))}, names)


def _marked(text: str, span: tuple[int, int] | None, w: dict[str, str]) -> str:
    """Escaped text with the span shared with the other side highlighted."""
    if not span:
        return escape(text)
    start, end = span
    shared = f'<mark title="{escape(w["copied"])}">{escape(text[start:end])}</mark>'
    return escape(text[:start]) + shared + escape(text[end:])


def _notes(pair: dict[str, Any], w: dict[str, str]) -> str:
    items = []
    for f in pair["findings"]:
        lost = f' <span class="lost">−{f["points"]:.1f}</span>' if f["points"] else ""
        suggestion = f" → {escape(f['suggestion'])}" if f["suggestion"] else ""
        items.append(
            f'<li class="sev-{escape(f["severity"])}"><code>{escape(f["code"])}</code> '
            f"{escape(f['severity'])} {escape(f['message'])}{suggestion}{lost}</li>"
        )
    out = f"<ul>{''.join(items)}</ul>" if items else ""
    if pair["direction"] and pair["scored"]:
        out += (
            f'<p class="direction"><b>{escape(w["direction"])}:</b> {escape(pair["direction"])}</p>'
        )
    return out


def _pair_rows(pair: dict[str, Any], w: dict[str, str]) -> str:
    where = " / ".join(escape(x) for x in (pair["level1"], pair["level2"], pair["indicator"]) if x)
    target_span, completion_span = pair["copied"] or (None, None)
    completion = pair["completion"]
    if not completion and pair["value"] is not None:
        completion = f"{pair['value']:g}"  # budget figures carry a number, not text
    label = pair["label"] if pair["labelled"] else ""
    chip = (
        f'<span class="label label-{escape(label)}">{escape(w.get(label, label))}</span>'
        if label
        else ""
    )
    score = f"<br>{_num(pair['pair_score'])}" if pair["scored"] else ""
    lost = (
        f'<br><span class="lost">−{pair["points_lost"]:.1f}</span>' if pair["points_lost"] else ""
    )
    notes = _notes(pair, w)
    classes = ["pair", "flagged" if notes else "clean"] + ([] if pair["scored"] else ["unscored"])
    row = (
        f'<tr class="{" ".join(classes)}"><td>{where}</td>'
        f'<td class="text">{_marked(pair["target"], target_span, w)}</td>'
        f'<td class="text">{_marked(completion, completion_span, w)}</td>'
        f'<td class="num">{chip}{score}{lost}</td></tr>'
    )
    if notes:
        row += f'<tr class="notes"><td></td><td colspan="3">{notes}</td></tr>'
    return row


def _details(views: list[dict[str, Any]], notes: list[dict[str, Any]], w: dict[str, str]) -> str:
    head = "".join(
        f"<th>{escape(w[k])}</th>" for k in ("indicator", "target", "completion", "label")
    )
    out = []
    for p in views:
        meta = " · ".join(escape(str(x)) for x in (p["doc"], p["unit"], p["year"]) if x)
        out.append(
            f'<section class="project" id="p{p["rank"]}" data-name="'
            f'{escape(p["project"] + " " + p["doc"] + " " + p["unit"])}">'
            f"<h3>#{p['rank']} {escape(p['project'])} {_num(p['score'])} {_grade(p['grade'])}</h3>"
            f'<p class="meta">{meta} · {escape(w["points_lost"])} {p["points_lost"]:.1f}</p>'
            f'<table class="pairs"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(_pair_rows(pair, w) for pair in p["pair_list"])
            + "</tbody></table></section>"
        )
    for note in notes:  # the free text after a table belongs to its document: shown, not scored
        out.append(
            f'<section class="project" data-name="{escape(note["doc"])}">'
            f"<h3>{escape(w['notes'])}: {escape(note['doc'])}</h3>"
            f'<table class="pairs"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(_pair_rows(pair, w) for pair in note["pair_list"])
            + "</tbody></table></section>"
        )
    return "\n".join(out)


def write(scores: Scores, stream: IO[str]) -> None:
    """Write the page: summary, ranking (filterable), and each project's pairs."""
    w = words(scores.lang)
    views = project_views(scores)
    page = _template().substitute(
        html_lang="zh-CN" if scores.lang == "zh" else "en",
        title=escape(w["title"]),
        formula=escape(w["formula"]),
        summary_title=escape(w["summary"]),
        ranking_title=escape(w["ranking"]),
        details_title=escape(w["details"]),
        filter_placeholder=escape(w["filter"]),
        only_flagged=escape(w["only_flagged"]),
        summary=_summary(scores, w),
        ranking=_ranking(views, w),
        details=_details(views, note_views(scores), w),
    )
    stream.write(page)
