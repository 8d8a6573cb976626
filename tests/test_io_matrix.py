"""Every layout family in every format: one abstract sheet (texts + merged ranges) per layout,
rendered with the real libraries to .xlsx, .xls, .docx, .html and GBK .csv, then read back.

The pairs written into each sheet are the expected output; the reader never sees them.
"""

from __future__ import annotations

import csv
import functools
import html
import io
from dataclasses import dataclass, field

import pytest

from nlp_eval.io import read_files

# (一级, 二级, 三级, target, completion, 分值, 得分) as a table would write them
EMPLOY = [
    ("产出指标", "数量指标", "开发公益性岗位", "≥150个", "163个", "10", "10"),
    ("产出指标", "数量指标", "职业技能培训人数", "2000人次", "2136人次", "10", "10"),
    ("产出指标", "质量指标", "培训合格率", "≥85%", "89.7%", "10", "10"),
    ("产出指标", "时效指标", "补贴发放及时率", "100%", "按时发放", "10", "8"),
    ("产出指标", "成本指标", "人均培训补贴", "≤1500元", "1420元", "10", "10"),
    ("效益指标", "社会效益指标", "城镇登记失业率", "≤3.5%", "3.1%", "15", "15"),
    ("效益指标", "可持续影响指标", "就业服务体系", "持续完善", "进一步完善", "15", "12"),
    ("满意度指标", "服务对象满意度指标", "培训学员满意度", "≥90%", "≥90%", "10", "8"),
]
GRAIN = [
    ("产出指标", "数量指标", "高标准农田建设面积", "1.2万亩", "1.2万亩", "15", "15"),
    ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", "15", "15"),
    ("产出指标", "时效指标", "工程完工时间", "2022年10月底", "2022年11月15日", "10", "7"),
    ("效益指标", "经济效益指标", "亩均增产粮食", "≥50公斤", "56公斤", "15", "15"),
    ("效益指标", "生态效益指标", "节水灌溉面积占比", "≥60%", "本项目不涉及", "10", "5"),
    ("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%", "93.2%", "10", "10"),
]
PROJECTS = [
    ("就业创业补助资金", "宜都市人力资源和社会保障局", ("1860", "1860", "1822.7", "98%"), EMPLOY),
    ("高标准农田建设项目", "宜都市农业农村局", ("3200", "3350", "3301.5", "98.55%"), GRAIN),
]
CANON1 = {"产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度"}
CANON2 = {
    "数量指标": "数量",
    "质量指标": "质量",
    "时效指标": "时效",
    "成本指标": "成本",
    "经济效益指标": "经济",
    "社会效益指标": "社会",
    "生态效益指标": "生态",
    "可持续影响指标": "可持续",
    "服务对象满意度指标": "满意度",
}


@dataclass
class Sheet:
    """Texts at anchors and merged ranges (0-based, inclusive), independent of any format."""

    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def put(self, r: int, c: int, text: str, r2: int | None = None, c2: int | None = None) -> None:
        self.cells[(r, c)] = text
        if (r2 is not None and r2 != r) or (c2 is not None and c2 != c):
            self.merges.append((r, c, r if r2 is None else r2, c if c2 is None else c2))

    @property
    def size(self) -> tuple[int, int]:
        spots = list(self.cells) + [(m[2], m[3]) for m in self.merges]
        return max(r for r, _ in spots) + 1, max(c for _, c in spots) + 1


# ------------------------------------------------------------------ layouts


