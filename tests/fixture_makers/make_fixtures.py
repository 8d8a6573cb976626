"""Build the reader's test fixtures (tests/fixtures/io/) and sample tables (corpus/tables/).

Each table is written with the real library (openpyxl, python-docx, xlwt, the csv module, plain
HTML) in a layout published by real units, with merged cells where the originals have them.
In tests/fixtures/io/expected/, `<fixture name>.tsv` lists the indicator pairs (project, level1, level2,
indicator, target, completion) taken from the same data the table was written from, so the
tests compare the reader's output with what was put in, never with what the reader produced.

Run: python tests/fixture_makers/make_fixtures.py   (needs xlwt for the .xls and msoffcrypto-tool for the
password-protected workbook; both are only needed here, not by nlp-eval).
"""

from __future__ import annotations

import csv
import html
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "io"
CORPUS = ROOT / "corpus" / "tables"


@dataclass
class Ind:
    level1: str  # as written in the table, e.g. 产出指标
    level2: str  # e.g. 数量指标
    name: str
    target: str | tuple[str, str, str]  # text, or (指标性质, 指标值, 度量单位)
    completion: str
    weight: str = ""
    points: str = ""
    reason: str = ""

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
    indicators: list[Ind] = field(default_factory=list)
    problems: str = "无"
    rectify: str = "无"
    total: str = ""
    grade: str = ""


CANON1 = {
    "产出指标": "产出",
    "效益指标": "效益",
    "满意度指标": "满意度",
    "产出目标": "产出",
    "效益目标": "效益",
}
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
    "满意度指标": "满意度",
    "产出数量": "数量",
    "产出质量": "质量",
    "产出时效": "时效",
    "产出成本": "成本",
}


def expected(path: Path, projects: list[Project], conv=lambda s: s) -> None:
    """Write the golden pairs of a fixture."""
    out = path.parent / "expected" / (path.name + ".tsv")
    out.parent.mkdir(exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["project", "level1", "level2", "indicator", "target", "completion"])
        for p in projects:
            for i in p.indicators:
                l2 = CANON2.get(i.level2, "")
                l1 = CANON1.get(i.level1.split("(")[0], "")
                w.writerow(
                    [conv(p.name), l1, l2, conv(i.name), conv(i.target_text), conv(i.completion)]
                )


# ------------------------------------------------------------------ content

EDU = Project(
    name="学前教育生均公用经费补助",
    unit="通山县教育局",
    dept="通山县教育局",
    budget=("320", "320", "316.8", "99%"),
    goal="按每生每年600元标准落实公办幼儿园生均公用经费,保障全县35所公办幼儿园正常运转。",
    done="全年拨付生均公用经费316.8万元,覆盖35所公办幼儿园5280名在园幼儿,幼儿园运转正常。",
    indicators=[
        Ind("产出指标", "数量指标", "补助幼儿园数量", "35所", "35所", "10", "10"),
        Ind("产出指标", "数量指标", "受益幼儿人数", "≥5000人", "5280人", "10", "10"),
        Ind(
            "产出指标",
            "质量指标",
            "资金足额拨付率",
            "100%",
            "99%",
            "10",
            "9",
            "部分幼儿园12月下旬报账,资金次年初拨付",
        ),
        Ind("产出指标", "时效指标", "资金拨付及时率", "≥95%", "≥95%", "10", "8", "无"),
        Ind("产出指标", "成本指标", "生均补助标准", "600元/生·年", "600元/生·年", "10", "10"),
        Ind("效益指标", "社会效益指标", "学前三年毛入园率", "≥90%", "92.6%", "15", "15"),
        Ind(
            "效益指标",
            "可持续影响指标",
            "幼儿园办园条件持续改善",
            "长期",
            "办园条件得到持续改善",
            "15",
            "12",
        ),
        Ind("满意度指标", "服务对象满意度指标", "家长满意度", "≥90%", "家长满意度≥90%", "10", "8"),
    ],
    problems="个别幼儿园经费使用台账不规范。",
    rectify="加强对幼儿园财务人员培训,规范台账管理。",
    total="92",
    grade="优",
)

ROAD = Project(
    name="农村公路养护工程",
    unit="通山县交通运输局",
    dept="通山县交通运输局",
    budget=("860", "910", "885.4", "97.3%"),
    goal="完成县乡道及村道日常养护1260公里,实施危桥改造4座,提升农村公路通行能力。",
    done="完成日常养护1260公里,改造危桥3座,1座因汛期推迟至2022年3月完工。",
    indicators=[
        Ind("产出指标", "数量指标", "日常养护里程", "1260公里", "1260公里", "10", "10"),
        Ind(
            "产出指标",
            "数量指标",
            "危桥改造数量",
            "4座",
            "3座",
            "10",
            "7",
            "1座危桥因汛期停工,已于2022年3月完工",
        ),
        Ind("产出指标", "质量指标", "优良中等路比例", "≥75%", "78.2%", "10", "10"),
        Ind(
            "产出指标",
            "时效指标",
            "工程完工时间",
            "2021年12月底前",
            "2021年12月(1座延期)",
            "10",
            "8",
        ),
        Ind("产出指标", "成本指标", "每公里养护成本", "≤0.7万元", "0.68万元", "10", "10"),
        Ind("效益指标", "经济效益指标", "降低群众出行成本", "明显降低", "效果明显", "10", "8"),
        Ind("效益指标", "社会效益指标", "农村公路列养率", "100%", "100%", "10", "10"),
        Ind(
            "效益指标",
            "生态效益指标",
            "本项目不涉及生态效益指标",
            "本项目不涉及生态效益指标",
            "本项目不涉及生态效益指标",
            "5",
            "5",
        ),
        Ind("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥85%", "88.5%", "10", "10"),
    ],
    problems="危桥改造受汛期影响进度滞后。",
    rectify="提前谋划项目,避开汛期施工。",
    total="90",
    grade="优",
)

