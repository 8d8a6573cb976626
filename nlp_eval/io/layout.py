"""Grid -> tidy rows: titles, key/value cells and long/block tables (wide tables: wide.py).

One pass over the rows of a grid. A row whose cells are (mostly) known headers starts a table
region; the rows below it are read under that header until a row starts something else
(a key such as 项目名称 / 总分 / 存在问题, or a new header). Rows outside any table region are
key/value rows (项目名称 | X | 主管部门 | Y), titles, money-unit lines or free notes (说明).

Every non-empty cell ends in exactly one of: a field of an emitted row, `consumed` (a header,
title, level label or metadata cell whose meaning went into other columns), or `unplaced`
(with a reason). tests/test_io_invariant.py checks this on every fixture.
"""

from __future__ import annotations

import math
import re
from functools import cache

from nlp_eval import lexicon
from nlp_eval.io.grids import Grid
from nlp_eval.io.headers import (
    COLUMN_FIELDS,
    INDICATOR_FIELDS,
    MONEY_UNITS,
    Key,
    is_indicator_kind,
    keyword_field,
    level_of,
    lookup,
    money_unit_line,
    normalize,
    simplified,
)
from nlp_eval.io.notes import say
from nlp_eval.io.rows import (
    ColumnSpec,
    Context,
    Header,
    Sink,
    budget_record,
    clean_unit,
    is_number,
    looks_like_title,
    new_row,
    number,
    title_info,
    year_of_code,
)
from nlp_eval.io.wide import read_wide, wide_block_end

# A key cell met outside its own column ends a table region and is read as key/value.
STOP_FIELDS = frozenset(
    {
        "project",
        "project_code",
        "unit",
        "dept",
        "goal",
        "goal_done",
        "section",
        "budget_section",
        "container",
    }
)
# a short cell that names something (…单位, …部门, …负责人, …日期) rather than saying it
_KEY_LIKE = re.compile(
    r"\S{0,8}(单位|部门|名称|代码|编码|负责人|联系人|经办人|填报人|填表人|审核人|电话|日期|时间|地点)"
)
_PLACEHOLDER = re.compile(r"[.。…·\-—_*＊xX×]+|略|待填|空")


def _keys_of(cells: list[tuple[int, str]]) -> list[Key | None]:
    return [lookup(t) for _, t in cells]


def is_header_row(cells: list[tuple[int, str]], keys: list[Key | None], continuing: bool) -> bool:
    """Mostly known headers, at least one of them a column header, nothing that looks like data."""
    known = [k for k in keys if k]
    if len(known) < 2 and not (continuing and known and len(cells) == len(known)):
        return False
    # 一级指标 | 二级指标 | 三级指标 | 年初指标值 | 全年实际完成值: the indicator columns make it a
    # header whatever wording its value columns have (they are read by wording or contents)
    names_indicators = sum(1 for k in known if k.field in INDICATOR_FIELDS) >= 2
    if len(known) / len(cells) < 0.6 and not names_indicators:
        return False
    for (_, text), key in zip(cells, keys, strict=True):
        if key is None and (len(text) > 16 or is_number(text)):
            return False
    fields = {k.field for k in known}
    if fields & (COLUMN_FIELDS - {"project", "unit", "dept", "goal"}):
        return True
    # a row of category names only (数量指标 | 质量指标 …) continues a header; the caller
    # rules out category cells that sit in the 一级/二级 columns of an indicator table
    return continuing and len(known) == len(cells) and all(k.field == "level" for k in known)


