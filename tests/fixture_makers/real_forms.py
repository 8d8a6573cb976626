"""Render the collector's real tables (real_dev/*.tsv) back into published forms: xlsx and docx.

Each real_dev file records a real published table as text (README.md of that folder): the
`# layout` line gives the real header wording and column order, IND lines the indicator cells
verbatim. This script lays those cells out as the published form would (title, 项目名称,
主管部门/实施单位, 项目资金 block, 年度总体目标, the indicator table with 一级/二级 merged
down their rows, 总分, 评价结论), in a workbook and in a Word document, with the header
wording and column order of that file. `expected_pairs.tsv` lists every IND row that has a
target and a completion, as the collector recorded it: the answer key of
tests/test_io_real_forms.py, never read by the reader.

Run: python tests/fixture_makers/real_forms.py [REAL_DEV_DIR] [OUT_DIR]
(defaults: /work/shared/corpus/real_dev and tests/fixtures/real9)
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = Path("/work/shared/corpus/real_dev")
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "real9"
# the row format's own names of the IND cells after 一级/二级/三级
IND_FIELDS = ("target", "completion", "weight", "points", "reason")


@dataclass
class RealTable:
    """One real_dev file: its header lines and records."""

    name: str
    meta: dict[str, str]
    records: list[list[str]]
    columns: list[str] = field(default_factory=list)  # indicator header as published

    def first(self, kind: str) -> str:
        return next((r[1] for r in self.records if r[0] == kind and len(r) > 1), "")

    def all(self, kind: str) -> list[list[str]]:
        return [r[1:] for r in self.records if r[0] == kind]


def parse(path: Path) -> RealTable:
    meta: dict[str, str] = {}
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            key, _, value = line[2:].partition(":")
            meta[key.strip()] = value.strip()
        elif line.strip():
            records.append(line.split("\t"))
    table = RealTable(path.stem, meta, records)
    table.columns = indicator_columns(meta)
    return table


def indicator_columns(meta: dict[str, str]) -> list[str]:
    """The indicator header as published: the layout's 一级指标│… list, else the row format."""
    layout = meta.get("layout", "").replace("*", "")
    m = re.search(r"一级指标│[^\];(]*", layout)
    if m:
        names = [n.strip().rstrip("…") for n in m.group(0).split("│")]
        names = [n.rsplit("/", 1)[-1] for n in names if n]  # 三级/指标内容: the second wording
        if len(names) >= 5:
            return names
    fmt = meta.get("row format", "").split("\t")[1:]
    names = ["一级指标", "二级指标", "三级指标"]
    for name, role in zip(fmt[3:], IND_FIELDS, strict=False):
        name = name.strip()
        if name.startswith("(") or name.startswith("指标性质 "):
            if role in ("target", "completion"):
                name = "指标值" if role == "target" else "完成值"
            else:
                continue
        names.append(name)
    return names


def column_role(name: str, position: int) -> str:
    if position < 3:
        return ("level1", "level2", "indicator")[position]
    if "性质" in name:
        return "op"
    if "单位" in name:
        return "uom"
    if "分值" in name or "权重" in name:
        return "weight"
    if "得分" in name:
        return "points"
    if "原因" in name:
        return "reason"
    if "解释" in name:
        return "explain"
    return "value"  # the first is the target, the next the completion


def roles(columns: list[str]) -> list[str]:
    out = [column_role(n, i) for i, n in enumerate(columns)]
    values = [i for i, r in enumerate(out) if r == "value"]
    if values:
        out[values[0]] = "target"
    if len(values) > 1:
        out[values[1]] = "completion"
    return out


def split_target(text: str) -> tuple[str, str, str]:
    """指标性质 │ 指标值 │ 度量单位 from the collector's space-joined target."""
    parts = text.split(" ")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], parts[1], ""
    return "", text, ""


def ind_cells(table: RealTable, record: list[str]) -> dict[str, str]:
    cells = dict(zip(("level1", "level2", "indicator", *IND_FIELDS), record, strict=False))
    if "op" in roles(table.columns):
        cells["op"], cells["target"], cells["uom"] = split_target(cells.get("target", ""))
    return cells


def expected(table: RealTable) -> list[dict[str, str]]:
    """The pairs of the file: IND rows with a target and a completion."""
    out = []
    for record in table.all("IND"):
        cells = ind_cells(table, record)
        target = cells["target"]
        if cells.get("op") or cells.get("uom"):
            kind = cells.get("op", "") in ("定性", "定量")
            target = target + cells.get("uom", "") if kind else cells["op"] + target + cells["uom"]
        if target and cells.get("completion"):
            out.append(
                {
                    "doc": table.name,
                    "indicator": cells["indicator"],
                    "target": target,
                    "completion": cells["completion"],
                }
            )
    return out


# ------------------------------------------------------------------ the form as a grid


@dataclass
class Form:
    rows: list[list[str]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1 c1 r2 c2, 0-based
    width: int = 1

    def add(self, cells: list[str]) -> int:
        self.rows.append(list(cells))
        self.width = max(self.width, len(cells))
        return len(self.rows) - 1

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))


def _title(table: RealTable) -> str:
    title = table.meta.get("title", "").split(" — ")[0].strip()
    return "" if title.startswith("(") else title


def _known(text: str) -> str:
    """The collector's placeholders ((not stated), (name not on this page)…) are no cell text."""
    return "" if not text or text.startswith("(") else text


def _bracket(layout: str, label: str) -> list[str]:
    m = re.search(re.escape(label) + r"[^\[;]*\[([^\]]*)\]", layout)
    return [n.strip() for n in m.group(1).split("│")] if m else []


