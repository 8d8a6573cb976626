"""Scores: weights, labels, findings and the trace from every lost point to a pair and a code."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from nlp_eval import score as sc
from nlp_eval.records import COLUMNS, LABELS, Finding, Severity

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"


def pair(project, level1, label, *, target="t", completion="c", weight=math.nan, **kw):
    """One row of a labelled tidy table."""
    row = {c: "" for c in COLUMNS} | {"weight": weight, "points": math.nan, "value": math.nan}
    row |= {"doc": "d1", "unit": "u1", "year": 2020, "confidence": 1.0}
    row |= {"project": project, "level1": level1, "target": target, "completion": completion}
    return row | {"label": label, "label_score": 1.0, "codes": ""} | kw


def table(*rows):
    return pd.DataFrame(list(rows))


def finding(row, code="X001", severity=Severity.WARNING, label="", field="completion"):
    return Finding(
        code, code.lower(), severity, f"msg {code}", f"fix {code}", row, field, None, label
    )


def kept(label):
    """What a pair with this label and no other finding keeps of its 100 points."""
    return 100 - sc.settings()["label_loss"][label]


def severity(name):
    return sc.settings()["severity_loss"][name]


def project_score(scores, project):
    return scores.projects.set_index("project").loc[project, "score"]


def test_default_weights_follow_the_national_template_with_overall_and_budget_sharing_ten():
    t = table(
        pair("P", "总体", "specific"),
        pair("P", "预算", "", level2="执行率", value=100.0),
        pair("P", "产出", "specific", level2="数量"),
        pair("P", "效益", "vague", level2="社会"),
        pair("P", "满意度", "restate", level2="满意度"),
    )
    scores = sc.score(t, [])
    weights = sc.settings()["weights"]
    assert (weights["产出"], weights["效益"], weights["满意度"]) == (50, 30, 10)
    assert weights["总体"] + weights["预算"] == 10
    expected = (
        weights["总体"] * 100 + weights["预算"] * 100 + 50 * 100 + 30 * kept("vague")
        + 10 * kept("restate")
    ) / 100  # fmt: skip
    assert project_score(scores, "P") == pytest.approx(expected, abs=0.05)
    assert scores.projects.loc[0, "grade"] == sc.grade(expected)


def test_na_pairs_leave_the_denominator():
    base = [pair("P", "产出", "specific"), pair("P", "产出", "vague")]
    with_na = [*base, pair("P", "产出", "na"), pair("P", "效益", "na")]
    expected = (100 + kept("vague")) / 2
    assert project_score(sc.score(table(*base), []), "P") == expected
    assert project_score(sc.score(table(*with_na), []), "P") == expected


def test_the_tables_own_weights_win_over_the_defaults():
    t = table(pair("P", "产出", "specific", weight=40.0), pair("P", "满意度", "vague", weight=60.0))
    assert project_score(sc.score(t, []), "P") == (40 * 100 + 60 * kept("vague")) / 100


def test_a_row_without_weight_in_a_weighted_group_counts_like_an_average_row():
    t = table(
        pair("P", "产出", "specific", weight=10.0),
        pair("P", "产出", "specific", weight=30.0),
        pair("P", "产出", "missing"),  # counts 20, the mean of 10 and 30
    )
    expected = (10 * 100 + 30 * 100 + 20 * kept("missing")) / 60
    assert project_score(sc.score(t, []), "P") == pytest.approx(expected, abs=0.05)


def test_label_findings_explain_the_label_and_are_not_counted_twice():
    t = table(pair("P", "产出", "copy"), pair("P", "产出", "specific"))
    found = [finding(0, "C001", Severity.ERROR, label="copy"), finding(1, "D001", Severity.WARNING)]
    scores = sc.score(t, found)
    # the copy loses its label's points, the specific pair its warning's; each weighs half
    copy_loss, warning_loss = 100 - kept("copy"), severity("warning")
    assert project_score(scores, "P") == 100 - (copy_loss + warning_loss) / 2
    traced = scores.losses.set_index("code")
    assert traced.loc["C001", "cause"] == sc.LABEL_CAUSE
    assert traced.loc["C001", "points"] == copy_loss / 2
    assert traced.loc["D001", "cause"] == sc.FINDING_CAUSE
    assert traced.loc["D001", "points"] == warning_loss / 2
    assert traced.loc["C001", "message"] == "msg C001" and traced.loc["C001", "suggestion"]


def test_a_label_without_a_finding_is_traced_to_the_label_itself():
    scores = sc.score(table(pair("P", "产出", "vague")), [])
    assert scores.losses["code"].tolist() == ["label:vague"]


def test_every_lost_point_is_traced_to_a_pair_and_a_code():
    t = table(
        pair("A", "总体", "vague"),
        pair("A", "产出", "copy", weight=30.0),
        pair("A", "产出", "specific", weight=20.0),
        pair("A", "效益", "restate"),
        pair("A", "预算", "", level2="执行率", weight=10.0),
        pair("B", "满意度", "missing"),
        pair("B", "产出", "vague"),
    )
    found = [
        finding(1, "C001", Severity.ERROR, label="copy"),
        finding(2, "S001", Severity.ERROR),
        finding(2, "D001", Severity.WARNING),
        finding(4, "B001", Severity.ERROR, field="value"),
        finding(6, "V001", Severity.INFO),
    ]
    scores = sc.score(t, found)
    lost = scores.losses.groupby("project")["points"].sum()
    for row in scores.projects.itertuples():
        assert lost[row.project] == pytest.approx(100 - row.score, abs=0.06)
        assert row.points_lost == pytest.approx(100 - row.score, abs=0.06)
    assert (scores.losses["code"] != "").all() and scores.losses["row"].between(0, 6).all()
    assert "V001" not in set(scores.losses["code"])  # info findings cost nothing


def test_a_pair_never_goes_below_zero_and_its_losses_are_scaled_to_what_it_had():
    t = table(pair("P", "产出", "vague"))
    found = [finding(0, "E001", Severity.ERROR), finding(0, "E002", Severity.ERROR)]
    scores = sc.score(t, found)
    assert project_score(scores, "P") == 0.0
    assert scores.losses["points"].sum() == pytest.approx(100.0, abs=1e-3)
    raw = 100 - kept("vague") + 2 * severity("error")
    assert raw > 100
    vague = scores.losses.set_index("code").loc["label:vague", "points"]
    assert vague == pytest.approx(100 * (100 - kept("vague")) / raw, abs=1e-3)


def test_the_budget_is_one_block_scored_by_its_findings_not_by_labels():
    t = table(
        pair("P", "预算", "na", level2="预算数", value=76.70),
        pair("P", "预算", "vague", level2="执行数", value=76.12),
        pair("P", "预算", "", level2="执行率", value=50.0, weight=10.0),
        pair("P", "产出", "specific", weight=90.0),
    )
    scores = sc.score(t, [finding(2, "B001", Severity.ERROR, field="value")])
    # the block weighs 10 of 100 and loses an error's points of its 100
    assert project_score(scores, "P") == 100 - 10 * severity("error") / 100
    assert scores.losses["row"].tolist() == [2]
    assert scores.projects.loc[0, "pairs"] == 1  # budget figures are not labelled pairs


def test_rows_outside_the_scored_groups_cost_nothing_but_their_findings_are_counted():
    t = table(pair("P", "产出", "specific"), pair("P", "问题", "na"), pair("P", "说明", ""))
    scores = sc.score(t, [finding(1, "R001", Severity.ERROR)])
    assert project_score(scores, "P") == 100.0
    assert scores.projects.loc[0, "findings"] == 1 and "R001" in scores.projects.loc[0, "top_codes"]


def test_a_project_with_only_na_pairs_has_no_score_and_ranks_last():
    t = table(pair("A", "产出", "na"), pair("B", "产出", "vague"))
    projects = sc.score(t, []).projects
    assert projects["project"].tolist() == ["B", "A"]
    assert projects.loc[1, "grade"] == "" and pd.isna(projects.loc[1, "score"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(100, "优"), (90, "优"), (89.96, "优"), (89.94, "良"), (80, "良"), (79.9, "中"), (60, "中"),
     (59.9, "差"), (0, "差"), (None, "")],
)  # fmt: skip
def test_grade_bands(value, expected):
    assert sc.grade(value) == expected


def test_label_counts_and_ranking():
    t = table(
        pair("good", "产出", "specific"),
        pair("good", "效益", "na"),
        pair("bad", "产出", "vague"),
        pair("bad", "产出", "restate"),
        pair("mid", "产出", "specific"),
        pair("mid", "产出", "copy"),
    )
    projects = sc.score(t, []).projects
    assert projects["project"].tolist() == ["good", "mid", "bad"]
    assert projects["rank"].tolist() == [1, 2, 3]
    bad = projects.set_index("project").loc["bad"]
    assert (bad["vague"], bad["restate"], bad["specific"], bad["pairs"]) == (1, 1, 0, 2)
    good = projects.set_index("project").loc["good"]
    assert (good["specific"], good["na"], good["pairs"]) == (1, 1, 2)


def test_documents_and_units_are_the_plain_mean_of_their_projects():
    t = table(
        pair("A", "产出", "specific", doc="d1", unit="u1"),
        pair("B", "产出", "vague", doc="d1", unit="u1"),
        pair("C", "产出", "restate", doc="d2", unit="u1", year=2021),
        pair("D", "产出", "specific", doc="d3", unit="u2"),
    )
    scores = sc.score(t, [])
    docs = scores.documents.set_index("doc")
    assert docs.loc["d1", "score"] == (100 + kept("vague")) / 2 and docs.loc["d1", "projects"] == 2
    units = scores.units.set_index("unit")
    expected = (100 + kept("vague") + kept("restate")) / 3
    assert units.loc["u1", "score"] == pytest.approx(expected, abs=0.05)
    assert units.loc["u1", "documents"] == 2 and units.loc["u2", "grade"] == "优"


def test_explain_lists_the_losses_of_one_project_biggest_first():
    t = table(
        pair("其他一般管理事务", "产出", "vague"),
        pair("其他一般管理事务", "满意度", "restate"),
        pair("大芬双年展", "产出", "vague"),
    )
    lines = sc.explain(sc.score(t, []), "一般管理")
    assert set(lines["project"]) == {"其他一般管理事务"}
    assert lines["points"].tolist() == sorted(lines["points"], reverse=True)


def test_reading_doubts_cost_the_writer_nothing():
    t = table(pair("P", "产出", "specific", confidence=0.6))
    scores = sc.score(t, [finding(0, "A001", Severity.WARNING)])
    assert project_score(scores, "P") == 100.0
    assert scores.projects.loc[0, "findings"] == 1  # still reported


def test_a_note_of_no_project_is_not_ranked_as_a_project():
    t = table(
        pair("P", "产出", "specific"), pair("", "说明", "specific"), pair("", "产出", "vague")
    )
    assert sc.score(t, []).projects["project"].tolist() == ["P"]


def test_budget_figures_alone_or_a_declaration_without_completions_get_no_score():
    t = table(
        pair("budget only", "预算", "specific", level2="预算数", value=10.0),
        pair("declaration", "产出", "missing", target="设备购置数量≥7", completion=""),
        pair("declaration", "效益", "na", target="不适用", completion=""),
        pair("one blank", "产出", "missing", completion=""),
        pair("one blank", "产出", "specific"),
    )
    projects = sc.score(t, []).projects.set_index("project")
    assert projects["score"].isna().tolist() == [False, True, True]
    assert projects.loc["one blank", "score"] == (kept("missing") + 100) / 2


# ---- the seed table, read and checked by the real reader and checks


@pytest.fixture(scope="module")
def seed():
    return sc.run([SEED])


def test_seed_ranks_the_all_done_project_last_and_the_specific_narratives_near_the_top(seed):
    ranked = seed.projects["project"].tolist()
    assert len(ranked) == 7
    assert ranked[-1] == "其他一般管理事务"
    assert {"大芬双年展", "文博会"} == set(ranked[:2])  # three specific completions each


def test_seed_every_lost_point_is_traced_to_a_pair_and_a_code(seed):
    codes = {f.code for f in seed.findings}
    losses = seed.losses
    assert len(losses) and (losses["points"] > 0).all()
    assert all(code in codes or code.startswith("label:") for code in losses["code"])
    projects_of_rows = seed.pairs["project"]
    assert (projects_of_rows.iloc[losses["row"]].to_numpy() == losses["project"].to_numpy()).all()
    lost = losses.groupby("project")["points"].sum()
    for row in seed.projects.itertuples():
        assert lost[row.project] == pytest.approx(100 - row.score, abs=0.06)


def test_a_table_of_notes_only_gives_empty_frames_with_their_columns():
    scores = sc.score(table(pair("", "说明", "specific")), [])
    assert scores.projects.empty and {"rank", "score", "grade", *LABELS} <= set(scores.projects)
    assert scores.units.empty and "documents" in scores.units


def test_target_findings_cost_nothing_and_are_no_main_problem():
    """T-codes describe the target, which the completion's writer cannot change (scoring.toml)."""
    rows = table(pair("p1", "产出", "specific", target="保证活动顺利开展"))
    scores = sc.score(rows, [finding(0, "T001", field="target")])
    assert scores.projects["score"].iloc[0] == 100
    assert "T001" not in scores.projects["top_codes"].iloc[0]
    assert sc.settings().get("target_findings_cost") is False
