"""Every rule of lexicons/rules.toml: its fail examples fire, its pass examples do not."""

from __future__ import annotations

import pytest

from nlp_eval.errors import RuleError
from nlp_eval.rules import check, example_table, load_rules, select_rules

RULES = load_rules()
CHECKED = [r for r in RULES if r.kind != "model"]  # model rules: tests/test_lint.py


def _cases(kind: str):
    for rule in CHECKED:
        for i, example in enumerate(rule.fail if kind == "fail" else rule.passes):
            yield pytest.param(rule, example, id=f"{rule.code}-{kind}-{i}")


def _codes(rule, example) -> set[str]:
    return {f.code for f in check(example_table(example), [rule])}


def test_every_rule_has_examples():
    lacking = [r.code for r in RULES if not r.fail or not r.passes]
    assert not lacking, f"rules without fail and pass examples: {lacking}"


def test_codes_and_names_are_unique():
    assert len({r.name for r in RULES}) == len(RULES)
    assert not {r.code[0] for r in RULES} & {"B"}  # B belongs to the corpus checks


@pytest.mark.parametrize(("rule", "example"), list(_cases("fail")))
def test_fail_example_fires(rule, example):
    assert rule.code in _codes(rule, example)


@pytest.mark.parametrize(("rule", "example"), list(_cases("pass")))
def test_pass_example_is_quiet(rule, example):
    assert rule.code not in _codes(rule, example)


def test_messages_render_in_both_languages_without_leftover_fields():
    for rule in CHECKED:
        for lang in ("zh", "en"):
            for finding in check(example_table(rule.fail[0]), [rule], lang=lang):
                text = finding.message + finding.suggestion
                assert "{" not in text, (rule.code, lang, text)
                assert finding.suggestion


def test_suggestion_uses_the_pairs_own_words():
    table = example_table("相关设备使用者对设备情况满意度≥95% → 满意度≥95%")
    (finding,) = [f for f in check(table) if f.code == "R001"]
    assert "相关设备使用者对设备情况满意度" in finding.suggestion
    assert "样本" in finding.suggestion and "≥95%" in finding.suggestion


def test_select_and_ignore_by_prefix():
    picked = select_rules(RULES, select=["C", "R001"], ignore=["C002"])
    assert {r.code for r in picked} == {r.code for r in RULES if r.code.startswith("C")} - {
        "C002"
    } | {"R001"}


def test_a_user_rule_file_adds_a_rule_without_python(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        """
[V901]
name = "says-in-progress"
kind = "phrase"
severity = "info"
label = "vague"
params = { words = ["正在推进", "稳步推进"], match = "contains" }
message = { zh = "“{match}”", en = "“{match}”" }
suggestion = { zh = "写出进度", en = "Give the progress" }
fail = ["完成10公里 → 正在推进"]
pass = ["完成10公里 → 完成10.2公里"]
""",
        encoding="utf-8",
    )
    rules = load_rules(extra)
    (rule,) = [r for r in rules if r.code == "V901"]
    assert "V901" in _codes(rule, rule.fail[0])


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (
            '[V902]\nname = "x"\nkind = "nope"\nseverity = "info"\nmessage = {zh="a", en="a"}\nsuggestion = {zh="a", en="a"}',
            "kind",
        ),
        (
            '[V902]\nname = "x"\nkind = "phrase"\nseverity = "loud"\nmessage = {zh="a", en="a"}\nsuggestion = {zh="a", en="a"}',
            "severity",
        ),
        (
            '[V902]\nname = "x"\nkind = "phrase"\nseverity = "info"\nmessage = {zh="a"}\nsuggestion = {zh="a", en="a"}',
            "message",
        ),
        (
            '[V902]\nname = "x"\nkind = "phrase"\nseverity = "info"\nparams = {colour = 1}\nmessage = {zh="a", en="a"}\nsuggestion = {zh="a", en="a"}',
            "params.colour",
        ),
        ("[V9]\nname = 1", "code"),
    ],
)
def test_a_bad_rule_names_file_code_and_key(tmp_path, body, key):
    bad = tmp_path / "bad.toml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError, match=rf"bad\.toml: rule V9\d*: {key}"):
        load_rules(bad)


def test_an_optional_segment_is_dropped_where_its_field_is_empty():
    from nlp_eval.rules import render_template

    columns = {"measure": ["满意度", "满意度"], "goal": ["≥95%", ""]}
    assert render_template("写出{measure}[[，与目标“{goal}”对照]]", columns, 2) == [
        "写出满意度，与目标“≥95%”对照",
        "写出满意度",
    ]


def test_a_category_is_named_as_a_reader_names_it():
    from nlp_eval.rules.kinds import category_name

    assert [category_name(c) for c in ("社会", "数量", "可持续", "总体", "生态效益指标")] == [
        "社会效益指标",
        "数量指标",
        "可持续影响指标",
        "年度总体目标",
        "生态效益指标",
    ]
