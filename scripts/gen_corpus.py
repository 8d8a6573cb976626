"""Generate a realistic multi-unit, multi-year corpus of self-evaluation tables with known truth.

    python scripts/gen_corpus.py OUT_DIR [--seed 7] [--units 6] [--projects 10] [--years 2021 2022 2023]

Writes to OUT_DIR/tables/, for every unit and year, one table in one of the two layout families:
  wide  like the seed (title line, 单位:万元, three merged header rows, one row per project,
        年度指标内容|完成情况 column pairs), as .csv or .xlsx;
  long  the national template (财预〔2020〕10号): one block per project, one row per indicator
        (一级 | 二级 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施), as .xlsx;
and the ground truth to OUT_DIR:
  truth_cells.csv      one row per generated text cell: doc, unit, year, project, level1, level2,
                       indicator, field, text, kind (text/value/na/missing), label (completions),
                       group (cells of one planted cluster or one copy-forward chain share it;
                       "" for a cell with no intended twin)
  truth_carryover.csv  one row per planted copy-forward pair (both years)
Planted: boilerplate sentences reused with small edits across units and years, status phrases
(已完成, 按时完成…), copy-forward of a unit's own text into the next year (sometimes with the year
changed), and a label mix (specific, copy, restate, vague, na, missing). Same seed, same corpus.
`sample_texts(n, seed)` yields short texts in memory for benchmarks.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nlp_eval.corpus.carryover import PLACE_COLUMNS
from nlp_eval.corpus.texts import CONTEXT

REGIONS = ("龙岗区", "宝安区", "南山区", "坪山区", "光明区", "罗湖区")
UNIT_KINDS = (
    "文化广电旅游体育局",
    "民政局",
    "卫生健康局",
    "城市管理和综合执法局",
    "教育局",
    "司法局",
    "住房和建设局",
    "应急管理局",
    "工业和信息化局",
    "水务局",
    "人力资源局",
)
STREETS = (
    "松岗",
    "沙井",
    "福永",
    "西乡",
    "新安",
    "石岩",
    "龙华",
    "观澜",
    "坂田",
    "布吉",
    "横岗",
    "平湖",
)
TOPICS = (
    "文博会",
    "公共图书馆",
    "社区饭堂",
    "居家养老服务",
    "垃圾分类",
    "河道巡查",
    "法律援助",
    "安全生产检查",
    "就业培训",
    "青少年活动",
    "群众体育赛事",
    "非遗保护",
    "社区健康服务",
    "老旧小区改造",
    "消防设施维护",
    "人才引进",
    "企业扶持",
    "网格巡查",
    "应急物资储备",
    "校园安全",
    "公园管养",
    "智慧城市平台",
    "志愿服务",
    "残疾人康复",
    "食品快检",
)
OBJECTS = (
    "培训班",
    "宣传活动",
    "巡查",
    "检查",
    "讲座",
    "赛事",
    "展览",
    "服务",
    "维修",
    "慰问",
    "演出",
    "走访",
    "督导",
    "演练",
    "课程",
)
MEASURES = ("场", "次", "人次", "家", "个", "份", "期", "处", "户", "台", "小时")
EFFECTS = ("提升", "改善", "增强", "丰富", "保障", "推动", "促进", "优化", "加强", "提高")
GOODS = (
    "居民生活质量",
    "群众获得感",
    "城区环境面貌",
    "公共服务水平",
    "企业营商环境",
    "安全防范能力",
    "文化软实力",
    "社会治理效能",
    "居民健康水平",
    "就业质量",
    "基层治理能力",
    "社区凝聚力",
)
VERBS = ("开展", "组织", "举办", "实施", "完成", "推进")
MEANS = ("通过", "依托", "借助", "结合", "围绕")
ADVERBS = ("进一步", "切实", "有效", "全面", "持续")
# boilerplate sentences units reuse (seen in real tables: Songgang, Longgang)
BOILERPLATE = (
    "该项目经费按财务制度，经相关部门审核后，按时支出相关费用",
    "通过日常服务居民，使得居民问题得到及时解决",
    "严格按照政府采购相关规定执行，确保资金使用规范安全",
    "项目资金使用符合相关财务管理制度规定，未发现违规使用资金情况",
    "本项目的实施有效提升了辖区群众的幸福感和满意度，社会效益显著",
    "按照年度工作计划有序推进各项工作，确保项目按期保质完成",
    "加强项目全过程管理，建立健全长效管理机制，保障项目可持续运行",
    "通过开展各类活动，丰富了辖区居民的精神文化生活，营造了良好的社会氛围",
    "项目实施过程中严格控制成本，未超出预算范围",
    "服务对象对项目实施效果总体评价较好，满意度较高",
    "完善工作台账，做好资料收集整理和归档工作，确保各项数据真实准确",
    "下一步将继续加强绩效管理，提高财政资金使用效益",
    "落实安全生产责任制，全年未发生重大安全责任事故",
    "认真贯彻落实上级部门工作部署，圆满完成年度各项工作任务",
    # longer ones (about 45 characters), the length at which auditors meet lightly edited copies
    "严格执行项目资金管理办法，专款专用，确保资金使用合规，及时足额拨付到位，未出现挤占挪用现象",
    "通过组织开展形式多样的宣传活动，提高了辖区居民的参与意识，增强了社区凝聚力和居民归属感",
    "建立项目实施进度台账，定期跟踪检查项目推进情况，及时协调解决实施过程中遇到的困难和问题",
)
# characters a writer's light edit puts in place of others
EDIT_CHARACTERS = (
    "的了和与及在对为将把各类项工作管理服务居民社区街道资金活动开展提升保障完善落实推进"
)
SATISFACTION = ("服务对象满意度≥90%", "群众满意度达到95%以上", "受益群体对项目实施满意度不低于85%")
STATUS = (
    "已完成",
    "按时完成",
    "达成预期指标",
    "效果显著",
    "社会效益明显",
    "群众满意度高",
    "得到有效保障",
)
NA_TEXT = ("不适用", "无", "/", "本项目不涉及{kind}指标")
RESTATE = ("≥{v}%", "不低于{v}%", "满意度≥{v}%", "达到{v}%以上")
# indicator slots: level1, level2 (national tree), wide-layout column group
SLOTS = (
    ("产出", "数量"),
    ("产出", "质量"),
    ("产出", "时效"),
    ("效益", "经济"),
    ("效益", "社会"),
    ("效益", "生态"),
    ("满意度", "满意度"),
)
# how the templates write the level names (the tidy table uses the records.py vocabulary)
LEVEL_HEADERS = {
    "产出": "产出指标",
    "效益": "效益指标",
    "满意度": "满意度指标",
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "经济": "经济效益指标",
    "社会": "社会效益指标",
    "生态": "生态效益指标",
}
WIDE_GROUPS = (
    "数量指标",
    "质量指标",
    "时效指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "满意度指标",
)
LABEL_MIX = {
    "specific": 0.42,
    "copy": 0.12,
    "restate": 0.1,
    "vague": 0.16,
    "na": 0.12,
    "missing": 0.08,
}


@dataclass
class Corpus:
    """What was generated: the intended tidy rows, every text cell, the planted copy-forward pairs."""

    cells: pd.DataFrame
    carryover: pd.DataFrame
    files: list[Path]


class _Gen:
    """The random choices of one corpus (all randomness flows from one seeded Random)."""

    def __init__(self, seed: int, edited: float = 0.0):
        self.rng = random.Random(seed)
        self.groups = 0
        # Light edits draw from their own stream: edited=0 gives the corpus it always gave.
        self.edited = edited
        self.edit_rng = random.Random(seed * 7919 + 1)

        self.families: dict[str, str] = {}

    def group(self) -> str:
        self.groups += 1
        return f"g{self.groups}"

    def family(self, name: str) -> str:
        """The group of a family of texts meant to be near-identical (one template, small edits)."""
        if name not in self.families:
            self.families[name] = self.group()
        return self.families[name]

    def pick(self, items):
        return self.rng.choice(items)

    def sentence(self, topic: str, place: str) -> str:
        """A substantive sentence specific to its project: unlikely to recur by chance."""
        r = self.rng
        return (
            f"{r.choice(MEANS)}{place}{topic}{r.choice(OBJECTS)}{r.randint(3, 480)}{r.choice(MEASURES)}，"
            f"{r.choice(EFFECTS)}{r.choice(GOODS)}，{r.choice(ADVERBS)}{r.choice(EFFECTS)}"
            f"{r.choice(STREETS)}{r.choice(GOODS)}"
        )

    def variant(self, text: str) -> str:
        """A near copy: as is, punctuation changed, an adverb inserted, or a clause dropped;
        with probability `edited`, a light edit instead (see light_edit)."""
        if self.edited and self.edit_rng.random() < self.edited:
            return self.light_edit(text)
        r = self.rng
        edit = r.random()
        if edit < 0.4:
            return text
        if edit < 0.6:
            return text + "。"
        if edit < 0.8:
            cut = text.find("，")
            pos = cut + 1 if cut > 0 else 0
            return text[:pos] + r.choice(ADVERBS) + text[pos:]
        return text.replace("，", "；", 1) if "，" in text else text + "。"

    def light_edit(self, text: str) -> str:
        """A writer's light edit: about one character in 12 replaced (3-4 in a 45-character
        sentence) and 进一步 or 全面 inserted, as in copies auditors find across units."""
        r = self.edit_rng
        chars = list(text)
        letters = [i for i, ch in enumerate(chars) if "\u4e00" <= ch <= "\u9fff"]
        for i in r.sample(letters, min(len(letters), max(1, round(len(text) / 12)))):
            chars[i] = r.choice([c for c in EDIT_CHARACTERS if c != chars[i]])
        at = r.randint(1, len(chars) - 1) if len(chars) > 1 else len(chars)
        chars.insert(at, r.choice(("进一步", "全面")))
        return "".join(chars)


def _target(gen: _Gen, level2: str, topic: str) -> tuple[str, str, str, str]:
    """(indicator name, target text, kind, group) of one slot.

    Satisfaction targets come from three stock phrases naming a value (服务对象满意度≥90%):
    a named value, expected shared text like 100%, not boilerplate.
    """
    r = gen.rng
    if level2 == "数量":
        obj, measure = r.choice(OBJECTS), r.choice(MEASURES)
        text = f"{r.choice(VERBS)}{r.choice(STREETS)}{topic}{obj}{r.randint(5, 300)}{measure}以上"
        return f"{topic}{obj}数量", text, "text", ""
    if level2 == "质量":
        return f"{topic}{r.choice(OBJECTS)}合格率", f"≥{r.choice((90, 95, 98, 100))}%", "value", ""
    if level2 == "时效":
        text = f"{r.randint(6, 12)}月底前{r.choice(VERBS)}{r.choice(STREETS)}{topic}{r.choice(OBJECTS)}"
        return f"{topic}完成及时率", text, "text", ""
    if level2 == "满意度":
        return "服务对象满意度", r.choice(SATISFACTION), "value", ""
    text = (
        f"{r.choice(EFFECTS)}{r.choice(STREETS)}{topic}{r.choice(GOODS)}，"
        f"{r.choice(ADVERBS)}{r.choice(EFFECTS)}{r.choice(GOODS)}"
    )
    return f"{topic}{level2}效益", text, "text", ""


def _completion(gen: _Gen, label: str, level2: str, target: str, topic: str) -> tuple[str, str]:
    """(completion text, kind) for a planned label."""
    r = gen.rng
    if label == "specific":
        if level2 in ("质量", "满意度"):
            return f"{r.choice((91.5, 96.2, 97, 98.3, 99.1, 100))}%", "value"
        if level2 == "时效":
            return f"{r.randint(3, 12)}月{r.randint(1, 28)}日完成", "value"
        return gen.sentence(topic, r.choice(STREETS) + "街道"), "text"
    if label == "copy":
        return r.choice(("", "已", "完成", "进一步")) + target, "text"
    if label == "restate":
        return r.choice(RESTATE).format(v=r.choice((90, 95))), "value"
    if label == "vague":
        return r.choice(STATUS), "text"
    return r.choice(("", "……", "**")), "missing"


def generate_cells(
    seed: int = 7,
    *,
    units: int = 6,
    projects: int = 10,
    years: tuple[int, ...] = (2021, 2022, 2023),
    edited: float = 0.0,
) -> pd.DataFrame:
    """Every text cell of the corpus with its truth (no files written).

    `edited`: the share of near copies (planted boilerplate, edited copy-forward) that are
    light edits (_Gen.light_edit) rather than the usual small changes.
    """
    gen = _Gen(seed, edited)
    r = gen.rng
    unit_names = []
    for i in range(units):
        region = REGIONS[i % len(REGIONS)]
        unit_names.append((region, f"深圳市{region}{UNIT_KINDS[(i * 5 + seed) % len(UNIT_KINDS)]}"))
    # planted boilerplate: each sentence is shared by a few units (as a target or a completion)
    boiler_groups = {text: gen.family(f"boilerplate:{text}") for text in BOILERPLATE}
    rows = []
    for u, (region, unit) in enumerate(unit_names):
        topics = r.sample(TOPICS, projects)
        layout = "wide" if u % 2 == 0 else "long"
        suffix = ".csv" if u % 4 == 0 else ".xlsx"
        previous: dict[tuple, dict] = {}
        for year in years:
            doc = f"u{u:02d}_{year}_{layout}"
            current: dict[tuple, dict] = {}
            for topic in topics:
                if year != years[0] and r.random() < 0.1:
                    continue  # some projects skip a year
                project = f"{topic}项目经费"
                for level1, level2 in (("总体", ""), *SLOTS):
                    place = (project, level1, level2)
                    old = previous.get(place)
                    if old is not None and r.random() < 0.3:
                        # copy forward the whole slot from last year (sometimes with the year changed)
                        new = dict(old, year=year, doc=doc)
                        for f in ("target", "completion"):
                            if old[f"{f}_kind"] != "text":
                                continue
                            if str(year - 1) in old[f]:
                                new[f] = old[f].replace(str(year - 1), str(year))
                            elif len(old[f]) > 20 and r.random() < 0.2:
                                new[f] = gen.variant(old[f])
                        new["carried_from"] = old
                        current[place] = new
                        continue
                    label = r.choices(list(LABEL_MIX), weights=list(LABEL_MIX.values()))[0]
                    if level1 == "总体":
                        indicator = ""
                        target = f"{year}年" + gen.sentence(topic, region)
                        t_kind = "text"
                        label = r.choice(("specific", "vague", "copy"))
                    else:
                        indicator, target, t_kind, t_group = _target(gen, level2, topic)
                    if level1 == "总体":
                        t_group = ""
                    c_group = ""
                    if label == "na":
                        target = completion = r.choice(NA_TEXT).format(
                            kind=(level2 or "经济") + "效益"
                        )
                        t_kind = c_kind = "na"
                    else:
                        completion, c_kind = _completion(gen, label, level2, target, topic)
                        if level1 == "总体" and label == "specific":
                            completion = f"{year}年" + gen.sentence(topic, region)
                    if c_kind == "text" and label in ("vague", "restate"):
                        c_group = gen.family(f"said:{completion}")
                    if label == "copy":
                        c_group = t_group
                        if t_kind == "value":
                            c_kind = "value"
                    if c_kind != "na" and level2 in ("社会", "经济", "") and r.random() < 0.25:
                        # planted boilerplate sentence in the completion, shared across units
                        base = r.choice(BOILERPLATE[u % 3 :: 1][:8])
                        completion, c_kind, label = gen.variant(base), "text", "vague"
                        c_group = boiler_groups[base]
                    if t_kind == "text" and level2 == "社会" and r.random() < 0.3:
                        base = r.choice(BOILERPLATE)
                        target, t_group = gen.variant(base), boiler_groups[base]
                    current[place] = {
                        "doc": doc,
                        "layout": layout,
                        "suffix": suffix,
                        "unit": unit,
                        "region": region,
                        "year": year,
                        "project": project,
                        "level1": level1,
                        "level2": level2,
                        # a wide table has no 三级指标 column
                        "indicator": indicator if layout == "long" else "",
                        "target": target,
                        "completion": completion,
                        "target_kind": t_kind,
                        "completion_kind": c_kind,
                        "label": label,
                        "target_group": t_group,
                        "completion_group": c_group,
                        "carried_from": None,
                    }
            rows.extend(current.values())
            previous = current
    return _truth(rows, gen)


def _truth(rows: list[dict], gen: _Gen) -> pd.DataFrame:
    """One row per text cell; copy-forward chains share a group with their origin."""
    for row in rows:  # rows are in year order, so an origin is resolved before its copies
        old = row["carried_from"]
        for f in ("target", "completion"):
            if old is None:
                continue
            if not old[f"{f}_group"]:
                old[f"{f}_group"] = gen.group()
            row[f"{f}_group"] = old[f"{f}_group"]
    cells = []
    for row in rows:
        for f in ("target", "completion"):
            if not row[f].strip() and row[f"{f}_kind"] != "missing":
                continue
            old = row["carried_from"]
            cells.append(
                {
                    **{k: row[k] for k in ("doc", "layout", "suffix", *CONTEXT)},
                    "field": f,
                    "text": row[f],
                    "kind": row[f"{f}_kind"],
                    "label": row["label"] if f == "completion" else "",
                    "group": row[f"{f}_group"],
                    "carried_from_doc": old["doc"] if old is not None else "",
                }
            )
    return pd.DataFrame(cells)


def tidy(cells: pd.DataFrame) -> pd.DataFrame:
    """The tidy table (records.COLUMNS) the generated files hold."""
    from nlp_eval.records import COLUMNS

    wide = cells.pivot_table(
        index=list(CONTEXT), columns="field", values="text", aggfunc="first", sort=False
    )
    table = wide.reset_index()
    for column in COLUMNS:
        if column not in table:
            numeric = column in ("weight", "points", "value", "confidence")
            table[column] = 1.0 if column == "confidence" else (float("nan") if numeric else "")
    table["target"] = table["target"].fillna("")
    table["completion"] = table["completion"].fillna("")
    table["year"] = table["year"].astype("Int64")
    table["source"] = table["doc"] + ":" + table.index.astype(str)
    table["target_source"] = table["source"]
    return table[list(COLUMNS)]


def truth_carryover(cells: pd.DataFrame) -> pd.DataFrame:
    """The planted copy-forward pairs: one row per text cell copied from the previous year."""
    copied = cells[(cells["carried_from_doc"] != "") & (cells["kind"] == "text")]
    out = copied[[*PLACE_COLUMNS, "year", "doc", "carried_from_doc", "text"]].rename(
        columns={"year": "year_to", "doc": "doc_to", "carried_from_doc": "doc_from"}
    )
    return out.assign(year_from=out["year_to"] - 1).reset_index(drop=True)


# ---------------------------------------------------------------- files


def _wide_rows(
    doc_cells: pd.DataFrame, unit: str, year: int, rng: random.Random
) -> list[list[str]]:
    """Cells of a wide table in the seed's layout."""
    title = [f"{year}年{unit}部门预算项目绩效自评表"]
    head1 = [
        "序号",
        "单位名称",
        "项目名称",
        "项目年度预算金额",
        "实际支出金额",
        "",
        "",
        "",
        "预算支出执行率",
        "年初绩效目标",
        "绩效目标整体完成情况",
        "产出目标",
        "",
        "",
        "",
        "",
        "",
        "效益目标",
        "",
        "",
        "",
        "",
        "",
        "满意度指标",
        "",
        "项目执行中的问题",
        "整改情况",
    ]
    head2 = ["", "", "", "", "合计", "其中:财政拨款", "", "非财政资金", "", "", ""]
    head3 = ["", "", "", "", "", "一般公共预算", "政府性基金", "", "", "", ""]
    for group in WIDE_GROUPS:
        head2 += [group, ""]
        head3 += ["年度指标内容", "完成情况"]
    head2 += ["", ""]
    head3 += ["", ""]
    rows = [title, [], ["单位:万元"], [], head1, head2, head3]
    for n, (project, part) in enumerate(doc_cells.groupby("project", sort=False), start=1):
        by_slot = {
            (lv2, f): t
            for lv2, f, t in zip(part["level2"], part["field"], part["text"], strict=True)
        }
        budget = round(rng.uniform(5, 500), 2)
        spent = round(budget * rng.uniform(0.7, 1.0), 2)
        row = [
            str(n),
            unit if n == 1 else "",
            project,
            f"{budget}",
            f"{spent}",
            f"{spent}",
            "",
            "",
            f"{spent / budget:.0%}",
            by_slot.get(("", "target"), ""),
            by_slot.get(("", "completion"), ""),
        ]
        for _, level2 in SLOTS:
            row += [by_slot.get((level2, "target"), ""), by_slot.get((level2, "completion"), "")]
        row += ["无", "无"]
        rows.append(row)
    return rows


