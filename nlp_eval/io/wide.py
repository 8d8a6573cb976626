"""Wide tables: one row per project, categories as target|completion column pairs.

Header cells of flattened tables need not sit above their data, so header slots are aligned
to the data columns by order and content; a row with a cell too many or too few is re-aligned
on its own, with lower confidence and a note saying what moved.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from nlp_eval.io.grids import Grid
from nlp_eval.io.headers import level_of, lookup, mentioned_level2
from nlp_eval.io.notes import say
from nlp_eval.io.rows import (
    UNIT_SUFFIX,
    Context,
    Header,
    Sink,
    budget_record,
    is_number,
    new_row,
    number,
)

REALIGNED_CONFIDENCE = 0.6


@dataclass
class Slot:
    """One place a wide row's cell can go, in header order."""

    kind: str  # seq unit project budget goal goal_done target completion section other
    col: int
    level1: str = ""
    level2: str = ""
    label: str = ""
    money_unit: str = ""
    group: int = -1  # column of the category header a target/completion/… slot belongs to


def wide_block_end(grid: Grid, start: int) -> int:
    """First row after the data rows of a wide table (an empty gap or a row with < 3 cells)."""
    r = start
    while r < len(grid.rows):
        count = sum(1 for c, t in enumerate(grid.rows[r]) if t and grid.is_anchor(r, c))
        if count < 3:
            break
        r += 1
    return r


def _wide_slots(grid: Grid, header: Header, sink: Sink) -> list[Slot]:
    """Slots in header order: fields, budget leaves, and a target+completion pair per category."""
    slots: list[Slot] = []
    rows = header.rows
    group_spans: list[tuple[int, range]] = []  # (header row index, columns) of each category
    for i, r in enumerate(rows):
        anchors = [(c, t) for c, t in enumerate(grid.rows[r]) if t and grid.is_anchor(r, c)]
        for j, (c, t) in enumerate(anchors):
            key = lookup(t)
            if key is None:
                continue
            end = anchors[j + 1][0] if j + 1 < len(anchors) else 10**6
            span = range(c, end)
            if key.field == "level":
                # a category with columns of its own: 数量指标 over 年度指标值|完成情况, or 产出指标
                # straight over them when the table has no 二级 split
                if key.level2 or (key.level1 and not _has_level_child(grid, rows[i + 1 :], span)):
                    group_spans.append((i, span))
                    level1 = key.level1 or level_of(key.level2)[0]
                    for kind, col in _group_fields(grid, rows[i + 1 :], span):
                        slots.append(Slot(kind, col, level1, key.level2, key.text, group=c))
                continue
            if key.field in ("indicator", "weight", "points", "reason") and any(
                c in g_span for g_row, g_span in group_spans if g_row < i
            ):
                continue  # leaves of a category group, read through _group_fields
            if key.field in ("target", "completion", "container", "budget_section"):
                continue
            if key.field == "budget" and _has_budget_child(grid, rows[i + 1 :], span):
                continue
            level2, label = key.level2, key.text
            if key.field == "budget" and not level2:
                level2, parent = _budget_parent(grid, rows[:i], c)
                label = f"{parent}/{label}" if parent else label
            kind = (
                key.field
                if key.field
                in (
                    "seq",
                    "unit",
                    "project",
                    "project_code",
                    "budget",
                    "goal",
                    "goal_done",
                    "section",
                )
                else "other"
            )
            slots.append(
                Slot(kind, c, key.level1, level2, label, key.money_unit or header.money_unit)
            )
    slots.sort(key=lambda s: s.col)
    return slots