HEALTH = Project(
    name="基本公共卫生服务项目",
    unit="通山县卫生健康局",
    dept="通山县卫生健康局",
    budget=("1520", "1520", "1488.2", "97.91%"),
    goal="为辖区常住居民免费提供12类基本公共卫生服务,65岁以上老年人健康管理率达到70%。",
    done="完成老年人健康管理2.36万人,健康管理率72.1%,高血压患者规范管理率65.3%。",
    indicators=[
        Ind(
            "产出指标", "数量指标", "65岁以上老年人健康管理人数", "≥2.2万人", "2.36万人", "10", "10"
        ),
        Ind("产出指标", "质量指标", "高血压患者规范管理率", "≥60%", "65.3%", "10", "10"),
        Ind("产出指标", "质量指标", "居民电子健康档案建档率", "≥90%", "达到90%以上", "10", "8"),
        Ind("产出指标", "时效指标", "资金下达及时性", "及时", "及时", "10", "10"),
        Ind(
            "效益指标",
            "社会效益指标",
            "城乡居民公共卫生差距",
            "不断缩小",
            "城乡居民公共卫生服务差距进一步缩小",
            "20",
            "18",
        ),
        Ind(
            "效益指标",
            "可持续影响指标",
            "基本公共卫生服务水平",
            "不断提高",
            "基本公共卫生服务水平不断提高",
            "10",
            "8",
        ),
        Ind(
            "满意度指标",
            "服务对象满意度指标",
            "居民满意度",
            "≥85%",
            "",
            "10",
            "0",
            "满意度调查未开展",
        ),
    ],
    problems="部分村卫生室人员不足,随访质量不高。",
    rectify="通过县招乡用补充村医,开展随访质量抽查。",
    total="86",
    grade="良",
)

CULTURE = Project(
    name="公共文化服务体系建设专项资金",
    unit="成都市郫都区文化广电体育和旅游局",
    dept="成都市郫都区文化广电体育和旅游局",
    budget=("150", "150", "148.6", "99.07%"),
    goal="开展送戏下乡60场,更新图书馆图书1.2万册,完成13个综合文化站免费开放。",
    done="开展送戏下乡62场,新增图书1.25万册,13个综合文化站全部免费开放,接待群众21.4万人次。",
    indicators=[
        Ind("产出指标", "数量指标", "送戏下乡场次", ("≥", "60", "场"), "62场", "15", "15"),
        Ind("产出指标", "数量指标", "新增图书", ("≥", "1.2", "万册"), "1.25万册", "10", "10"),
        Ind("产出指标", "质量指标", "综合文化站免费开放率", ("=", "100", "%"), "100%", "10", "10"),
        Ind("产出指标", "时效指标", "送戏下乡完成时间", ("≤", "11", "月"), "11月", "10", "10"),
        Ind(
            "产出指标", "成本指标", "每场演出补助标准", ("≤", "1.2", "万元"), "1.15万元", "10", "10"
        ),
        Ind(
            "效益指标",
            "社会效益指标",
            "群众参与文化活动人次",
            ("≥", "20", "万人次"),
            "21.4万人次",
            "15",
            "15",
        ),
        Ind(
            "效益指标",
            "可持续影响指标",
            "公共文化服务长效机制",
            ("定性", "有效", ""),
            "达成预期指标",
            "10",
            "9",
        ),
        Ind(
            "满意度指标", "服务对象满意度指标", "群众满意度", ("≥", "90", "%"), "95.3%", "10", "10"
        ),
    ],
    problems="对照年度目标,说明存在的问题(100字以内)",
    rectify="加强绩效运行监控,及时调整演出计划。",
    total="99",
    grade="优",
)

SPORT = Project(
    name="全民健身设施补短板工程",
    unit="成都市郫都区文化广电体育和旅游局",
    dept="成都市郫都区文化广电体育和旅游局",
    budget=("300", "280", "262.5", "93.75%"),
    goal="新建社区健身路径20个、智能健身驿站2个。",
    done="新建健身路径20个,智能健身驿站1个,另1个因选址调整未完工。",
    indicators=[
        Ind("产出指标", "数量指标", "新建健身路径", ("=", "20", "个"), "20个", "20", "20"),
        Ind(
            "产出指标",
            "数量指标",
            "智能健身驿站",
            ("=", "2", "个"),
            "1个",
            "15",
            "7",
            "1个站点选址调整,预计2024年6月完工",
        ),
        Ind("产出指标", "质量指标", "验收合格率", ("=", "100", "%"), "100%", "15", "15"),
        Ind("效益指标", "社会效益指标", "15分钟健身圈覆盖率", ("≥", "85", "%"), "86%", "20", "20"),
        Ind("效益指标", "经济效益指标", "本项目不涉及经济效益指标", ("", "/", ""), "/", "10", "10"),
        Ind("满意度指标", "服务对象满意度指标", "居民满意度", ("≥", "90", "%"), "≥90%", "10", "8"),
    ],
    problems="项目选址协调难度大,进度滞后。",
    rectify="提前开展选址论证,压实街道责任。",
    total="90",
    grade="优",
)

