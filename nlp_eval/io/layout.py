"""Grid -> tidy rows: titles and key/value cells, long/block tables, wide tables, re-alignment.

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
from dataclasses import dataclass, field
from functools import lru_cache

from nlp_eval.io.grids import Grid
from nlp_eval.io.headers import (
    COLUMN_FIELDS,
    MONEY_UNITS,
    Key,
    level_of,
    lookup,
    mentioned_level2,
    money_unit_line,
    normalize,
    simplified,
)

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
REALIGNED_CONFIDENCE = 0.6
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$|^[-+]?\.\d+%?$")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_TITLE_UNIT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?(?P<unit>.+?)"
    r"(?:\d{4}年度?)?(?:部门预算|部门项目|部门整体|预算项目|项目支出|专项资金|项目绩效|绩效自评|绩效目标|项目自评|支出绩效|自评表|申报表)"
)
_REGION = re.compile(r"^(.{2,8}?(?:省|自治区))?(.{2,9}?(?:市|自治州|州|盟))?(.{1,6}?(?:区|县|旗))?")
_UNIT_SUFFIX = re.compile(
    r"(中心|局|委员会|委|办公室|办|院|所|站|馆|队|会|部|厅|处|街道|镇|乡|公司|学校|中学|小学|医院)$"
)
_TITLE_PROJECT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?(?P<project>(?!\d|二级|部门|项目支出)\S+?)(?:项目)?(?:支出)?绩效(?:自评|目标申报|目标)表"
)
# a short cell that names something (…单位, …部门, …负责人, …日期) rather than saying it
_KEY_LIKE = re.compile(r"\S{0,8}(单位|部门|名称|代码|编码|负责人|联系人|电话|日期|时间|地点)")
_PLACEHOLDER = re.compile(r"[.。…·\-—_*＊xX×]+|略|待填|空")
_AREA_SUFFIX = re.compile(r"(省|自治区|市|自治州|州|盟|区|县|旗)$")
_YEAR_AND_UNIT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)(?P<unit>\S{2,30}?(?:中心|局|委员会|委|办公室|办事处|院|所|站|馆|队|厅|处|街道|镇|乡|学校|医院))$"
    r"|^(?P<unit2>\S{2,30}?(?:中心|局|委员会|委|办公室|办事处|院|所|站|馆|队|厅|处|街道|镇|乡|学校|医院))(?:19|20)\d{2}\s*年度?$"
)
_CODE_YEAR = re.compile(r"^\d{6}(\d{2})\d{8,}$")


def number(text: str) -> float:
    """The number written in a cell ('1,200' -> 1200, '98.98%' -> 98.98), NaN if none."""
    t = text.strip().replace(",", "").replace("，", "")
    if t.endswith("%"):
        t = t[:-1]
    for unit in ("万元", "元", "分"):
        if t.endswith(unit):
            t = t[: -len(unit)]
    try:
        return float(t)
    except ValueError:
        return math.nan


def is_number(text: str) -> bool:
    """True for a cell holding only a number or a percentage."""
    return bool(_NUMBER.match(text.strip().replace(" ", "")))


def year_of_code(code: str) -> int | None:
    """Budget year in a project code such as 440306231391500000173 (digits 7-8: 23 -> 2023)."""
    m = _CODE_YEAR.match(code.strip())
    return 2000 + int(m.group(1)) if m else None


def title_info(text: str) -> dict[str, object]:
    """Year, unit and region from a title such as 2020年深圳市龙岗区…中心部门预算项目绩效自评表.

    A title naming a fund or project instead of a unit (2022年度衔接推进乡村振兴补助资金项目
    绩效自评表) gives `project`, used when the table has no 项目名称 cell.
    """
    info: dict[str, object] = {}
    written = text.strip()
    simple = simplified(written)  # matched in simplified form, taken as written
    same = len(simple) == len(written)
    if m := _YEAR.search(simple):
        info["year"] = int(m.group(1))
    if m := _TITLE_UNIT.match(simple):
        start, end = m.span("unit")
        unit = (written[start:end] if same else m.group("unit")).strip(" 　-—_")
        # a unit name ends like one (…局, …中心, …街道办事处) or is an administrative area;
        # 项目 / 二级 / a fund's name in that place are not units
        if 2 <= len(unit) <= 40 and (
            _UNIT_SUFFIX.search(simplified(unit)) or _AREA_SUFFIX.search(unit)
        ):
            info["unit"] = unit
            info["region"] = region_of(unit)
        elif (p := _TITLE_PROJECT.match(simple)) and len(p.group("project")) >= 4:
            start, end = p.span("project")
            info["project"] = written[start:end] if same else p.group("project")
    elif m := _YEAR_AND_UNIT.match(simple):  # a bare "2022年某区科技创新局" above the table
        group = "unit" if m.group("unit") else "unit2"
        start, end = m.span(group)
        info["unit"] = written[start:end] if same else m.group(group)
        info["region"] = region_of(str(info["unit"]))
    return info


def region_of(unit: str) -> str:
    """The administrative prefix of a unit name (深圳市龙岗区文化… -> 深圳市龙岗区), as written."""
    simple = simplified(unit)
    m = _REGION.match(simple)
    if not m:
        return ""
    return unit[: m.end()] if len(simple) == len(unit) else m.group(0)


def looks_like_title(text: str) -> bool:
    """A table title: short, one line, names a 表 or carries a year."""
    t = simplified(text.strip())
    return (
        len(t) <= 80
        and "\n" not in t
        and (t.endswith("表") or "自评" in t or _YEAR_AND_UNIT.match(t) is not None)
        and not t.startswith(("注", "说明", "备注"))
    )


# ------------------------------------------------------------------ output records


@dataclass
class Sink:
    """Rows, unplaced cells and consumed cells of one grid, plus where they came from."""

    file: str  # path as given, for unplaced/consumed
    name: str  # file name, for source strings
    sheet: str
    doc: str
    rows: list[dict] = field(default_factory=list)
    unplaced: list[tuple] = field(default_factory=list)
    consumed: list[tuple] = field(default_factory=list)

    def src(self, r: int, c: int) -> str:
        """file:sheet:row:column of a 0-based cell, 1-based in the string."""
        return f"{self.name}:{self.sheet}:{r + 1}:{c + 1}"

    def unplace(self, r: int, c: int, text: str, reason: str) -> None:
        """Record a cell that no row holds, with the reason."""
        self.unplaced.append((self.file, self.sheet, r + 1, c + 1, text, reason))

    def consume(self, r: int, c: int, text: str, role: str) -> None:
        """Record a header/title/label/metadata cell whose meaning went into other columns."""
        self.consumed.append((self.file, self.sheet, r + 1, c + 1, text, role))


@dataclass
class Context:
    """What applies to the rows being read: document, block and project metadata."""

    year: int | None = None
    region: str = ""
    unit: str = ""
    money_unit: str = ""
    project: str = ""
    project_unit: str = ""
    dept: str = ""
    level1: str = ""
    level2: str = ""
    level_weight: float | None = None
    title_project: str = ""
    project_key: str = ""  # the key that named the current project: project or project_code

    def base(self) -> dict:
        """The context columns of a new row."""
        unit = self.project_unit or self.unit or self.dept
        return {
            "unit": unit,
            "region": self.region or region_of(unit),
            "year": self.year,
            "project": self.project or self.title_project,
        }


def new_row(ctx: Context, sink: Sink, **values) -> dict:
    """A tidy row with the context filled in; the caller's values win."""
    row = ctx.base()
    row["doc"] = sink.doc
    row.update(values)
    return row


