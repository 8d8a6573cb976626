"""Layout variants built in the test with the real libraries: line breaks and traditional
characters in headers, flattened category cells, a wide row with a missing cell."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from nlp_eval.io import read, read_files

INDICATORS = [
    ("產出指標", "數量指標", "培訓人次", "≥500人次", "612人次"),
    ("", "", "培訓班期數", "10期", "10期"),
    ("", "質量指標", "學員考核合格率", ">=90%", "96.5%"),
    ("", "成本指標", "", "", ""),  # unused category: a blank row in the template
    ("效益指標", "社會效益指標", "持證上崗率", "提高", "持證上崗率提高到85%"),
    ("滿意度指標", "服務對象滿意度指標", "學員滿意度", "≥90%", "≥90%"),
]


def test_traditional_headers_with_line_breaks_and_flattened_categories(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2022年度某縣人力資源和社會保障局職業技能培訓項目績效自評表"])
    ws.append(["項目名稱", "職業技能提升培訓"])
    ws.append(
        [
            "一級\n指標",
            "二級\n指標",
            "三級指標",
            "年度\n指標值",
            "實際完成\n指標值",
            "分 值",
            "得分",
            "偏差原因分析\n及改進措施",
        ]
    )
    for level1, level2, name, target, done in INDICATORS:
        ws.append(
            [level1, level2, name, target, done, "10" if name else "", "10" if name else "", ""]
        )
    path = tmp_path / "trad.xlsx"
    wb.save(path)
    t = read(path)
    pairs = t[t["level1"].isin(["产出", "效益", "满意度"])]
    assert list(pairs["indicator"]) == [
        "培訓人次",
        "培訓班期數",
        "學員考核合格率",
        "持證上崗率",
        "學員滿意度",
    ]
    assert list(pairs["level2"]) == ["数量", "数量", "质量", "社会", "满意度"]
    assert list(pairs["target"]) == ["≥500人次", "10期", ">=90%", "提高", "≥90%"]
    assert list(pairs["completion"]) == ["612人次", "10期", "96.5%", "持證上崗率提高到85%", "≥90%"]
    assert set(pairs["year"]) == {2022} and set(pairs["project"]) == {"職業技能提升培訓"}
    assert (pairs["weight"] == 10).all()


def _wide_rows():
    header = [
        [
            "序号",
            "项目名称",
            "预算数",
            "执行数",
            "执行率",
            "年度绩效目标",
            "整体完成情况",
            "产出指标",
            "",
            "",
            "",
            "效益指标",
            "",
            "满意度指标",
            "",
            "存在问题",
        ],
        [
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "数量指标",
            "",
            "质量指标",
            "",
            "社会效益指标",
            "",
            "",
            "",
            "",
        ],
        [
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "年度指标值",
            "实际完成值",
            "年度指标值",
            "实际完成值",
            "年度指标值",
            "实际完成值",
            "年度指标值",
            "实际完成值",
            "",
        ],
    ]
    data = [
        [
            "1",
            "社区养老服务",
            "120",
            "118",
            "98.33%",
            "为辖区老人提供助餐服务",
            "全年助餐4.2万人次",
            "助餐≥4万人次",
            "4.2万人次",
            "食品安全事故0起",
            "0起",
            "老人生活质量提高",
            "助餐覆盖率提升至60%",
            "老人满意度≥90%",
            "满意度93%",
            "无",
        ],
        [
            "2",
            "残疾人康复补贴",
            "80",
            "80",
            "100%",
            "为300名残疾人提供康复服务",
            "服务312人",
            "康复服务≥300人",
            "312人",
            "康复评估达标率≥85%",
            "88%",
            "残疾人康复状况改善",
            "改善明显",
            "受助对象满意度≥90%",
            "满意度≥90%",
            "无",
        ],
        # one cell missing: the 质量 completion was dropped when the table was flattened
        [
            "3",
            "困难群众临时救助",
            "60",
            "57.5",
            "95.83%",
            "及时救助困难群众",
            "救助426人次",
            "救助≥400人次",
            "426人次",
            "救助金发放准确率100%",
            "本项目不涉及社会效益指标",
            "本项目不涉及社会效益指标",
            "群众满意度≥90%",
            "群众满意度95%",
            "无",
        ],
        [
            "4",
            "养老机构运营补贴",
            "200",
            "200",
            "100%",
            "支持养老机构运营",
            "补贴8家机构",
            "补贴机构8家",
            "8家",
            "年检合格率100%",
            "100%",
            "护理床位占比提高",
            "提高至55%",
            "入住老人满意度≥90%",
            "91%",
            "无",
        ],
    ]
    return header, data


def test_wide_row_with_a_missing_cell_is_realigned_by_content(tmp_path):
    header, data = _wide_rows()
    path = tmp_path / "民政局2021年项目绩效自评表.tsv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter="\t").writerows(
            [["2021年某区民政局项目绩效自评表"], *header, *data]
        )
    result = read_files([path])
    t = result.table
    assert t.loc[t["project"] != "", "project"].nunique() == 4
    good = t[(t["project"] == "社区养老服务") & t["level1"].isin(["产出", "效益", "满意度"])]
    assert list(zip(good["level2"], good["target"], good["completion"], strict=True)) == [
        ("数量", "助餐≥4万人次", "4.2万人次"),
        ("质量", "食品安全事故0起", "0起"),
        ("社会", "老人生活质量提高", "助餐覆盖率提升至60%"),
        ("满意度", "老人满意度≥90%", "满意度93%"),
    ]
    short = t[t["project"] == "困难群众临时救助"]
    assert (short["confidence"] < 1).all() and short["note"].str.contains("re-aligned").all()
    social = short[short["level2"] == "社会"].iloc[0]
    assert social["target"] == social["completion"] == "本项目不涉及社会效益指标"
    sat = short[short["level2"] == "满意度"].iloc[0]
    assert (sat["target"], sat["completion"]) == ("群众满意度≥90%", "群众满意度95%")
    assert short.loc[short["level1"] == "问题", "completion"].tolist() == ["无"]
    assert (t.loc[t["project"] != "困难群众临时救助", "confidence"] == 1).all()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    rows = [
        ["项目名称", "乡村道路硬化"],
        ["一级指标", "二级指标", "三级指标", "指标值", "全年实际值"],
        ["产出指标", "数量指标", "硬化道路长度", "≥12公里", "12.6公里"],
    ]
    path = tmp_path / f"{encoding}.csv"
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    t = read(path)
    row = t[t["level1"] == "产出"].iloc[0]
    assert (row["indicator"], row["target"], row["completion"]) == (
        "硬化道路长度",
        "≥12公里",
        "12.6公里",
    )


SEED = __import__("pathlib").Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"
LIBRARY = [
    # project, 预算, 执行, 执行率, goal, done, 7 (target, completion) pairs, 问题, 整改
    (
        "图书采购",
        "300",
        "298.5",
        "99.5%",
        "采购纸质图书6万册。",
        "采购图书6.1万册。",
        [
            ("新增图书≥6万册", "6.1万册"),
            ("图书验收合格率100%", "100%"),
            ("12月前完成采购", "11月完成"),
            ("本项目不涉及经济效益指标", "本项目不涉及经济效益指标"),
            ("丰富馆藏资源", "馆藏总量达到152万册"),
            ("本项目不涉及生态效益指标", "本项目不涉及生态效益指标"),
            ("读者满意度≥90%", "读者满意度95.2%"),
        ],
        "无",
        "无",
    ),
    (
        "阅读推广活动",
        "85",
        "84.2",
        "99.06%",
        "举办阅读推广活动120场。",
        "举办活动132场。",
        [
            ("举办活动≥120场", "132场"),
            ("活动安全事故0起", "0起"),
            ("按季度开展", "按季度开展"),
            ("本项目不涉及经济效益指标", "本项目不涉及经济效益指标"),
            ("提升全民阅读率", "全区居民综合阅读率提高到91%"),
            ("本项目不涉及生态效益指标", "本项目不涉及生态效益指标"),
            ("参与者满意度≥90%", "满意度≥90%"),
        ],
        "无",
        "无",
    ),
    (
        "数字资源建设",
        "120",
        "120",
        "100%",
        "建设数字资源平台。",
        "平台上线运行。",
        [
            ("新增数字资源10TB", "10.5TB"),
            ("平台可用率≥99%", "99.6%"),
            ("10月底前上线", "10月20日上线"),
            ("本项目不涉及经济效益指标", "本项目不涉及经济效益指标"),
            ("数字阅读人次≥50万", "数字阅读人次56万"),
            ("本项目不涉及生态效益指标", "本项目不涉及生态效益指标"),
            ("用户满意度≥90%", "用户满意度93%"),
        ],
        "无",
        "无",
    ),
]


def test_seed_template_from_another_unit_reads_exactly(tmp_path):
    """Same flattened template as the seed (header cells not above their data), unseen content;
    the second project's row carries one duplicated cell, as the seed's rows 3 and 5 do."""
    with SEED.open(encoding="utf-8") as fh:
        header = list(csv.reader(fh, delimiter="\t"))[6:9]
    rows = [
        [],
        [],
        ["2021年深圳市龙岗区图书馆部门预算项目绩效自评表"],
        [],
        ["单位:万元"],
        [],
        *header,
    ]
    for i, (name, budget, spent, rate, goal, done, pairs, problem, fix) in enumerate(LIBRARY):
        unit = "深圳市龙岗区图书馆" if i == 1 else ""
        cells = [str(i + 1), unit, name, budget, spent, spent, rate, goal, done]
        for k, (target, completion) in enumerate(pairs):
            cells += [target, completion]
            if i == 1 and k == 4:
                cells.append(completion)  # the social-benefit text pasted twice
        rows.append(cells + [problem, fix] + [""] * 6)
    rows += [[], ["本表由财务科汇总。"]]
    path = tmp_path / "longgang_library_2021.tsv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter="\t").writerows(rows)
    result = read_files([path])
    t = result.table
    levels = ["数量", "质量", "时效", "经济", "社会", "生态", "满意度"]
    for i, (name, budget, *_, pairs, _problem, _fix) in enumerate(LIBRARY):
        got = t[(t["project"] == name) & t["level1"].isin(["产出", "效益", "满意度"])]
        assert list(zip(got["level2"], got["target"], got["completion"], strict=True)) == [
            (lv, tg, cp) for lv, (tg, cp) in zip(levels, pairs, strict=True)
        ]
        rows_of = t[t["project"] == name]
        assert set(rows_of["unit"]) == {"深圳市龙岗区图书馆"} and set(rows_of["year"]) == {2021}
        budget_rows = rows_of[rows_of["level1"] == "预算"]
        assert budget_rows["value"].iloc[0] == float(budget)
        assert (rows_of["confidence"] < 1).all() == (i == 1)
    assert len(result.unplaced) == 1 and "extra cell" in result.unplaced["reason"].iloc[0]
    assert t.loc[t["level1"] == "说明", "completion"].tolist() == ["本表由财务科汇总。"]


def test_total_row_closes_the_indicator_table(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "城区道路保洁"])
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    ws.append(["产出指标", "数量指标", "保洁面积", "320万平方米", "320万平方米", "50", "50"])
    ws.append(["合计", "", "", "", "", "100", "95"])
    ws.append(["注：以上数据经审核。"])
    path = tmp_path / "total.xlsx"
    wb.save(path)
    t = read(path)
    assert list(t["level1"]) == ["产出", "评价", "说明"]
    total = t.iloc[1]
    assert (total["level2"], total["weight"], total["points"], total["value"]) == (
        "总分",
        100,
        95,
        95,
    )


@pytest.mark.parametrize(
    ("title", "info"),
    [
        (
            "2020年深圳市龙岗区文化产业促进中心部门预算项目绩效自评表",
            {"year": 2020, "unit": "深圳市龙岗区文化产业促进中心", "region": "广东省深圳市龙岗区"},
        ),
        (
            "湘潭县水利局2022年度项目支出绩效自评表",
            {"year": 2022, "unit": "湘潭县水利局", "region": "湖南省湘潭市湘潭县"},
        ),
        (
            "2021年度曲靖市麒麟區住房和城鄉建設局項目支出績效自評表",
            {"year": 2021, "unit": "曲靖市麒麟區住房和城鄉建設局", "region": "云南省曲靖市麒麟區"},
        ),
        (
            "2022年度衔接推进乡村振兴补助资金项目绩效自评表",
            {"year": 2022, "project": "衔接推进乡村振兴补助资金"},
        ),
        ("项目支出绩效自评表(2021年度)", {"year": 2021}),
        ("2023年二级项目支出绩效目标申报表", {"year": 2023}),
    ],
)
def test_title_info(title, info):
    from nlp_eval.io.rows import title_info

    assert title_info(title) == info


def test_numeric_cells_read_as_displayed(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "档案数字化"])
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    ws.append(["产出指标", "数量指标", "数字化卷数", 12000, 12650.5, 20, 19.5])
    ws.append(["产出指标", "质量指标", "合格率", 0.98, 0.992, 20, 20])
    ws["D3"].number_format = "#,##0"
    ws["E3"].number_format = "#,##0.00"
    ws["D4"].number_format = "0%"
    ws["E4"].number_format = "0.0%"
    path = tmp_path / "numbers.xlsx"
    wb.save(path)
    t = read(path)
    assert list(zip(t["target"], t["completion"], strict=True)) == [
        ("12,000", "12,650.50"),
        ("98%", "99.2%"),
    ]
    assert list(t["points"]) == [19.5, 20]


def test_unit_and_project_columns_merged_down_their_blocks(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2022年某区教育局项目绩效自评汇总表"])
    ws.append(
        ["单位名称", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"]
    )
    ws.append(
        ["某区第一中学", "校舍维修", "产出指标", "数量指标", "维修面积", "1200平方米", "1250平方米"]
    )
    ws.append([None, None, None, "质量指标", "验收合格率", "100%", "100%"])
    ws.append([None, "教师培训", "产出指标", "数量指标", "培训人次", "300人次", "320人次"])
    ws.append(["某区实验小学", "图书购置", "产出指标", "数量指标", "购置图书", "5000册", "5100册"])
    for rng in ("A3:A5", "B3:B4", "C3:C4"):
        ws.merge_cells(rng)
    path = tmp_path / "merged_blocks.xlsx"
    wb.save(path)
    t = read(path)
    assert list(zip(t["unit"], t["project"], t["level2"], strict=True)) == [
        ("某区第一中学", "校舍维修", "数量"),
        ("某区第一中学", "校舍维修", "质量"),
        ("某区第一中学", "教师培训", "数量"),
        ("某区实验小学", "图书购置", "数量"),
    ]


def test_wide_row_with_empty_trailing_cells_is_not_realigned(tmp_path):
    header, data = _wide_rows()
    data = [data[0], data[1][:-1], data[3]]  # 存在问题 left empty in the second row
    path = tmp_path / "trailing.tsv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter="\t").writerows(
            [["2021年某区民政局项目绩效自评表"], *header, *data]
        )
    t = read(path)
    assert (t["confidence"] == 1).all() and (t["note"] == "").all()
    assert t["project"].nunique() == 3


def test_csv_cell_with_line_breaks_stays_one_cell(tmp_path):
    rows = [
        ["项目名称", "老旧小区改造"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施"],
        [
            "产出指标",
            "数量指标",
            "改造小区数",
            "12个",
            "10个",
            "1.两个小区居民意见未统一;\n2.已列入明年计划。",
        ],
    ]
    path = tmp_path / "multiline.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    row = read(path).iloc[0]
    assert row["reason"] == "1.两个小区居民意见未统一;\n2.已列入明年计划。"


def test_wide_groups_with_indicator_name_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2022年某局项目绩效自评表"])
    ws.append(
        [
            "项目名称",
            "预算数",
            "执行数",
            "数量指标",
            None,
            None,
            "质量指标",
            None,
            None,
            "满意度指标",
            None,
            None,
        ]
    )
    ws.append([None, None, None, *(["指标名称", "年度指标值", "实际完成值"] * 3)])
    for c in ("A", "B", "C"):
        ws.merge_cells(f"{c}2:{c}3")
    for a, b in (("D", "F"), ("G", "I"), ("J", "L")):
        ws.merge_cells(f"{a}2:{b}2")
    ws.append(
        [
            "项目甲",
            "100",
            "98",
            "培训人数",
            "100人",
            "105人",
            "合格率",
            "≥90%",
            "95%",
            "满意度",
            "≥90%",
            "96%",
        ]
    )
    ws.append(
        [
            "项目乙",
            "50",
            "50",
            "检查次数",
            "12次",
            "12次",
            "整改率",
            "100%",
            "100%",
            "满意度",
            "≥85%",
            "满意",
        ]
    )
    path = tmp_path / "wide3.xlsx"
    wb.save(path)
    result = read_files([path])
    pairs = result.table[result.table["level1"].isin(["产出", "满意度"])]
    assert list(
        zip(
            pairs["project"],
            pairs["level2"],
            pairs["indicator"],
            pairs["target"],
            pairs["completion"],
            strict=True,
        )
    ) == [
        ("项目甲", "数量", "培训人数", "100人", "105人"),
        ("项目甲", "质量", "合格率", "≥90%", "95%"),
        ("项目甲", "满意度", "满意度", "≥90%", "96%"),
        ("项目乙", "数量", "检查次数", "12次", "12次"),
        ("项目乙", "质量", "整改率", "100%", "100%"),
        ("项目乙", "满意度", "满意度", "≥85%", "满意"),
    ]
    assert result.unplaced.empty and (pairs["confidence"] == 1).all()


def test_project_named_then_coded(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for name, code, ind in (
        ("社区绿化", "440306221391500000001", "绿化面积"),
        ("道路保洁", "440306221391500000002", "保洁面积"),
    ):
        ws.append(["项目名称", name, "项目编码", code])
        ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"])
        ws.append(["产出指标", "数量指标", ind, "1000平方米", "1000平方米"])
    path = tmp_path / "coded.xlsx"
    wb.save(path)
    t = read(path)
    pairs = t[t["level1"] == "产出"]
    assert list(pairs["project"]) == ["社区绿化", "道路保洁"] and set(pairs["year"]) == {2022}
    assert list(t.loc[t["level1"] == "说明", "completion"]) == [
        "440306221391500000001",
        "440306221391500000002",
    ]


def test_docx_project_split_over_two_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("2023年度宜都市文化和旅游局项目支出绩效自评表")
    info = d.add_table(rows=2, cols=4)
    for (r, c), text in {
        (0, 0): "项目名称",
        (0, 1): "非遗保护传承",
        (1, 0): "实施单位",
        (1, 1): "宜都市文化馆",
    }.items():
        info.cell(r, c).text = text
    d.add_paragraph("绩效指标完成情况")
    table = d.add_table(rows=3, cols=5)
    rows = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
        ["产出指标", "数量指标", "传承活动场次", "≥20场", "24场"],
        ["", "质量指标", "传承人培训合格率", "100%", "100%"],
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0))
    path = tmp_path / "split.docx"
    d.save(str(path))
    t = read(path)
    pairs = t[t["level1"] == "产出"]
    assert list(pairs["project"]) == ["非遗保护传承"] * 2
    assert set(pairs["unit"]) == {"宜都市文化馆"} and set(pairs["year"]) == {2023}
    assert list(pairs["completion"]) == ["24场", "100%"]


def test_government_page_gb2312_with_markup_inside_cells(tmp_path):
    page = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
<div class="title"><span>2022年度宜都市民政局项目支出绩效自评表</span></div>
<table class="MsoNormalTable"><thead><tr><td colspan="2"><p><span>项目名称</span></p></td>
<td colspan="3"><p>困难群众救助</p></td></tr></thead><tbody>
<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th></tr>
<tr><td rowspan="2"><p>产出指标</p></td><td>数量指标</td><td>救助人数</td><td>&ge;500人</td>
<td><p>累计救助</p><p>536人</p></td></tr>
<tr><td>质量指标</td><td>发放准确率</td><td>100%</td><td>100%&nbsp;</td></tr>
</tbody></table></body></html>"""
    path = tmp_path / "gov.html"
    path.write_bytes(page.encode("gb2312"))
    t = read(path)
    assert list(zip(t["level2"], t["target"], t["completion"], strict=True)) == [
        ("数量", "≥500人", "累计救助\n536人"),
        ("质量", "100%", "100%"),
    ]
    assert set(t["unit"]) == {"宜都市民政局"} and set(t["project"]) == {"困难群众救助"}