def build_header(grid: Grid, header_rows: list[int]) -> Header | None:
    """Combine header rows column by column (merged cells fill their range); decide the kind."""
    width = max(len(grid.rows[r]) for r in header_rows)
    columns: dict[int, ColumnSpec] = {}
    level_keys = 0
    money = ""
    header_fields = {
        k.field for r in header_rows for t in grid.rows[r] if t and (k := lookup(t)) is not None
    }
    indicator_like = bool(header_fields & INDICATOR_FIELDS)
    # unlisted wordings are guessed in indicator and goal tables (目标实际完成情况)
    guess_wording = indicator_like or bool(header_fields & {"goal", "goal_done"})
    for c in range(width):
        stack = [lookup(grid.filled(r, c)) for r in header_rows]
        stack = [k for k in stack if k]
        if not stack:
            # a header the lexicon does not know (完成率(B/A), 备注说明 …): in an indicator table
            # its wording may still name the field (年初指标值, 全年实际完成值); else its cells
            # are kept as notes under that header's name rather than lost
            texts = [grid.filled(r, c) for r in header_rows if grid.filled(r, c)]
            if texts:
                label = "/".join(dict.fromkeys(texts))
                guess = keyword_field(texts[-1]) if guess_wording else ""
                columns[c] = (
                    ColumnSpec(guess, label=label, inferred="wording")
                    if guess
                    else ColumnSpec("extra", label=label)
                )
            continue
        spec = None
        level1 = level2 = unit = ""
        labels = []
        for key in stack:
            labels.append(key.text)
            if key.money_unit:
                unit = key.money_unit
            if key.field == "level":
                level1 = key.level1 or level1
                level2 = key.level2 or level2
            elif key.field in ("container", "budget_section"):
                if key.field == "budget_section" and spec is None:
                    spec = ColumnSpec("budget_section")
            else:
                inherited = spec.level2 if spec and spec.field == key.field else ""
                spec = ColumnSpec(key.field, key.level1, key.level2 or inherited)
        if spec is None and (level1 or level2):
            spec = ColumnSpec("level_group")
        if spec is None and any(k.field == "container" for k in stack):
            spec = ColumnSpec("container")  # 指标 | 绩效指标 heading a column of its own
        if spec is None:
            continue
        spec.level1 = spec.level1 or level1 or (level_of(level2)[0] if level2 else "")
        spec.level2 = spec.level2 or level2 if spec.field != "budget" else spec.level2
        spec.money_unit = unit
        spec.label = "/".join(dict.fromkeys(labels))
        money = money or unit
        columns[c] = spec
    for r in header_rows:
        for t in grid.rows[r]:
            k = lookup(t) if t else None
            if k and k.field == "level":
                level_keys += 1
    _drop_doubled_guesses(columns)
    fields = {s.field for s in columns.values()}
    if indicator_like or fields & INDICATOR_FIELDS:  # listed, or guessed (考核内容)
        _goal_headers_as_values(columns)
        _reason_after_scores(columns)
        fields = {s.field for s in columns.values()}
    has_values = bool(fields & {"target", "completion"})
    if (fields & {"project", "seq"}) and level_keys >= 2 and has_values:
        kind = "wide"
    elif fields & INDICATOR_FIELDS and (has_values or fields & {"indicator", "extra"}):
        kind = "indicator"
    elif (has_values or fields & {"goal", "goal_done"}) and _names_left_of_values(columns):
        # 考核内容 | 年度目标 | 实际完成: an unlisted column naming each row left of the values
        # makes indicator rows, never one goal pair per row
        _goal_headers_as_values(columns)
        kind = "indicator"
    elif fields & {"project", "project_code"} and len(fields) >= 3:
        kind = "record"
    elif has_values or fields & {"goal_done"}:
        kind = "goal"
    elif "budget" in fields:
        kind = "budget"
    else:
        return None
    return Header(header_rows, columns, kind, money)


def _drop_doubled_guesses(columns: dict[int, ColumnSpec]) -> None:
    """A wording guess that a listed header (or an earlier guess) already fills stays a note
    column: 完成率(B/A) beside 实际完成值 is not a second completion."""
    taken = {s.field for s in columns.values() if not s.inferred}
    for c in sorted(columns):
        spec = columns[c]
        if spec.inferred != "wording":
            continue
        if spec.field in taken:
            spec.field, spec.inferred = "extra", ""
        else:
            taken.add(spec.field)


def _reason_after_scores(columns: dict[int, ColumnSpec]) -> None:
    """The national template's last column, after 分值/得分, holds the deviation reasons: a
    说明 column there (not listed as a reason) is the reason column when there is none."""
    fields = {s.field for s in columns.values()}
    scores = [c for c, s in columns.items() if s.field in ("weight", "points")]
    last = max(columns, default=-1)
    if "reason" in fields or not scores or last < max(scores):
        return
    spec = columns[last]
    if spec.field in ("explain", "extra") and "说明" in simplified(spec.label):
        spec.field, spec.inferred = "reason", spec.inferred or "wording"


def _goal_headers_as_values(columns: dict[int, ColumnSpec]) -> None:
    """绩效目标 / 目标完成情况 in an indicator header row head the per-indicator columns."""
    fields = {s.field for s in columns.values()}
    for spec in columns.values():
        if spec.field == "goal" and "target" not in fields:
            spec.field = "target"
        elif spec.field == "goal_done" and "completion" not in fields:
            spec.field = "completion"


def _names_left_of_values(columns: dict[int, ColumnSpec]) -> bool:
    """An unlisted (or 指标) header left of the first value column: it names the indicators.

    A goal block's own label (年度总体目标, 总体目标完成情况说明) names a goal, not indicators.
    """
    values = ("target", "completion", "goal", "goal_done")
    first = min(c for c, s in columns.items() if s.field in values)
    left = [
        c
        for c, s in columns.items()
        if c < first
        and s.field in ("extra", "container")
        and len(s.label) <= 8
        and "目标" not in simplified(s.label)
    ]
    for c in left[-1:]:
        columns[c].field = "indicator"
        columns[c].inferred = columns[c].inferred or "wording"
        columns[c].label = columns[c].label or "指标"
    return bool(left)