# ------------------------------------------------------------------ header regions


@dataclass
class ColumnSpec:
    """What one column under a header holds."""

    field: str
    level1: str = ""
    level2: str = ""
    money_unit: str = ""
    label: str = ""  # the header path as written, e.g. 实际支出金额/合计


@dataclass
class Header:
    """A table region's header: its rows, its columns and the kind of rows below it."""

    rows: list[int]
    columns: dict[int, ColumnSpec]
    kind: str
    money_unit: str = ""


def _keys_of(cells: list[tuple[int, str]]) -> list[Key | None]:
    return [lookup(t) for _, t in cells]


def is_header_row(cells: list[tuple[int, str]], keys: list[Key | None], continuing: bool) -> bool:
    """Mostly known headers, at least one of them a column header, nothing that looks like data."""
    known = [k for k in keys if k]
    if len(known) < 2 and not (continuing and known and len(cells) == len(known)):
        return False
    if len(known) / len(cells) < 0.6:
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
    for c in range(width):
        stack = [lookup(grid.filled(r, c)) for r in header_rows]
        stack = [k for k in stack if k]
        if not stack:
            # a header the lexicon does not know (完成率(B/A), 备注说明 …): its cells are kept
            # as notes under that header's name rather than lost
            texts = [grid.filled(r, c) for r in header_rows if grid.filled(r, c)]
            if texts:
                columns[c] = ColumnSpec("extra", label="/".join(dict.fromkeys(texts)))
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
    fields = {s.field for s in columns.values()}
    has_values = bool(fields & {"target", "completion"})
    if (fields & {"project", "seq"}) and level_keys >= 2 and has_values:
        kind = "wide"
    elif fields & {"level1", "level2", "indicator"} and (has_values or "indicator" in fields):
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
        if is_header_row(cells, keys, continuing):
            header_rows = header_rows + [r] if continuing else [r]
            for c, t in cells:
                sink.consume(r, c, t, "header")
            header = build_header(grid, header_rows)
            r += 1
            continue
        if header is not None and header.kind == "wide":
            end = _wide_block_end(grid, r)
            read_wide(grid, header, list(range(r, end)), sink, ctx)
            header, header_rows = None, []
            r = end
            continue
        if header is not None and header.kind == "indicator" and _is_total(keys[0]):
            _score_row(r, cells, header, sink, ctx)
            header, header_rows = None, []  # the scores close the indicator table
            r += 1
            continue
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

    f = key.field
    if key.money_unit:
        ctx.money_unit = key.money_unit
    if not values:
        return pending_goal
    if f == "project_code" and ctx.project_key == "project":
        # 项目名称 | X | 项目编码 | 123: the name names the project, the code is kept as a note
        ctx.year = ctx.year or year_of_code(text)
        sink.rows.append(
            new_row(
                ctx,
                sink,
                level1="说明",
                indicator=key.text,
                completion=text,
                source=sink.src(*first),
            )
        )
        _whole(sink, whole, values)
        return pending_goal
    if f in ("project", "project_code"):
        ctx.project = text
        ctx.project_key = f
        ctx.project_unit = ctx.dept = ""
        ctx.level1 = ctx.level2 = ""
        consumed()
        return None
    if f == "unit" and text in MONEY_UNITS:  # 单位 | 万元
        ctx.money_unit = text
        consumed()
        return pending_goal
    if f == "unit":
        ctx.project_unit = text
        consumed()
        return pending_goal
    if f == "dept":
        # 主管部门 stands in for the unit when no 实施单位 is given; its name is kept as a note row
        ctx.dept = text
        sink.rows.append(
            new_row(
                ctx,
                sink,
                level1="说明",
                indicator=key.text,
                completion=text,
                source=sink.src(*first),
            )
        )
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
                _budget_record(ctx, sink, key.level2 or key.text, key.text, v, r, c, key.money_unit)
            )
        _whole(sink, whole, values)
        return pending_goal
    # a column header met outside a table (分值, 备注, 三级指标 …): a note row; a note written
    # as 备注：… in one cell is kept whole, as written
    sink.rows.append(
        new_row(
            ctx,
            sink,
            level1="说明",
            indicator=key.text,
            completion=whole or text,
            source=sink.src(*first),
        )
    )
    return pending_goal