def test_wide_with_first_level_groups_only(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2022年某局项目绩效自评表"])
    ws.append(["序号", "项目名称", "产出指标", None, "效益指标", None, "满意度指标", None])
    ws.append([None, None, *(["年度指标值", "实际完成值"] * 3)])
    for rng in ("C2:D2", "E2:F2", "G2:H2", "A2:A3", "B2:B3"):
        ws.merge_cells(rng)
    ws.append(
        [
            "1",
            "项目甲",
            "培训100人",
            "培训105人",
            "就业率提高",
            "就业率提高到92%",
            "满意度≥90%",
            "96%",
        ]
    )
    path = tmp_path / "level1.xlsx"
    wb.save(path)
    t = read(path)
    assert list(zip(t["level1"], t["level2"], t["target"], t["completion"], strict=True)) == [
        ("产出", "", "培训100人", "培训105人"),
        ("效益", "", "就业率提高", "就业率提高到92%"),
        ("满意度", "满意度", "满意度≥90%", "96%"),
    ]


def test_single_category_column(tmp_path):
    rows = [
        ["项目名称", "环卫保洁"],
        ["指标类别", "指标名称", "目标值", "完成值"],
        ["数量指标", "清扫面积", "120万平方米", "120万平方米"],
        ["质量指标", "考核合格率", "≥95%", "97%"],
        ["效益指标", "市容改善", "明显改善", "明显改善"],
    ]
    path = tmp_path / "category.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    t = read(path)
    assert list(zip(t["level1"], t["level2"], t["indicator"], strict=True)) == [
        ("产出", "数量", "清扫面积"),
        ("产出", "质量", "考核合格率"),
        ("效益", "", "市容改善"),
    ]


def test_unknown_header_columns_are_kept_as_notes(tmp_path):
    rows = [
        ["项目名称", "农村公路养护"],
        ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "完成率(B/A)"],
        ["产出指标", "数量指标", "养护里程", "1260公里", "1260公里", "100%"],
        ["", "", "", "", "", "完成率按实际完成值除以年初目标值计算"],
    ]
    path = tmp_path / "extra.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = read_files([path])
    t = result.table
    assert t["note"].iloc[0] == "完成率(B/A): 100%"
    assert (t["level1"].iloc[1], t["indicator"].iloc[1]) == ("说明", "完成率(B/A)")
    assert result.unplaced.empty