# ------------------------------------------------------------------ the reader


def read_grid(grid: Grid, sink: Sink, doc_ctx: Context) -> Context:
    """Read one grid into sink; return the context at its end (title and money unit carry on)."""
    ctx = Context(**vars(doc_ctx))
    header_rows: list[int] = []
    header: Header | None = None
    pending_goal: dict | None = None
    r = 0
    n = len(grid.rows)
    while r < n:
        cells = [(c, t) for c, t in enumerate(grid.rows[r]) if t and grid.is_anchor(r, c)]
        if not cells:
            r += 1
            continue
        keys = _keys_of(cells)
        continuing = bool(header_rows) and header_rows[-1] == r - 1
        if continuing and header is not None and header.kind == "indicator":
            # 产出指标 | 数量指标 right under 一级指标 | 二级指标 is a (blank) indicator row
            continuing = not all(
                header.columns.get(c) and header.columns[c].field in ("level1", "level2")
                for c, _ in cells
            )
        if is_header_row(cells, keys, continuing) or (
            continuing and header is not None and _names_columns(cells, keys)
        ):
            header_rows = header_rows + [r] if continuing else [r]
            for c, t in cells:
                sink.consume(r, c, t, "header")
            header = build_header(grid, header_rows)
            r += 1
            continue
        if header is not None and header.kind == "wide":
            end = wide_block_end(grid, r)
            read_wide(grid, header, list(range(r, end)), sink, ctx)
            header, header_rows = None, []
            r = end
            continue
        if header is not None and header.kind == "indicator" and not header.contents_checked:
            _infer_by_contents(grid, header, r, sink)
        if header is not None and header.kind == "indicator" and _is_total(keys[0]):
            _score_row(r, cells, header, sink, ctx)
            header, header_rows = None, []  # the scores close the indicator table
            r += 1
            continue
        if header is not None and header.kind == "goal" and _section_label(header, cells):
            header, header_rows = None, []  # 三、年度绩效指标完成情况: the goal table ended
        if header is not None and _is_data_row(header, cells, keys):
            if header.kind == "indicator":
                _indicator_row(grid, r, cells, header, sink, ctx)
            elif header.kind == "budget":
                _budget_row(r, cells, header, sink, ctx)
            elif header.kind == "goal":
                pending_goal = _goal_row(r, cells, header, sink, ctx, pending_goal)
            elif header.kind == "record":
                _record_row(grid, r, cells, header, sink, ctx)
            r += 1
            continue
        header, header_rows = None, []
        pending_goal = _kv_row(r, cells, keys, sink, ctx, pending_goal)
        r += 1
    return ctx


def _section_label(header: Header, cells: list[tuple[int, str]]) -> bool:
    """A short cell alone on its row, outside the goal's value columns: the next section's label,
    never a goal pair (年度绩效指标完成情况 merged across the row under 预期目标 | 实际完成情况)."""
    if len(cells) != 1 or len(cells[0][1]) > 20:
        return False
    fields = {s.field for s in header.columns.values()}
    # 年度总体目标完成情况 may head the row-label column when 实际完成情况 heads the values
    values = {"target", "completion"} if "completion" in fields else {"target", "goal_done"}
    spec = header.columns.get(cells[0][0])
    return spec is None or spec.field not in values


def _names_columns(cells: list[tuple[int, str]], keys: list[Key | None]) -> bool:
    """Under a first header row, a row of short column names (全年目标 | 实际完成): its second row."""
    return len(cells) >= 2 and all(
        (key is not None and key.field != "level")
        or (len(t) <= 16 and not is_number(t) and keyword_field(t))
        for (_, t), key in zip(cells, keys, strict=True)
    )


# a bare number with no unit or percent sign: a weight or points cell
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_COMPARATOR_CELL = re.compile(
    r"^(?:[=＝﹦═≥≤≧≦><]=?|>=|<=|大于等于|小于等于|大于|小于|等于|不低于|不高于)$"
)
INFERRED_CONFIDENCE = {"wording": 0.9, "contents": 0.8}