FARM = Project(
    name="衔接推进乡村振兴补助资金(产业发展)",
    unit="阜南县乡村振兴局",
    dept="阜南县乡村振兴局",
    budget=("2680", "2680", "2650.3", "98.89%"),
    goal="支持脱贫村发展特色种养业,新建蔬菜大棚120个,带动脱贫户增收。",
    done="新建蔬菜大棚118个,带动脱贫户1326户户均增收2400元。",
    indicators=[
        Ind(
            "产出指标",
            "数量指标",
            "★新建蔬菜大棚",
            "120个",
            "118个",
            "10",
            "9",
            "2个大棚因土地流转未完成顺延",
        ),
        Ind("产出指标", "数量指标", "带动脱贫户数", "≥1200户", "1326户", "10", "10"),
        Ind("产出指标", "质量指标", "项目验收合格率", "100%", "100%", "10", "10"),
        Ind("产出指标", "时效指标", "项目开工及时率", "≥**%", "95%", "10", "10"),
        Ind("效益指标", "经济效益指标", "★脱贫户户均增收", "≥2000元", "2400元", "15", "15"),
        Ind(
            "效益指标",
            "社会效益指标",
            "带动脱贫人口就业",
            "≥300人",
            "部分达成预期指标并具有一定效果",
            "10",
            "7",
        ),
        Ind("效益指标", "可持续影响指标", "项目可持续运营年限", "≥5年", "5年", "10", "10"),
        Ind("满意度指标", "服务对象满意度指标", "受益脱贫户满意度", "≥90%", "96%", "10", "10"),
    ],
    problems="个别大棚管护责任落实不到位。",
    rectify="签订管护协议,明确村集体管护责任。",
)

