"""Build corpus/labels/real_dev.tsv from two annotators' labels of the real_dev pairs.

    python scripts/real_dev_labels.py [--real-dev ../shared/corpus/real_dev]

Inputs (labelling/real_dev_annotators/, outside corpus/ so that reading corpus/ skips them): `pairs.tsv` (id, file, project, level1, level2,
indicator, target, completion, weight, points, reason: the 68 pairs as shown to the
annotators), `A.tsv` and `B.tsv` (id, label, shortfall yes/no, note: each annotator's own
work, done independently) and `adjudication.tsv` (id, label, shortfall, reason: the decision
on every pair where A and B differ). Prints the agreement (raw and Cohen's kappa, for the
label and for the shortfall) and writes the adjudicated set in the tidy label format
(GUIDE.md columns plus weight, points, reason, which the shortfall rules read, and
`shortfall`). doc, unit, region and year come from the real_dev files' header lines.

real_dev is a held-out set of real tables: it is never used for training or tuning
(scripts/train_default.py trains on seed.tsv and train_*.tsv only; tests/test_model.py checks).
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

from nlp_eval import lexicon
from nlp_eval.records import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "corpus" / "labels"
ANNOTATORS = ROOT / "labelling" / "real_dev_annotators"  # outside corpus/: not tables
# The tidy table's columns up to reason (the shortfall rules read weight, points and reason).
OUT_COLUMNS = [*COLUMNS[: COLUMNS.index("reason") + 1], "label", "shortfall", "note"]
# Category cells → (一级, 二级) as the tidy table names them: the reader's own fallback lexicon.
KEYWORDS = [(r["keyword"], r["level1"], r["level2"]) for r in lexicon.table("level_keywords.tsv")]


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two raters' categorical labels (1.0 when both use one category only)."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[k] * count_b[k] for k in set(a) | set(b)) / n / n
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def agreement(a: list[str], b: list[str]) -> str:
    same = sum(x == y for x, y in zip(a, b, strict=True))
    return f"{same}/{len(a)} = {same / len(a):.3f}, Cohen's kappa {kappa(a, b):.3f}"


def category(cell: str) -> tuple[str, str]:
    """数量指标, 产出数量, 服务对象满意度指标 → (产出, 数量) / (满意度, 满意度); ("", "") if none."""
    return next(((l1, l2) for word, l1, l2 in KEYWORDS if word in cell), ("", ""))


def level2_name(cell: str) -> str:
    return category(cell)[1]


def level1_name(cell: str, level2: str) -> str:
    """产出指标(50分) → 产出; a bare weight (50分) or blank cell → the 一级 of its 二级."""
    return category(cell)[0] or category(level2)[0]


def header(path: Path) -> dict[str, str]:
    """region, unit and year from a real_dev file's `# region: … ; dept: … ; year: …` line."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# region:"):
            fields = dict(
                part.strip().split(":", 1) for part in line[2:].split(" ; ") if ":" in part
            )
            region = re.sub(r"\s*\(.*\)$", "", fields.get("region", "").strip()).replace("/", "")
            unit = re.sub(r"\s*\(.*\)$", "", fields.get("dept", "").strip())
            unit = "" if unit.startswith("unknown") else unit
            year = re.match(r"\d{4}", fields.get("year", "").strip())
            return {"region": region, "unit": unit, "year": year.group(0) if year else ""}
    return {"region": "", "unit": "", "year": ""}


def build(real_dev: Path) -> list[dict[str, str]]:
    pairs = read_tsv(ANNOTATORS / "pairs.tsv")
    a = {r["id"]: r for r in read_tsv(ANNOTATORS / "A.tsv")}
    b = {r["id"]: r for r in read_tsv(ANNOTATORS / "B.tsv")}
    decided = {r["id"]: r for r in read_tsv(ANNOTATORS / "adjudication.tsv")}
    ids = [p["id"] for p in pairs]
    for key in ("label", "shortfall"):
        print(f"{key}: {agreement([a[i][key] for i in ids], [b[i][key] for i in ids])}")
    out = []
    previous: dict[str, tuple[str, str]] = {}  # file -> last 一级/二级 (merged cells)
    for p in pairs:
        i, doc = p["id"], p["file"].removesuffix(".tsv")
        same = (a[i]["label"], a[i]["shortfall"]) == (b[i]["label"], b[i]["shortfall"])
        if not same and i not in decided:
            raise SystemExit(f"pair {i}: A and B differ and adjudication.tsv has no decision")
        final = a[i] if same else decided[i]
        note = a[i]["note"] if same else f"adjudicated: {decided[i]['reason']}"
        level2 = level2_name(p["level2"])
        level1 = level1_name(p["level1"], p["level2"])
        if p["indicator"] == "年度总体目标" or p["level1"] == "总体":
            level1, level2 = "总体", ""
        elif not level1 and not level2 and doc in previous:
            # A continuation row of a merged 一级/二级 cell, left blank in the source.
            level1, level2 = previous[doc]
        elif not level1 and doc in previous:
            level1 = previous[doc][0]
        if level1 != "总体":
            previous[doc] = (level1, level2)
        meta = header(real_dev / p["file"])
        out.append(
            {
                "doc": doc,
                **meta,
                "project": p["project"],
                "level1": level1,
                "level2": level2,
                "indicator": p["indicator"],
                "target": p["target"],
                "completion": p["completion"],
                "weight": p["weight"],
                "points": p["points"],
                "reason": p["reason"],
                "label": final["label"],
                "shortfall": final["shortfall"],
                "note": note.replace("\t", " "),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--real-dev", type=Path, default=ROOT.parent.parent / "shared" / "corpus" / "real_dev"
    )
    args = parser.parse_args()
    rows = build(args.real_dev)
    with (LABELS / "real_dev.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, OUT_COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    labels = Counter(r["label"] for r in rows)
    print(
        f"wrote {len(rows)} pairs: {dict(labels)}; shortfall yes {sum(r['shortfall'] == 'yes' for r in rows)}"
    )


if __name__ == "__main__":
    main()
