"""`nlp-eval explain` answers the writer first: label in words, findings with fixes, direction."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from nlp_eval.cli import app
from nlp_eval.feedback import feedback

# (target, completion, expected label): pairs of the kinds domain.md §2 describes
PAIRS = [
    ("组织媒体宣传的数量≥3次", "已完成", "vague"),
    ("相关设备使用者对设备情况满意度≥95%", "满意度≥95%", "restate"),
    ("设备购置数量≥7", "设备购置数量≥7", "copy"),
    ("人才受理的数量35人", "35人", "specific"),
    ("本项目不涉及经济效益指标", "本项目不涉及经济效益指标", "na"),
    ("≥928小时", "实际飞行时长909.93小时", "specific"),
    ("11月前", "10月", "specific"),
    ("社会满意度≥90%", "", "missing"),
    ("提升龙岗区城区知名度", "进一步提升龙岗区城区知名度", "copy"),
    ("满意度调查不低于90%", "不低于90%", "restate"),
]


def run(*args):
    return CliRunner().invoke(app, ["explain", *args])


@pytest.mark.parametrize(("target", "completion", "label"), PAIRS)
def test_feedback_names_the_label_and_gives_a_fix_for_every_finding(target, completion, label):
    answer = feedback(target, completion)
    assert answer["label"] == label
    assert all(f["suggestion"] and f["severity_name"] in ("错误", "警告", "提示")
               for f in answer["findings"])  # fmt: skip
    if label not in ("specific", "na"):
        assert answer["findings"] and answer["direction"]


def test_the_direction_quotes_the_pairs_own_numbers():
    text = run("组织媒体宣传的数量≥3次", "已完成").stdout
    head = text.splitlines()[0]
    assert head.startswith("完成情况被判为「空泛」")
    assert "→" in text and "改写方向：" in text and "目标写明了 ≥3次" in text
    assert "tokens" not in text and "--details" in text  # features only on request
    detailed = run("组织媒体宣传的数量≥3次", "已完成", "--details").stdout
    assert "tokens:" in detailed and detailed.startswith(head)


def test_english_feedback_and_complete_json():
    text = run("相关设备使用者对设备情况满意度≥95%", "满意度≥95%", "--lang", "en").stdout
    assert text.startswith('The completion is judged "restated threshold"')
    data = json.loads(run("≥95%", "满意度为 97.2 ％", "--format", "json").stdout)
    assert data["comparison"]["verdict"] == "met" and data["target"]["quantities"]
    assert data["feedback"]["label"] == "specific"