def _infer_by_contents(grid: Grid, header: Header, start: int, sink: Sink) -> None:
    """Fields of an indicator table's unlisted columns from what the rows below hold.

    Right of the indicator names: a column of unit words is the unit of measure, one of
    comparators the 指标性质, one of small bare numbers summing to about 100 the weights (then
    the points), and the first column of values the target, the next the completion. A
    column whose wording gave its field (header_keywords.tsv) is only reported here.
    """
    header.contents_checked = True
    cols = header.columns
    names = [c for c, s in cols.items() if s.field in INDICATOR_FIELDS]
    if not names:
        return
    texts: dict[int, list[str]] = {}
    for r in range(start, len(grid.rows)):
        cells = [(c, t) for c, t in enumerate(grid.rows[r]) if t and grid.is_anchor(r, c)]
        if not cells:
            continue
        keys = _keys_of(cells)
        if _is_total(keys[0]) or (keys[0] is not None and keys[0].field in STOP_FIELDS):
            break
        if is_header_row(cells, keys, False):
            break
        for c, t in cells:
            if c > max(names):
                texts.setdefault(c, []).append(t)
    fields = {s.field for s in cols.values()}
    for c in sorted(texts):
        spec = cols.get(c)
        column = texts[c]
        if spec is not None and spec.field == "unit" and all(_unit_word(t) for t in column):
            spec.field, spec.inferred = "uom", "contents"  # 单位 | % in an indicator table
            fields.add("uom")
            continue
        if spec is not None and spec.field != "extra":
            continue
        field = ""
        if all(_unit_word(t) for t in column) and "uom" not in fields:
            field = "uom"
        elif all(_COMPARATOR_CELL.match(t) or is_indicator_kind(t) for t in column):
            field = "op" if "op" not in fields else ""
        elif _weights(column):
            field = next((f for f in ("weight", "points") if f not in fields), "")
        elif "target" not in fields:
            field = "target"
        elif "completion" not in fields:
            field = "completion"
        if field:
            label = spec.label if spec is not None else ""
            cols[c] = ColumnSpec(field, label=label or field, inferred="contents")
            fields.add(field)
    first = min(header.rows[-1:] or [start])
    for c, spec in sorted(cols.items()):
        if spec.inferred:
            key = "by_wording" if spec.inferred == "wording" else "by_contents"
            header_text = spec.label if spec.label != spec.field else ""
            sink.inferred.append(
                (
                    f"{sink.sheet}:{first + 1}:{c + 1}",
                    say(key, col=c + 1, header=header_text, role=spec.field),
                )
            )


def _unit_word(text: str) -> bool:
    """%, 万元, 人次 …: a unit of measure of lexicons/units.tsv alone in a cell (a 度量单位 cell)."""
    return simplified(text).strip() in _unit_words()


@cache
def _unit_words() -> frozenset[str]:
    return frozenset(row["unit"] for row in lexicon.table("units.tsv")) | {"％"}


def _weights(column: list[str]) -> bool:
    """Small bare numbers summing to about 100 (or the 90 of the indicators beside the budget)."""
    if not column or not all(_BARE_NUMBER.match(t) for t in column):
        return False
    values = [float(t) for t in column]
    return max(values) <= 60 and 80 <= sum(values) <= 110


def _is_data_row(header: Header, cells: list[tuple[int, str]], keys: list[Key | None]) -> bool:
    """Does this row belong to the table region under `header`?"""
    if not any(c in header.columns for c, _ in cells):
        return False
    c0, key0 = cells[0][0], keys[0]
    if key0 is None and (inline := _inline_key(cells[0][1])):
        key0 = inline[0]  # 项目名称：XXX in one cell starts the next block too
        if key0.field in STOP_FIELDS:
            return False
    if key0 is None or key0.field not in STOP_FIELDS:
        return True
    # a key such as 项目名称 / 存在问题 / 总分 starts something else, unless it sits in its own
    # column of a one-record-per-row table
    spec = header.columns.get(c0)
    return spec is not None and header.kind == "record" and spec.field == key0.field


# ------------------------------------------------------------------ key/value rows