def _whole(sink: Sink, whole: str, values) -> None:
    # 'key：value' in one cell: the cell text itself is not in the table, its value is.
    if whole:
        r, c, _ = values[0]
        sink.consume(r, c, whole, "metadata")


def _budget_record(
    ctx: Context, sink: Sink, figure: str, label: str, text: str, r: int, c: int, unit: str = ""
):
    value = number(text)
    money = "" if figure == "执行率" or text.strip().endswith("%") else (unit or ctx.money_unit)
    return new_row(
        ctx,
        sink,
        level1="预算",
        level2=figure,
        indicator=label,
        completion=text,
        value=value,
        money_unit=money,
        source=sink.src(r, c),
    )


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
    if all(_PLACEHOLDER.fullmatch(t) for t in texts):
        # ……  left in an unused template row: no pair, a note that the row was there
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
    if set(content) <= {"extra", "explain", "note"}:  # no indicator on this row: notes only
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
    if "dept" in values:
        notes.append("主管部门: " + " ".join(t for _, t in values["dept"]))
    row["indicator"] = " ".join(t for _, t in values.get("indicator", []))
    target_cells = values.get("target", [])
    ops, uoms = values.get("op", []), values.get("uom", [])
    row["target"] = " ".join(t for _, t in target_cells)
    if ops or uoms:
        parts = ops + target_cells + uoms
        row["target"] = "".join(t for _, t in sorted(parts))
        cols = ",".join(str(c + 1) for c, _ in sorted(parts))
        notes.append(f"target joined from 指标性质/指标值/度量单位 (columns {cols})")
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
        row["weight"] = ctx.level_weight
        notes.append("weight from the 一级指标 cell")
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
                _budget_record(
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
            _budget_record(local, sink, spec.level2 or spec.label, spec.label, t, r, c, unit)
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


# ------------------------------------------------------------------ wide tables


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


def _wide_block_end(grid: Grid, start: int) -> int:
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
        score += 1.0 if _UNIT_SUFFIX.search(text.strip()) else -0.5
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
            parts = [
                f"re-aligned by content: row ends at column {last + 1}, the table's rows at column {modal_last + 1}"
            ]
            if moved:
                step = moved[0][0] - moved[0][1]
                parts.append(
                    f"cells from column {moved[0][0] + 1} on read {abs(step)} column(s) "
                    f"{'left' if step > 0 else 'right'}"
                )
            if dropped:
                parts.append(
                    "extra cell(s) in column " + ",".join(map(str, dropped)) + " left unplaced"
                )
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
            row = _budget_record(
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
