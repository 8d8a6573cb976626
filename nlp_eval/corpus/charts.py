"""PNG charts of the corpus measures (matplotlib, Agg backend; a CJK font when one is installed)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from nlp_eval.place import words

PLOTTED = (
    "boilerplate_share",
    "specificity",
    "hard_number_share",
    "vague_quantity_share",
    "clustered_share",
    "stickiness",
    "share_vague",
    "share_copy",
)
# Where CJK fonts usually live (Debian/Ubuntu fonts-noto-cjk and fonts-wqy-*, Fedora, macOS,
# Windows): registered with matplotlib's font manager so that a font installed after its
# cache was built is still found.
FONT_GLOBS = (
    "/usr/share/fonts/**/Noto*CJK*",
    "/usr/share/fonts/**/wqy*",
    "/usr/share/fonts/**/SourceHan*",
    "/usr/local/share/fonts/**/*CJK*",
    "~/.local/share/fonts/**/*CJK*",
    "~/.fonts/**/*CJK*",
    "/System/Library/Fonts/PingFang*",
    "C:/Windows/Fonts/msyh*",
    "C:/Windows/Fonts/simhei*",
)
_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


def group_labels(names: list[str], by: str, *, cjk: bool, lang: str = "en") -> list[str]:
    """Axis labels of the groups: as written with a CJK font, else ASCII (no tofu boxes).

    Without a CJK font a Chinese name becomes "<by> #k" (k = its rank by texts, as in the
    chart's note); an empty name is "(no <by>)".
    """
    w = words(lang)
    by_word = w.get(by, by) if cjk and lang == "zh" else by
    labels = []
    for rank, name in enumerate(names, start=1):
        if not name:
            labels.append(w["chart_no_group"].format(by=by_word) if cjk else f"(no {by})")
        elif cjk or name.isascii():
            labels.append(name)
        else:
            labels.append(f"{by} #{rank}")
    return labels


def register_cjk_fonts() -> None:
    """Add the CJK fonts found at the usual paths to matplotlib's font manager (once)."""
    import glob
    import os

    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    for pattern in FONT_GLOBS:
        for path in glob.glob(os.path.expanduser(pattern), recursive=True):
            if path not in known and path.lower().endswith((".ttf", ".ttc", ".otf")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # a broken font file must not stop a chart


def _font() -> dict[str, object]:
    """rc settings for a CJK font if one is installed (Chinese labels), else matplotlib's default.

    Some CJK fonts have only weight 500 (WenQuanYi Zen Hei); asking for "normal" (400) would
    log a findfont warning for every label, so the text weights follow the font found.
    """
    from matplotlib import font_manager

    register_cjk_fonts()
    installed = {f.name: f.weight for f in font_manager.fontManager.ttflist}
    found = [name for name in _CJK_FONTS if name in installed]
    if not found:
        return {}
    weight = installed[found[0]]
    return {
        "font.family": [found[0]],
        "font.weight": weight,
        "axes.titleweight": weight,
        "axes.labelweight": weight,
    }


def charts(
    measures: pd.DataFrame, out_dir: Path, *, by: str = "year", lang: str = "zh"
) -> list[Path]:
    """measures_by_year.png (lines over years) and measures_by_<by>.png (bars per group).

    Titles, axes and legends are in `lang` when a CJK font is installed (English without one:
    Chinese words would be boxes). Layout is constrained, legends sit outside the axes in the
    figure, so no text is cut off.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    font = _font()
    w = words(lang if font else "en")
    names = {m: w[m] for m in PLOTTED}
    # group names come from the tables: `$…$` or `\frac{` in them is text, never math
    with warnings.catch_warnings(), plt.rc_context({**font, "text.parse_math": False}):
        warnings.simplefilter("ignore")  # missing CJK glyphs must not fail a chart
        years = _by_year(measures)
        shown = [m for m in PLOTTED if m in years and years[m].notna().any()]
        if len(years) and shown:
            fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
            for m in shown:
                ax.plot(years["year"].astype(int), years[m], marker="o", label=names[m])
            ax.set_xticks(years["year"].astype(int).tolist())
            ax.set_ylim(0, 1)
            ax.set_xlabel(w["year"])
            ax.set_ylabel(w["chart_share"])
            fig.legend(fontsize=7, loc="outside right upper")
            ax.set_title(w["chart_by_year"])
            written.append(_save(fig, out_dir / "measures_by_year.png"))
        if by != "year":
            groups = (
                measures[measures["level"] == by].sort_values("n_texts", ascending=False).head(25)
            )
            shown = [m for m in PLOTTED[:4] if m in groups and groups[m].notna().any()]
            if len(groups) and shown:
                height = 0.35 * len(groups) + 1.5
                fig, ax = plt.subplots(figsize=(11, height), layout="constrained")
                group_names = groups[by].fillna("").astype(str).tolist()
                labels = group_labels(group_names, by, cjk=bool(font), lang=lang)
                plotted = groups[shown].set_axis(labels).rename(columns=names).iloc[::-1]
                plotted.plot.barh(ax=ax, width=0.8, legend=False)
                ax.set_xlim(0, 1)
                ax.set_xlabel(w["chart_share"])
                ax.set_ylabel("")
                by_word = w.get(by, by) if font and lang == "zh" else by
                ax.set_title(w["chart_by_group"].format(by=by_word, n=len(groups)))
                if any(label.startswith(f"{by} #") for label in labels):
                    fig.text(0.01, 0.01, w["chart_rank_note"].format(by=by), fontsize=7)
                fig.legend(fontsize=7, loc="outside right upper")
                written.append(_save(fig, out_dir / f"measures_by_{by}.png"))
    return written


def _by_year(measures: pd.DataFrame) -> pd.DataFrame:
    """The year rows of measures; with another --by, the unit-year rows averaged per year
    (weighted by their texts), so that the year chart is drawn for every --by."""
    years = measures[measures["level"] == "year"].dropna(subset=["year"])
    if len(years):
        return years.sort_values("year")
    unit_years = measures[measures["level"] == "unit-year"].dropna(subset=["year"])
    rows = []
    for year, part in unit_years.groupby("year"):
        weights = part["n_texts"].astype(float)
        row = {"level": "year", "year": year, "n_texts": weights.sum()}
        for m in (c for c in PLOTTED if c in part):
            known = part[m].notna() & (weights > 0)
            row[m] = (
                (part.loc[known, m] * weights[known]).sum() / weights[known].sum()
                if (known.any())
                else float("nan")
            )
        rows.append(row)
    return pd.DataFrame(rows)


def text_outside(fig) -> list[str]:
    """Texts of a drawn figure whose box reaches beyond the figure: clipped in the PNG."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    outside = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if (
            box.x0 < frame.x0 - 1
            or box.y0 < frame.y0 - 1
            or box.x1 > frame.x1 + 1
            or (box.y1 > frame.y1 + 1)
        ):
            outside.append(text.get_text())
    return outside


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    from nlp_eval.output import atomic

    with atomic(path, "wb") as stream:
        fig.savefig(stream, dpi=110, format="png")
    plt.close(fig)
    return path
