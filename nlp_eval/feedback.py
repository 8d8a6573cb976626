"""Feedback on one target/completion pair for the person who writes it (`nlp-eval explain`).

The answer comes first: the label in words and what it means, each finding with its
suggestion, and a rewrite direction that quotes the pair's own numbers. The features that led
there (compare.explain) follow only on request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from nlp_eval.place import words

# Rules about a whole project (its missing indicator categories, its repeated texts) say
# nothing about a sentence checked on its own.
PROJECT_RULES = ("T008", "D", "X", "A")


def _one_pair(target: str, completion: str, indicator: str) -> pd.DataFrame:
    from nlp_eval.io import empty_table

    table = empty_table()
    row = {c: "" for c in table.columns} | {"year": None, "weight": float("nan"),
                                             "points": float("nan"), "value": float("nan"),
                                             "confidence": 1.0}  # fmt: skip
    row |= {"doc": "explain", "project": "explain", "level1": "产出", "indicator": indicator,
            "target": target, "completion": completion}  # fmt: skip
    return pd.concat([table, pd.DataFrame([row])], ignore_index=True).astype(table.dtypes)


def feedback(
    target: str,
    completion: str,
    indicator: str = "",
    *,
    lang: str = "zh",
    model: str | Path | None = None,
) -> dict[str, Any]:
    """The label, its meaning, the findings with suggestions and a rewrite direction."""
    from nlp_eval.lint import lint
    from nlp_eval.report import direction, severity_word

    w = words(lang)
    linted = lint(_one_pair(target, completion, indicator), model=model, lang=lang)
    label = str(linted.table["label"].iloc[0]) or "specific"
    findings = [
        {
            "code": f.code,
            "name": f.name,
            "severity": str(f.severity),
            "severity_name": severity_word(str(f.severity), lang),
            "field": f.field,
            "message": f.message,
            "suggestion": f.suggestion,
        }
        for f in linted.findings
        if not f.code.startswith(PROJECT_RULES)
    ]
    return {
        "label": label,
        "label_name": w.get(label, label),
        "meaning": w[f"label_meaning_{label}"],
        "findings": findings,
        "direction": direction(label, target, lang, name=indicator),
    }


def feedback_text(result: dict[str, Any], lang: str = "zh") -> str:
    """The feedback as lines for a terminal: verdict, findings (→ suggestion), direction."""
    w = words(lang)
    lines = [w["verdict_line"].format(label=result["label_name"], meaning=result["meaning"]), ""]
    lines.append(w["findings_title"] + w["colon"].rstrip())
    for f in result["findings"]:
        lines.append(f"  {f['code']} {f['severity_name']} {f['message']}")
        if f["suggestion"]:
            lines.append(f"    → {f['suggestion']}")
    if not result["findings"]:
        lines.append("  " + w["no_findings"])
    if result["direction"]:
        lines += ["", w["direction"] + w["colon"] + result["direction"]]
    return "\n".join(lines)