def _group_fields(grid: Grid, lower_rows: list[int], span: range) -> list[tuple[str, int]]:
    """Fields of one category's columns: target+completion, or what the leaves below say.

    Flattened headers may not sit over their data, so the leaves are trusted only when they
    add an indicator name, weight, points or reason column and list each field once.
    """
    default = [("target", span.start), ("completion", span.start + 1)]
    fields: list[str] = []
    cols: list[int] = []
    for r in lower_rows[:1]:
        for c in span:
            if c >= len(grid.rows[r]):
                break
            key = lookup(grid.text(r, c)) if grid.text(r, c) else None
            if key is None or not grid.is_anchor(r, c):
                continue
            if key.field in fields or key.field not in (
                "indicator",
                "target",
                "completion",
                "weight",
                "points",
                "reason",
            ):
                break
            fields.append(key.field)
            cols.append(c)
    extra = {"indicator", "weight", "points", "reason"} & set(fields)
    if extra and "target" in fields and "completion" in fields:
        return list(zip(fields, cols, strict=True))
    return default


def _has_level_child(grid: Grid, lower_rows: list[int], span: range) -> bool:
    """Is there a 二级 category header below, inside this 一级 header's columns?"""
    for r in lower_rows:
        for c in span:
            if c >= len(grid.rows[r]):
                break
            key = lookup(grid.text(r, c)) if grid.text(r, c) else None
            if key and key.field == "level" and key.level2:
                return True
    return False


def _has_budget_child(grid: Grid, lower_rows: list[int], span: range) -> bool:
    for r in lower_rows:
        for c in span:
            if c >= len(grid.rows[r]):
                break
            key = lookup(grid.text(r, c)) if grid.text(r, c) else None
            if key and key.field == "budget":
                return True
    return False


def _budget_parent(grid: Grid, upper_rows: list[int], col: int) -> tuple[str, str]:
    """(figure, header text) of the budget header above a 合计-like sub-header."""
    for r in reversed(upper_rows):
        for c in range(col, -1, -1):
            text = grid.filled(r, c)
            if text:
                key = lookup(text)
                if key and key.field == "budget" and key.level2:
                    return key.level2, text
                break
    return "", ""


def fit(slot: Slot, text: str) -> float:
    """How well a cell text fits a slot, by content alone (used to align misplaced cells)."""
    return _fit(slot.kind, slot.level2, text)


@lru_cache(maxsize=1 << 16)  # bounded: keyed by cell text
def _fit(kind: str, level2: str, text: str) -> float:
    num = is_number(text)
    pct = num and text.strip().endswith("%")
    if kind == "seq":
        return 2.0 if re.fullmatch(r"\d{1,4}", text.strip()) else -2.0
    if kind == "budget":
        if level2 == "执行率":
            return 3.0 if pct else (0.0 if num else -3.0)
        if pct:
            return -2.0
        return 2.0 if num else (0.0 if text.strip() in ("/", "-", "—", "——", "") else -3.0)
    score = 1.0
    if num and kind not in ("target", "completion"):
        score -= 2.0
    mention = mentioned_level2(text)
    if kind in ("target", "completion", "indicator"):
        if mention:
            score += 2.0 if mention == level2 else -2.0
    elif kind in ("section", "other"):
        if mention == "满意度":
            score -= 2.0
        if len(text.strip()) <= 4:
            score += 0.5
    elif kind == "unit":
        score += 1.0 if UNIT_SUFFIX.search(text.strip()) else -0.5
    elif kind in ("goal", "goal_done") and mention == "满意度" and len(text) < 20:
        score -= 1.0
    return score


def _align(
    items: list[tuple[int, list[str]]],
    slots: list[tuple[int, Slot]],
    skip_item: float,
    bonus: float,
):
    """Monotone alignment of items (column, texts) to slots (column, slot) maximising fit.

    Returns (score, mapping item index -> slot index). Skipping a slot is free; skipping an
    item costs `skip_item`; an item in the slot's own column earns `bonus`.
    """
    n, m = len(items), len(slots)
    neg = -1e18
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        best[0][j] = 0.0
    for i in range(1, n + 1):
        best[i][0] = best[i - 1][0] - skip_item
        move[i][0] = 1
        col, texts = items[i - 1]
        for j in range(1, m + 1):
            scol, slot = slots[j - 1]
            s = sum(fit(slot, t) for t in texts) / max(1, len(texts))
            s += bonus if scol == col else 0.0
            options = (
                (best[i - 1][j - 1] + s, 0),
                (best[i - 1][j] - skip_item, 1),
                (best[i][j - 1], 2),
            )
            best[i][j], move[i][j] = max(options)
    mapping: dict[int, int] = {}
    i, j = n, m
    while i > 0:
        step = move[i][j]
        if j == 0 or step == 1:
            i -= 1
        elif step == 0:
            mapping[i - 1] = j - 1
            i, j = i - 1, j - 1
        else:
            j -= 1
    return best[n][m], mapping