def test_two_category_header_row_and_blank_first_indicator_row(tmp_path):
    wide = [
        ["序号", "项目名称", "预算数", "执行数", "执行率", "产出指标", "", "", "", "存在问题"],
        ["", "", "", "", "", "数量指标", "", "质量指标", "", ""],
        ["", "", "", "", "", "年度指标值", "实际完成值", "年度指标值", "实际完成值", ""],
        ["1", "社区食堂", "100", "98", "98%", "≥40场", "44场", "合格率100%", "100%", "无"],
    ]
    path = tmp_path / "wide2.tsv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter="\t").writerows([["2022年某区民政局项目绩效自评表"], *wide])
    t = read(path)
    assert list(t.loc[t["level1"] == "产出", "completion"]) == ["44场", "100%"]
    long = [
        ["项目名称", "社区食堂"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
        ["产出指标", "成本指标"],  # the template's unused category, left blank
        ["产出指标", "数量指标", "助餐场次", "≥40场", "44场"],
    ]
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(long)
    t = read(path)
    assert list(zip(t["level2"], t["indicator"], t["completion"], strict=True)) == [
        ("数量", "助餐场次", "44场")
    ]


def test_docx_table_nested_in_a_cell(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("2022年度某县林业局项目支出绩效自评表")
    host = d.add_table(rows=2, cols=2)
    host.cell(0, 0).text = "项目名称"
    host.cell(0, 1).text = "森林防火"
    inner = host.cell(1, 0).merge(host.cell(1, 1)).add_table(rows=2, cols=4)
    for c, text in enumerate(["二级指标", "三级指标", "年度指标值", "实际完成值"]):
        inner.cell(0, c).text = text
    for c, text in enumerate(["数量指标", "巡护里程", "≥5000公里", "5320公里"]):
        inner.cell(1, c).text = text
    path = tmp_path / "nested.docx"
    d.save(str(path))
    result = read_files([path])
    row = result.table[result.table["level2"] == "数量"].iloc[0]
    assert (row["project"], row["target"], row["completion"]) == (
        "森林防火",
        "≥5000公里",
        "5320公里",
    )
    assert row["source"] == "nested.docx:table2:2:4"


def test_category_subtotal_rows(tmp_path):
    rows = [
        ["项目名称", "河道保洁"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "", "", "", "", "50", "48"],
        ["", "数量指标", "保洁河长", "32公里", "32公里", "25", "25"],
        ["", "质量指标", "水面保洁达标率", "≥95%", "93%", "25", "23"],
    ]
    path = tmp_path / "subtotal.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    t = read(path)
    assert list(zip(t["level1"], t["level2"], t["indicator"], strict=True)) == [
        ("评价", "小计", "产出"),
        ("产出", "数量", "保洁河长"),
        ("产出", "质量", "水面保洁达标率"),
    ]
    assert (t["weight"].iloc[0], t["points"].iloc[0]) == (50, 48)
    assert list(t["weight"].iloc[1:]) == [25, 25]


def test_date_cells_read_as_displayed(tmp_path):
    import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        ["项目名称", "公交运营补贴", "申报单位", "某市公共交通集团有限公司", "项目负责人", "王某"]
    )
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"])
    ws.append(
        [
            "产出指标",
            "时效指标",
            "补贴拨付时间",
            "2022年12月31日前",
            datetime.datetime(2022, 12, 20),
        ]
    )
    ws.append(["产出指标", "时效指标", "线路调整完成", "2022-06-30", datetime.date(2022, 6, 28)])
    ws["E3"].number_format = 'yyyy"年"m"月"d"日"'
    ws["E4"].number_format = "yyyy-mm-dd"
    path = tmp_path / "dates.xlsx"
    wb.save(path)
    t = read(path)
    pairs = t[t["level1"] == "产出"]
    assert list(pairs["completion"]) == ["2022年12月20日", "2022-06-28"]
    assert set(pairs["project"]) == {"公交运营补贴"} and set(pairs["unit"]) == {
        "某市公共交通集团有限公司"
    }
    assert t.loc[t["indicator"] == "项目负责人", "completion"].tolist() == ["王某"]


@pytest.mark.parametrize("merged", [True, False])
def test_wide_units_merged_per_block(tmp_path, merged):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某区2021年部门预算项目绩效自评表"])
    ws.append(
        ["序号", "单位名称", "项目名称", "预算数", "执行数", "数量指标", None, "质量指标", None]
    )
    ws.append(
        [None, None, None, None, None, "年度指标值", "实际完成值", "年度指标值", "实际完成值"]
    )
    data = [
        ("某区城市管理和综合执法局", "公厕管养", "公厕120座", "120座", "保洁达标率≥95%", "97%"),
        (None, "绿道维护", "绿道35公里", "35公里", "完好率≥95%", "96%"),
        ("某区水务局", "河道清淤", "清淤8万方", "8.3万方", "验收合格率100%", "100%"),
        (None, "排水管网检测", "检测60公里", "62公里", "检测报告合格率100%", "100%"),
    ]
    for i, (unit, name, t1, c1, t2, c2) in enumerate(data, 1):
        ws.append([str(i), unit, name, "100", "99", t1, c1, t2, c2])
    if merged:
        ws.merge_cells("B4:B5")
        ws.merge_cells("B6:B7")
    path = tmp_path / "units.xlsx"
    wb.save(path)
    t = read(path)
    units = t.groupby("project", sort=False)["unit"].first()
    assert list(units) == ["某区城市管理和综合执法局"] * 2 + ["某区水务局"] * 2


@pytest.mark.parametrize(
    ("goal_header", "done_header"),
    [
        ("年初目标", "全年实际完成情况"),
        ("年初目標", "全年實際完成情況"),
        ("年度目标", "年度实际完成情况"),
        ("年初目标", "全年完成情况"),
    ],
)
def test_overall_goal_under_target_and_full_year_completion_headers(
    tmp_path, goal_header, done_header
):
    # Hubei: 年度总体目标 | 年初目标 | | | 全年实际完成情况, the texts on the row below
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某县水利局2022年度项目支出绩效自评表"])
    ws.append(["项目名称", "农村饮水安全维修养护", "", "", "实施单位", "某县水利局"])
    ws.append(["年度总体目标", goal_header, "", "", done_header, ""])
    ws.append(
        ["", "维修养护供水工程36处，保障农村群众饮水安全。", "", "", "完成维修养护供水工程37处。"]
    )
    ws.append(
        ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "分值", "得分"]
    )
    ws.append(["产出指标", "数量指标", "维修养护工程", "36处", "37处", "20", "20"])
    path = tmp_path / "hubei.xlsx"
    wb.save(path)
    t = read(path)
    goal = t[t["level1"] == "总体"]
    assert list(goal["target"]) == ["维修养护供水工程36处，保障农村群众饮水安全。"]
    assert list(goal["completion"]) == ["完成维修养护供水工程37处。"]
    assert list(goal["note"]) == [""]
    assert list(goal["source"]) == ["hubei.xlsx:Sheet:4:5"]