def _long_rows(
    doc_cells: pd.DataFrame, unit: str, year: int, rng: random.Random
) -> list[list[str]]:
    """Cells of a national-template table: one block per project."""
    rows: list[list[str]] = []
    for project, part in doc_cells.groupby("project", sort=False):
        budget = round(rng.uniform(5, 500), 2)
        spent = round(budget * rng.uniform(0.7, 1.0), 2)
        goal = part[part["level1"] == "总体"].set_index("field")["text"]
        rows += [
            [f"{year}年度项目支出绩效自评表"],
            ["项目名称", project],
            ["主管部门", unit, "", "实施单位", unit],
            [
                "项目资金（万元）",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率",
                "得分",
            ],
            [
                "",
                "年度资金总额",
                f"{budget}",
                f"{budget}",
                f"{spent}",
                "10",
                f"{spent / budget:.2%}",
                "9",
            ],
            ["年度总体目标", "预期目标", "", "", "实际完成情况"],
            ["", goal.get("target", ""), "", "", goal.get("completion", "")],
            [
                "绩效指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
        ]
        slots = part[part["level1"] != "总体"]
        for (level1, level2, indicator), cell in slots.groupby(
            ["level1", "level2", "indicator"], sort=False
        ):
            text = cell.set_index("field")["text"]
            rows.append(
                [
                    "",
                    LEVEL_HEADERS[level1],
                    LEVEL_HEADERS[level2],
                    indicator,
                    text.get("target", ""),
                    text.get("completion", ""),
                    "10",
                    "10",
                    "无",
                ]
            )
        rows.append([])
    return rows


def write(cells: pd.DataFrame, out: Path, seed: int) -> list[Path]:
    """Write one table per unit and year to out/tables/, and the truth files to out/."""
    from openpyxl import Workbook

    (out / "tables").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1)
    files = []
    for doc, part in cells.groupby("doc", sort=False):
        layout, suffix = part["layout"].iloc[0], part["suffix"].iloc[0]
        unit, year = part["unit"].iloc[0], int(part["year"].iloc[0])
        make = _wide_rows if layout == "wide" else _long_rows
        rows = make(part, unit, year, rng)
        path = out / "tables" / f"{doc}{suffix}"
        if suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows(rows)
        else:
            book = Workbook()
            sheet = book.active
            sheet.title = "绩效自评表"
            for row in rows:
                sheet.append(row)
            book.save(path)
        files.append(path)
    cells.drop(columns=["layout", "suffix"]).to_csv(out / "truth_cells.csv", index=False)
    truth_carryover(cells).to_csv(out / "truth_carryover.csv", index=False)
    return files