def national(year: int) -> Sheet:
    """财预〔2020〕10号 template, one block per project, 一级/二级 merged down."""
    s = Sheet()
    r = 0
    for name, unit, budget, inds in PROJECTS:
        s.put(r, 0, f"项目支出绩效自评表({year}年度)", c2=7)
        s.put(r + 1, 0, "项目名称", c2=1)
        s.put(r + 1, 2, name, c2=7)
        s.put(r + 2, 0, "主管部门", c2=1)
        s.put(r + 2, 2, unit, c2=3)
        s.put(r + 2, 4, "实施单位", c2=5)
        s.put(r + 2, 6, unit, c2=7)
        s.put(r + 3, 0, "项目资金(万元)", r2=r + 4)
        for i, h in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
            s.put(r + 3, 2 + i, h)
        s.put(r + 4, 1, "年度资金总额")
        for i, v in enumerate([budget[0], budget[1], budget[2], "10", budget[3], "9.8"]):
            s.put(r + 4, 2 + i, v)
        s.put(r + 5, 0, "年度总体目标", r2=r + 6)
        s.put(r + 5, 1, "预期目标", c2=3)
        s.put(r + 5, 4, "实际完成情况", c2=7)
        s.put(r + 6, 1, f"实施{name},完成年度各项任务。", c2=3)
        s.put(r + 6, 4, f"{name}各项任务已完成。", c2=7)
        h = r + 7
        for i, t in enumerate(
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ]
        ):
            s.put(h, i, t)
        _long_rows(s, h + 1, inds, with_scores=True)
        e = h + 1 + len(inds)
        s.put(e, 0, "总分", c2=4)
        s.put(e, 5, "100")
        s.put(e, 6, "93")
        s.put(e + 1, 0, "存在问题", c2=1)
        s.put(e + 1, 2, "无", c2=7)
        r = e + 3
    return s


def _long_rows(
    s: Sheet, start: int, inds, with_scores: bool, first_col: int = 0, split_target: bool = False
) -> None:
    n = len(inds)
    i = 0
    while i < n:  # 一级 merged down its group, 二级 merged down its run
        j = i
        while j < n and inds[j][0] == inds[i][0]:
            j += 1
        s.put(start + i, first_col, inds[i][0], r2=start + j - 1)
        k = i
        while k < j:
            m = k
            while m < j and inds[m][1] == inds[k][1]:
                m += 1
            s.put(start + k, first_col + 1, inds[k][1], r2=start + m - 1)
            k = m
        i = j
    for i, (_, _, name, target, done, weight, points) in enumerate(inds):
        c = first_col + 2
        s.put(start + i, c, name)
        if split_target:
            op = next((o for o in ("≥", "≤") if target.startswith(o)), "")
            rest = target[len(op) :]
            num = rest.rstrip("万亩人次个元公斤%年月日底")
            s.put(start + i, c + 1, op)
            s.put(start + i, c + 2, num)
            s.put(start + i, c + 3, rest[len(num) :])
            c += 2
        else:
            s.put(start + i, c + 1, target)
        s.put(start + i, c + 2, done)
        if with_scores:
            s.put(start + i, c + 3, weight)
            s.put(start + i, c + 4, points)


def sichuan(year: int) -> Sheet:
    """指标性质/指标值/度量单位 under a merged 年度指标值, 完成值, 权重, 得分."""
    s = Sheet()
    s.put(0, 0, f"{year}年宜都市项目支出绩效自评表", c2=8)
    s.put(1, 0, "单位:万元", c2=8)
    r = 2
    for name, _unit, _budget, inds in PROJECTS:
        s.put(r, 0, "项目名称", c2=1)
        s.put(r, 2, name, c2=8)
        s.put(r + 1, 0, "项目年度目标", c2=1)
        s.put(r + 1, 2, f"实施{name}。", c2=8)
        s.put(r + 2, 0, "年度目标完成情况", c2=1)
        s.put(r + 2, 2, f"{name}完成。", c2=8)
        s.put(r + 3, 0, "一级指标", r2=r + 4)
        s.put(r + 3, 1, "二级指标", r2=r + 4)
        s.put(r + 3, 2, "三级指标", r2=r + 4)
        s.put(r + 3, 3, "年度指标值", c2=5)
        s.put(r + 4, 3, "指标性质")
        s.put(r + 4, 4, "指标值")
        s.put(r + 4, 5, "度量单位")
        s.put(r + 3, 6, "完成值", r2=r + 4)
        s.put(r + 3, 7, "权重", r2=r + 4)
        s.put(r + 3, 8, "得分", r2=r + 4)
        _long_rows(s, r + 5, inds, with_scores=True, split_target=True)
        r = r + 5 + len(inds) + 1
    return s


