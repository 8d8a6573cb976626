"""Write the blind reader fixtures (tests/fixtures/blind/) and the pairs and cells they hold.

    python tests/fixture_makers/make_blind_fixtures.py

Twenty-six tables in every format and layout of issue 2, built with the real libraries
(openpyxl, xlwt, python-docx, the csv module, plain HTML) by someone who had not read the
reader. Deterministic: no randomness; workbook and document dates are fixed. Besides the
tables it writes `expected_pairs.tsv` (file, project, level1, level2, indicator, target,
completion, unit, weight: every indicator pair as written, with the unit that carries it
out and its 分值 cell),
`expected_goals.tsv` (file, project, target, completion: the overall goal and its completion) and
`expected_cells.tsv` (file, sheet, row, column, kind, text: every non-empty cell; kind
`content` must survive reading, `label` is a header, a title or a placeholder dash).
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import opencc
import openpyxl
import xlwt
from docx import Document
from openpyxl.styles import Alignment

FIXED_DATE = datetime(2022, 3, 10, 9, 0, 0)
OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "blind"

# raw 一级/二级 label (any template spelling) -> canonical level1 / level2
LEVEL2 = {
    "数量": "数量",
    "质量": "质量",
    "时效": "时效",
    "成本": "成本",
    "经济": "经济",
    "社会": "社会",
    "生态": "生态",
    "可持续": "可持续",
    "满意度": "满意度",
}
L1_OF = {
    "数量": "产出",
    "质量": "产出",
    "时效": "产出",
    "成本": "产出",
    "经济": "效益",
    "社会": "效益",
    "生态": "效益",
    "可持续": "效益",
    "满意度": "满意度",
}
NATIONAL_L2 = {
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "成本": "成本指标",
    "经济": "经济效益指标",
    "社会": "社会效益指标",
    "生态": "生态效益指标",
    "可持续": "可持续影响指标",
    "满意度": "服务对象满意度指标",
}
HUBEI_L2 = {
    "数量": "产出数量",
    "质量": "产出质量",
    "时效": "产出时效",
    "成本": "产出成本",
    "经济": "经济效益",
    "社会": "社会效益",
    "生态": "生态效益",
    "可持续": "可持续影响",
    "满意度": "服务对象满意度",
}


@dataclass
class Ind:
    """One indicator: canonical 二级 key, 三级 name, target (str or op/value/unit), completion."""

    l2: str
    name: str
    target: str | tuple[str, str, str]
    completion: str
    weight: str = ""
    points: str = ""
    reason: str = ""
    blank: bool = False  # a row the template leaves unused (no pair expected)

    @property
    def target_text(self) -> str:
        if isinstance(self.target, str):
            return self.target
        # 定性/定量 in 指标性质 is the kind of indicator, not part of the target (issue 9)
        kind = self.target[0] in ("定性", "定量")
        return "".join(self.target[1:] if kind else self.target)


@dataclass
class Project:
    name: str
    unit: str
    dept: str
    budget: tuple[str, str, str, str]  # 年初预算数, 全年预算数, 全年执行数, 执行率
    goal: str
    done: str
    inds: list[Ind]
    conclusion: str = ""


@dataclass
class Grid:
    """A sheet as written: rows of cell text, merged ranges, and which cells are labels."""

    rows: list[list[str]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    labels: set[tuple[int, int]] = field(default_factory=set)
    # cells a workbook stores as numbers or dates: (value, number format) shown as the text
    typed: dict[tuple[int, int], tuple[object, str]] = field(default_factory=dict)
    width: int = 10

    def add(self, cells: list[str], labels: tuple[int, ...] = ()) -> int:
        row = len(self.rows)
        self.rows.append(list(cells) + [""] * (self.width - len(cells)))
        self.labels.update((row, c) for c in labels)
        return row

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r0, c0) != (r1, c1):
            self.merges.append((r0, c0, r1, c1))

    def covered(self) -> set[tuple[int, int]]:
        """Cells hidden under a merge (all but the top-left)."""
        out = set()
        for r0, c0, r1, c1 in self.merges:
            out.update(
                (r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)
            )
        return out


# ---------------------------------------------------------------- content


def _p(l2, name, target, completion, weight="", points="", reason=""):
    return Ind(l2, name, target, completion, weight, points, reason)


SWEEPING = Project(
    "城区道路清扫保洁经费",
    "某市环境卫生管理处",
    "某市城市管理局",
    ("860", "860", "845.2", "98.28%"),
    "完成城区主次干道及背街小巷清扫保洁，垃圾日产日清，城区环境卫生水平持续提升。",
    "全年清扫保洁面积326.5万平方米，清运生活垃圾4.82万吨，道路保洁达标率96.3%。",
    [
        _p("数量", "道路清扫保洁面积", "≥320万平方米", "326.5万平方米", "10", "10"),
        _p("数量", "垃圾清运量", "≥4.5万吨", "4.82万吨", "10", "10"),
        _p("质量", "道路保洁达标率", "≥95%", "96.3%", "10", "10"),
        _p("质量", "垃圾无害化处理率", "100%", "100%", "5", "5"),
        _p("时效", "垃圾日产日清", "当日清运", "按时完成", "5", "5"),
        _p("成本", "每平方米保洁成本", "≤12元", "11.6元", "10", "10"),
        _p("经济", "", "本项目不涉及经济效益指标", "本项目不涉及经济效益指标"),
        _p(
            "社会",
            "市容环境卫生状况",
            "明显改善",
            "城区环境卫生状况明显改善，群众投诉量同比下降18%",
            "15",
            "14",
            "个别背街小巷保洁频次不足，下年度增加机扫频次",
        ),
        _p("生态", "减少道路扬尘", "有效减少", "有效减少", "5", "5"),
        _p("可持续", "保洁长效机制", "长期", "长期", "5", "5"),
        _p(
            "满意度",
            "市民满意度",
            "≥90%",
            "92.5%",
            "10",
            "9",
            "部分市民反映夜间作业噪音，将调整作业时段",
        ),
    ],
    "优",
)

WATER = Project(
    "农村饮水安全巩固提升工程",
    "某县农村供水管理站",
    "某县水利局",
    ("1250", "1230", "1186.4", "96.46%"),
    "新建集中供水工程12处，改造供水管网85公里，提升农村供水保障水平。",
    "已建成集中供水工程12处，改造管网87.6公里，受益人口3.35万人。",
    [
        _p("数量", "新建集中供水工程", "12处", "12处", "10", "10"),
        _p("数量", "改造供水管网", "≥85公里", "87.6公里", "10", "10"),
        _p("质量", "工程验收合格率", "100%", "100%", "10", "10"),
        _p("质量", "水质达标率", "≥90%", "93%", "5", "5"),
        _p(
            "时效",
            "工程完工时间",
            "2022年10月底前",
            "2022年11月15日",
            "5",
            "3",
            "受汛期影响部分工程延期完工",
        ),
        _p("成本", "工程建设成本", "≤1200万元", "1186.4万元", "10", "10"),
        _p("经济", "节约群众取水时间成本", "有所节约", "已完成", "5", "5"),
        _p("社会", "受益人口", "≥3.2万人", "3.35万人", "10", "10"),
        _p("生态", "无", "不适用", "不适用"),
        _p("可持续", "工程设计使用年限", "≥15年", "15年", "10", "10"),
        _p("满意度", "受益群众满意度", "≥90%", "满意度≥90%", "10", "10"),
    ],
    "良",
)

SCHOOL = Project(
    "中小学校舍维修改造",
    "某区教育局",
    "某区教育局",
    ("680", "650", "642.3", "98.82%"),
    "利用暑期完成8所中小学校舍维修改造，消除安全隐患，改善办学条件。",
    "8所学校维修改造工程均于开学前完工并通过验收。",
    [
        _p("数量", "维修改造学校数量", "8所", "8所", "10", "10"),
        _p("数量", "维修面积", "12000平方米", "12360平方米", "10", "10"),
        _p("质量", "工程质量合格率", "100%", "合格", "10", "10"),
        _p("时效", "暑期完工率", "100%", "100%", "10", "10"),
        _p("成本", "项目总成本控制", "≤650万元", "642.3万元", "10", "10"),
        _p("社会", "改善办学条件", "有效改善", "有效改善", "20", "18"),
        _p("可持续", "校舍使用安全年限", "10年以上", "10年以上", "10", "10"),
        _p("满意度", "师生满意度", "≥95%", "97.2%", "10", "10"),
    ],
    "优",
)

CLINIC = Project(
    "基层医疗卫生机构能力建设补助",
    "某县卫生健康局",
    "某县卫生健康局",
    ("450", "450", "441.6", "98.13%"),
    "为乡镇卫生院配备基本医疗设备120台(套)，培训基层卫技人员300人次，提升基层服务能力。",
    "配备设备126台(套)，培训312人次，基层就诊人次增长6.8%。",
    [
        _p("数量", "配备基本医疗设备数量", ("≥", "120", "台(套)"), "126台(套)", "10", "10"),
        _p("数量", "培训基层卫技人员", ("≥", "300", "人次"), "312人次", "10", "10"),
        _p("质量", "设备验收合格率", ("=", "100", "%"), "100%", "10", "10"),
        _p(
            "时效",
            "资金拨付及时率",
            ("≥", "95", "%"),
            "90%",
            "10",
            "8",
            "部分乡镇卫生院采购流程较长，资金拨付滞后",
        ),
        _p("成本", "单台设备平均采购成本", ("≤", "3.5", "万元"), "3.42万元", "10", "10"),
        _p("社会", "基层就诊人次增长率", ("≥", "5", "%"), "6.8%", "15", "15"),
        _p("可持续", "设备使用年限", ("≥", "5", "年"), "5年", "10", "10"),
        _p("满意度", "患者满意度", ("≥", "90", "%"), "93%", "5", "5"),
    ],
    "优",
)

TEA = Project(
    "高原特色农业产业发展专项",
    "某县农业农村局",
    "某县农业农村局",
    ("3,000,000.00", "3,000,000.00", "2,912,450.00", "97.08%"),
    "新建高标准茶园5000亩，扶持新型经营主体15个，带动农户增收。",
    "新建高标准茶园5120亩，扶持新型经营主体15个，带动农户户均增收1050元。",
    [
        _p("数量", "新建高标准茶园面积", ("≧", "5000", "亩"), "5120亩", "10", "10"),
        _p("数量", "扶持新型经营主体", ("﹦", "15", "个"), "15个", "10", "10"),
        _p("质量", "种苗成活率", ("≧", "85", "%"), "88.6%", "10", "10"),
        _p("时效", "项目完成时限", ("═", "2021年12月", ""), "2021年12月", "10", "10"),
        _p("经济", "带动农户增收", ("≧", "800", "元/户"), "1050元/户", "10", "10"),
        _p("社会", "带动就业人数", ("≧", "200", "人"), "236人", "10", "10"),
        _p(
            "生态",
            "化肥使用量减少",
            ("≧", "5", "%"),
            "5.3%",
            "10",
            "9",
            "部分农户仍沿用传统施肥方式",
        ),
        _p("满意度", "受益农户满意度", ("≧", "90", "%"), "95%", "10", "10"),
    ],
    "优",
)

REVIVAL = Project(
    "衔接推进乡村振兴补助资金（产业发展）",
    "某县乡村振兴局",
    "某县乡村振兴局",
    ("", "2180", "2152.7", "98.75%"),
    "新建产业基地3个，带动脱贫户发展产业，巩固拓展脱贫攻坚成果。",
    "建成茶叶、食用菌、中药材产业基地3个，带动脱贫户326人，脱贫户年人均增收620元。",
    [
        _p("数量", "★新建产业基地", "≥3个", "3个"),
        _p("数量", "带动脱贫户数", "(≥**人)", "326人"),
        _p("质量", "项目验收合格率", "100%", "100%"),
        _p("时效", "项目开工及时率", "≥95%", "**"),
        _p("成本", "★产业基地建设补助标准", "≤50万元/个", "48.6万元/个"),
        _p("经济", "脱贫户年人均增收", "≥500元", "620元"),
        _p("社会", "★带动脱贫人口就业", "≥50人", "58人"),
        _p("可持续", "项目持续发挥效益年限", "≥5年", "≥5年"),
        _p("满意度", "脱贫群众满意度", "≥95%", "98%"),
    ],
)

SEWAGE = Project(
    "乡镇污水处理设施运维",
    "某县住房和城乡建设局",
    "某县住房和城乡建设局",
    ("480", "480", "476", "99.17%"),
    "保障全县18座乡镇污水处理站稳定运行，出水水质达标。",
    "18座污水处理站全年稳定运行，处理污水118.3万吨。",
    [
        _p("数量", "运维污水处理站", "18座", "18座", "10", "10"),
        _p(
            "数量",
            "年污水处理量",
            "≥120万吨",
            "118.3万吨",
            "10",
            "9",
            "部分站点管网破损，进水量不足，下年度实施管网修复",
        ),
        _p("质量", "出水水质达标率", "≥90%", "92%", "10", "10"),
        _p("时效", "运维费用按季度拨付", "按季度", "按季度拨付", "5", "5"),
        _p("成本", "运维成本", "≤480万元", "476万元", "5", "5"),
        _p("社会", "改善农村人居环境", "明显改善", "效果明显", "10", "10"),
        _p("生态", "COD削减量", "≥900吨", "932吨", "20", "20"),
        _p("满意度", "群众满意度", "≥85%", "90%", "10", "10"),
    ],
)

ROADS = Project(
    "农村公路养护",
    "某县交通运输局",
    "某县交通运输局",
    ("1560", "1560", "1548.9", "99.29%"),
    "完成1260公里农村公路日常养护，及时修复水毁路段，保障群众安全出行。",
    "完成1260公里农村公路养护，修复水毁路段38处。",
    [
        _p("数量", "养护农村公路里程", "1260公里", "1260公里", "10", "10"),
        _p("数量", "修复水毁路段", "35处", "38处", "5", "5"),
        _p("质量", "优良中等路率", "≥75%", "78.4%", "10", "10"),
        _p("时效", "水毁修复完成时间", "汛后3个月内", "已按时完成", "5", "5"),
        _p("成本", "养护补助标准", "县道1万元/公里·年", "县道1万元/公里·年", "10", "10"),
        _p("经济", "降低运输成本", "有所降低", "有所降低", "5", "5"),
        _p("社会", "保障群众安全出行", "安全事故率同比下降", "同比下降12%", "15", "15"),
        _p("可持续", "公路养护长效机制", "建立健全", "已建立", "10", "10"),
        _p("满意度", "沿线群众满意度", "≥90%", "91%", "10", "10"),
    ],
)

ELDERLY = Project(
    "社区居家养老服务补助",
    "某县民政局",
    "某县民政局",
    ("300", "300", "287.5", "95.83%"),
    "为2000名以上居家老年人提供助餐、助洁等服务，建成社区养老服务站6个。",
    "全年服务老年人2135人，建成社区养老服务站5个。",
    [
        _p("数量", "服务老年人数", "≥2,000人", "2,135人"),
        _p("数量", "建成社区养老服务站", "6个", "5个", reason="1个站点选址调整，2022年6月前建成"),
        _p("质量", "服务质量达标率", "≥90%", "已达标"),
        _p("时效", "补助资金发放及时率", "100%", "100%"),
        _p("成本", "人均补助标准", "200元/月", "200元/月"),
        _p("社会", "老年人生活质量", "有效提高", "有效提高"),
        _p("可持续", "居家养老服务体系", "逐步完善", "逐步完善"),
        _p("满意度", "服务对象满意度", "≥90%", "95.6%"),
    ],
)

CULTURE_CENTRE = Project(
    "社区文化活动中心运营",
    "某街道办事处",
    "某街道办事处",
    ("96", "", "", ""),
    "全年免费开放社区文化活动中心，举办群众文化活动48场以上。",
    "",
    [
        _p("数量", "举办文化活动场次", "≥48场", "", reason="全年举办各类群众文化活动的场次"),
        _p("数量", "开放时长", "≥2500小时", "", reason="中心全年对外免费开放的时长"),
        _p("质量", "活动安全事故发生率", "0", "", reason="活动期间发生安全事故的次数占比"),
        _p("时效", "活动按计划完成率", "100%", "", reason="按年度计划完成的活动占比"),
        _p("成本", "单场活动平均成本", "≤0.8万元", "", reason="活动经费除以活动场次"),
        _p("经济", "不适用", "不适用", "", reason="不适用"),
        _p("社会", "参与活动群众人次", "≥1.5万人次", "", reason="全年参与活动的群众人次"),
        _p("生态", "不适用", "不适用", "", reason="不适用"),
        _p("满意度", "参与群众满意度", "≥90%", "", reason="问卷调查参与群众的满意程度"),
    ],
)

FITNESS = Project(
    "全民健身设施建设及赛事活动",
    "某市体育局",
    "某市体育局",
    ("2400", "2350", "2298.6", "97.81%"),
    "新建更新全民健身路径，建设社区多功能运动场，举办全民健身赛事活动，提升群众健身参与率。",
    "新建更新健身路径86条，建成多功能运动场14片，举办赛事活动52场，经常参加体育锻炼人数比例达41.3%。",
    [
        _p("数量", "新建更新全民健身路径", "≥80条", "86条", "4", "4"),
        _p(
            "数量",
            "建设社区多功能运动场",
            "15片",
            "14片",
            "4",
            "3",
            "㽏口村运动场因用地调整移至2023年实施",
        ),
        _p("数量", "建设健身步道", "≥20公里", "23.5公里", "4", "4"),
        _p("数量", "举办全民健身赛事活动", "≥50场", "52场", "4", "4"),
        _p("数量", "培训社会体育指导员", "≥600人", "645人", "3", "3"),
        _p("数量", "开展国民体质监测", "≥3000人次", "3120人次", "3", "3"),
        _p("数量", "学校体育场地向社会开放", "≥30所", "32所", "3", "3"),
        _p("数量", "健身器材维护更新", "≥400件", "已完成", "3", "3"),
        _p("质量", "工程验收合格率", "100%", "100%", "4", "4"),
        _p("质量", "器材国家标准符合率", "100%", "100%", "3", "3"),
        _p("质量", "赛事安全事故", "0起", "0起", "3", "3"),
        _p("质量", "体质监测合格率", "≥90%", "91.2%", "2", "2"),
        _p(
            "时效",
            "设施建设完成时间",
            "2022年11月底前",
            "2022年12月20日",
            "3",
            "2",
            "冬季施工进度受影响",
        ),
        _p("时效", "赛事活动按计划完成率", "≥95%", "100%", "2", "2"),
        _p("成本", "每条健身路径平均成本", "≤8万元", "7.6万元", "3", "3"),
        _p("成本", "每片运动场平均成本", "≤60万元", "58.9万元", "2", "2"),
        _p("社会", "经常参加体育锻炼人数比例", "≥40%", "41.3%", "6", "6"),
        _p("社会", "15分钟健身圈覆盖率", "≥90%", "92%", "6", "6"),
        _p("社会", "群众健身意识", "进一步增强", "进一步增强", "5", "5"),
        _p("社会", "赛事参与人次", "≥5万人次", "5.8万人次", "5", "5"),
        _p("可持续", "设施使用年限", "≥8年", "8年", "4", "4"),
        _p("可持续", "设施管护机制", "健全", "已建立设施管护台账", "4", "4"),
        _p("满意度", "健身群众满意度", "≥90%", "94.1%", "5", "5"),
        _p("满意度", "赛事参与者满意度", "≥90%", "满意", "5", "4", "满意度调查样本偏少"),
    ],
    "优",
)

LIBRARY = Project(
    "公共图书馆免费开放补助",
    "某市图书馆",
    "某市文化广电旅游局",
    ("120", "120", "118.9", "99.08%"),
    "保障图书馆全年免费开放，新增馆藏图书2万册，举办阅读推广活动100场。",
    "全年免费开放时间超过3000小时，新增馆藏2.1万册，举办阅读推广活动108场。",
    [
        _p("数量", "新增馆藏图书", "≥2万册", "2.1万册", "10", "10"),
        _p("数量", "举办阅读推广活动", "≥100场", "108场", "10", "10"),
        _p("质量", "图书编目准确率", "≥98%", "99.2%", "10", "10"),
        _p("时效", "每周开放时间", "≥56小时", "63小时", "10", "10"),
        _p("成本", "免费开放补助", "≤120万元", "118.9万元", "10", "10"),
        _p("社会", "年接待读者人次", "≥50万人次", "53.6万人次", "15", "15"),
        _p("可持续", "全民阅读服务体系", "持续完善", "持续完善", "15", "13", "分馆建设进度偏慢"),
        _p("满意度", "读者满意度", "≥90%", "96%", "10", "10"),
    ],
    "优",
)

FOOD = Project(
    "食品安全抽检经费",
    "某区市场监督管理局",
    "某区市场监督管理局",
    ("210", "210", "203.7", "97%"),
    "完成食品安全监督抽检2500批次，不合格食品核查处置率100%。",
    "完成抽检2618批次，不合格食品核查处置率100%。",
    [
        _p("数量", "食品安全监督抽检批次", "≥2500批次", "2618批次", "20", "20"),
        _p("质量", "不合格食品核查处置率", "100%", "100%", "15", "15"),
        _p("时效", "抽检结果公布时限", "检验结论作出后20个工作日内", "按时公布", "10", "10"),
        _p("成本", "单批次抽检成本", "≤800元", "778元", "5", "5"),
        _p("社会", "食品安全事故发生数", "0起", "0起", "20", "20"),
        _p("可持续", "食品安全风险监测机制", "常态化", "常态化", "10", "10"),
        _p("满意度", "群众食品安全满意度", "≥85%", "87.3%", "10", "10"),
    ],
)

ELEVATOR = Project(
    "特种设备安全监管",
    "某区市场监督管理局",
    "某区市场监督管理局",
    ("95", "90", "88.6", "98.44%"),
    "开展电梯等特种设备监督检查，消除安全隐患。",
    "检查特种设备使用单位412家，整改隐患156处。",
    [
        _p("数量", "检查特种设备使用单位", "≥400家", "412家", "20", "20"),
        _p("数量", "电梯应急处置演练", "4次", "3次", "10", "8", "受疫情影响取消1次演练"),
        _p("质量", "隐患整改率", "≥95%", "97.4%", "10", "10"),
        _p("时效", "投诉处理时限", "5个工作日内", "5个工作日内", "10", "10"),
        _p("社会", "特种设备事故", "0起", "0起", "20", "20"),
        _p("经济", "", "/", "/"),
        _p("满意度", "使用单位满意度", "≥90%", "满意度达到90%以上", "10", "9"),
    ],
)

SUBSIDY = Project(
    "耕地地力保护补贴",
    "某县农业农村局",
    "某县农业农村局",
    ("5523", "5523", "5523", "100%"),
    "按时足额发放耕地地力保护补贴，保护耕地地力，调动农民种粮积极性。",
    "（对照年度目标，说明相关任务目标的完成情况，100字以内）",
    [
        _p("数量", "补贴发放面积", ("≥", "52.6", "万亩"), "52.8万亩", "10", "10"),
        _p("数量", "补贴农户数", (">=", "9.5", "万户"), "9.62万户", "10", "10"),
        Ind("数量", "……", ("", "", ""), "", blank=True),
        _p("质量", "补贴资金发放准确率", ("=", "100", "百分比"), "100百分比", "10", "10"),
        _p("时效", "补贴资金兑付时间", ("≤", "6", "月"), "达成预期指标", "10", "10"),
        _p("成本", "亩均补贴标准", ("=", "105", "元/亩"), "105元/亩", "10", "10"),
        _p(
            "经济",
            "农户种粮收益",
            ("定性", "有所提高", ""),
            "部分达成预期指标并具有一定效果",
            "10",
            "8",
            "受粮食市场价格波动影响",
        ),
        _p("社会", "耕地撂荒面积", ("≤", "0.5", "万亩"), "0.3万亩", "10", "10"),
        Ind("生态", "", ("", "", ""), "", blank=True),
        _p(
            "可持续",
            "耕地质量等级",
            ("≥", "4.5", "等"),
            "对照年度指标值，填写实际完成值",
            "10",
            "5",
        ),
        _p("满意度", "补贴对象满意度", ("≥", "90", "%"), "95%", "10", "10"),
    ],
    "（填写优、良、中、差）",
)

BUS = Project(
    "城市公交运营补贴",
    "某市公共交通集团有限公司",
    "某市交通运输局",
    ("5000", "5000", "4987.36", "99.75%"),
    "保障城市公交正常运营，优化公交线网，提高公交出行分担率。",
    "全年运营线路126条，完成客运量1.86亿人次，公交准点率92.3%。",
    [
        _p("数量", "公交运营线路", "≥120条", "126", "10", "10"),
        _p("数量", "年客运量", "≥1.8亿人次", "1.86亿人次", "10", "10"),
        _p("质量", "公交准点率", "≥90%", "92.3%", "10", "10"),
        _p("质量", "车辆完好率", "100%", "100%", "5", "5"),
        _p("时效", "补贴资金拨付时间", "2022年12月31日前", "2022年12月20日", "5", "5"),
        _p("成本", "车公里运营成本", "≤9.5元", "9.32元", "10", "10"),
        _p("社会", "公交出行分担率", "≥45%", "47%", "10", "10"),
        _p("生态", "新能源公交车占比", "≥95%", "96.8%", "10", "10"),
        _p(
            "可持续",
            "公交线网优化",
            "持续优化",
            "持续优化",
            "10",
            "9.5",
            "部分新建小区公交覆盖不足",
        ),
        _p("满意度", "乘客满意度", "≥90", "93.5", "10", "10"),
    ],
    "优",
)
# display text -> (stored value, Excel number format) for the cells of BUS a workbook keeps as numbers
BUS_TYPED = {
    "99.75%": (0.9975, "0.00%"),
    "92.3%": (0.923, "0.0%"),
    "100%": (1, "0%"),
    "47%": (0.47, "0%"),
    "96.8%": (0.968, "0.0%"),
    "2022年12月20日": (datetime(2022, 12, 20), 'yyyy"年"m"月"d"日"'),
}


def store_as_numbers(g: Grid, typed: dict[str, tuple[object, str]]) -> None:
    """Mark content cells that a workbook would hold as numbers, percentages or dates."""
    for r, row in enumerate(g.rows):
        for c, text in enumerate(row):
            if (r, c) in g.labels or not text:
                continue
            if text in typed:
                g.typed[(r, c)] = typed[text]
            elif re.fullmatch(r"[0-9]+", text):
                g.typed[(r, c)] = (int(text), "General")
            elif re.fullmatch(r"[0-9]+\.[0-9]+", text):
                g.typed[(r, c)] = (float(text), "General")


WATER_TYPED = {
    "96.46%": (0.9646, "0.00%"),
    "100%": (1, "0%"),
    "93%": (0.93, "0%"),
    "2022年11月15日": (datetime(2022, 11, 15), 'yyyy"年"m"月"d"日"'),
}

# wide layout: one row per project, these 二级 groups as column pairs
WIDE_GROUPS = ("数量", "质量", "时效", "成本", "社会", "可持续", "满意度")
WIDE_GROUP_LABEL = {
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "成本": "成本指标",
    "社会": "社会效益指标",
    "可持续": "可持续影响指标",
    "满意度": "满意度指标",
}


def _wide(name, budget, goal, done, pairs, problem, fix):
    inds = [_p(g, "", t, c) for g, (t, c) in zip(WIDE_GROUPS, pairs, strict=True)]
    project = Project(name, "某区科技创新局", "某区科技创新局", ("", *budget), goal, done, inds)
    return project, problem, fix


WIDE = [
    _wide(
        "科技企业孵化器运营补贴",
        ("350", "348.2", "99.49%"),
        "支持孵化器运营，新增在孵企业40家以上。",
        "全年新增在孵企业46家，毕业企业12家。",
        [
            ("新增在孵企业≥40家", "新增在孵企业46家"),
            ("孵化器绩效考核合格率100%", "合格率100%"),
            ("2022年12月前完成补贴拨付", "2022年11月完成拨付"),
            ("每家孵化器补贴不超过50万元", "平均补贴43.5万元"),
            ("带动就业≥800人", "带动就业915人"),
            ("孵化服务体系持续完善", "持续完善"),
            ("在孵企业满意度≥90%", "满意度≥90%"),
        ],
        "部分孵化器服务能力不足",
        "加强孵化器分类考核",
    ),
    _wide(
        "高新技术企业认定奖励",
        ("1200", "1200", "100%"),
        "奖励新认定高新技术企业，壮大高新技术企业群体。",
        "奖励新认定高新技术企业120家。",
        [
            ("奖励新认定高新技术企业≥100家", "120家"),
            ("奖励资金拨付准确率100%", "100%"),
            ("资金拨付及时", "已按时完成"),
            ("每家奖励10万元", "每家奖励10万元"),
            ("高新技术企业数量持续增长", "同比增长15.4%"),
            ("本项目不涉及可持续影响指标", "本项目不涉及可持续影响指标"),
            ("企业满意度≥95%", "企业满意度97%"),
        ],
        "无",
        "无",
    ),
    _wide(
        "科技计划项目专家评审",
        ("85", "79.6", "93.65%"),
        "组织科技计划项目专家评审，保障评审公平公正。",
        "组织评审会议26场，评审项目612项。",
        [
            ("组织评审会议≥20场", "26场"),
            ("评审结果无重大异议", "无重大异议"),
            ("按计划完成评审", "按时完成"),
            ("专家评审费按标准支付", "已完成"),
            ("提升科技项目管理水平", "效果明显"),
            ("评审专家库动态更新", "新增专家210名"),
            ("申报单位满意度≥90%", "满意"),
        ],
        "评审专家库行业覆盖不均",
        "扩充新兴产业领域专家",
    ),
    _wide(
        "知识产权质押融资贴息",
        ("500", "421.3", "84.26%"),
        "降低企业融资成本，支持知识产权质押融资。",
        "为58家企业发放贴息421.3万元。",
        [
            ("支持企业≥50家", "58家"),
            ("贴息审核准确率100%", "100%"),
            ("季度受理、年内拨付", "年内完成拨付"),
            ("单个企业贴息不超过20万元", "单个企业最高贴息18.6万元"),
            ("带动知识产权质押融资额≥3亿元", "带动融资3.4亿元"),
            ("……", "……"),
            ("企业满意度≥90%", "93%"),
        ],
        "部分企业申报材料不规范，预算未全部执行",
        "加强政策宣讲，简化申报流程",
    ),
]

# ---------------------------------------------------------------- layouts


def _indicator_rows(
    g: Grid, p: Project, cols: list[str], first_col: int, l2_names: dict[str, str], l1_weights: bool
) -> list[tuple[int, Ind]]:
    """Write 一级 | 二级 | 三级 | cols… rows, 一级 and 二级 merged vertically; return (row, ind)."""
    written = []
    l1_names = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标"}
    for l1 in ("产出", "效益", "满意度"):
        inds = [i for i in p.inds if L1_OF[i.l2] == l1]
        if not inds:
            continue
        weight = sum(float(i.weight) for i in inds if i.weight)
        l1_text = f"{l1_names[l1]}({weight:g}分)" if l1_weights and weight else l1_names[l1]
        l1_start = len(g.rows)
        l2_start = l1_start
        for n, ind in enumerate(inds):
            cells = [""] * first_col
            first_of_l2 = n == 0 or inds[n - 1].l2 != ind.l2
            cells += [l1_text if n == 0 else "", l2_names[ind.l2] if first_of_l2 else "", ind.name]
            for col in cols:
                if col == "target":
                    cells.append(ind.target_text)
                elif col in ("target2", "target3"):  # target split over two or three columns
                    cells += list(ind.target)[: int(col[-1])]
                else:
                    cells.append(getattr(ind, col))
            row = g.add(cells, labels=(first_col, first_col + 1))
            if first_of_l2 and n:
                g.merge(l2_start, first_col + 1, row - 1, first_col + 1)
            if first_of_l2:
                l2_start = row
            written.append((row, ind))
        g.merge(l2_start, first_col + 1, len(g.rows) - 1, first_col + 1)
        g.merge(l1_start, first_col, len(g.rows) - 1, first_col)
    return written


def national_block(g: Grid, p: Project, year: int, expected: list) -> None:
    """财预〔2020〕10号 self-evaluation template, 10 columns, one project."""
    r = g.add([f"项目支出绩效自评表（{year}年度）"], labels=(0,))
    g.merge(r, 0, r, 9)
    r = g.add(["项目名称", p.name], labels=(0,))
    g.merge(r, 1, r, 9)
    r = g.add(["主管部门", p.dept, "", "", "", "实施单位", p.unit], labels=(0, 5))
    g.merge(r, 1, r, 4)
    g.merge(r, 6, r, 9)
    top = g.add(
        [
            "项目资金（万元）",
            "",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        labels=(0, 3, 4, 5, 6, 7, 8),
    )
    g.merge(top, 1, top, 2)
    g.merge(top, 8, top, 9)
    b0, b1, b2, rate = p.budget
    r = g.add(["", "年度资金总额", "", b0, b1, b2, "10", rate, "9.8"], labels=(1,))
    g.merge(r, 1, r, 2)
    g.merge(r, 8, r, 9)
    r = g.add(["", "其中：当年财政拨款", "", b0, b1, b2, "—", "", "—"], labels=(1, 6, 8))
    g.merge(r, 1, r, 2)
    g.merge(r, 8, r, 9)
    r = g.add(["", "上年结转资金", "", "", "", "", "—", "", "—"], labels=(1, 6, 8))
    g.merge(r, 1, r, 2)
    g.merge(r, 8, r, 9)
    r = g.add(["", "其他资金", "", "", "", "", "—", "", "—"], labels=(1, 6, 8))
    g.merge(r, 1, r, 2)
    g.merge(r, 8, r, 9)
    g.merge(top, 0, r, 0)
    r0 = g.add(["年度总体目标", "预期目标", "", "", "", "实际完成情况"], labels=(0, 1, 5))
    g.merge(r0, 1, r0, 4)
    g.merge(r0, 5, r0, 9)
    r = g.add(["", p.goal, "", "", "", p.done])
    g.merge(r, 1, r, 4)
    g.merge(r, 5, r, 9)
    g.merge(r0, 0, r, 0)
    h = g.add(
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
        labels=tuple(range(9)),
    )
    g.merge(h, 8, h, 9)
    rows = _indicator_rows(
        g, p, ["target", "completion", "weight", "points", "reason"], 1, NATIONAL_L2, True
    )
    for row, _ in rows:
        g.merge(row, 8, row, 9)
    g.merge(h, 0, len(g.rows) - 1, 0)
    total_w = sum(float(i.weight) for i in p.inds if i.weight) + 10
    total_p = sum(float(i.points) for i in p.inds if i.points) + 9.8
    r = g.add(["总分", "", "", "", "", "", f"{total_w:g}", f"{total_p:g}", ""], labels=(0,))
    g.merge(r, 0, r, 5)
    g.merge(r, 8, r, 9)
    if p.conclusion:
        r = g.add(["评价结论", p.conclusion], labels=(0,))
        g.merge(r, 1, r, 9)
    expected += [(p, i) for _, i in rows]


def sichuan(g: Grid, p: Project, expected: list) -> None:
    """Sichuan 2022: 指标性质/指标值/度量单位 in three columns under a merged 年度指标值."""
    g.width = 11
    r = g.add(["2022年度项目支出绩效自评表"], labels=(0,))
    g.merge(r, 0, r, 10)
    g.add(
        ["填报单位（盖章）：" + p.unit, "", "", "", "", "", "", "", "", "金额单位：万元"],
        labels=(0, 9),
    )
    r = g.add(["项目名称", "", p.name], labels=(0,))
    g.merge(r, 0, r, 1)
    g.merge(r, 2, r, 10)
    r = g.add(["项目主管部门", "", p.dept, "", "", "", "项目实施单位", "", p.unit], labels=(0, 6))
    g.merge(r, 0, r, 1)
    g.merge(r, 2, r, 5)
    g.merge(r, 6, r, 7)
    g.merge(r, 8, r, 10)
    r = g.add(["项目年度目标", "", p.goal], labels=(0,))
    g.merge(r, 0, r, 1)
    g.merge(r, 2, r, 10)
    r = g.add(["年度目标完成情况", "", p.done], labels=(0,))
    g.merge(r, 0, r, 1)
    g.merge(r, 2, r, 10)
    b0, b1, b2, rate = p.budget
    h = g.add(
        [
            "预算执行情况（10分）",
            "",
            "年初预算数",
            "",
            "全年预算数",
            "",
            "全年执行数",
            "",
            "执行率",
            "",
            "得分",
        ],
        labels=(0, 2, 4, 6, 8, 10),
    )
    v = g.add(["", "", b0, "", b1, "", b2, "", rate, "", "9.8"])
    g.merge(h, 0, v, 1)
    for c in (2, 4, 6, 8):
        g.merge(h, c, h, c + 1)
        g.merge(v, c, v, c + 1)
    h1 = g.add(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "",
            "",
            "完成值",
            "权重",
            "得分",
            "未完成原因分析",
        ],
        labels=(0, 1, 2, 3, 6, 7, 8, 9),
    )
    h2 = g.add(["", "", "", "指标性质", "指标值", "度量单位"], labels=(3, 4, 5))
    for c in (0, 1, 2, 6, 7, 8):
        g.merge(h1, c, h2, c)
    g.merge(h1, 3, h1, 5)
    g.merge(h1, 9, h2, 10)
    rows = _indicator_rows(
        g, p, ["target3", "completion", "weight", "points", "reason"], 0, NATIONAL_L2, False
    )
    for row, _ in rows:
        g.merge(row, 9, row, 10)
    r = g.add(["评价结论", "", p.conclusion or "（对项目绩效目标完成情况作出评价）"], labels=(0,))
    g.merge(r, 0, r, 1)
    g.merge(r, 2, r, 10)
    r = g.add(["存在问题", "", "部分乡镇卫生院设备操作人员不足，设备使用率偏低。"], labels=(0,))
    g.merge(r, 0, r, 1)
    g.merge(r, 2, r, 10)
    r = g.add(["改进措施", "", "加强设备操作培训，建立设备使用考核机制。"], labels=(0,))
    g.merge(r, 0, r, 1)
    g.merge(r, 2, r, 10)
    expected += [(p, i) for _, i in rows]


def yunnan(g: Grid, p: Project, expected: list) -> None:
    """Yunnan 决算公开: money in 元, merged 年度指标值 over three columns, 总分 and 等级."""
    g.width = 10
    r = g.add(["2021年度项目支出绩效自评表"], labels=(0,))
    g.merge(r, 0, r, 9)
    g.add(["单位名称：" + p.unit, "", "", "", "", "", "", "", "金额单位：元"], labels=(0, 8))
    r = g.add(["项目名称", "", p.name], labels=(0,))
    g.merge(r, 0, r, 1)
    g.merge(r, 2, r, 9)
    b0, b1, b2, rate = p.budget
    h = g.add(
        [
            "项目资金（元）",
            "",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        labels=(0, 3, 4, 5, 6, 7, 8),
    )
    g.merge(h, 1, h, 2)
    v = g.add(["", "年度资金总额", "", b0, b1, b2, "10", rate, "9.71"], labels=(1,))
    g.merge(v, 1, v, 2)
    g.merge(h, 0, v, 0)
    r = g.add(["年度总体目标", "预期目标", "", "", "", "实际完成情况"], labels=(0, 1, 5))
    g.merge(r, 1, r, 4)
    g.merge(r, 5, r, 9)
    r2 = g.add(["", p.goal, "", "", "", p.done])
    g.merge(r2, 1, r2, 4)
    g.merge(r2, 5, r2, 9)
    g.merge(r, 0, r2, 0)
    h1 = g.add(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "",
            "",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        labels=(0, 1, 2, 3, 6, 7, 8, 9),
    )
    h2 = g.add(["", "", "", "指标性质", "指标值", "度量单位"], labels=(3, 4, 5))
    for c in (0, 1, 2, 6, 7, 8, 9):
        g.merge(h1, c, h2, c)
    g.merge(h1, 3, h1, 5)
    rows = _indicator_rows(
        g, p, ["target3", "completion", "weight", "points", "reason"], 0, NATIONAL_L2, False
    )
    total = sum(float(i.points) for i in p.inds) + 9.71
    r = g.add(["总分", "", "", "", "", "", "", "100", f"{total:g}", "等级：优"], labels=(0,))
    g.merge(r, 0, r, 6)
    g.add(["备注：本表金额单位为元，指标性质“﹦”表示等于，“≧”表示大于等于。"])
    expected += [(p, i) for _, i in rows]


def poverty(g: Grid, p: Project, expected: list) -> None:
    """衔接资金 template: (A)/(B)/(B/A), 年初设定目标/完成情况综述, 全年实际值, ★, placeholders."""
    g.width = 7
    r = g.add(["项目名称", p.name], labels=(0,))
    g.merge(r, 1, r, 6)
    r = g.add(["主管部门", p.dept, "", "实施单位", p.unit], labels=(0, 3))
    g.merge(r, 1, r, 2)
    g.merge(r, 4, r, 6)
    _, b1, b2, rate = p.budget
    h = g.add(
        ["项目资金（万元）", "", "全年预算数(A)", "", "全年执行数(B)", "", "执行率(B/A)"],
        labels=(0, 2, 4, 6),
    )
    v = g.add(["", "年度资金总额", b1, "", b2, "", rate], labels=(1,))
    v2 = g.add(["", "其中：中央衔接资金", "1500", "", "1486.2", "", "99.08%"], labels=(1,))
    v3 = g.add(["", "省级衔接资金", "680", "", "666.5", "", "98.01%"], labels=(1,))
    for rr in (h, v, v2, v3):
        g.merge(rr, 2, rr, 3)
        g.merge(rr, 4, rr, 5)
    g.merge(h, 0, v3, 0)
    r = g.add(
        ["年度总体目标", "年初设定目标", "", "", "年度总体目标完成情况综述"], labels=(0, 1, 4)
    )
    g.merge(r, 1, r, 3)
    g.merge(r, 4, r, 6)
    r2 = g.add(["", p.goal, "", "", p.done])
    g.merge(r2, 1, r2, 3)
    g.merge(r2, 4, r2, 6)
    g.merge(r, 0, r2, 0)
    h = g.add(
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "全年实际值",
            "未完成原因分析",
        ],
        labels=tuple(range(7)),
    )
    rows = _indicator_rows(g, p, ["target", "completion", "reason"], 1, NATIONAL_L2, False)
    g.merge(h, 0, len(g.rows) - 1, 0)
    g.add(["注：带★的为核心指标；“**”处由项目实施单位据实填写。"])
    expected += [(p, i) for _, i in rows]


def hubei(g: Grid, p: Project, expected: list) -> None:
    """Hubei county: 年初目标值(A)/实际完成值(B), 二级 产出数量…, budget weighted 20."""
    g.width = 8
    r = g.add([f"{p.unit}2022年度项目支出绩效自评表"], labels=(0,))
    g.merge(r, 0, r, 7)
    r = g.add(["项目名称", p.name, "", "", "实施单位", p.unit], labels=(0, 4))
    g.merge(r, 1, r, 3)
    g.merge(r, 5, r, 7)
    b0, b1, b2, rate = p.budget
    h = g.add(
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        labels=(0, 1, 2, 3, 4, 5, 6),
    )
    g.add(["", b0, b1, b2, "20", rate, "19.8"])
    g.merge(h, 0, h + 1, 0)
    r = g.add(["年度总体目标", "年初目标", "", "", "全年实际完成情况"], labels=(0, 1, 4))
    g.merge(r, 1, r, 3)
    g.merge(r, 4, r, 7)
    r2 = g.add(["", p.goal, "", "", p.done])
    g.merge(r2, 1, r2, 3)
    g.merge(r2, 4, r2, 7)
    g.merge(r, 0, r2, 0)
    g.add(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年初目标值(A)",
            "实际完成值(B)",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        labels=tuple(range(8)),
    )
    rows = _indicator_rows(
        g, p, ["target", "completion", "weight", "points", "reason"], 0, HUBEI_L2, False
    )
    expected += [(p, i) for _, i in rows]


def hunan(g: Grid, p: Project, expected: list) -> None:
    """Hunan county: 全年完成值, no scores, 未完成原因和改进措施."""
    g.width = 6
    g.add([f"{p.unit}2021年度项目绩效自评表"], labels=(0,))
    g.add(["项目名称", p.name, "", "主管部门", p.dept], labels=(0, 3))
    _, b1, b2, rate = p.budget
    g.add(["预算执行情况（万元）", "全年预算数", b1, "全年执行数", b2], labels=(0, 1, 3))
    g.add(["", "预算执行率", rate], labels=(1,))
    g.add(["年度绩效目标", p.goal], labels=(0,))
    g.add(["目标完成情况", p.done], labels=(0,))
    g.add(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "全年完成值", "未完成原因和改进措施"],
        labels=tuple(range(6)),
    )
    rows = _indicator_rows(g, p, ["target", "completion", "reason"], 0, NATIONAL_L2, False)
    g.add(["存在问题", "部分社区养老服务站专业护理人员不足。"], labels=(0,))
    g.add(["整改措施", "加强护理人员培训，引入专业养老服务机构。"], labels=(0,))
    expected += [(p, i) for _, i in rows]


def declaration(g: Grid, p: Project, expected: list) -> None:
    """Target declaration (申报表): 三级指标, 指标值, 指标解释; 不适用 rows; no completions."""
    g.width = 5
    r = g.add(["2023年项目支出绩效目标申报表"], labels=(0,))
    g.merge(r, 0, r, 4)
    r = g.add(["项目名称", p.name, "", "申报单位", p.unit], labels=(0, 3))
    r = g.add(["资金总额（万元）", p.budget[0], "", "", ""], labels=(0,))
    g.merge(r, 1, r, 4)
    r = g.add(["年度绩效目标", p.goal], labels=(0,))
    g.merge(r, 1, r, 4)
    g.add(["一级指标", "二级指标", "三级指标", "指标值", "指标解释"], labels=tuple(range(5)))
    rows = _indicator_rows(g, p, ["target", "reason"], 0, NATIONAL_L2, False)
    expected += [(p, i) for _, i in rows]


def wide(g: Grid, year: int, expected: list) -> None:
    """Wide layout like the seed: one row per project, 二级 groups as 指标值|实际完成值 pairs."""
    base = ["序号", "项目名称", "预算数", "执行数", "执行率", "年度绩效目标", "目标完成情况"]
    g.width = len(base) + 2 * len(WIDE_GROUPS) + 2
    g.add([f"{year}年某区科技创新局部门项目绩效自评表"], labels=(0,))
    g.add(["单位：万元"], labels=(0,))
    g.add([])
    top = base + [
        "产出指标",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "效益指标",
        "",
        "",
        "",
        "满意度指标",
        "",
        "存在问题",
        "改进措施",
    ]
    g.add(top, labels=tuple(i for i, t in enumerate(top) if t))
    mid = [""] * len(base)
    for grp in WIDE_GROUPS:
        mid += [WIDE_GROUP_LABEL[grp], ""]
    g.add(mid, labels=tuple(i for i, t in enumerate(mid) if t))
    low = [""] * len(base) + ["指标值", "实际完成值"] * len(WIDE_GROUPS)
    g.add(low, labels=tuple(i for i, t in enumerate(low) if t))
    for n, (p, problem, fix) in enumerate(WIDE, 1):
        _, b1, b2, rate = p.budget
        cells = [str(n), p.name, b1, b2, rate, p.goal, p.done]
        for ind in p.inds:
            cells += [ind.target_text, ind.completion]
        g.add(cells + [problem, fix])
        expected += [(p, i) for i in p.inds]
    g.add([])
    g.add(["说明：本表由项目单位自评填报，区科技创新局汇总。可持续影响指标“……”为原表空项。"])


# ---------------------------------------------------------------- writers


def sichuan_2023(g: Grid, p: Project, expected: list) -> None:
    """Sichuan 2023 variant: one header row, >= and 百分比, menu grades, unused rows, template text."""
    g.width = 10
    g.add(["项目名称", p.name, "", "", "", "主管部门", p.dept], labels=(0, 5))
    g.merge(0, 1, 0, 4)
    g.merge(0, 6, 0, 9)
    b0, b1, b2, rate = p.budget
    g.add(
        [
            "预算执行情况（10分）",
            "年初预算数",
            b0,
            "全年预算数",
            b1,
            "全年执行数",
            b2,
            "执行率",
            rate,
            "10",
        ],
        labels=(0, 1, 3, 5, 7),
    )
    r = g.add(["项目年度目标", p.goal], labels=(0,))
    g.merge(r, 1, r, 9)
    r = g.add(["年度目标完成情况", p.done], labels=(0,))
    g.merge(r, 1, r, 9)
    r = g.add(["绩效指标（90分）"], labels=(0,))
    g.merge(r, 0, r, 9)
    g.add(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "完成值",
            "权重",
            "得分",
            "未完成原因分析",
        ],
        labels=tuple(range(10)),
    )
    rows = _indicator_rows(
        g, p, ["target3", "completion", "weight", "points", "reason"], 0, NATIONAL_L2, False
    )
    r = g.add(["评价结论", p.conclusion], labels=(0,))
    g.merge(r, 1, r, 9)
    r = g.add(["存在问题", "（对照项目年度目标，说明存在的主要问题）"], labels=(0,))
    g.merge(r, 1, r, 9)
    r = g.add(["改进措施", "进一步简化补贴发放流程，加强补贴面积核实。"], labels=(0,))
    g.merge(r, 1, r, 9)
    expected += [(p, i) for _, i in rows]


UNIT_GROUPS = ("数量", "质量", "时效", "经济", "社会", "生态", "满意度")
UNIT_PROJECTS = {
    "某区城市管理和综合执法局": [
        (
            "公厕管养",
            ("420", "418.6", "99.67%"),
            [
                ("公厕管养数量≥120座", "管养公厕126座"),
                ("公厕保洁达标率≥95%", "97%"),
                ("全年365天不间断", "全年不间断"),
                ("本项目不涉及", "本项目不涉及"),
                ("提升市容环境", "市容环境明显提升"),
                ("减少环境污染", "有效减少"),
                ("市民满意度≥90%", "91.5%"),
            ],
            "个别公厕设施老化",
        ),
        (
            "绿道维护",
            ("260", "255.1", "98.12%"),
            [
                ("维护绿道长度86公里", "86公里"),
                ("绿化养护达标率≥95%", "≥95%"),
                ("按季度完成", "按时完成"),
                ("/", "/"),
                ("方便市民休闲健身", "日均服务市民约1.2万人次"),
                ("提升绿化覆盖", "新增绿化面积3.2万平方米"),
                ("游客满意度≥90%", "满意"),
            ],
            "无",
        ),
        (
            "户外广告整治",
            ("180", "171.2", "95.11%"),
            [
                ("拆除违规广告牌≥300块", "拆除违规广告牌342块"),
                ("整治合格率100%", "100%"),
                ("2021年10月前完成", "2021年9月完成"),
                ("无", "无"),
                ("改善城市景观", "城市景观得到改善"),
                ("无", "无"),
                ("市民满意度≥85%", "88%"),
            ],
            "部分广告牌产权不清，拆除进度受影响",
        ),
    ],
    "某区水务局": [
        (
            "河道清淤",
            ("960", "951.8", "99.15%"),
            [
                ("清淤河道长度≥25公里", "26.3公里"),
                ("清淤工程验收合格率100%", "100%"),
                ("汛前完成", "2021年4月底完成"),
                ("本项目不涉及经济效益指标", "本项目不涉及经济效益指标"),
                ("提升河道防洪能力", "河道行洪能力明显提升"),
                ("改善河道水质", "主要断面水质达到Ⅳ类"),
                ("周边群众满意度≥90%", "92%"),
            ],
            "无",
        ),
        (
            "排水管网检测",
            ("150", "149.5", "99.67%"),
            [
                ("检测排水管网≥150公里", "152.4公里"),
                ("检测报告合格率100%", "合格"),
                ("12月底前完成", "已完成"),
                ("……", "……"),
                ("减少内涝风险", "内涝点减少5处"),
                ("减少污水外溢", "有效减少"),
                ("满意度≥90%", "满意度≥90%"),
            ],
            "检测发现的缺陷管段尚未全部修复",
        ),
    ],
}


def wide_units(g: Grid, expected: list) -> None:
    """Wide layout in a workbook: merged three-row header, unit name merged over its projects."""
    base = [
        "序号",
        "单位名称",
        "项目名称",
        "年初预算数",
        "全年执行数",
        "执行率",
        "年度绩效目标",
        "目标完成情况",
    ]
    g.width = len(base) + 2 * len(UNIT_GROUPS) + 1
    r = g.add(["某区2021年部门预算项目绩效自评汇总表"], labels=(0,))
    g.merge(r, 0, r, g.width - 1)
    g.add(
        [
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "单位：万元",
        ],
        labels=(21,),
    )
    h0 = g.add(
        base + ["产出指标"] + [""] * 5 + ["效益指标"] + [""] * 5 + ["满意度指标", "", "偏差原因"],
        labels=(),
    )
    h1 = g.add([""] * len(base) + [NATIONAL_L2[grp] for grp in UNIT_GROUPS for _ in (0, 1)])
    h2 = g.add([""] * len(base) + ["年度指标值", "实际完成值"] * len(UNIT_GROUPS))
    for row in (h0, h1, h2):
        g.labels.update((row, c) for c, t in enumerate(g.rows[row]) if t)
    for n, _ in enumerate(base):
        g.merge(h0, n, h2, n)
    g.merge(h0, 8, h0, 13)
    g.merge(h0, 14, h0, 19)
    g.merge(h0, 20, h0, 21)
    g.merge(h0, 22, h2, 22)
    g.rows[h1] = (
        g.rows[h1][: len(base)]
        + [
            NATIONAL_L2[grp] if i % 2 == 0 else ""
            for i, grp in enumerate(x for x in UNIT_GROUPS for _ in (0, 1))
        ]
        + [""]
    )
    for i in range(len(UNIT_GROUPS)):
        g.merge(h1, 8 + 2 * i, h1, 9 + 2 * i)
    number = 0
    for unit, projects in UNIT_PROJECTS.items():
        first = len(g.rows)
        for name, (b0, b2, rate), pairs, reason in projects:
            number += 1
            inds = [_p(grp, "", t, c) for grp, (t, c) in zip(UNIT_GROUPS, pairs, strict=True)]
            p = Project(name, unit, unit, (b0, "", b2, rate), "", "", inds)
            p.goal = f"完成{name}年度工作任务，保障项目顺利实施。"
            p.done = f"已完成{name}年度工作任务。"
            cells = [
                str(number),
                unit if len(g.rows) == first else "",
                name,
                b0,
                b2,
                rate,
                p.goal,
                p.done,
            ]
            for ind in inds:
                cells += [ind.target_text, ind.completion]
            g.add(cells + [reason])
            expected += [(p, i) for i in inds]
        g.merge(first, 1, len(g.rows) - 1, 1)
    g.add(["注：执行率=全年执行数/年初预算数。"])


def write_xlsx(path: Path, sheets: list[tuple[str, Grid]]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, g in sheets:
        ws = wb.create_sheet(name)
        covered = g.covered()
        for r, row in enumerate(g.rows):
            for c, text in enumerate(row):
                if text and (r, c) not in covered:
                    value, number_format = g.typed.get((r, c), (text, "General"))
                    cell = ws.cell(r + 1, c + 1, value)
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"  # text typed as '=3, not a formula
                    cell.alignment = Alignment(wrap_text=True)
                    cell.number_format = number_format
        for r0, c0, r1, c1 in g.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.properties.created = wb.properties.modified = FIXED_DATE
    wb.save(path)


def write_xls(path: Path, sheets: list[tuple[str, Grid]]) -> None:
    wb = xlwt.Workbook(encoding="utf-8")
    for name, g in sheets:
        ws = wb.add_sheet(name)
        covered = g.covered()
        tops = {(r0, c0): (r0, c0, r1, c1) for r0, c0, r1, c1 in g.merges}
        for r, row in enumerate(g.rows):
            for c, text in enumerate(row):
                value, number_format = g.typed.get((r, c), (text, "General"))
                style = xlwt.easyxf(num_format_str=number_format)
                if (r, c) in tops:
                    r0, c0, r1, c1 = tops[(r, c)]
                    ws.write_merge(r0, r1, c0, c1, value, style)
                elif text and (r, c) not in covered:
                    ws.write(r, c, value, style)
    wb.save(str(path))


def write_docx(path: Path, grids: list[Grid], above: list[str], below: list[str]) -> None:
    doc = Document()
    for line in above:
        doc.add_paragraph(line)
    for g in grids:
        table = doc.add_table(rows=len(g.rows), cols=g.width)
        table.style = "Table Grid"
        covered = g.covered()
        for r, row in enumerate(g.rows):
            for c, text in enumerate(row):
                if text and (r, c) not in covered:
                    table.cell(r, c).text = text
        for r0, c0, r1, c1 in g.merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
        doc.add_paragraph("")
    for line in below:
        doc.add_paragraph(line)
    doc.core_properties.created = doc.core_properties.modified = FIXED_DATE
    doc.save(path)


def write_delimited(path: Path, g: Grid, delimiter: str, encoding: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    covered = g.covered()
    for r, row in enumerate(g.rows):
        cells = ["" if (r, c) in covered else t for c, t in enumerate(row)]
        while cells and not cells[-1]:
            cells.pop()
        writer.writerow(cells)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_html(path: Path, g: Grid, title: str) -> None:
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in g.merges}
    covered = g.covered()
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title></head><body>",
        '<div class="nav">首页 &gt; 财政预决算公开 &gt; 部门决算</div>',
        f"<h2>{html.escape(title)}</h2>",
        '<table border="1" cellspacing="0">',
    ]
    for r, row in enumerate(g.rows):
        tds = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            # markup as a CMS exports it: th for labels, styled p/span, &nbsp; padding
            tag = "th" if (r, c) in g.labels else "td"
            inner = (
                f'<span style="font-family:宋体;font-size:10.5pt">{html.escape(text)}&nbsp;</span>'
            )
            tds.append(
                f'<{tag}{attrs}><p style="text-align:center">{inner}</p></{tag}>'
                if text
                else f"<{tag}{attrs}>&nbsp;</{tag}>"
            )
        out.append("<tr>" + "".join(tds) + "</tr>")
    out += ["</table>", "<p>发布时间：2022-09-15 来源：县财政局</p>", "</body></html>"]
    path.write_text("\n".join(out), encoding="utf-8")


# ---------------------------------------------------------------- second batch (built and measured
# outside the working tree before it was added here, so nobody had seen these seven either)

HOUSING = Project(
    "老旧小区改造",
    "某区城市更新中心",
    "某区住房和建设局",
    ("3600", "3450", "3398.25", "98.5%"),
    "完成12个老旧小区综合改造，惠及居民4200户。",
    "完成12个老旧小区改造，惠及居民4356户，加装电梯18部。",
    [
        _p("数量", "改造老旧小区数量", "12个", "12个", "8", "8"),
        _p("数量", "惠及居民户数", "≥4200户", "4356户", "6", "6"),
        _p("数量", "加装电梯", "≥15部", "18部", "6", "6"),
        _p("质量", "工程竣工验收合格率", "100%", "100% ", "10", "10"),
        _p(
            "时效",
            "改造工程完工时间",
            "2022年12月底前",
            "2023年1月",
            "5",
            "4",
            "冬季施工受限，2个小区延期完工",
        ),
        _p("成本", "户均改造成本", "≤0.85万元", "0.78万元", "5", "5"),
        _p("社会", "居住环境改善", "明显改善", "小区道路、管网、照明全部更新", "15", "15"),
        _p("生态", "雨污分流改造", "≥8个小区", "9个小区", "5", "5"),
        _p(
            "可持续",
            "长效管理机制",
            "建立物业管理或自治管理",
            "12个小区全部建立管理机制",
            "10",
            "10",
        ),
        _p("满意度", "居民满意度", "≥90%", "\u300092.6%", "10", "9"),
    ],
    "优",
)

NUTRITION = Project(
    "义务教育学生营养改善计划",
    "某县教育局",
    "某县教育局",
    ("1820", "1820", "1796.4", "98.7%"),
    "为全县农村义务教育阶段学生提供营养膳食补助，改善学生营养健康状况。",
    "全年为2.28万名学生提供营养膳食补助，学生营养状况持续改善。",
    [
        _p("数量", "受益学生人数", "≥2.2万人", "2.28万人"),
        _p("数量", "供餐学校数", "86所", "86所"),
        _p("质量", "食品安全事故", "0起", "0起"),
        _p("质量", "供餐标准达标率", "100%", "100%"),
        _p("时效", "补助资金拨付时间", "按学期拨付", "按学期拨付到位"),
        _p("成本", "生均补助标准", "5元/天", "5元/天"),
        _p("社会", "学生营养健康状况", "持续改善", "学生体质健康合格率同比提高2.1个百分点"),
        _p("可持续", "营养改善长效机制", "长期", "长期"),
        _p("满意度", "家长满意度", "≥95%", "96.8%"),
        _p("满意度", "学生满意度", "≥90%", "满意度较高"),
    ],
)

FIRE = Project(
    "森林防火专项",
    "某县林业局",
    "某县林业局",
    ("260", "260", "251.3", "96.65%"),
    "加强森林防火基础设施建设，森林火灾受害率控制在0.9‰以内。",
    "全年未发生重大森林火灾，森林火灾受害率0.12‰。",
    [
        _p("数量", "建设防火隔离带", "≥30公里", "32公里", "15", "15"),
        _p("数量", "聘用护林员", "120人", "120人", "15", "15"),
        _p("质量", "森林火灾受害率", "≤0.9‰", "0.12‰", "10", "10"),
        _p("时效", "火情处置时间", "≤2小时", "平均1.5小时", "10", "10"),
        _p("生态", "森林覆盖率", "≥62%", "62.4%", "20", "20"),
        _p("满意度", "林区群众满意度", "≥90%", "95%", "10", "10"),
    ],
)

PESTS = Project(
    "林业有害生物防治",
    "某县林业局",
    "某县林业局",
    ("85", "85", "85", "100%"),
    "开展松材线虫病等林业有害生物防治，成灾率控制在3‰以下。",
    "完成防治面积2.6万亩，成灾率1.8‰。",
    [
        _p("数量", "有害生物防治面积", "≥2.5万亩", "2.6万亩", "20", "20"),
        _p("质量", "有害生物成灾率", "≤3‰", "1.8‰", "20", "20"),
        _p("时效", "防治作业完成时间", "6月底前", "6月25日", "10", "10"),
        _p("生态", "松材线虫病疫点", "不新增", "未新增疫点", "20", "20"),
        _p("满意度", "林农满意度", "≥85%", "92%", "10", "10"),
    ],
)

RURAL_BUS = Project(
    "农村客运补贴",
    "某县交通运输局",
    "某县交通运输局",
    ("640", "640", "640", "100%"),
    "保障农村客运班线正常运营，建制村通客车率保持100%。",
    "全县建制村通客车率100%，农村客运班线运营正常。",
    [
        _p("数量", "补贴农村客运车辆", ("≥", "210", "辆"), "216辆", "10", "10"),
        _p("数量", "建制村通客车率", ("=", "100", "百分比"), "100百分比", "10", "10"),
        _p("质量", "客运安全事故", ("=", "0", "起"), "0起", "10", "10"),
        _p("时效", "补贴资金发放", ("定性", "按季度发放", ""), "达成预期指标", "10", "10"),
        _p("成本", "单车补贴标准", ("≤", "3", "万元/年"), "2.96万元/年", "10", "10"),
        _p(
            "社会",
            "群众出行便利程度",
            ("定性", "提高", ""),
            "部分达成预期指标并具有一定效果",
            "20",
            "16",
            "个别偏远村班次偏少",
        ),
        _p("满意度", "乘客满意度", ("≥", "90", "%"), "91%", "10", "10"),
    ],
)

ONE_MATTER = Project(
    "村级公益事业一事一议奖补",
    "某县财政局",
    "某县财政局",
    ("1500", "1500", "1462.8", "97.52%"),
    "支持村级公益事业建设项目110个，改善农村生产生活条件。",
    "完成村级公益事业建设项目113个，其中村内道路78个、小型水利设施35个。",
    [
        _p("数量", "奖补项目个数", "≥110个", "113个", "10", "10"),
        _p("数量", "硬化村内道路", "≥120公里", "126.5公里", "10", "10"),
        _p("质量", "项目验收合格率", "100%", "100%", "10", "10"),
        _p("时效", "项目完工率", "≥95%", "97.3%", "5", "5"),
        _p("成本", "奖补资金占项目总投资比例", "≤60%", "58%", "5", "5"),
        _p("经济", "带动村集体和社会投入", "≥900万元", "1016万元", "10", "10"),
        _p("社会", "受益群众人数", "≥8万人", "8.6万人", "10", "10"),
        _p("满意度", "受益群众满意度", "≥90%", "94%", "10", "10"),
    ],
)

MICROCREDIT = Project(
    "脱贫人口小额信贷贴息",
    "某县乡村振兴局",
    "某县乡村振兴局",
    ("", "320", "316.8", "99%"),
    "为符合条件的脱贫户发放小额信贷贴息，支持发展产业。",
    "全年为1862户脱贫户贴息316.8万元，带动户均增收3200元。",
    [
        _p("数量", "★贴息脱贫户数", "≥1800户", "1862户"),
        _p("数量", "贴息贷款规模", "(≥**万元)", "7920万元"),
        _p("质量", "贷款逾期率", "≤2%", "0.6%"),
        _p("时效", "贴息资金按季度拨付", "按季度", "按季度拨付"),
        _p("经济", "★带动户均增收", "≥3000元", "3200元"),
        _p("社会", "脱贫户产业发展参与率", "≥80%", "85.2%"),
        _p("满意度", "脱贫户满意度", "≥95%", "99%"),
    ],
)

TIDY = [
    (
        "某区文化广电旅游体育局",
        "2022",
        "公共文化服务体系建设",
        "产出",
        "数量",
        "送戏下乡场次",
        "≥60场",
        "64场",
        "10",
        "10",
        "",
    ),
    (
        "某区文化广电旅游体育局",
        "2022",
        "公共文化服务体系建设",
        "产出",
        "质量",
        "演出安全事故",
        "0",
        "0",
        "10",
        "10",
        "",
    ),
    (
        "某区文化广电旅游体育局",
        "2022",
        "公共文化服务体系建设",
        "效益",
        "社会",
        "群众文化获得感",
        "明显提升",
        "明显提升",
        "20",
        "18",
        "调查样本偏少",
    ),
    (
        "某区文化广电旅游体育局",
        "2022",
        "公共文化服务体系建设",
        "满意度",
        "满意度",
        "观众满意度",
        "≥90%",
        "=93%",
        "10",
        "10",
        "",
    ),
    (
        "某区文化广电旅游体育局",
        "2022",
        "全民健身赛事",
        "产出",
        "数量",
        "举办赛事",
        "≥12项",
        "已完成",
        "10",
        "10",
        "",
    ),
    (
        "某区文化广电旅游体育局",
        "2022",
        "全民健身赛事",
        "产出",
        "时效",
        "赛事按期举办率",
        "100%",
        "91.7%",
        "10",
        "8",
        "1项赛事因天气延期",
    ),
    (
        "某区文化广电旅游体育局",
        "2022",
        "全民健身赛事",
        "效益",
        "可持续",
        "品牌赛事培育",
        "≥2项",
        "2项",
        "10",
        "10",
        "",
    ),
    (
        "某区文化广电旅游体育局",
        "2022",
        "全民健身赛事",
        "满意度",
        "满意度",
        "参赛者满意度",
        "≥90%",
        "",
        "10",
        "0",
        "未开展满意度调查",
    ),
]


def national_repeated(g: Grid, p: Project, year: int, expected: list) -> None:
    """A system export: table starts at C4, 一级/二级 repeated on every row, 二级 carries its weight."""
    g.width = 12
    for _ in range(3):
        g.add([])
    lead = ["", ""]
    g.add(lead + [f"{year}年度项目支出绩效自评表"], labels=(2,))
    g.add(lead + ["项目名称", p.name, "", "", "", "主管部门", p.dept], labels=(2, 7))
    g.add(lead + ["实施单位", p.unit], labels=(2,))
    b0, b1, b2, rate = p.budget
    g.add(
        lead
        + [
            "年初预算数（万元）",
            b0,
            "全年预算数（万元）",
            b1,
            "全年执行数（万元）",
            b2,
            "执行率",
            rate,
        ],
        labels=(2, 4, 6, 8),
    )
    g.add(lead + ["年度总体目标", p.goal], labels=(2,))
    g.add(lead + ["实际完成情况", p.done], labels=(2,))
    g.add(
        lead
        + [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        labels=tuple(range(2, 10)),
    )
    l1_names = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标"}
    for ind in p.inds:
        weight = sum(float(i.weight) for i in p.inds if i.l2 == ind.l2)
        l2_text = f"{NATIONAL_L2[ind.l2]}（{weight:g}分）"
        g.add(
            lead
            + [
                l1_names[L1_OF[ind.l2]],
                l2_text,
                ind.name,
                ind.target_text,
                ind.completion,
                ind.weight,
                ind.points,
                ind.reason,
            ],
            labels=(2, 3),
        )
        expected.append((p, ind))
    g.add(lead + ["……", "……", "……", "……", "……"])
    g.add(lead + ["评价结论", p.conclusion], labels=(2,))


def split_for_pages(g: Grid, header_row: int, split_row: int) -> tuple[Grid, Grid]:
    """Word tables broken at a page: the second part repeats the indicator header row."""
    first, second = Grid(width=g.width), Grid(width=g.width)
    for r in range(split_row):
        first.add(g.rows[r], labels=tuple(c for c in range(g.width) if (r, c) in g.labels))
    second.add(
        g.rows[header_row], labels=tuple(c for c in range(g.width) if (header_row, c) in g.labels)
    )
    for r in range(split_row, len(g.rows)):
        second.add(g.rows[r], labels=tuple(c for c in range(g.width) if (r, c) in g.labels))
    return first, second


def write_html_tables(path: Path, grids: list[Grid], title: str) -> None:
    """Several tables on one page, each headed by an h3, as a county site publishes them."""
    out = [
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>'
    ]
    out.append(f"<h1>{html.escape(title)}</h1>")
    for n, g in enumerate(grids, 1):
        spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in g.merges}
        covered = g.covered()
        out.append(f"<h3>附表{n}</h3>")
        out.append('<table class="MsoTableGrid" border=1 width="100%">')
        for r, row in enumerate(g.rows):
            tds = []
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                rs, cs = spans.get((r, c), (1, 1))
                attrs = (f" rowspan={rs}" if rs > 1 else "") + (f" colspan={cs}" if cs > 1 else "")
                tds.append(f"<td{attrs}>{html.escape(text)}</td>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</table>")
    out.append("</body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def build_second_batch(out: Path, record, one) -> None:
    """The seven tables of the second batch."""
    # 17 system export: table at C4, 一级/二级 repeated, weighted 二级, full-width space, …… row
    g, e = one(national_repeated, HOUSING, 2022)
    write_xlsx(out / "export_2022_housing.xlsx", [("Sheet1", g)])
    record("export_2022_housing.xlsx", [("Sheet1", g)], e)

    # 18 Hunan layout in Word, broken over two pages (header row repeated)
    g, e = one(hunan, NUTRITION)
    header = next(r for r, row in enumerate(g.rows) if row[0] == "一级指标")
    split = header + 1 + sum(L1_OF[i.l2] == "产出" for i in NUTRITION.inds)
    part1, part2 = split_for_pages(g, header, split)
    write_docx(out / "hunan_2021_nutrition_pages.docx", [part1, part2], [], ["（本页以下无正文）"])
    record("hunan_2021_nutrition_pages.docx", [("", part1), ("", part2)], e)

    # 19 two national tables on one HTML page
    g1, e1 = one(national_block, FIRE, 2022)
    g2, e2 = one(national_block, PESTS, 2022)
    write_html_tables(
        out / "forestry_2022_two_tables.html",
        [g1, g2],
        "某县林业局2022年度项目支出绩效自评结果公开",
    )
    record("forestry_2022_two_tables.html", [("", g1), ("", g2)], e1 + e2)

    # 20 Sichuan three-column targets with 定性 rows and 百分比, plain UTF-8 .csv
    g, e = one(sichuan, RURAL_BUS)
    write_delimited(out / "sichuan_2022_rural_bus.csv", g, ",", "utf-8")
    record("sichuan_2022_rural_bus.csv", [("", g)], e)

    # 21 .xls with a cover sheet before the Hubei table
    cover = Grid(width=4)
    cover.add(["某县2022年度项目支出绩效自评报告"], labels=(0,))
    cover.add([])
    cover.add(["单位名称（盖章）：某县财政局"], labels=(0,))
    cover.add(["说明：本报告所列数据截至2022年12月31日。"])
    g, e = one(hubei, ONE_MATTER)
    write_xls(out / "hubei_2022_cover_sheet.xls", [("封面", cover), ("自评表", g)])
    record("hubei_2022_cover_sheet.xls", [("封面", cover), ("自评表", g)], e)

    # 22 衔接资金 template in traditional characters, .docx
    s2t = opencc.OpenCC("s2t").convert
    g, e = one(poverty, MICROCREDIT)
    _convert(g, s2t)
    above = [s2t("2022年度脱贫人口小额信贷贴息项目绩效自评表"), s2t("填报单位：某县乡村振兴局")]
    write_docx(out / "revival_2022_microcredit_traditional.docx", [g], above, [])
    record("revival_2022_microcredit_traditional.docx", [("", g)], e, s2t)

    # 23 a tidy table researchers bring, target and completion columns already there
    tidy = Grid(width=11)
    header = [
        "unit",
        "year",
        "project",
        "level1",
        "level2",
        "indicator",
        "target",
        "completion",
        "weight",
        "points",
        "reason",
    ]
    tidy.add(header, labels=tuple(range(11)))
    expected = []
    for row in TIDY:
        tidy.add(list(row))
        unit, _, name, _, l2, indicator, target, completion, *_ = row
        ind = _p(l2, indicator, target, completion, row[8], row[9], row[10])
        expected.append((Project(name, unit, unit, ("", "", "", ""), "", "", []), ind))
    write_delimited(out / "tidy_2022_culture.csv", tidy, ",", "utf-8")
    record("tidy_2022_culture.csv", [("", tidy)], expected)


# ---------------------------------------------------------------- third batch (also measured outside
# the tree first): header spellings as typed by hand

PARKS = Project(
    "城市公园绿地养护",
    "某市园林绿化中心",
    "某市城市管理局",
    ("1380", "1380", "1365.2", "98.93%"),
    "做好城市公园绿地日常养护，绿地养护质量达到二级以上标准。",
    "全年养护公园绿地486公顷，养护质量达到二级标准。",
    [
        _p("数量", "公园绿地养护面积", "≥480公顷", "486公顷", "15", "15"),
        _p("数量", "补植乔灌木", "≥1.2万株", "1.26万株", "10", "10"),
        _p("质量", "绿地养护等级", "二级以上", "二级", "15", "15"),
        _p(
            "时效",
            "病虫害处置时限",
            "发现后48小时内",
            "1.主要病虫害均在48小时内处置；\n2.台风后3天内完成倒伏树木清理",
            "5",
            "5",
        ),
        _p("成本", "每平方米养护成本", "≤2.8元", "2.81元", "5", "4", "人工成本上涨"),
        _p("社会", "市民游园人次", "≥1500万人次", "1620万人次", "15", "15"),
        _p("生态", "城市绿化覆盖率", "≥43%", "43.2%", "15", "15"),
        _p("满意度", "游园市民满意度", "≥90%", "94%", "10", "10"),
    ],
    "优",
)

LEGAL_AID = Project(
    "法律援助经费",
    "某县司法局",
    "某县司法局",
    ("60", "60", "58.74", "97.9%"),
    "为经济困难群众提供法律援助，办理法律援助案件300件以上。",
    "全年办理法律援助案件326件，挽回经济损失1280万元。",
    [
        _p("数量", "办理法律援助案件", "≥300件", "326件"),
        _p("质量", "案件结案率", "≥90%", "93.6%"),
        _p("时效", "受理审查时限", "7个工作日内", "7个工作日内"),
        _p("成本", "办案补贴标准", "按省定标准", "按省定标准执行"),
        _p("社会", "挽回经济损失", "≥1000万元", "1280万元"),
        _p("满意度", "受援人满意度", "≥95%", "98.5%"),
    ],
)

GRAIN = Project(
    "粮食储备库升级改造",
    "某市粮食和物资储备中心",
    "某市发展和改革局",
    ("900", "900", "872.4", "96.93%"),
    "完成3个粮库智能化升级改造，新增仓容5万吨。",
    "3个粮库升级改造全部完成，新增仓容5.2万吨。",
    [
        _p("数量", "智能化改造粮库", ("=", "3", "个"), "3个", "15", "15"),
        _p("数量", "新增仓容", ("≥", "5", "万吨"), "5.2万吨", "15", "15"),
        _p("质量", "储粮损耗率", ("≤", "1", "%"), "0.6%", "10", "10"),
        _p("时效", "改造完成时间", ("≤", "10", "月"), "11月", "10", "8", "设备到货延迟"),
        _p("社会", "储备粮轮换计划完成率", ("=", "100", "%"), "100%", "20", "20"),
        _p("满意度", "承储企业满意度", ("≥", "90", "%"), "92%", "10", "10"),
    ],
)


def national_by_hand(g: Grid, p: Project, year: int, expected: list) -> None:
    """National template typed by hand: wrapped headers, 年度目标值/实际完成指标值, （N分） weights."""
    national_block(g, p, year, expected)
    wrapped = {
        "一级指标": "一级\n指标",
        "二级指标": "二级\n指标",
        "三级指标": "三级\n指标",
        "年度指标值": "年度\n目标值",
        "实际完成值": "实际完成\n指标值",
        "偏差原因分析及改进措施": "偏差原因分析\n及改进措施",
    }
    for row in g.rows:
        for c, text in enumerate(row):
            row[c] = wrapped.get(
                text, text.replace("(", "（").replace(")", "）") if "指标(" in text else text
            )


def spaced_headers(g: Grid, p: Project, expected: list) -> None:
    """A Word table whose headers are spread with spaces to fill the cell width."""
    hunan(g, p, expected)
    spaced = {
        "一级指标": "一 级 指 标",
        "二级指标": "二 级 指 标",
        "三级指标": "三 级 指 标",
        "年度指标值": "年 度 指 标 值",
        "全年完成值": "实 际 完 成 值",
        "未完成原因和改进措施": "偏 差 原 因",
        "项目名称": "项 目 名 称",
    }
    for row in g.rows:
        for c, text in enumerate(row):
            row[c] = spaced.get(text, text)


def two_column_target(g: Grid, p: Project, expected: list) -> None:
    """指标值 (operator and number) and 度量单位 in two columns, no 指标性质 column."""
    g.width = 9
    g.add([f"{p.unit}2022年度项目支出绩效自评表"], labels=(0,))
    g.merge(0, 0, 0, 8)
    g.add(["项目名称", p.name, "", "", "主管部门", p.dept], labels=(0, 4))
    b0, b1, b2, rate = p.budget
    g.add(
        ["年初预算数", b0, "全年预算数", b1, "全年执行数", b2, "执行率", rate], labels=(0, 2, 4, 6)
    )
    g.add(["年度总体目标", p.goal, "", "", "实际完成情况", p.done], labels=(0, 4))
    g.merge(3, 1, 3, 3)
    g.merge(3, 5, 3, 8)
    g.add(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "度量单位",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因",
        ],
        labels=tuple(range(9)),
    )
    for ind in p.inds:
        ind.target = (ind.target[0] + ind.target[1], ind.target[2], "")
    rows = _indicator_rows(
        g, p, ["target2", "completion", "weight", "points", "reason"], 0, NATIONAL_L2, False
    )
    expected += [(p, i) for _, i in rows]


def build_third_batch(out: Path, record, one) -> None:
    """The three tables of the third batch."""
    # 24 wrapped headers, 年度目标值 / 实际完成指标值, full-width （50分）, a completion on two lines
    g, e = one(national_by_hand, PARKS, 2022)
    write_xlsx(out / "national_2022_parks_wrapped_headers.xlsx", [("Sheet1", g)])
    record("national_2022_parks_wrapped_headers.xlsx", [("Sheet1", g)], e)

    # 25 headers spread with spaces, .docx
    g, e = one(spaced_headers, LEGAL_AID)
    write_docx(out / "hunan_2022_legal_aid_spaced.docx", [g], [], [])
    record("hunan_2022_legal_aid_spaced.docx", [("", g)], e)

    # 26 target in 指标值 + 度量单位 (two columns), .xlsx
    g, e = one(two_column_target, GRAIN)
    write_xlsx(out / "grain_2022_two_column_target.xlsx", [("Sheet1", g)])
    record("grain_2022_two_column_target.xlsx", [("Sheet1", g)], e)


# ---------------------------------------------------------------- files


def _convert(g: Grid, convert) -> Grid:
    g.rows = [[convert(t) for t in row] for row in g.rows]
    return g


def build() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Write every fixture; return (pairs, goals, cells) rows for the three TSV files."""
    OUT.mkdir(parents=True, exist_ok=True)
    pairs: list[tuple] = []
    goals: list[tuple] = []
    cells: list[tuple] = []

    def record(
        file: str, sheets: list[tuple[str, Grid]], expected: list, convert=lambda s: s
    ) -> None:
        projects = {id(p): p for p, _ in expected}  # dataclasses are unhashable; keep order
        for p in projects.values():
            if p.goal and p.done:
                goals.append((file, convert(p.name), convert(p.goal), convert(p.done)))
        for p, ind in expected:
            if ind.blank:
                continue
            pairs.append(
                (
                    file,
                    convert(p.name),
                    L1_OF[ind.l2],
                    LEVEL2[ind.l2],
                    convert(ind.name),
                    convert(ind.target_text),
                    convert(ind.completion),
                    convert(p.unit),
                    ind.weight,
                )
            )
        for name, g in sheets:
            for r, row in enumerate(g.rows):
                for c, text in enumerate(row):
                    if text.strip():
                        kind = "label" if (r, c) in g.labels else "content"
                        cells.append((file, name, r + 1, c + 1, kind, text))

    def one(layout, *args) -> tuple[Grid, list]:
        g, expected = Grid(), []
        layout(g, *args, expected)
        return g, expected

    # 1 national template, .xlsx
    g, e = one(national_block, SWEEPING, 2021)
    write_xlsx(OUT / "national_2021_sweeping.xlsx", [("自评表", g)])
    record("national_2021_sweeping.xlsx", [("自评表", g)], e)

    # 2 national template, .xls (xlwt), numbers, percentages and a date stored as typed cells
    g, e = one(national_block, WATER, 2022)
    store_as_numbers(g, WATER_TYPED)
    write_xls(OUT / "national_2022_water.xls", [("Sheet1", g)])
    record("national_2022_water.xls", [("Sheet1", g)], e)

    # 3 national template, .docx with merged cells, heading paragraphs above and a note below
    g, e = one(national_block, SCHOOL, 2021)
    above = ["附件3", "2021年度某区教育局项目支出绩效自评表"]
    below = ["填表人：王某某    联系电话：0755-12345678    填报日期：2022年3月10日"]
    write_docx(OUT / "national_2021_school.docx", [g], above, below)
    record("national_2021_school.docx", [("", g)], e)

    # 4 Sichuan 2022, .xlsx
    g, e = one(sichuan, CLINIC)
    write_xlsx(OUT / "sichuan_2022_clinic.xlsx", [("绩效自评表", g)])
    record("sichuan_2022_clinic.xlsx", [("绩效自评表", g)], e)

    # 5 Yunnan 决算公开, HTML page with rowspan/colspan
    g, e = one(yunnan, TEA)
    write_html(OUT / "yunnan_2021_tea.html", g, "某县农业农村局2021年度项目支出绩效自评表")
    record("yunnan_2021_tea.html", [("", g)], e)

    # 6 poverty / 衔接资金 template, .docx
    g, e = one(poverty, REVIVAL)
    above = [
        "2023年度衔接推进乡村振兴补助资金项目绩效自评表",
        "填报单位：某县乡村振兴局    单位：万元",
    ]
    write_docx(OUT / "revival_2023.docx", [g], above, [])
    record("revival_2023.docx", [("", g)], e)

    # 7 Hubei county, .xlsx, one project per sheet
    g1, e1 = one(hubei, SEWAGE)
    g2, e2 = one(hubei, ROADS)
    sheets = [("污水处理运维", g1), ("农村公路养护", g2)]
    write_xlsx(OUT / "hubei_2022_two_sheets.xlsx", sheets)
    record("hubei_2022_two_sheets.xlsx", sheets, e1 + e2)

    # 8 Hunan county, GBK .csv
    g, e = one(hunan, ELDERLY)
    write_delimited(OUT / "hunan_2021_elderly_gbk.csv", g, ",", "gbk")
    record("hunan_2021_elderly_gbk.csv", [("", g)], e)

    # 9 target declaration, .xlsx
    g, e = one(declaration, CULTURE_CENTRE)
    write_xlsx(OUT / "declaration_2023_culture.xlsx", [("绩效目标申报表", g)])
    record("declaration_2023_culture.xlsx", [("绩效目标申报表", g)], e)

    # 10 long national table, GB18030 .csv (one reason holds a character GBK lacks)
    g, e = one(national_block, FITNESS, 2022)
    write_delimited(OUT / "national_2022_fitness_gb18030.csv", g, ",", "gb18030")
    record("national_2022_fitness_gb18030.csv", [("", g)], e)

    # 11 wide layout, UTF-8 with BOM .tsv
    g, e = one(wide, 2022)
    write_delimited(OUT / "wide_2022_science_bom.tsv", g, "\t", "utf-8-sig")
    record("wide_2022_science_bom.tsv", [("", g)], e)

    # 12 national template in traditional characters, .xlsx
    s2t = opencc.OpenCC("s2t").convert
    g, e = one(national_block, LIBRARY, 2020)
    _convert(g, s2t)
    write_xlsx(OUT / "national_2020_library_traditional.xlsx", [("自評表", g)])
    record("national_2020_library_traditional.xlsx", [("自評表", g)], e, s2t)

    # 13 two national project blocks in one sheet, .xlsx
    g, e = Grid(), []
    national_block(g, FOOD, 2021, e)
    g.add([])
    g.add([])
    national_block(g, ELEVATOR, 2021, e)
    write_xlsx(OUT / "national_2021_two_blocks.xlsx", [("市场监管", g)])
    record("national_2021_two_blocks.xlsx", [("市场监管", g)], e)

    # 14 Sichuan 2023 variant, .docx
    g, e = one(sichuan_2023, SUBSIDY)
    above = ["2023年度部门预算项目绩效自评表", "单位：万元"]
    write_docx(OUT / "sichuan_2023_subsidy.docx", [g], above, [])
    record("sichuan_2023_subsidy.docx", [("", g)], e)

    # 15 wide layout with units merged over their projects, .xlsx
    g, e = one(wide_units)
    write_xlsx(OUT / "wide_2021_two_units.xlsx", [("汇总表", g)])
    record("wide_2021_two_units.xlsx", [("汇总表", g)], e)

    # 16 national template whose workbook holds numbers, percentages and dates as typed cells
    g, e = one(national_block, BUS, 2022)
    store_as_numbers(g, BUS_TYPED)
    write_xlsx(OUT / "national_2022_bus_numeric.xlsx", [("Sheet1", g)])
    record("national_2022_bus_numeric.xlsx", [("Sheet1", g)], e)

    build_second_batch(OUT, record, one)
    build_third_batch(OUT, record, one)
    return pairs, goals, cells


def main() -> None:
    pairs, goals, cells = build()
    with (OUT / "expected_pairs.tsv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(
            [
                "file",
                "project",
                "level1",
                "level2",
                "indicator",
                "target",
                "completion",
                "unit",
                "weight",
            ]
        )
        w.writerows(pairs)
    with (OUT / "expected_goals.tsv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["file", "project", "target", "completion"])
        w.writerows(goals)
    with (OUT / "expected_cells.tsv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["file", "sheet", "row", "column", "kind", "text"])
        w.writerows(cells)
    print(f"{len({p[0] for p in pairs})} files, {len(pairs)} pairs, {len(cells)} cells -> {OUT}")


if __name__ == "__main__":
    main()