def generate(out: Path, seed: int = 7, **sizes) -> Corpus:
    """Generate the corpus, write its files and truth to `out`, return what was generated."""
    cells = generate_cells(seed, **sizes)
    files = write(cells, out, seed)
    return Corpus(cells=cells, carryover=truth_carryover(cells), files=files)


def sample_texts(n: int, seed: int = 7, edited: float = 0.0) -> list[str]:
    """n short completion texts in memory, with the corpus' mix of boilerplate and specifics."""
    gen = _Gen(seed, edited)
    r = gen.rng
    out = []
    for _ in range(n):
        x = r.random()
        topic = r.choice(TOPICS)
        if x < 0.2:
            out.append(r.choice(STATUS))
        elif x < 0.35:
            out.append(gen.variant(r.choice(BOILERPLATE)))
        elif x < 0.5:
            out.append(f"{r.choice((91.5, 96.2, 97, 98.3, 99.1, 100))}%")
        else:
            out.append(gen.sentence(topic, r.choice(STREETS) + "街道"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--units", type=int, default=6)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--years", type=int, nargs="+", default=[2021, 2022, 2023])
    parser.add_argument(
        "--edited", type=float, default=0.0, help="share of near copies that are light edits"
    )
    args = parser.parse_args()
    corpus = generate(
        args.out,
        args.seed,
        units=args.units,
        projects=args.projects,
        years=tuple(args.years),
        edited=args.edited,
    )
    print(
        f"{len(corpus.files)} files, {len(corpus.cells)} text cells, "
        f"{len(corpus.carryover)} copy-forward pairs -> {args.out}"
    )


if __name__ == "__main__":
    main()