def hubei(year: int) -> Sheet:
    """Flattened long layout: 年初目标值(A)/实际完成值(B), categories written once, no merges."""
    s = Sheet()
    s.put(0, 0, f"宜都市{year}年度项目支出绩效自评表")
    r = 1
    for name, unit, _budget, inds in PROJECTS:
        s.put(r, 0, "项目名称")
        s.put(r, 1, name)
        s.put(r + 1, 0, "实施单位")
        s.put(r + 1, 1, unit)
        for i, h in enumerate(
            ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "分值", "得分"]
        ):
            s.put(r + 2, i, h)
        prev = ("", "")
        for i, (l1, l2, ind, target, done, weight, points) in enumerate(inds):
            s.put(r + 3 + i, 0, l1 if l1 != prev[0] else "")
            s.put(r + 3 + i, 1, l2 if (l1, l2) != prev else "")
            for k, v in enumerate([ind, target, done, weight, points]):
                s.put(r + 3 + i, 2 + k, v)
            prev = (l1, l2)
        r += 4 + len(inds)
    return s


WIDE_GROUPS = ["数量指标", "质量指标", "时效指标", "经济效益指标", "社会效益指标", "满意度指标"]


def wide(year: int) -> Sheet:
    """One row per project; the unit cell merged down the block."""
    s = Sheet()
    groups = WIDE_GROUPS
    s.put(0, 0, f"{year}年宜都市发展和改革局部门预算项目绩效自评表", c2=7 + 2 * len(groups))
    for c, h in enumerate(["序号", "单位名称", "项目名称", "预算数", "执行数", "执行率"]):
        s.put(1, c, h, r2=3)
    s.put(1, 6, "产出指标", c2=11)
    s.put(1, 12, "效益指标", c2=15)
    s.put(1, 16, "满意度指标", r2=2, c2=17)
    for k, g in enumerate(groups[:5]):
        s.put(2, 6 + 2 * k, g, c2=7 + 2 * k)
    for k in range(len(groups)):
        s.put(3, 6 + 2 * k, "年度指标值")
        s.put(3, 7 + 2 * k, "实际完成值")
    s.put(1, 18, "偏差原因分析及改进措施", r2=3)
    for i, (name, _unit, budget, inds) in enumerate(PROJECTS):
        r = 4 + i
        s.put(r, 0, str(i + 1))
        s.put(r, 2, name)
        for k, v in enumerate([budget[0], budget[2], budget[3]]):
            s.put(r, 3 + k, v)
        by_group = {}
        for ind in inds:
            by_group.setdefault(ind[1].replace("服务对象满意度指标", "满意度指标"), ind)
        for k, g in enumerate(groups):
            if g in by_group:
                s.put(r, 6 + 2 * k, by_group[g][3])
                s.put(r, 7 + 2 * k, by_group[g][4])
        s.put(r, 18, "无")
    s.put(4, 1, "宜都市发展和改革局", r2=4 + len(PROJECTS) - 1)
    return s