WATER = Project(
    name="农村饮水安全巩固提升工程",
    unit="湘潭县水利局",
    dept="湘潭县水利局",
    budget=("540", "540", "533.1", "98.7%"),
    goal="实施12处集中供水工程改造,巩固提升3.6万农村人口饮水安全。",
    done="完成12处供水工程改造,受益人口3.72万人,农村自来水普及率达到91%。",
    indicators=[
        Ind("产出指标", "数量指标", "供水工程改造处数", "12处", "12处"),
        Ind("产出指标", "数量指标", "受益人口", "3.6万人", "3.72万人"),
        Ind("产出指标", "质量指标", "水质检测合格率", "≥90%", "93.5%"),
        Ind("产出指标", "时效指标", "工程完工时间", "2022年11月", "2022年10月28日"),
        Ind("效益指标", "社会效益指标", "农村自来水普及率", "≥90%", "91%"),
        Ind("效益指标", "生态效益指标", "水源地保护", "水源地得到有效保护", "水源地得到有效保护"),
        Ind("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "群众满意"),
    ],
    problems="部分工程管护经费不足。",
    rectify="建立县级统管、乡镇主管、村级参与的管护机制。",
)

WASTE = Project(
    name="城乡生活垃圾收运处置",
    unit="曲靖市麒麟区住房和城乡建设局",
    dept="曲靖市麒麟区住房和城乡建设局",
    budget=("8650000", "8650000", "8412300", "97.25%"),
    goal="全年收运处置城乡生活垃圾9.5万吨,生活垃圾无害化处理率达到100%。",
    done="全年收运处置生活垃圾9.82万吨,无害化处理率100%。",
    indicators=[
        Ind("产出指标", "数量指标", "垃圾收运量", ("≧", "9.5", "万吨"), "9.82万吨", "20", "20"),
        Ind("产出指标", "质量指标", "无害化处理率", ("﹦", "100", "%"), "100%", "15", "15"),
        Ind("产出指标", "时效指标", "垃圾日产日清", ("﹦", "100", "%"), "100%", "15", "15"),
        Ind("产出指标", "成本指标", "吨垃圾收运成本", ("≤", "90", "元"), "85.7元", "10", "10"),
        Ind(
            "效益指标",
            "生态效益指标",
            "城乡环境卫生状况",
            ("", "明显改善", ""),
            "明显改善",
            "20",
            "18",
        ),
        Ind("满意度指标", "服务对象满意度指标", "群众满意度", ("≥", "85", "%"), "91%", "10", "10"),
    ],
    problems="部分乡镇收运车辆老化。",
    rectify="分年度更新收运车辆。",
    total="98",
    grade="优",
)

PARK = Project(
    name="城市公园绿地管养",
    unit="北京市丰台区园林绿化局",
    dept="北京市丰台区园林绿化局",
    budget=("1260", "1260", "1259.6", "99.97%"),
    goal="对全区23个公园、186公顷绿地实施专业化养护,绿地养护达到一级标准。",
    done="完成23个公园186公顷绿地养护,养护质量考核平均分93.2分。",
    indicators=[
        Ind("产出指标", "数量指标", "养护绿地面积", "186公顷", "186公顷", "10", "10"),
        Ind("产出指标", "质量指标", "养护质量考核平均分", "≥90分", "93.2分", "10", "10"),
        Ind("产出指标", "时效指标", "养护作业完成时限", "12月31日前", "按时完成", "10", "9"),
        Ind("效益指标", "生态效益指标", "植物成活率", "≥95%", "97%", "15", "15"),
        Ind("效益指标", "社会效益指标", "公园游客接待量", "≥800万人次", "812万人次", "15", "15"),
        Ind(
            "满意度指标",
            "服务对象满意度指标",
            "游客满意度",
            "≥90%",
            "满意度调查不低于90%",
            "10",
            "8",
        ),
    ],
    problems="无",
    rectify="无",
    total="95",
    grade="优",
)

DECL = [
    Project(
        name="社区网格化管理服务经费",
        unit="深圳市宝安区新桥街道办事处",
        dept="深圳市宝安区新桥街道办事处",
        budget=("520", "", "", ""),
        goal="",
        done="",
        indicators=[
            Ind("产出指标", "数量指标", "网格员配置人数", "≥120人", ""),
            Ind("产出指标", "质量指标", "事件按期办结率", "≥98%", ""),
            Ind("产出指标", "时效指标", "事件响应时间", "≤30分钟", ""),
            Ind("产出指标", "成本指标", "不适用", "不适用", ""),
            Ind("效益指标", "经济效益指标", "不适用", "不适用", ""),
            Ind("效益指标", "社会效益指标", "辖区安全隐患下降率", "≥10%", ""),
            Ind("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", ""),
        ],
    ),
    Project(
        name="辖区河道日常保洁",
        unit="深圳市宝安区新桥街道办事处",
        dept="深圳市宝安区新桥街道办事处",
        budget=("185", "", "", ""),
        goal="",
        done="",
        indicators=[
            Ind("产出指标", "数量指标", "保洁河道长度", "32.6公里", ""),
            Ind("产出指标", "质量指标", "河面漂浮物清理率", "100%", ""),
            Ind("效益指标", "生态效益指标", "河道水质", "不劣于Ⅴ类", ""),
            Ind("效益指标", "可持续影响指标", "不适用", "不适用", ""),
            Ind("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", ""),
        ],
    ),
]

WIDE_UNIT = "广州市海珠区科技工业商务和信息化局"
WIDE = [
    Project(
        name="科技企业孵化器补贴",
        unit=WIDE_UNIT,
        dept="",
        budget=("400", "392.5", "392.5", "98.13%"),
        goal="支持区内孵化器提升服务能力,新增在孵企业80家。",
        done="补贴孵化器12家,新增在孵企业86家。",
        indicators=[
            Ind("产出目标", "数量指标", "", "补贴孵化器数量≥10家", "12家"),
            Ind("产出目标", "质量指标", "", "孵化器考核合格率100%", "100%"),
            Ind("产出目标", "时效指标", "", "11月底前完成拨付", "11月25日完成拨付"),
            Ind("效益目标", "经济效益指标", "", "新增在孵企业≥80家", "新增在孵企业86家"),
            Ind("效益目标", "社会效益指标", "", "带动就业≥500人", "带动就业人数大幅增加"),
            Ind(
                "效益目标",
                "生态效益指标",
                "",
                "本项目不涉及生态效益指标",
                "本项目不涉及生态效益指标",
            ),
            Ind("满意度指标", "满意度指标", "", "企业满意度≥90%", "满意度≥90%"),
        ],
    ),
    Project(
        name="商贸流通促消费活动",
        unit=WIDE_UNIT,
        dept="",
        budget=("260", "255", "255", "98.08%"),
        goal="举办促消费活动15场,带动社会消费品零售额增长。",
        done="举办促消费活动16场,发放消费券1200万元。",
        indicators=[
            Ind("产出目标", "数量指标", "", "举办活动15场", "16场"),
            Ind("产出目标", "质量指标", "", "活动安全事故0起", "0起"),
            Ind("产出目标", "时效指标", "", "按计划开展", "按时完成"),
            Ind("效益目标", "经济效益指标", "", "带动消费≥1亿元", "带动消费1.37亿元"),
            Ind("效益目标", "社会效益指标", "", "提升商圈活力", "进一步提升商圈活力"),
            Ind(
                "效益目标",
                "生态效益指标",
                "",
                "本项目不涉及生态效益指标",
                "本项目不涉及生态效益指标",
            ),
            Ind("满意度指标", "满意度指标", "", "商户满意度≥85%", "商户满意度91%"),
        ],
    ),
    Project(
        name="工业企业技术改造奖励",
        unit=WIDE_UNIT,
        dept="",
        budget=("900", "900", "880", "97.78%"),
        goal="奖励技术改造项目30个,推动制造业提质增效。",
        done="奖励技改项目28个,带动企业技改投资4.2亿元。",
        indicators=[
            Ind("产出目标", "数量指标", "", "奖励项目30个", "28个"),
            Ind("产出目标", "质量指标", "", "项目审核合规率100%", "100%"),
            Ind("产出目标", "时效指标", "", "12月底前拨付", "12月20日拨付完毕"),
            Ind("效益目标", "经济效益指标", "", "带动技改投资≥4亿元", "4.2亿元"),
            Ind("效益目标", "社会效益指标", "", "提升制造业竞争力", "效果明显"),
            Ind("效益目标", "生态效益指标", "", "单位产值能耗下降", "单位产值能耗下降3.1%"),
            Ind("满意度指标", "满意度指标", "", "企业满意度≥90%", "企业满意度≥90%"),
        ],
    ),
]


# ------------------------------------------------------------------ writers


def national_xlsx(
    path: Path, sheets: list[tuple[str, list[Project]]], year: int, traditional: bool = False
) -> None:
    """财预〔2020〕10号 self-evaluation template: one block per project, merged cells, title row."""
    import openpyxl

    conv = _s2t if traditional else (lambda s: s)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet_name, projects in sheets:
        ws = wb.create_sheet(conv(sheet_name))
        r = 1
        for p in projects:
            r = _national_block(ws, r, p, year, conv)
            r += 2
    wb.save(path)


def _national_block(ws, r: int, p: Project, year: int, conv) -> int:
    def put(row, col, value, end_col=None, end_row=None):
        ws.cell(row=row, column=col, value=conv(value) if isinstance(value, str) else value)
        if end_col or end_row:
            ws.merge_cells(
                start_row=row, start_column=col, end_row=end_row or row, end_column=end_col or col
            )

    put(r, 1, f"项目支出绩效自评表({year}年度)", end_col=10)
    put(r + 1, 1, "项目名称")
    put(r + 1, 3, p.name, end_col=10)
    ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=2)
    put(r + 2, 1, "主管部门", end_col=2)
    put(r + 2, 3, p.dept, end_col=5)
    put(r + 2, 6, "实施单位", end_col=7)
    put(r + 2, 8, p.unit, end_col=10)
    b = r + 3
    # 项目资金(万元) merged down the block; row labels in B:C; figures in D:I
    put(b, 1, "项目资金(万元)", end_row=b + 3)
    ws.merge_cells(start_row=b, start_column=2, end_row=b, end_column=3)
    for i, h in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        put(b, 4 + i, h)
    rows = [
        ("年度资金总额", p.budget[0], p.budget[1], p.budget[2], "10", p.budget[3], "9.9"),
        ("其中:当年财政拨款", p.budget[0], p.budget[1], p.budget[2], "—", p.budget[3], "—"),
        ("上年结转资金", "/", "/", "/", "—", "/", "—"),
    ]
    for k, row in enumerate(rows):
        put(b + 1 + k, 2, row[0], end_col=3)
        for i, v in enumerate(row[1:]):
            put(b + 1 + k, 4 + i, v)
    g = b + 4
    put(g, 1, "年度总体目标", end_row=g + 1)
    put(g, 2, "预期目标", end_col=5)
    put(g, 6, "实际完成情况", end_col=10)
    put(g + 1, 2, p.goal, end_col=5)
    put(g + 1, 6, p.done, end_col=10)
    h = g + 2
    put(h, 1, "绩效指标", end_row=h + len(p.indicators))
    for i, name in enumerate(
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
        put(h, 2 + i, name)
        if i == 7:
            ws.merge_cells(start_row=h, start_column=9, end_row=h, end_column=10)
    weights = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    i = 0
    while i < len(p.indicators):
        j = i
        while j < len(p.indicators) and p.indicators[j].level1 == p.indicators[i].level1:
            j += 1
        put(
            h + 1 + i,
            2,
            f"{p.indicators[i].level1}({weights[p.indicators[i].level1]}分)",
            end_row=h + j,
        )
        k = i
        while k < j:
            m = k
            while m < j and p.indicators[m].level2 == p.indicators[k].level2:
                m += 1
            put(h + 1 + k, 3, p.indicators[k].level2, end_row=h + m if m - 1 > k else None)
            k = m
        i = j
    for i, ind in enumerate(p.indicators):
        rr = h + 1 + i
        put(rr, 4, ind.name)
        put(rr, 5, ind.target_text)
        put(rr, 6, ind.completion)
        put(rr, 7, ind.weight)
        put(rr, 8, ind.points)
        put(rr, 9, ind.reason, end_col=10)
    e = h + 1 + len(p.indicators)
    put(e, 1, "总分", end_col=6)
    put(e, 7, "100")
    put(e, 8, p.total)
    put(e, 9, p.grade, end_col=10)
    put(e + 1, 1, "存在问题", end_col=2)
    put(e + 1, 3, p.problems, end_col=10)
    put(e + 2, 1, "整改情况", end_col=2)
    put(e + 2, 3, p.rectify, end_col=10)
    return e + 3


def sichuan_docx(path: Path, projects: list[Project], year: int, unit: str) -> None:
    """Sichuan 2022-23: 指标性质/指标值/度量单位 in three columns under a merged 年度指标值."""
    import docx

    d = docx.Document()
    d.add_paragraph(f"{year}年{unit}项目支出绩效自评表")
    d.add_paragraph("单位:万元")
    for p in projects:
        n = len(p.indicators)
        t = d.add_table(rows=9 + n, cols=9)

        def put(r, c, text, r2=None, c2=None, t=t):
            cell = t.cell(r, c)
            if r2 is not None or c2 is not None:
                cell = cell.merge(t.cell(r2 if r2 is not None else r, c2 if c2 is not None else c))
            cell.text = text

        put(0, 0, "项目名称", c2=1)
        put(0, 2, p.name, c2=8)
        put(1, 0, "项目年度目标", c2=1)
        put(1, 2, p.goal, c2=8)
        put(2, 0, "年度目标完成情况", c2=1)
        put(2, 2, p.done, c2=8)
        put(3, 0, "预算执行情况(10分)", r2=4, c2=1)
        for i, hname in enumerate(["预算数", "调整后预算数", "执行数", "执行率", "得分"]):
            put(3, 2 + i, hname)
        for i, v in enumerate([p.budget[0], p.budget[1], p.budget[2], p.budget[3], "9.9"]):
            put(4, 2 + i, v)
        put(5, 0, "一级指标", r2=6)
        put(5, 1, "二级指标", r2=6)
        put(5, 2, "三级指标", r2=6)
        put(5, 3, "年度指标值", c2=5)
        put(6, 3, "指标性质")
        put(6, 4, "指标值")
        put(6, 5, "度量单位")
        put(5, 6, "完成值", r2=6)
        put(5, 7, "得分", r2=6)
        put(5, 8, "未完成原因分析", r2=6)
        rr = 7
        i = 0
        while i < n:
            j = i
            while j < n and p.indicators[j].level1 == p.indicators[i].level1:
                j += 1
            put(rr + i, 0, p.indicators[i].level1, r2=rr + j - 1)
            i = j
        for i, ind in enumerate(p.indicators):
            op, val, uom = ind.target  # type: ignore[misc]
            put(rr + i, 1, ind.level2)
            put(rr + i, 2, ind.name)
            put(rr + i, 3, op)
            put(rr + i, 4, val)
            put(rr + i, 5, uom)
            put(rr + i, 6, ind.completion)
            put(rr + i, 7, ind.points)
            put(rr + i, 8, ind.reason)
        e = rr + n
        put(e, 0, "存在问题", c2=1)
        put(e, 2, p.problems, c2=8)
        put(e + 1, 0, "改进措施", c2=1)
        put(e + 1, 2, p.rectify, c2=8)
        d.add_paragraph("")
    d.add_paragraph("注:本表由项目实施单位填报,主管部门审核。")
    d.save(str(path))


def hubei_rows(projects: list[Project], year: int, unit: str) -> list[list[str]]:
    """Hubei county layout: 年初目标值(A)/实际完成值(B), budget weighted 20, 产出数量… as 二级."""
    rows = [[f"{unit}{year}年度项目支出绩效自评表"], ["金额单位:万元"]]
    for p in projects:
        rows += [
            ["项目名称", p.name, "", "主管部门", p.dept],
            ["实施单位", p.unit],
            ["", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
            ["年度资金总额", p.budget[1], p.budget[2], "20", p.budget[3], "19.5"],
            ["年度总体目标", "年初目标", "", "实际完成情况"],
            ["", p.goal, "", p.done],
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
        ]
        for k, ind in enumerate(p.indicators):
            l2 = ind.level2.replace("数量指标", "产出数量").replace("质量指标", "产出质量")
            l2 = l2.replace("时效指标", "产出时效").replace("成本指标", "产出成本")
            first = k == 0 or p.indicators[k - 1].level1 != ind.level1
            rows.append(
                [
                    ind.level1 if first else "",
                    l2,
                    ind.name,
                    ind.target_text,
                    ind.completion,
                    ind.weight,
                    ind.points,
                    ind.reason,
                ]
            )
        rows += [["存在问题", p.problems], ["整改措施", p.rectify], []]
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str, delimiter: str = ",") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def hunan_html(
    path: Path, projects: list[Project], year: int, unit: str, traditional: bool = False
) -> None:
    """Hunan county table published as a web page: 全年完成值, no scores, rowspan/colspan."""
    conv = _s2t if traditional else (lambda s: s)
    e = lambda s: html.escape(conv(s))  # noqa: E731
    parts = [
        '<html><head><meta charset="utf-8"><title>绩效自评</title></head><body>',
        f"<h2>{e(f'{unit}{year}年度项目支出绩效自评表')}</h2>",
        f"<p>{e('单位:万元')}</p>",
    ]
    for p in projects:
        parts.append('<table border="1">')
        parts.append(f"<tr><td colspan=2>{e('项目名称')}</td><td colspan=5>{e(p.name)}</td></tr>")
        parts.append(f"<tr><td colspan=2>{e('实施单位')}</td><td colspan=5>{e(p.unit)}</td></tr>")
        parts.append(
            f"<tr><td colspan=2 rowspan=2>{e('资金情况')}</td><td>{e('年初预算数')}</td><td>{e('全年预算数')}</td><td>{e('全年执行数')}</td><td colspan=2>{e('执行率')}</td></tr>"
        )
        parts.append(
            f"<tr><td>{p.budget[0]}</td><td>{p.budget[1]}</td><td>{p.budget[2]}</td><td colspan=2>{p.budget[3]}</td></tr>"
        )
        parts.append(
            f"<tr><td colspan=2>{e('年度总体目标')}</td><td colspan=5>{e(p.goal)}</td></tr>"
        )
        parts.append(
            f"<tr><td colspan=2>{e('年度总体目标完成情况')}</td><td colspan=5>{e(p.done)}</td></tr>"
        )
        heads = [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "全年完成值",
            "未完成原因和改进措施",
        ]
        parts.append(
            "<tr>"
            + "".join(
                f"<th{' colspan=2' if h == '未完成原因和改进措施' else ''}>{e(h)}</th>"
                for h in heads
            )
            + "</tr>"
        )
        n = len(p.indicators)
        for k, ind in enumerate(p.indicators):
            cells = []
            if k == 0 or p.indicators[k - 1].level1 != ind.level1:
                span = 1
                while k + span < n and p.indicators[k + span].level1 == ind.level1:
                    span += 1
                cells.append(f"<td rowspan={span}>{e(ind.level1)}</td>")
            cells += [
                f"<td>{e(x)}</td>" for x in (ind.level2, ind.name, ind.target_text, ind.completion)
            ]
            cells.append(f"<td colspan=2>{e(ind.reason)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append(
            f"<tr><td colspan=2>{e('存在问题')}</td><td colspan=5>{e(p.problems)}</td></tr>"
        )
        parts.append("</table><br>")
    parts.append(f"<p>{e('填报人:张某某 联系电话:0731-5xxxxxx')}</p></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def poverty_xls(path: Path, p: Project, year: int) -> None:
    """衔接资金 template as a legacy .xls (xlwt): (A)/(B) budget, 年初设定目标, 全年实际值, ★ marks."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("自评表")
    ws.write_merge(0, 0, 0, 7, f"{year}年度衔接推进乡村振兴补助资金项目绩效自评表")
    ws.write_merge(1, 1, 0, 1, "项目名称")
    ws.write_merge(1, 1, 2, 7, p.name)
    ws.write_merge(2, 2, 0, 1, "主管部门")
    ws.write_merge(2, 2, 2, 3, p.dept)
    ws.write_merge(2, 2, 4, 5, "实施单位")
    ws.write_merge(2, 2, 6, 7, p.unit)
    ws.write_merge(3, 4, 0, 1, "项目资金(万元)")
    for i, h in enumerate(["全年预算数(A)", "全年执行数(B)", "执行率(B/A)"]):
        ws.write(3, 2 + i, h)
    ws.write(4, 2, float(p.budget[1]))
    ws.write(4, 3, float(p.budget[2]))
    ws.write(4, 4, p.budget[3])
    ws.write_merge(5, 5, 0, 1, "年初设定目标")
    ws.write_merge(5, 5, 2, 7, p.goal)
    ws.write_merge(6, 6, 0, 1, "年度总体目标完成情况综述")
    ws.write_merge(6, 6, 2, 7, p.done)
    for i, h in enumerate(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "全年实际值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ]
    ):
        ws.write(7, i, h)
    r = 8
    n = len(p.indicators)
    k = 0
    while k < n:
        j = k
        while j < n and p.indicators[j].level1 == p.indicators[k].level1:
            j += 1
        if j - k > 1:
            ws.write_merge(r + k, r + j - 1, 0, 0, p.indicators[k].level1)
        else:
            ws.write(r + k, 0, p.indicators[k].level1)
        k = j
    for i, ind in enumerate(p.indicators):
        ws.write(r + i, 1, ind.level2)
        ws.write(r + i, 2, ind.name)
        ws.write(r + i, 3, ind.target_text)
        ws.write(r + i, 4, ind.completion)
        ws.write(r + i, 5, ind.weight)
        ws.write(r + i, 6, ind.points)
        ws.write(r + i, 7, ind.reason)
    e = r + n
    ws.write_merge(e, e, 0, 1, "存在问题")
    ws.write_merge(e, e, 2, 7, p.problems)
    ws.write_merge(e + 1, e + 1, 0, 1, "改进措施")
    ws.write_merge(e + 1, e + 1, 2, 7, p.rectify)
    wb.save(str(path))


def yunnan_xlsx(path: Path, p: Project, year: int) -> None:
    """Yunnan 决算公开: money in 元, 年度指标值 merged over 指标性质/指标值/度量单位, 总分 and 等级."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    ws.append([f"{year}年度{p.unit}项目支出绩效自评表"])
    ws.merge_cells("A1:J1")
    ws.append(["单位:元"])
    ws.append(["项目名称", p.name])
    ws.merge_cells("B3:J3")
    ws.append(["主管部门", p.dept, "", "", "", "实施单位", p.unit])
    ws.append(["资金情况", "年初预算数", "全年预算数", "全年执行数", "执行率"])
    ws.append(["", *[float(x) if "%" not in x else x for x in p.budget]])
    ws.merge_cells("A5:A6")
    ws.append(["年度总体目标", p.goal])
    ws.merge_cells("B7:J7")
    ws.append(["年度目标完成情况", p.done])
    ws.merge_cells("B8:J8")
    ws.append(
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
        ]
    )
    ws.append(["", "", "", "指标性质", "指标值", "度量单位"])
    for col in "ABCGHIJ":
        ws.merge_cells(f"{col}9:{col}10")
    ws.merge_cells("D9:F9")
    for ind in p.indicators:
        op, val, uom = ind.target  # type: ignore[misc]
        ws.append(
            [
                ind.level1,
                ind.level2,
                ind.name,
                op,
                val,
                uom,
                ind.completion,
                ind.weight,
                ind.points,
                ind.reason,
            ]
        )
    ws.append(["总分", "", "", "", "", "", "", "100", p.total, p.grade])
    ws.append(["说明:本表金额单位为元,指标值按申报时批复的绩效目标填列。"])
    wb.save(path)


def wide_xlsx(path: Path, projects: list[Project], year: int) -> None:
    """Wide layout with real merged headers and a unit cell merged down the block."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目绩效自评"
    groups = [
        ("产出目标", ["数量指标", "质量指标", "时效指标"]),
        ("效益目标", ["经济效益指标", "社会效益指标", "生态效益指标"]),
        ("满意度指标", [""]),
    ]
    ncol = 9 + 14 + 2
    ws.cell(row=1, column=1, value=f"{year}年{WIDE_UNIT}部门预算项目绩效自评表")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(row=2, column=ncol, value="单位:万元")
    top = [
        "序号",
        "单位名称",
        "项目名称",
        "项目年度预算金额",
        "实际支出金额",
        None,
        "预算支出执行率",
        "年初绩效目标",
        "绩效目标整体完成情况",
    ]
    for c, h in enumerate(top, 1):
        if h:
            ws.cell(row=3, column=c, value=h)
        if h and c != 5:
            ws.merge_cells(start_row=3, start_column=c, end_row=5, end_column=c)
    ws.merge_cells(start_row=3, start_column=5, end_row=3, end_column=6)
    ws.cell(row=4, column=5, value="合计")
    ws.cell(row=4, column=6, value="其中:财政拨款")
    ws.merge_cells(start_row=4, start_column=5, end_row=5, end_column=5)
    ws.merge_cells(start_row=4, start_column=6, end_row=5, end_column=6)
    c = 10
    for level1, subs in groups:
        width = 2 * len(subs)
        if level1 == "满意度指标":
            ws.cell(row=3, column=c, value=level1)
            ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c + 1)
        else:
            ws.cell(row=3, column=c, value=level1)
            ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + width - 1)
            for k, sub in enumerate(subs):
                ws.cell(row=4, column=c + 2 * k, value=sub)
                ws.merge_cells(
                    start_row=4, start_column=c + 2 * k, end_row=4, end_column=c + 2 * k + 1
                )
        for k in range(len(subs)):
            ws.cell(row=5, column=c + 2 * k, value="年度指标内容")
            ws.cell(row=5, column=c + 2 * k + 1, value="完成情况")
        c += width
    ws.cell(row=3, column=c, value="项目执行中的问题")
    ws.cell(row=3, column=c + 1, value="整改情况")
    ws.merge_cells(start_row=3, start_column=c, end_row=5, end_column=c)
    ws.merge_cells(start_row=3, start_column=c + 1, end_row=5, end_column=c + 1)
    for i, p in enumerate(projects):
        r = 6 + i
        values = [
            i + 1,
            WIDE_UNIT if i == 0 else None,
            p.name,
            float(p.budget[0]),
            float(p.budget[1]),
            float(p.budget[2]),
            p.budget[3],
            p.goal,
            p.done,
        ]
        for ind in p.indicators:
            values += [ind.target_text, ind.completion]
        values += [p.problems, p.rectify]
        for col, v in enumerate(values, 1):
            if v is not None:
                ws.cell(row=r, column=col, value=v)
    ws.merge_cells(start_row=6, start_column=2, end_row=5 + len(projects), end_column=2)
    ws.cell(row=7 + len(projects), column=1, value="备注:预算金额含年中追加。")
    wb.save(path)


def declaration_xlsx(path: Path, projects: list[Project], year: int) -> None:
    """Target declaration (申报表): targets only, 指标解释, 不适用 in unused indicators; a sheet per project."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for p in projects:
        ws = wb.create_sheet(p.name[:10])
        ws.append([f"{year}年二级项目支出绩效目标申报表"])
        ws.merge_cells("A1:F1")
        ws.append(["项目名称", p.name, "", "申请单位", p.unit])
        ws.append(["本年金额(万元)", p.budget[0]])
        ws.append(["一级指标", "二级指标", "三级指标", "指标值", "指标解释"])
        for ind in p.indicators:
            expl = "不适用" if ind.target_text == "不适用" else f"依据{ind.name}统计台账判定"
            ws.append([ind.level1, ind.level2, ind.name, ind.target_text, expl])
    wb.save(path)


def tidy_csv(path: Path) -> None:
    rows = [
        [
            "doc",
            "unit",
            "year",
            "project",
            "level1",
            "level2",
            "indicator",
            "target",
            "completion",
            "weight",
            "label",
        ],
        [
            "hand_extracted_2022",
            "某县民政局",
            "2022",
            "城乡低保资金",
            "产出",
            "数量",
            "保障人数",
            "≥3200人",
            "3356人",
            "10",
            "specific",
        ],
        [
            "hand_extracted_2022",
            "某县民政局",
            "2022",
            "城乡低保资金",
            "产出",
            "时效",
            "资金发放及时率",
            "100%",
            "按时发放",
            "10",
            "vague",
        ],
        [
            "hand_extracted_2022",
            "某县民政局",
            "2022",
            "城乡低保资金",
            "满意度",
            "满意度",
            "群众满意度",
            "≥90%",
            "≥90%",
            "",
            "restate",
        ],
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def _s2t(text):
    if not isinstance(text, str):
        return text
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def bad_files(d: Path) -> None:
    """Inputs that must fail with one clear line each."""
    good = d / "national_2021_tongshan.xlsx"
    data = good.read_bytes()
    (d / "bad_truncated.xlsx").write_bytes(data[: len(data) // 2])
    (d / "bad_binary.csv").write_bytes(bytes(range(256)) * 8)
    (d / "bad_empty.csv").write_bytes(b"")
    (d / "bad_notable.csv").write_text("这是一封通知\n请各单位于月底前报送材料\n", encoding="utf-8")
    (d / "bad_unsupported.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    try:
        import msoffcrypto
        from msoffcrypto.format.ooxml import OOXMLFile

        out = io.BytesIO()
        OOXMLFile(io.BytesIO(data)).encrypt("secret", out)
        (d / "bad_password.xlsx").write_bytes(out.getvalue())
        del msoffcrypto
    except ImportError:
        print("msoffcrypto-tool not installed: bad_password.xlsx not written")
    with zipfile.ZipFile(d / "bad_notzip.docx", "w") as z:
        z.writestr("hello.txt", "not a document")


def main() -> None:
    FIX.mkdir(parents=True, exist_ok=True)
    CORPUS.mkdir(parents=True, exist_ok=True)
    # fixtures
    f = FIX / "national_2021_tongshan.xlsx"
    national_xlsx(f, [("教育", [EDU]), ("交通卫健", [ROAD, HEALTH])], 2021)
    expected(f, [EDU, ROAD, HEALTH])
    f = FIX / "sichuan_2023_pidu.docx"
    sichuan_docx(f, [CULTURE, SPORT], 2023, "成都市郫都区文化广电体育和旅游局")
    expected(f, [CULTURE, SPORT])
    f = FIX / "hubei_2021_tongshan_gbk.csv"
    write_csv(f, hubei_rows([EDU, ROAD], 2021, "通山县"), "gbk")
    expected(f, [EDU, ROAD])
    f = FIX / "hunan_2022_xiangtan.html"
    hunan_html(f, [WATER], 2022, "湘潭县水利局")
    expected(f, [WATER])
    f = FIX / "mirror_2022_xiangtan_trad.html"
    hunan_html(f, [WATER], 2022, "湘潭县水利局", traditional=True)
    expected(f, [WATER], _s2t)
    f = FIX / "mirror_2021_tongshan_trad.xlsx"
    national_xlsx(f, [("衛健", [HEALTH])], 2021, traditional=True)
    expected(f, [HEALTH], _s2t)
    f = FIX / "poverty_2021_funan.xls"
    poverty_xls(f, FARM, 2021)
    expected(f, [FARM])
    f = FIX / "yunnan_2021_qilin.xlsx"
    yunnan_xlsx(f, WASTE, 2021)
    expected(f, [WASTE])
    f = FIX / "wide_2021_haizhu.xlsx"
    wide_xlsx(f, WIDE, 2021)
    expected(f, WIDE)
    f = FIX / "declaration_2023_xinqiao.xlsx"
    declaration_xlsx(f, DECL, 2023)
    expected(f, DECL)
    f = FIX / "hubei_2021_tongshan_gb18030.tsv"
    write_csv(f, hubei_rows([HEALTH], 2021, "通山县"), "gb18030", "\t")
    expected(f, [HEALTH])
    f = FIX / "hunan_2022_utf8bom.csv"
    write_csv(f, hubei_rows([WATER], 2022, "湘潭县"), "utf-8-sig")
    expected(f, [WATER])
    tidy_csv(FIX / "tidy_pairs_2022.csv")
    bad_files(FIX)
    # sample tables for the main job (other projects than the fixtures where possible)
    national_xlsx(
        CORPUS / "national_2021_two_units.xlsx",
        [("园林绿化", [PARK]), ("公路养护", [ROAD])],
        2021,
    )
    sichuan_docx(
        CORPUS / "sichuan_pidu_2023.docx",
        [SPORT, CULTURE],
        2023,
        "成都市郫都区文化广电体育和旅游局",
    )
    write_csv(
        CORPUS / "hubei_tongshan_2021_gbk.csv", hubei_rows([HEALTH, EDU], 2021, "通山县"), "gbk"
    )
    hunan_html(CORPUS / "hunan_xiangtan_2022.html", [WATER], 2022, "湘潭县水利局")
    poverty_xls(CORPUS / "anhui_funan_2021_xianjie.xls", FARM, 2021)


if __name__ == "__main__":
    main()