def read_wide(grid: Grid, header: Header, data_rows: list[int], sink: Sink, ctx: Context) -> None:
    """One project per row; indicator categories as target|completion column pairs.

    The header's cells need not sit above the data columns (flattened merged headers): header
    slots are aligned to the data columns by order and content, and a row with more or fewer
    cells than the others is re-aligned on its own, with lower confidence and a note.
    """
    slots = _wide_slots(grid, header, sink)
    if not data_rows or not slots:
        for r in data_rows:
            for c, t in enumerate(grid.rows[r]):
                if t:
                    sink.unplace(r, c, t, "wide table without usable header")
        return

    def anchors(r):
        return [(c, t) for c, t in enumerate(grid.rows[r]) if t and grid.is_anchor(r, c)]

    # The table's width: the last column that at least 40% of the rows reach. Rows that end
    # short of it (empty tail cells) or beyond it (a cell too many) are checked one by one.
    last_of = {r: max(c for c, _ in anchors(r)) for r in data_rows}
    lasts = sorted(last_of.values(), reverse=True)
    modal_last = lasts[max(0, math.ceil(0.4 * len(lasts)) - 1)]
    typical = {r for r in data_rows if last_of[r] == modal_last} or set(data_rows)
    columns: dict[int, list[str]] = {}
    for r in data_rows:
        for c, t in anchors(r):
            if c <= modal_last and (r in typical or c not in columns):
                columns.setdefault(c, []).append(t)
    # a sample of each column is enough to place it, and keeps big tables linear
    items = sorted((c, texts[:50]) for c, texts in columns.items())
    _, mapping = _align(items, [(s.col, s) for s in slots], skip_item=1.0, bonus=0.3)
    model = {items[i][0]: slots[j] for i, j in mapping.items()}  # data column -> slot
    model_slots = sorted(model.items())
    unit_col = next((c for c, s in model_slots if s.kind == "unit"), None)
    # the unit of each row: its own cell, the cell merged over it, the block's only unit
    # (the seed writes it once, mid-block), else the last one above (a flattened merge)
    written = [grid.filled(r, unit_col) if unit_col is not None else "" for r in data_rows]
    distinct = set(filter(None, written))
    row_units, last = {}, ""
    for r, text in zip(data_rows, written, strict=True):
        last = text or last
        row_units[r] = text or (next(iter(distinct)) if len(distinct) == 1 else last)

    for r in data_rows:
        block_unit = row_units[r]
        cells = anchors(r)
        slot_at = {mc: idx for idx, (mc, _) in enumerate(model_slots)}
        positional = {i: slot_at[c] for i, (c, _) in enumerate(cells) if c in slot_at}
        last = max(c for c, _ in cells)
        note = ""
        mapping_r = positional
        # A row shaped like the others is read by position even when its content looks odd
        # (that is a finding for the rules, not a reading decision); a row that ends in another
        # column than the others has extra or missing cells: re-align it by content.
        if last != modal_last:
            _, realigned = _align(
                [(c, [t]) for c, t in cells], model_slots, skip_item=1.5, bonus=0.3
            )
            if realigned == positional:
                _emit_wide_row(grid, r, cells, positional, model_slots, sink, ctx, block_unit, "")
                continue  # only trailing cells are empty: nothing moved
            mapping_r = realigned
            moved = sorted(
                (cells[i][0], model_slots[j][0])
                for i, j in realigned.items()
                if cells[i][0] != model_slots[j][0]
            )
            dropped = [cells[i][0] + 1 for i in range(len(cells)) if i not in realigned]
            parts = [say("realigned", last=last + 1, modal=modal_last + 1)]
            if moved:
                step = moved[0][0] - moved[0][1]
                direction = "moved_left" if step > 0 else "moved_right"
                parts.append(say(direction, col=moved[0][0] + 1, n=abs(step)))
            if dropped:
                parts.append(say("dropped", cols=",".join(map(str, dropped))))
            note = "; ".join(parts)
        _emit_wide_row(grid, r, cells, mapping_r, model_slots, sink, ctx, block_unit, note)