def _kv_row(r, cells, keys, sink: Sink, ctx: Context, pending_goal):
    """项目名称 | X | 主管部门 | Y …, a title, a money-unit line or a free note."""
    if len(cells) == 1 and keys[0] is None:
        c, text = cells[0]
        if unit := money_unit_line(text):
            ctx.money_unit = unit
            sink.consume(r, c, text, "metadata")
            return pending_goal
        if inline := _inline_key(text):
            key, value = inline
            return _apply_key(key, [(r, c, value)], sink, ctx, pending_goal, whole=text)
        if looks_like_title(text):
            info = title_info(text)
            ctx.title_project = str(info.get("project", ""))
            ctx.year = info.get("year", ctx.year)  # type: ignore[assignment]
            ctx.unit = str(info.get("unit", ctx.unit))
            ctx.region = str(info.get("region", ctx.region))
            sink.consume(r, c, text, "title")
            return pending_goal
        sink.rows.append(new_row(ctx, sink, level1="说明", completion=text, source=sink.src(r, c)))
        return pending_goal
    i = 0
    while i < len(cells):
        c, text = cells[i]
        key = keys[i]
        if key is None and _KEY_LIKE.fullmatch(text) and i + 1 < len(cells) and keys[i + 1] is None:
            # an unlisted key (联系人 | 张三, 项目负责人 | 李四): its value becomes a note row
            c2, value = cells[i + 1]
            sink.consume(r, c, text, "header")
            sink.rows.append(
                new_row(
                    ctx,
                    sink,
                    level1="说明",
                    indicator=text,
                    completion=value,
                    source=sink.src(r, c2),
                )
            )
            i += 2
            continue
        if key is None:
            inline = _inline_key(text)
            if unit := money_unit_line(text):
                ctx.money_unit = unit
                sink.consume(r, c, text, "metadata")
            elif inline:
                pending_goal = _apply_key(
                    inline[0], [(r, c, inline[1])], sink, ctx, pending_goal, whole=text
                )
            elif len(cells) > 1 and not any(keys):
                sink.rows.append(
                    new_row(ctx, sink, level1="说明", completion=text, source=sink.src(r, c))
                )
            else:
                sink.unplace(r, c, text, "no header or key for this cell")
            i += 1
            continue
        j = i + 1
        values = []
        while (
            j < len(cells)
            and keys[j] is None
            and not _inline_key(cells[j][1])
            and not _KEY_LIKE.fullmatch(cells[j][1])
        ):
            values.append((r, cells[j][0], cells[j][1]))
            j += 1
        sink.consume(r, c, text, "header")
        pending_goal = _apply_key(key, values, sink, ctx, pending_goal)
        i = j
    return pending_goal


def _inline_key(text: str) -> tuple[Key, str] | None:
    """项目名称：XXX written in one cell -> (Key, 'XXX')."""
    m = re.match(r"^([^:：\n]{2,12})[:：]\s*(.+)$", text.strip(), re.S)
    if not m:
        return None
    key = lookup(m.group(1))
    if key is None or key.field in ("level", "container"):
        return None
    return key, m.group(2).strip()


def _apply_key(key: Key, values, sink: Sink, ctx: Context, pending_goal, whole: str = ""):
    """Apply a key and the value cells that follow it in a key/value row."""
    text = " ".join(v for _, _, v in values)
    first = values[0][:2] if values else None

    def consumed(role="metadata"):
        for r, c, v in values:
            sink.consume(r, c, whole or v, role)

    def note_row(completion: str) -> None:
        # a 说明 row named by the key cell's own text (主管部门, 项目编码, 备注 …)
        sink.rows.append(
            new_row(
                ctx,
                sink,
                level1="说明",
                indicator=key.text,
                completion=completion,
                source=sink.src(*first),
            )
        )

    f = key.field
    if key.money_unit:
        ctx.money_unit = key.money_unit
    if not values:
        return pending_goal
    if f == "project_code" and ctx.project_key == "project":
        # 项目名称 | X | 项目编码 | 123: the name names the project, the code is kept as a note
        ctx.year = ctx.year or year_of_code(text)
        note_row(text)
        _whole(sink, whole, values)
        return pending_goal
    if f in ("project", "project_code"):
        ctx.project = text
        ctx.project_key = f
        ctx.project_unit = ctx.dept = ""
        ctx.level1 = ctx.level2 = ""
        ctx.level1_written = False
        consumed()
        return None
    if f == "unit" and text in MONEY_UNITS:  # 单位 | 万元
        ctx.money_unit = text
        consumed()
        return pending_goal
    if f == "unit":
        # the unit's name only; what the cell says after it (负责人, 联系电话, ☑ 项目类型) is a note
        ctx.project_unit, rest = clean_unit(text)
        consumed()
        if rest:
            note_row(rest)
        return pending_goal
    if f == "dept":
        # 主管部门 stands in for the unit when no 实施单位 is given; its name is kept as a note row
        ctx.dept = text
        note_row(text)
        _whole(sink, whole, values)
        return pending_goal
    if f == "region":
        ctx.region = text
        consumed()
        return pending_goal
    if f in ("goal", "target"):
        row = new_row(ctx, sink, level1="总体", target=text, target_source=sink.src(*first))
        sink.rows.append(row)
        _whole(sink, whole, values)
        return row
    if f in ("goal_done", "completion"):
        if (
            pending_goal is not None
            and not pending_goal.get("completion")
            and pending_goal["project"] == ctx.project
        ):
            pending_goal["completion"] = text
            pending_goal["source"] = sink.src(*first)
        else:
            sink.rows.append(
                new_row(ctx, sink, level1="总体", completion=text, source=sink.src(*first))
            )
        _whole(sink, whole, values)
        return None
    if f == "section":
        row = new_row(
            ctx,
            sink,
            level1=key.level1,
            level2=key.level2,
            completion=text,
            source=sink.src(*first),
        )
        if key.level2 == "总分":
            row["value"] = number(text)
        sink.rows.append(row)
        _whole(sink, whole, values)
        return pending_goal
    if f == "budget":
        for r, c, v in values:
            sink.rows.append(
                budget_record(ctx, sink, key.level2 or key.text, key.text, v, r, c, key.money_unit)
            )
        _whole(sink, whole, values)
        return pending_goal
    # a column header met outside a table (分值, 备注, 三级指标 …): a note row; a note written
    # as 备注：… in one cell is kept whole, as written
    note_row(whole or text)
    return pending_goal


