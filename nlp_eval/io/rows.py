"""The reader's records: context, sink of rows/cells, new rows, numbers, titles and units."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache

from nlp_eval import lexicon
from nlp_eval.io.headers import simplified

_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$|^[-+]?\.\d+%?$")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_TITLE_UNIT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?(?P<unit>.+?)"
    r"(?:\d{4}年度?)?(?:部门预算|部门项目|部门整体|预算项目|项目支出|专项资金|项目绩效|绩效自评|绩效目标|项目自评|支出绩效|自评表|申报表)"
)
# province, city, county as written at the start of a name; a level's name holds no other
# level's suffix, so 乐亭县市场监督管理局 is 乐亭县 (not 乐亭县市) and 某区城市更新中心 某区
_REGION = re.compile(
    r"^(?P<province>[^省区县市]{2,8}?(?:省|自治区))?"
    r"(?P<city>[^省区县市]{2,9}?(?:市|自治州|盟|地区))?"
    r"(?P<county>[^省区县市]{1,6}?(?:区|县|旗|市))?"
)
_PARTY_PREFIX = ("中共", "中国共产党")
# a unit cell often goes on with other fields of the form: 负责人：张三, 联系电话, ☑ boxes
_UNIT_TAIL = re.compile(
    r"\s*(?:\n|[☑□■√]|(?<=\S)\s+(?=\S{1,10}[:：])|(?:项目)?负责人|联系人|经办人|填报人|填表人|审核人|联系电话|电话[:：]|项目类型)"
)
UNIT_SUFFIX = re.compile(
    r"(中心|局|委员会|委|办公室|办事处|办|院|所|站|馆|队|会|部|厅|处|街道|镇|乡|公司|学校|中学|小学"
    r"|医院|园|社|台|室)([(（]本级[)）])?$"
)
_TITLE_PROJECT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?(?P<project>(?!\d|二级|部门|项目支出)\S+?)(?:项目)?(?:支出)?绩效(?:自评|目标申报|目标)表"
)
_AREA_SUFFIX = re.compile(r"(省|自治区|市|自治州|州|盟|区|县|旗)$")
_YEAR_AND_UNIT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)(?P<unit>\S{2,30}?(?:中心|局|委员会|委|办公室|办事处|院|所|站|馆|队|厅|处|街道|镇|乡|学校|医院))$"
    r"|^(?P<unit2>\S{2,30}?(?:中心|局|委员会|委|办公室|办事处|院|所|站|馆|队|厅|处|街道|镇|乡|学校|医院))(?:19|20)\d{2}\s*年度?$"
)
_CODE_YEAR = re.compile(r"^\d{6}(\d{2})\d{8,}$")


def number(text: str) -> float:
    """The number written in a cell ('1,200' -> 1200, '98.98%' -> 98.98), NaN if none.

    inf, nan and numbers past a float's range (1e400) are no figure of a table: NaN, and the
    callers keep the cell's text in a note.
    """
    t = text.strip().replace(",", "").replace("，", "")
    if t.endswith("%"):
        t = t[:-1]
    for unit in ("万元", "元", "分"):
        if t.endswith(unit):
            t = t[: -len(unit)]
    try:
        value = float(t)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


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
            UNIT_SUFFIX.search(simplified(unit)) or _AREA_SUFFIX.search(unit)
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
    """The administrative area a unit name starts with, completed with the levels above it.

    深圳市龙岗区文化… -> 广东省深圳市龙岗区; 天长市水利局 -> 安徽省滁州市天长市 (lexicons/regions.tsv
    knows which province and city an area belongs to; an area it does not know stays as written).
    """
    simple = simplified(unit)
    for prefix in _PARTY_PREFIX:
        if simple.startswith(prefix):
            simple, unit = simple[len(prefix) :], unit[len(prefix) :]
    m = _REGION.match(simple)
    if not m or not m.group(0):
        return ""
    written = unit[: m.end()] if len(simple) == len(unit) else m.group(0)
    return complete_region(written)


def complete_region(written: str) -> str:
    """A region as written with the province and city it omits (龙岗区 -> 广东省深圳市龙岗区)."""
    simple = simplified(written)
    m = _REGION.match(simple)
    if not m or not m.group(0) or len(simple) != len(written):
        return written
    parts = {k: written[m.start(k) : m.end(k)] if m.group(k) else "" for k in m.groupdict()}
    areas = _areas()
    simple_parts = {k: simplified(v) for k, v in parts.items()}
    if parts["city"] and not parts["county"] and areas.get(simple_parts["city"], ("", ""))[1]:
        # 天长市 is a county-level city: its own city (滁州市) is above it
        parts["county"], parts["city"] = parts["city"], ""
        simple_parts["county"], simple_parts["city"] = simple_parts["city"], ""
    county, city = simple_parts["county"], simple_parts["city"]
    if (
        county in areas
        and simple_parts["province"] in ("", areas[county][0])
        and city
        in (
            "",
            areas[county][1],
        )
    ):
        parts["province"] = parts["province"] or areas[county][0]
        parts["city"] = parts["city"] or areas[county][1]
    elif city in areas and simple_parts["province"] in ("", areas[city][0]):
        parts["province"] = parts["province"] or areas[city][0]
    return parts["province"] + parts["city"] + parts["county"] + written[m.end() :]


@cache
def _areas() -> dict[str, tuple[str, str]]:
    """Area name -> (province, city) it belongs to (lexicons/regions.tsv)."""
    return {
        row["name"]: (row["province"] or "", row["city"] or "")
        for row in lexicon.table("regions.tsv")
        if row["province"]
    }


def clean_unit(text: str) -> tuple[str, str]:
    """(the unit's name, what the cell says after it): 某局 负责人：张三 -> (某局, 负责人：张三)."""
    m = _UNIT_TAIL.search(text)
    if not m or m.start() == 0:
        return text.strip(), ""
    return text[: m.start()].strip(" ，,;；"), text[m.start() :].strip()


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
    # a tidy input's own columns beyond COLUMNS (label, 备注 …), in input order
    extra_columns: list[str] = field(default_factory=list)
    # what the reader inferred: (sheet:row:column, note) per column read without a listed header
    inferred: list[tuple[str, str]] = field(default_factory=list)

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
    level1_written: bool = False  # a 一级 cell of this block was written (or merged over the row)
    title_project: str = ""
    project_key: str = ""  # the key that named the current project: project or project_code

    def base(self) -> dict:
        """The context columns of a new row."""
        unit = self.project_unit or self.unit or self.dept
        return {
            "unit": unit,
            "region": complete_region(self.region) if self.region else region_of(unit),
            "year": self.year,
            "project": self.project or self.title_project,
        }


def new_row(ctx: Context, sink: Sink, **values) -> dict:
    """A tidy row with the context filled in; the caller's values win."""
    row = ctx.base()
    row["doc"] = sink.doc
    row.update(values)
    return row


@dataclass
class ColumnSpec:
    """What one column under a header holds."""

    field: str
    level1: str = ""
    level2: str = ""
    money_unit: str = ""
    label: str = ""  # the header path as written, e.g. 实际支出金额/合计
    # how the field was found when headers.tsv does not list the header: "wording" (a keyword
    # of header_keywords.tsv) or "contents" (what the column holds); "" when listed
    inferred: str = ""


@dataclass
class Header:
    """A table region's header: its rows, its columns and the kind of rows below it."""

    rows: list[int]
    columns: dict[int, ColumnSpec]
    kind: str
    money_unit: str = ""
    contents_checked: bool = False  # columns inferred from the rows below (indicator tables)


def budget_record(
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
