"""The classifier: trains, round-trips as plain arrays, refuses files that are not models."""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nlp_eval.errors import ModelError
from nlp_eval.model import (
    FORMAT,
    evaluate,
    format_report,
    load,
    predict,
    probabilities,
    read_labels,
    save,
    train,
    train_files,
)
from nlp_eval.rules import example_table, kinds

# A small labelled set in the style of real tables (sklearn's JUNK_FOOD_DOCS, for labels).
ROWS = [
    ("≥1200户", "1268户", "specific"),
    ("3000亩", "新建茶叶基地3150亩", "specific"),
    ("≥800人次", "开展技能培训21期,培训846人次", "specific"),
    ("2019年12月底前", "2019年11月28日完成竣工验收", "specific"),
    ("≤1500元", "亩均投资1480元", "specific"),
    ("设备购置数量≥7", "设备购置数量≥7", "copy"),
    ("提升城区知名度和影响力", "进一步提升城区知名度和影响力", "copy"),
    ("组织文化企业参展文博会主会场", "完成组织文化企业参展文博会主会场", "copy"),
    ("≥95%", "≥95%", "restate"),
    ("≥90%", "达到90%以上", "restate"),
    ("受益群众满意度≥90%", "不低于90%", "restate"),
    ("2个", "已完成", "vague"),
    ("提高", "有效提高", "vague"),
    ("≥90%", "满意", "vague"),
    ("吸引优秀人才聚集", "吸引了不少的人才,取得较好效果", "vague"),
    ("不适用", "不适用", "na"),
    ("本项目不涉及经济效益指标", "本项目不涉及经济效益指标", "na"),
    ("≥90%", "……", "missing"),
    ("≥3500人", "(≥**人)", "missing"),
]


@pytest.fixture(scope="module")
def small():
    table = example_table({"rows": [{"target": t, "completion": c} for t, c, _ in ROWS]})
    labels = [lab for _, _, lab in ROWS]
    return table, labels, train(table, labels, C=10.0)


def test_trained_model_fits_its_own_data(small):
    table, labels, model = small
    predicted = predict(model, kinds.prepare(table))
    assert (predicted["label"].to_numpy() == np.array(labels)).mean() >= 0.9
    assert set(model.classes) == set(labels)


def test_save_load_round_trip_gives_the_same_probabilities(small, tmp_path):
    table, _, model = small
    path = tmp_path / "m.npz"
    save(model, path)
    again = load(path)
    pairs = kinds.prepare(table)
    np.testing.assert_allclose(probabilities(model, pairs), probabilities(again, pairs))
    assert again.classes == model.classes


def test_a_pickle_is_refused_and_never_run(tmp_path):
    class Boom:
        def __reduce__(self):
            return (exec, (f"open({str(tmp_path / 'ran.txt')!r}, 'w').write('ran')",))

    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ModelError, match="not an nlp-eval model"):
        load(path)
    assert not (tmp_path / "ran.txt").exists()


def test_an_npz_hiding_an_object_array_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    path = tmp_path / "objects.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("header.npy", buffer.getvalue())
    with pytest.raises(ModelError):
        load(path)


def test_another_format_version_fails_with_one_clear_line(small, tmp_path):
    _, _, model = small
    path = tmp_path / "m.npz"
    save(model, path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    header = json.loads(arrays["header"].tobytes())
    header["format"] = "nlp-eval.model/99"
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match=r"model/99.*retrain") as err:
        load(path)
    assert "\n" not in str(err.value)
    assert FORMAT in str(err.value)


def test_corrupt_arrays_are_caught(small, tmp_path):
    _, _, model = small
    path = tmp_path / "m.npz"
    save(model, path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["coef"] = arrays["coef"][:, :3]
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match="corrupt"):
        load(path)


def test_missing_file_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="cannot read model"):
        load(tmp_path / "absent.npz")


def test_shipped_default_model_is_small_and_loads():
    from importlib.resources import files

    resource = files("nlp_eval") / "models" / "default.npz"
    assert resource.is_file()
    assert len(resource.read_bytes()) < 5 * 1024 * 1024
    model = load()
    assert set(model.classes) == {"specific", "copy", "restate", "vague", "na", "missing"}


def test_evaluate_reports_per_label_macro_f1_and_confusion():
    truth = ["copy", "copy", "vague", "specific"]
    guess = ["copy", "vague", "vague", "specific"]
    report = evaluate(truth, guess)
    assert report["labels"]["copy"]["recall"] == 0.5
    assert report["labels"]["vague"]["precision"] == 0.5
    assert report["confusion"]["copy"]["vague"] == 1
    assert report["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    text = format_report(report)
    assert "macro-F1 0.778" in text and "confusion" in text


def test_read_labels_rejects_unknown_labels(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("target\tcompletion\tlabel\n≥95%\t96%\tgood\n", encoding="utf-8")
    from nlp_eval.errors import ReadError

    with pytest.raises(ReadError, match="unknown label 'good'"):
        read_labels([path])


def test_array_predictor_equals_the_fitted_sklearn_pipeline():
    from nlp_eval import model as m
    from nlp_eval.rules import check_pairs, load_rules

    table = example_table({"rows": [{"target": t, "completion": c} for t, c, _ in ROWS * 2]})
    labels = [lab for _, _, lab in ROWS * 2]
    pairs = kinds.prepare(table)
    flags = m.rule_flags(check_pairs(pairs, load_rules()), len(pairs))
    inputs = m._inputs(pairs, flags)
    numeric = [c for c in inputs.columns if c not in ("chars", "words")]
    pipeline = m.make_model(numeric=numeric).fit(inputs, labels)
    exported = m._export(pipeline, numeric, {})
    np.testing.assert_allclose(
        pipeline.predict_proba(inputs), m._probabilities(exported, pairs, flags), atol=1e-12
    )


def test_real_dev_and_held_out_sets_never_train_a_model(tmp_path):
    """real_dev (real tables), heldout_* and blind_* only measure: training refuses them."""
    import importlib.util

    root = Path(__file__).parent.parent
    spec = importlib.util.spec_from_file_location(
        "train_default", root / "scripts" / "train_default.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    names = [p.name for p in script.training_files()]
    assert names and not [n for n in names if n.startswith(("real_dev", "heldout_", "blind_"))]
    with pytest.raises(ModelError, match="held-out"):
        train_files([root / "corpus" / "labels" / "real_dev.tsv"], tmp_path / "m.npz")
