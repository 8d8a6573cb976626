"""Corpus charts: Chinese titles, axes and legends with a CJK font, nothing clipped, one per --by."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from nlp_eval.corpus import charts  # noqa: E402

UNITS = ["深圳市龙岗区文化产业促进中心", "某县民政局", "龙岗区坂田街道办事处社区网格管理中心", ""]


def measures() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    # as analyse(by="unit") gives them: no year level, unit-year rows
    rows = [{"level": "unit-year", "year": y, "unit": u, "n_texts": 30}
            for y in (2020, 2021, 2022) for u in UNITS[:2]]  # fmt: skip
    rows += [{"level": "unit", "unit": u, "n_texts": 50 - i} for i, u in enumerate(UNITS)]
    rows += [
        {"level": "region", "region": r, "n_texts": 10} for r in ("深圳市龙岗区", "湖北省通山县")
    ]
    frame = pd.DataFrame(rows)
    for column in charts.PLOTTED:
        frame[column] = rng.uniform(0, 1, len(frame))
    return frame


@pytest.fixture
def drawn(monkeypatch):
    """Every chart written, with the texts it draws and those outside the figure."""
    seen = []
    save = charts._save

    def keep(fig, path):
        texts = [t.get_text() for t in fig.findobj(charts_text()) if t.get_text().strip()]
        seen.append((path.name, texts, charts.text_outside(fig)))
        return save(fig, path)

    monkeypatch.setattr(charts, "_save", keep)
    return seen


def charts_text():
    from matplotlib.text import Text

    return Text


def cjk_font() -> bool:
    return bool(charts._font())


@pytest.mark.parametrize("by", ["year", "unit", "region"])
def test_a_chart_for_every_by_with_no_text_cut_off(by, tmp_path, drawn):
    written = charts.charts(measures(), tmp_path, by=by, lang="zh")
    names = {p.name for p in written}
    assert "measures_by_year.png" in names and f"measures_by_{by}.png" in names
    assert all(p.stat().st_size > 0 for p in written)
    for name, _, outside in drawn:
        assert outside == [], f"{name}: clipped {outside}"


@pytest.mark.skipif(not cjk_font(), reason="no CJK font installed (fonts-noto-cjk)")
def test_chinese_words_with_a_cjk_font_and_english_on_request(tmp_path, drawn):
    charts.charts(measures(), tmp_path, by="unit", lang="zh")
    texts = {t for _, shown, _ in drawn for t in shown}
    assert {"各年度文本指标", "年度", "占比", "套话占比"} <= texts
    assert any(t.startswith("按单位的文本指标") for t in texts) and UNITS[0] in texts
    drawn.clear()
    charts.charts(measures(), tmp_path, by="unit", lang="en")
    texts = {t for _, shown, _ in drawn for t in shown}
    assert {"Corpus measures by year", "share"} <= texts
