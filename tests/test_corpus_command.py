"""`nlp-eval corpus` end to end: generated tables through the reader, Songgang declarations, bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from nlp_eval.cli import app
from nlp_eval.corpus import analyse
from nlp_eval.corpus.measures import MEASURES
from nlp_eval.corpus.terms import log_odds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import gen_corpus  # noqa: E402

SONGGANG = Path(__file__).resolve().parents[1] / "corpus" / "songgang_targets_2021_2023"


def test_corpus_command_on_generated_files(tmp_path):
    gen_corpus.generate(tmp_path / "gen", 31, units=4, projects=4, years=(2021, 2022))
    bad = tmp_path / "gen" / "tables" / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["corpus", str(tmp_path / "gen" / "tables"), "-o", str(out), "--parquet", "--lang", "en"],
    )
    assert result.exit_code == 2  # one unreadable file: reported, the batch went on
    assert "broken.xlsx" in result.output
    assert "boilerplate clusters" in result.output
    for name in ("clusters", "carryover", "measures", "terms"):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
    assert (out / "measures_by_year.png").stat().st_size > 1000
    clusters = pd.read_csv(out / "clusters.csv", keep_default_na=False)
    assert list(clusters.columns[:9]) == [
        "cluster",
        "size",
        "units",
        "years",
        "docs",
        "kind",
        "representative",
        "doc",
        "unit",
    ]
    assert {"project", "indicator", "field", "text", "year"} <= set(clusters.columns)
    carry = pd.read_csv(out / "carryover.csv", keep_default_na=False)
    planted = gen_corpus.truth_carryover(
        pd.read_csv(tmp_path / "gen" / "truth_cells.csv", keep_default_na=False)
    )
    hits = planted.merge(carry, on=["doc_to", "doc_from", "project", "level2", "field"])
    assert len(hits) >= 0.8 * len(planted)


def test_songgang_measures_by_unit(tmp_path):
    result = CliRunner().invoke(app, ["corpus", str(SONGGANG), "-o", str(tmp_path), "--by", "unit"])
    assert result.exit_code == 0, result.output
    assert "雷同文本簇" in result.output  # the summary is Chinese by default
    measures = pd.read_csv(tmp_path / "measures.csv", keep_default_na=False)
    assert set(measures["level"]) == {"doc", "unit-year", "unit"}
    # 7 units in projects.tsv (cut -f3 | sort -u), and every indicator joined to its unit
    units = measures[measures["level"] == "unit"]
    assert (
        len(units) == 7 and (units["unit"] != "").all() and set(MEASURES) <= set(measures.columns)
    )
    values = units["specificity"].astype(float)
    assert values.between(0, 1).all()
    # 2021 exists only for the 党建服务中心: it alone has a stickiness for 2022
    sticky = measures[(measures["level"] == "unit-year") & (measures["stickiness"] != "")]
    assert set(sticky["unit"]) >= {"深圳市宝安区松岗街道党建服务中心"}
    assert (tmp_path / "measures_by_unit.png").is_file()
    # terms: each year against the others, and each unit against the rest
    terms = pd.read_csv(tmp_path / "terms.csv", keep_default_na=False)
    assert set(terms["by"]) == {"year", "unit"}
    assert set(terms.loc[terms["by"] == "year", "group"].astype(str)) == {"2021", "2022", "2023"}
    top = terms.groupby(["by", "group"]).head(1)
    assert (top["z"] > 0).all() and (top["count_group"] > 0).all()


def test_measures_use_an_existing_label_column():
    table = gen_corpus.tidy(gen_corpus.generate_cells(4, units=2, projects=3, years=(2022, 2023)))
    table["label"] = ["vague" if i % 4 == 0 else "specific" for i in range(len(table))]
    result = analyse(table, by="unit")
    years = result.measures[result.measures["level"] == "unit-year"]
    assert ((years["share_vague"] > 0.15) & (years["share_vague"] < 0.35)).all()


def test_log_odds_marks_the_overused_word():
    from collections import Counter

    group = Counter({"文博会": 30, "满意度": 10})
    rest = Counter({"文博会": 2, "满意度": 40, "图书馆": 20})
    scored = log_odds(group, rest, group + rest).set_index("term")
    assert scored.loc["文博会", "z"] > 1.96 > scored.loc["满意度", "z"]
    assert scored.loc["图书馆", "z"] < 0


def test_seed_table_status_phrase_cluster():
    # the seed's completions say 已完成 in 8 cells of 4 projects (grep -P '\t已完成\t');
    # 本项目不涉及…效益指标 recurs too, but N/A phrases are expected text
    from nlp_eval.io import read_files

    table = read_files([Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"]).table
    result = analyse(table)
    done = result.clusters[result.clusters["representative"] == "已完成"]
    assert len(done) == 8 and done["project"].nunique() == 4
    assert set(done["field"]) == {"completion"} and (done["kind"] == "short").all()
    assert not result.clusters["text"].str.contains("不涉及").any()
    assert result.carryover.empty  # one year only


def test_bad_output_and_empty_input_are_one_line_errors(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a directory")
    runner = CliRunner()
    result = runner.invoke(app, ["corpus", str(SONGGANG), "-o", str(blocker)])
    assert result.exit_code == 2 and "cannot write" in result.output
    assert "Traceback" not in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["corpus", str(empty), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "no pairs" in result.output


def test_chart_labels_fall_back_to_ascii_without_a_cjk_font():
    from nlp_eval.corpus.charts import group_labels

    names = ["深圳市宝安区松岗街道党建服务中心", "", "Unit A"]
    assert group_labels(names, "unit", cjk=True) == [names[0], "(no unit)", "Unit A"]
    assert group_labels(names, "unit", cjk=False) == ["unit #1", "(no unit)", "Unit A"]