def _whole(sink: Sink, whole: str, values) -> None:
    # 'key：value' in one cell: the cell text itself is not in the table, its value is.
    if whole:
        r, c, _ = values[0]
        sink.consume(r, c, whole, "metadata")


# ------------------------------------------------------------------ long / block tables


def _indicator_row(grid: Grid, r, cells, header: Header, sink: Sink, ctx: Context) -> None:
    values: dict[str, list[tuple[int, str]]] = {}
    for c, text in cells:
        spec = header.columns.get(c)
        if spec is None:
            sink.unplace(r, c, text, "no header above this column")
            continue
        if spec.field in ("level1", "level2", "level_group"):
            continue  # read below with merged fill
        values.setdefault(spec.field, []).append((c, text))
    # category columns: merged cells fill their range; flattened tables carry the last value down
    unknown: list[tuple[int, str]] = []
    for c, spec in header.columns.items():
        if spec.field not in ("level1", "level2"):
            continue
        text = grid.filled(r, c)
        anchor = grid.is_anchor(r, c) and bool(grid.text(r, c))
        if not text:
            continue
        l1, l2, w = level_of(text)
        if not l1 and not l2:
            if anchor:
                unknown.append((c, text))
            continue
        if anchor:
            sink.consume(r, c, text, "level")
        if spec.field == "level1":
            ctx.level1_written = True
            if anchor:
                ctx.level2 = ""
                ctx.level_weight = w
            ctx.level1 = l1
            if l2 and not any(s.field == "level2" for s in header.columns.values()):
                ctx.level2 = l2
        else:
            ctx.level2 = l2 if anchor else (l2 or ctx.level2)
            if l1:
                ctx.level1 = l1
    content = {f: v for f, v in values.items() if f not in ("seq",)}
    for c, t in values.get("seq", []):
        sink.consume(r, c, t, "seq")
    if not content:
        # a category cell that names no category and nothing else on the row: a note
        for c, t in unknown:
            sink.rows.append(new_row(ctx, sink, level1="说明", completion=t, source=sink.src(r, c)))
        return
    if set(content) <= {"weight", "points"}:
        # 产出指标 | | | 50 | 48: a category's subtotal, not an indicator (a 评价/小计 row); its
        # 分值 is the category weight for the rows below
        row = new_row(ctx, sink, level1="评价", level2="小计", indicator=ctx.level1)
        for f in ("weight", "points"):
            for c, t in values.get(f, []):
                v = number(t)
                row[f] = v
                row.setdefault("source", sink.src(r, c))
                if f == "weight" and not math.isnan(v):
                    ctx.level_weight = v
        row["value"] = row.get("points")
        sink.rows.append(row)
        return
    texts = [t for cells_of_field in content.values() for _, t in cells_of_field]
    # ……  left in an unused template row (no pair, a note that the row was there), or a row
    # with no indicator on it: every cell becomes a 说明 note under its column's header
    placeholders_only = all(_PLACEHOLDER.fullmatch(t) for t in texts)
    if placeholders_only or set(content) <= {"extra", "explain", "note"}:
        for cells_of_field in content.values():
            for c, t in cells_of_field:
                sink.rows.append(
                    new_row(
                        ctx,
                        sink,
                        level1="说明",
                        indicator=header.columns[c].label,
                        completion=t,
                        source=sink.src(r, c),
                    )
                )
        return
    extra_notes = [f"{header.columns[c].label}: {t}" for c, t in unknown]
    # project / unit columns: a cell merged down a block, or written once above the rows it
    # governs (a flattened export), applies to every row below it
    for c, spec in header.columns.items():
        if spec.field in ("project", "project_code", "unit"):
            text = " ".join(t for cc, t in values.get(spec.field, []) if cc == c) or grid.filled(
                r, c
            )
            if text:
                setattr(ctx, "project" if spec.field != "unit" else "project_unit", text)
    row = new_row(ctx, sink, level1=ctx.level1 or level_of(ctx.level2)[0], level2=ctx.level2)
    notes = list(extra_notes)
    has_level1 = any(s.field == "level1" for s in header.columns.values())
    if has_level1 and not ctx.level1_written and row["level1"]:
        # the 一级 cell was left blank (or merged away): the 二级 says which category it is
        notes.append(say("level1_from_level2", level1=row["level1"], level2=ctx.level2))
    if "dept" in values:
        notes.append("主管部门: " + " ".join(t for _, t in values["dept"]))
    row["indicator"] = " ".join(t for _, t in values.get("indicator", []))
    target_cells = values.get("target", [])
    # 指标性质 holds a comparator (≥, joined into the target) or the kind of indicator (定性,
    # a note): decided per cell by what it holds, never by the header
    ops = [(c, t) for c, t in values.get("op", []) if not is_indicator_kind(t)]
    notes.extend(say("kind", kind=t) for _, t in values.get("op", []) if is_indicator_kind(t))
    uoms = values.get("uom", [])
    row["target"] = " ".join(t for _, t in target_cells)
    if ops or uoms:
        # comparator, value, unit in that order whatever the column order (单位 | 指标值)
        parts = sorted(ops) + sorted(target_cells) + sorted(uoms)
        row["target"] = "".join(t for _, t in parts)
        cols = ",".join(str(c + 1) for c, _ in sorted(parts))
        notes.append(say("joined", cols=cols))
    for c, spec in sorted(header.columns.items()):
        if spec.inferred and c in {cc for cc, _ in cells}:
            key = "by_wording" if spec.inferred == "wording" else "by_contents"
            header_text = spec.label if spec.label != spec.field else ""
            notes.append(say(key, col=c + 1, header=header_text, role=spec.field))
            row["confidence"] = min(row.get("confidence", 1.0), INFERRED_CONFIDENCE[spec.inferred])
    anchor_target = target_cells or ops or uoms
    if anchor_target:
        row["target_source"] = sink.src(r, anchor_target[0][0])
    comp = values.get("completion", [])
    row["completion"] = " ".join(t for _, t in comp)
    if comp:
        row["source"] = sink.src(r, comp[0][0])
    for f in ("weight", "points"):
        for c, t in values.get(f, []):
            v = number(t)
            if math.isnan(v):
                notes.append(f"{header.columns[c].label}: {t}")
            else:
                row[f] = v
    if "weight" not in row and ctx.level_weight is not None:
        # the category's weight (产出指标(50分), a 小计 row) is not this row's 分值: copying it
        # would count the category once per blank row; say it, keep weight NaN
        notes.append(say("category_weight", weight=f"{ctx.level_weight:g}"))
    row["reason"] = " ".join(t for _, t in values.get("reason", []))
    for f in (
        "extra",
        "explain",
        "note",
        "budget",
        "goal",
        "goal_done",
        "section",
        "budget_section",
        "container",
    ):
        for c, t in values.get(f, []):
            notes.append(f"{header.columns[c].label}: {t}")
    if notes:
        row["note"] = "; ".join(notes)
    if not row.get("source") and not row.get("target_source"):
        first = next(iter(content.values()))[0][0]
        row["source"] = sink.src(r, first)
    sink.rows.append(row)