def test_blank_weight_is_not_filled_with_the_category_weight(tmp_path):
    # 效益指标(25分) is the category's weight: an N/A row with a blank 分值 keeps NaN
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "城区道路清扫保洁"])
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    ws.append(
        ["产出指标(50分)", "数量指标", "清扫保洁面积", "≥320万平方米", "326万平方米", "50", "50"]
    )
    ws.append(
        [
            "效益指标(25分)",
            "经济效益指标",
            "",
            "本项目不涉及经济效益指标",
            "本项目不涉及经济效益指标",
            "",
            "",
        ]
    )
    ws.append(["", "社会效益指标", "道路清洁度", "明显提升", "群众投诉下降32%", "25", "24"])
    ws.merge_cells("A4:A5")
    path = tmp_path / "weights.xlsx"
    wb.save(path)
    t = read(path)
    pairs = t[t["level1"].isin(["产出", "效益"])]
    assert list(pairs["level2"]) == ["数量", "经济", "社会"]
    assert pairs["weight"].iloc[0] == 50 and pairs["weight"].iloc[2] == 25
    assert pairs["weight"].isna().iloc[1]
    assert "the category's weight is 25" in pairs["note"].iloc[1]
    assert pairs["note"].iloc[2] == ""


# number formats as Chinese Excel writes them: padding, colours, currency, literal text
DISPLAY_FORMATS = [
    ("General", 92.8, "92.8"),
    ("General", 0.1 + 0.2, "0.3"),
    ("0.00", 92.8, "92.80"),
    ("0.00_ ", 92.8, "92.80"),
    ("#,##0.00_);[Red]\\(#,##0.00\\)", 1234.5, "1,234.50"),
    ('"￥"#,##0.00', 1234.5, "1,234.50"),
    ('0.00"万元"', 12.5, "12.50"),
    ("[$-804]0.0", 12.25, "12.3"),  # Excel rounds the decimal digits half away from zero
    ("0.00", 2.675, "2.68"),
    ("#,##0", -1234.5, "-1,235"),
    ("0.00", -0.001, "0.00"),
    ("0.0", 1e30, "1" + "0" * 30 + ".0"),
    ("0_ ", 3, "3"),
    ("0.00%_ ", 0.928, "92.80%"),
]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_number_formats_with_padding_and_literals_read_as_displayed(tmp_path, suffix):
    path = tmp_path / f"formats{suffix}"
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"]
    if suffix == ".xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["项目名称", "预算执行"])
        ws.append(header)
        for i, (fmt, value, _) in enumerate(DISPLAY_FORMATS, start=3):
            ws.append(["产出指标", "数量指标", f"指标{i}", "见表", value])
            ws.cell(i, 5).number_format = fmt
        wb.save(path)
    else:
        xlwt = pytest.importorskip("xlwt")
        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet("表1")
        for c, text in enumerate(["项目名称", "预算执行"]):
            ws.write(0, c, text)
        for c, text in enumerate(header):
            ws.write(1, c, text)
        for i, (fmt, value, _) in enumerate(DISPLAY_FORMATS, start=2):
            for c, text in enumerate(["产出指标", "数量指标", f"指标{i + 1}", "见表"]):
                ws.write(i, c, text)
            ws.write(i, 4, value, xlwt.easyxf(num_format_str=fmt))
        wb.save(str(path))
    t = read(path)
    assert list(t["completion"]) == [shown for _, _, shown in DISPLAY_FORMATS]