def hunan(year: int) -> Sheet:
    """全年完成值, no scores, 未完成原因和改进措施; budget and goal as key/value rows."""
    s = Sheet()
    s.put(0, 0, f"宜都市{year}年度项目支出绩效自评表", c2=6)
    r = 1
    for name, unit, budget, inds in PROJECTS:
        s.put(r, 0, f"项目名称：{name}", c2=6)
        s.put(r + 1, 0, "实施单位", c2=1)
        s.put(r + 1, 2, unit, c2=6)
        s.put(r + 2, 0, "资金情况", r2=r + 3, c2=1)
        for i, h in enumerate(["年初预算数", "全年预算数", "全年执行数", "执行率"]):
            s.put(r + 2, 2 + i, h)
            s.put(r + 3, 2 + i, budget[i])
        s.put(r + 4, 0, "年度总体目标", c2=1)
        s.put(r + 4, 2, f"实施{name}。", c2=6)
        s.put(r + 5, 0, "年度总体目标完成情况", c2=1)
        s.put(r + 5, 2, f"{name}已完成。", c2=6)
        for i, h in enumerate(
            ["一级指标", "二级指标", "三级指标", "年度指标值", "全年完成值", "未完成原因和改进措施"]
        ):
            s.put(r + 6, i, h, c2=6 if i == 5 else None)
        _long_rows(s, r + 7, inds, with_scores=False)
        r += 8 + len(inds)
    return s


def yunnan(year: int) -> Sheet:
    """Money in 元; 年度指标值 merged over 指标性质/指标值/度量单位; odd operators; 总分 and 等级."""
    s = Sheet()
    name, unit, budget, inds = PROJECTS[0]
    s.put(0, 0, f"{year}年度{unit}项目支出绩效自评表", c2=9)
    s.put(1, 0, "单位:元", c2=9)
    s.put(2, 0, "项目名称")
    s.put(2, 1, name, c2=9)
    s.put(3, 0, "年度总体目标")
    s.put(3, 1, f"实施{name}。", c2=9)
    for i, h in enumerate(["一级指标", "二级指标", "三级指标"]):
        s.put(4, i, h, r2=5)
    s.put(4, 3, "年度指标值", c2=5)
    for i, h in enumerate(["指标性质", "指标值", "度量单位"]):
        s.put(5, 3 + i, h)
    for i, h in enumerate(["实际完成值", "分值", "得分", "偏差原因分析及改进措施"]):
        s.put(4, 6 + i, h, r2=5)
    odd = [
        (l1, l2, n, t.replace("≥", "≧").replace("≤", "≦"), d, w, p)
        for l1, l2, n, t, d, w, p in inds
    ]
    _long_rows(s, 6, odd, with_scores=True, split_target=True)
    e = 6 + len(inds)
    s.put(e, 0, "总分", c2=6)
    s.put(e, 7, "100")
    s.put(e, 8, "95")
    s.put(e, 9, "优")
    return s


def declaration(year: int) -> Sheet:
    """Targets only (申报表): 三级指标, 指标值, 指标解释; 不适用 everywhere in unused indicators."""
    s = Sheet()
    s.put(0, 0, f"{year}年二级项目支出绩效目标申报表", c2=4)
    r = 1
    for name, unit, _budget, inds in PROJECTS:
        s.put(r, 0, "项目名称")
        s.put(r, 1, name)
        s.put(r, 2, "申请单位")
        s.put(r, 3, unit, c2=4)
        for i, h in enumerate(["一级指标", "二级指标", "三级指标", "指标值", "指标解释"]):
            s.put(r + 1, i, h)
        for i, (l1, l2, ind, target, _d, _w, _p) in enumerate(inds):
            for k, v in enumerate([l1, l2, ind, target, f"按{ind}台账核定"]):
                s.put(r + 2 + i, k, v)
        r += 3 + len(inds)
    return s


def traditional(year: int) -> Sheet:
    """The national template as a mirror site shows it: every text in traditional characters."""
    to = conv("traditional")
    s = national(year)
    return Sheet({k: to(v) for k, v in s.cells.items()}, s.merges)


@functools.cache
def conv(layout: str):
    """The text transform a layout applies (s2t for the mirror-site variant)."""
    if layout != "traditional":
        return lambda text: text
    import opencc

    return opencc.OpenCC("s2t").convert