def _budget_row(r, cells, header: Header, sink: Sink, ctx: Context) -> None:
    figure_cols = [c for c, spec in header.columns.items() if spec.field == "budget"]
    first_figure = min(figure_cols) if figure_cols else 10**6
    label_cells, figures, extras = [], [], []
    for c, t in cells:
        spec = header.columns.get(c)
        if c < first_figure and (spec is None or spec.field != "budget"):
            label_cells.append((c, t))  # row label: 年度资金总额 / 其中:财政拨款 …
        elif spec is None:
            sink.unplace(r, c, t, "no header above this column")
        elif spec.field != "budget":
            extras.append((spec, c, t))
    label = " ".join(t for _, t in label_cells)
    for c, t in label_cells:
        sink.consume(r, c, t, "label")
    for c, t in cells:
        spec = header.columns.get(c)
        if spec is not None and spec.field == "budget":
            unit = spec.money_unit or header.money_unit
            figures.append(
                budget_record(
                    ctx, sink, spec.level2 or spec.label, label or spec.label, t, r, c, unit
                )
            )
    rate = next((f for f in figures if f["level2"] == "执行率"), figures[-1] if figures else None)
    for spec, c, t in extras:
        v = number(t)
        if spec.field in ("weight", "points") and rate is not None:
            if math.isnan(v):
                rate["note"] = "; ".join(filter(None, [rate.get("note", ""), f"{spec.label}: {t}"]))
            else:
                rate[spec.field] = v
        else:
            figures.append(
                new_row(
                    ctx,
                    sink,
                    level1="预算",
                    level2=spec.label,
                    indicator=label,
                    completion=t,
                    value=v,
                    source=sink.src(r, c),
                )
            )
    sink.rows.extend(figures)