def _emit_wide_row(
    grid, r, cells, mapping, model_slots, sink: Sink, ctx: Context, block_unit: str, note: str
) -> None:
    conf = REALIGNED_CONFIDENCE if note else 1.0
    local = Context(**vars(ctx))
    by_slot: dict[int, tuple[int, str]] = {}
    for i, (c, t) in enumerate(cells):
        if i not in mapping:
            sink.unplace(
                r,
                c,
                t,
                "extra cell: the row has more cells than the header; re-aligned by content"
                if note
                else "no header slot for this cell",
            )
            continue
        by_slot[mapping[i]] = (c, t)
    unit = block_unit
    for j, (c, t) in sorted(by_slot.items()):
        slot = model_slots[j][1]
        if slot.kind == "seq":
            sink.consume(r, c, t, "seq")
        elif slot.kind in ("project", "project_code"):
            local.project = t
        elif slot.kind == "unit":
            unit = t
    local.project_unit = unit or local.project_unit
    for j, (c, t) in sorted(by_slot.items()):
        if model_slots[j][1].kind in ("project", "project_code", "unit"):
            sink.consume(r, c, t, "metadata")
    pairs: dict[tuple[str, str, int], dict] = {}
    out: list[dict] = []
    pending_goal = None
    for j, (c, t) in sorted(by_slot.items()):
        slot = model_slots[j][1]
        if slot.kind in ("seq", "project", "project_code", "unit"):
            continue
        common = {"confidence": conf, "note": note}
        if slot.kind == "budget":
            row = budget_record(
                local, sink, slot.level2 or slot.label, slot.label, t, r, c, slot.money_unit
            )
            row.update(common)
            out.append(row)
        elif slot.kind == "goal":
            pending_goal = new_row(
                local, sink, level1="总体", target=t, target_source=sink.src(r, c), **common
            )
            out.append(pending_goal)
        elif slot.kind == "goal_done":
            if pending_goal is not None:
                pending_goal.update(completion=t, source=sink.src(r, c))
            else:
                out.append(
                    new_row(
                        local, sink, level1="总体", completion=t, source=sink.src(r, c), **common
                    )
                )
        elif slot.kind in ("target", "completion", "indicator", "weight", "points", "reason"):
            group = (slot.level1, slot.level2, slot.group)
            row = pairs.get(group)
            if row is None:
                row = new_row(local, sink, level1=slot.level1, level2=slot.level2, **common)
                pairs[group] = row
                out.append(row)
            if slot.kind == "target":
                row.update(target=t, target_source=sink.src(r, c))
            elif slot.kind == "completion":
                row.update(completion=t, source=sink.src(r, c))
            elif slot.kind in ("weight", "points") and not math.isnan(number(t)):
                row[slot.kind] = number(t)
            elif slot.kind in ("weight", "points"):
                row["note"] = "; ".join(filter(None, [row.get("note", ""), f"{slot.kind}: {t}"]))
            else:
                row[slot.kind] = t
        elif slot.kind == "section":
            out.append(
                new_row(
                    local,
                    sink,
                    level1=slot.level1,
                    level2=slot.level2,
                    completion=t,
                    source=sink.src(r, c),
                    **common,
                )
            )
        else:
            out.append(
                new_row(
                    local,
                    sink,
                    level1="说明",
                    indicator=slot.label,
                    completion=t,
                    source=sink.src(r, c),
                    **common,
                )
            )
    sink.rows.extend(out)