def build(table: RealTable) -> Form:
    form = Form()
    cols = table.columns
    width = len(cols) + 1  # column 0 holds the block labels (项目资金, 年度总体目标, 绩效指标)
    layout = table.meta.get("layout", "").replace("*", "")
    if title := _title(table):
        r = form.add([title])
        form.merge(r, 0, r, width - 1)
    if project := _known(table.first("PROJECT")):
        r = form.add(["项目名称", project])
        form.merge(r, 1, r, width - 1)
    depts = [d.strip() for d in _known(table.first("DEPT")).split(" / ") if d.strip()]
    if depts:
        r = form.add(["主管部门", depts[0], "", "实施单位", depts[-1]])
        form.merge(r, 4, r, width - 1)
    budget = table.all("BUDGET")
    heads = _bracket(layout, "项目资金") or _bracket(layout, "资金情况")
    if budget and heads:
        top = form.add(["项目资金(万元)", "", *heads])
        for rec in budget:
            form.add(["", rec[0], *rec[1:]])
        form.merge(top, 0, len(form.rows) - 1, 0)
    goals, dones = table.all("GOAL_TARGET"), table.all("GOAL_ACTUAL")
    if goals or dones:
        heads = _bracket(layout, "年度总体目标") or ["预期目标", "实际完成情况"]
        half = max(2, width // 2)
        top = form.add(["年度总体目标", heads[0], *[""] * (half - 2), heads[-1]])
        form.merge(top, 1, top, half - 1)
        form.merge(top, half, top, width - 1)
        for i in range(max(len(goals), len(dones))):
            goal = goals[i][0] if i < len(goals) else ""
            done = dones[i][0] if i < len(dones) else ""
            r = form.add(["", goal, *[""] * (half - 2), done])
            form.merge(r, 1, r, half - 1)
            form.merge(r, half, r, width - 1)
        form.merge(top, 0, len(form.rows) - 1, 0)
    indicators = table.all("IND")
    if indicators:
        top = form.add(["绩效指标", *cols])
        role_of = roles(cols)
        for rec in indicators:
            cells = ind_cells(table, rec)
            form.add(["", *[cells.get(role, "") for role in role_of]])
        form.merge(top, 0, len(form.rows) - 1, 0)
        _merge_down(form, top + 1, len(form.rows), 1)
        _merge_down(form, top + 1, len(form.rows), 2, parent=1)
    for rec in table.all("SCORE"):
        role_of = roles(cols)
        cells = [rec[0]] + [""] * len(cols)
        numbers = rec[1:]
        for role, value in zip(("weight", "points"), numbers, strict=False):
            if role in role_of:
                cells[1 + role_of.index(role)] = value
        form.add(cells)
    for rec in table.all("CONCLUSION"):
        r = form.add(["评价结论", rec[0]])
        form.merge(r, 1, r, width - 1)
    for row in form.rows:
        row.extend([""] * (width - len(row)))
    form.width = width
    return form


def _merge_down(form: Form, start: int, end: int, col: int, parent: int | None = None) -> None:
    """Merge equal, non-empty cells of one column down their run, as 一级/二级 are published."""
    r = start
    while r < end:
        text = form.rows[r][col]
        s = r + 1
        while (
            s < end
            and text
            and form.rows[s][col] == text
            and (parent is None or form.rows[s][parent] in ("", form.rows[r][parent]))
        ):
            s += 1
        if text and s - 1 > r:
            for k in range(r + 1, s):
                form.rows[k][col] = ""
            form.merge(r, col, s - 1, col)
        r = s


# ------------------------------------------------------------------ writers


def write_xlsx(form: Form, path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    for r, row in enumerate(form.rows, start=1):
        for c, text in enumerate(row, start=1):
            if text:
                ws.cell(row=r, column=c, value=text)
    for r1, c1, r2, c2 in form.merges:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    wb.save(path)


def write_docx(form: Form, path: Path) -> None:
    import docx

    document = docx.Document()
    rows = form.rows
    start = 0
    if rows and rows[0][0] and not any(rows[0][1:]):  # the title is a paragraph above the table
        document.add_paragraph(rows[0][0])
        start = 1
    t = document.add_table(rows=len(rows) - start, cols=form.width)
    t.style = "Table Grid"
    for r1, c1, r2, c2 in form.merges:
        if r1 >= start:
            t.cell(r1 - start, c1).merge(t.cell(r2 - start, c2))
    covered = {
        (r, c)
        for r1, c1, r2, c2 in form.merges
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if (r, c) != (r1, c1)
    }
    for r, row in enumerate(rows[start:], start=start):
        for c, text in enumerate(row):
            if text and (r, c) not in covered:
                t.cell(r - start, c).text = text
    # fixed core properties keep the file identical between runs
    document.core_properties.author = "nlp-eval tests"
    document.save(path)


def main(source: Path = DEFAULT_SOURCE, out: Path = DEFAULT_OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    pairs = []
    for path in sorted(source.glob("*.tsv")):
        table = parse(path)
        form = build(table)
        write_xlsx(form, out / f"{table.name}.xlsx")
        write_docx(form, out / f"{table.name}.docx")
        pairs.extend(expected(table))
    with (out / "expected_pairs.tsv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, ["doc", "indicator", "target", "completion"], delimiter="\t", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(pairs)
    print(f"{len(pairs)} pairs from {len(list(source.glob('*.tsv')))} files -> {out}")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:3]))