def _is_total(key: Key | None) -> bool:
    """总分 / 合计 / 总计 at the start of a row closes an indicator table with its scores."""
    if key is None:
        return False
    return (key.field == "section" and key.level1 == "评价") or normalize(key.text)[0] in (
        "合计",
        "总计",
    )


def _score_row(r, cells, header: Header, sink: Sink, ctx: Context) -> None:
    """总分 | 100 | 92 | 优 under an indicator header: weight, points and the grade by column."""
    c0, t0 = cells[0]
    key = lookup(t0)
    sink.consume(r, c0, t0, "header")
    level2 = key.level2 if key and key.field == "section" else "总分"  # 合计/总计 rows too
    row = new_row(ctx, sink, level1="评价", level2=level2, source=sink.src(r, c0))
    texts = []
    for c, t in cells[1:]:
        spec = header.columns.get(c)
        v = number(t)
        if spec is not None and spec.field in ("weight", "points") and not math.isnan(v):
            row[spec.field] = v
            if spec.field == "points":
                row["value"] = v
                row["source"] = sink.src(r, c)
        else:
            texts.append(t)
    row["completion"] = " ".join(texts)
    sink.rows.append(row)


def _goal_row(r, cells, header: Header, sink: Sink, ctx: Context, pending):
    row = new_row(ctx, sink, level1="总体")
    notes = []
    for c, t in cells:
        spec = header.columns.get(c)
        if spec is None:
            sink.unplace(r, c, t, "no header above this column")
        elif spec.field in ("target", "goal"):
            row["target"] = (row.get("target", "") + " " + t).strip()
            row.setdefault("target_source", sink.src(r, c))
        elif spec.field in ("completion", "goal_done"):
            row["completion"] = (row.get("completion", "") + " " + t).strip()
            row.setdefault("source", sink.src(r, c))
        elif spec.field in ("weight", "points") and not math.isnan(number(t)):
            row[spec.field] = number(t)
        else:
            notes.append(f"{spec.label}: {t}")
            row.setdefault("source", sink.src(r, c))
    if notes:
        row["note"] = "; ".join(notes)
    sink.rows.append(row)
    return row


def _record_row(grid: Grid, r, cells, header: Header, sink: Sink, ctx: Context) -> None:
    """One project per row (项目编码 | 项目名称 | 申请单位 | 年度目标 …)."""
    by_field: dict[str, list[tuple[int, str]]] = {}
    for c, t in cells:
        spec = header.columns.get(c)
        if spec is None:
            sink.unplace(r, c, t, "no header above this column")
            continue
        by_field.setdefault(spec.field, []).append((c, t))
    local = Context(**vars(ctx))
    code = by_field.pop("project_code", [])
    name = by_field.pop("project", [])
    # the code joins this row with other tables (an indicator sheet keyed by 项目编码), so it
    # names the project; the name is then kept as a note row
    local.project = (code or name)[0][1] if code or name else ""
    for c, t in code or name:
        sink.consume(r, c, t, "metadata")
    if code:
        by_field.setdefault("note", []).extend(name)
    if "unit" in by_field:
        local.project_unit = by_field["unit"][0][1]
        for c, t in by_field.pop("unit"):
            sink.consume(r, c, t, "metadata")
    goal = by_field.pop("goal", []) + by_field.pop("target", [])
    done = by_field.pop("goal_done", []) + by_field.pop("completion", [])
    if goal or done:
        row = new_row(local, sink, level1="总体")
        if goal:
            row["target"] = " ".join(t for _, t in goal)
            row["target_source"] = sink.src(r, goal[0][0])
        if done:
            row["completion"] = " ".join(t for _, t in done)
            row["source"] = sink.src(r, done[0][0])
        sink.rows.append(row)
    for c, t in by_field.pop("budget", []):
        spec = header.columns[c]
        unit = spec.money_unit or header.money_unit
        sink.rows.append(
            budget_record(local, sink, spec.level2 or spec.label, spec.label, t, r, c, unit)
        )
    for f, items in by_field.items():
        for c, t in items:
            spec = header.columns[c]
            level1, level2 = (spec.level1, spec.level2) if f == "section" else ("说明", "")
            sink.rows.append(
                new_row(
                    local,
                    sink,
                    level1=level1,
                    level2=level2,
                    indicator=spec.label,
                    completion=t,
                    source=sink.src(r, c),
                )
            )