def expected(layout: str) -> list[tuple[str, str, str, str, str, str]]:
    to = conv(layout)
    out = []
    projects = PROJECTS[:1] if layout == "yunnan" else PROJECTS
    for name, _unit, _budget, inds in projects:
        seen = set()
        for l1, l2, ind, target, done, _w, _p in inds:
            if layout == "wide":
                group = l2.replace("服务对象满意度指标", "满意度指标")
                if group in seen or group not in WIDE_GROUPS:
                    continue
                seen.add(group)
                ind = ""
            if layout == "yunnan":
                target = target.replace("≥", "≧").replace("≤", "≦")
            if layout == "declaration":
                done = ""
            out.append((to(name), CANON1[l1], CANON2[l2], to(ind), to(target), to(done)))
    return out


LAYOUTS = {
    "national": national,
    "sichuan": sichuan,
    "hubei": hubei,
    "wide": wide,
    "hunan": hunan,
    "yunnan": yunnan,
    "declaration": declaration,
    "traditional": traditional,
}


# ------------------------------------------------------------------ renderers


def to_xlsx(s: Sheet, path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for (r, c), t in s.cells.items():
        ws.cell(row=r + 1, column=c + 1, value=t)
    for r0, c0, r1, c1 in s.merges:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)


def to_xls(s: Sheet, path) -> None:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    anchors = {(m[0], m[1]): m for m in s.merges}
    for (r, c), t in s.cells.items():
        if (r, c) in anchors:
            r0, c0, r1, c1 = anchors[(r, c)]
            ws.write_merge(r0, r1, c0, c1, t)
        else:
            ws.write(r, c, t)
    wb.save(str(path))


def to_docx(s: Sheet, path) -> None:
    import docx

    d = docx.Document()
    rows, cols = s.size
    table = d.add_table(rows=rows, cols=cols)
    for r0, c0, r1, c1 in s.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    for (r, c), t in s.cells.items():
        table.cell(r, c).text = t
    d.save(str(path))


def to_html(s: Sheet, path) -> None:
    rows, cols = s.size
    covered = set()
    spans = {}
    for r0, c0, r1, c1 in s.merges:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    out = ['<html><head><meta charset="utf-8"></head><body><table border="1">']
    for r in range(rows):
        tds = []
        for c in range(cols):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            tds.append(
                f'<td rowspan="{rs}" colspan="{cs}">{html.escape(s.cells.get((r, c), ""))}</td>'
            )
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def to_csv_gbk(s: Sheet, path) -> None:
    rows, cols = s.size
    buf = io.StringIO()
    csv.writer(buf).writerows([[s.cells.get((r, c), "") for c in range(cols)] for r in range(rows)])
    path.write_bytes(buf.getvalue().encode("gbk"))


RENDERERS = {"xlsx": to_xlsx, "xls": to_xls, "docx": to_docx, "html": to_html, "csv": to_csv_gbk}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_in_format(tmp_path, layout, fmt):
    path = tmp_path / f"{layout}_2022.{fmt}"
    RENDERERS[fmt](LAYOUTS[layout](2022), path)
    result = read_files([path])
    assert result.problems == []
    t = result.table
    pairs = t[t["level1"].isin(["产出", "效益", "满意度"])]
    got = list(
        pairs[["project", "level1", "level2", "indicator", "target", "completion"]].itertuples(
            index=False, name=None
        )
    )
    assert got == expected(layout)
    assert set(pairs["year"]) == {2022}
    assert result.unplaced.empty
    units = list(pairs.groupby("project", sort=False)["unit"].first())
    if layout == "wide":
        assert units == ["宜都市发展和改革局"] * 2
    elif layout == "yunnan":
        assert units == [PROJECTS[0][1]]  # from the title
    elif layout != "sichuan":
        assert [conv(layout)(u) for u in units] == [conv(layout)(u) for _, u, _, _ in PROJECTS]
