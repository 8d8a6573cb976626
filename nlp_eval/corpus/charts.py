"""PNG charts of the corpus measures (matplotlib, Agg backend; a CJK font when one is installed)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

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
# legend names: what a reader of the chart needs, the column names stay in measures.csv
NAMES = {
    "boilerplate_share": "boilerplate share (Lang & Stice-Lawrence)",
    "specificity": "specificity (Hope, Hu & Lu)",
    "hard_number_share": "texts with an exact number",
    "vague_quantity_share": "texts with a vague amount",
    "clustered_share": "texts in a boilerplate cluster",
    "stickiness": "carried over from last year",
    "share_vague": "pairs labelled vague",
    "share_copy": "pairs labelled copy",
}
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


def group_labels(names: list[str], by: str, *, cjk: bool) -> list[str]:
    """Axis labels of the groups: as written with a CJK font, else ASCII (no tofu boxes).

    Without a CJK font a Chinese name becomes "<by> #k" (k = its rank by texts, as in the
    chart's note); an empty name is "(no <by>)".
    """
    labels = []
    for rank, name in enumerate(names, start=1):
        if not name:
            labels.append(f"(no {by})")
        elif cjk or name.isascii():
            labels.append(name)
        else:
            labels.append(f"{by} #{rank}")
    return labels


def _font() -> dict[str, object]:
    """rc settings for a CJK font if one is installed (Chinese labels), else matplotlib's default.

    Some CJK fonts have only weight 500 (WenQuanYi Zen Hei); asking for "normal" (400) would
    log a findfont warning for every label, so the text weights follow the font found.
    """
    from matplotlib import font_manager

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


def charts(measures: pd.DataFrame, out_dir: Path, *, by: str = "year") -> list[Path]:
    """measures_by_year.png (lines over years) and measures_by_<by>.png (bars per group)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    font = _font()
    # group names come from the tables: `$…$` or `\frac{` in them is text, never math
    with warnings.catch_warnings(), plt.rc_context({**font, "text.parse_math": False}):
        warnings.simplefilter("ignore")  # missing CJK glyphs must not fail a chart
        years = measures[measures["level"] == "year"].dropna(subset=["year"]).sort_values("year")
        shown = [m for m in PLOTTED if m in years and years[m].notna().any()]
        if len(years) and shown:
            fig, ax = plt.subplots(figsize=(10, 4.5))
            for m in shown:
                ax.plot(years["year"].astype(int), years[m], marker="o", label=NAMES[m])
            ax.set_xticks(years["year"].astype(int).tolist())
            ax.set_ylim(0, 1)
            ax.set_xlabel("year")
            ax.set_ylabel("share")
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
            ax.set_title("Corpus measures by year")
            fig.tight_layout()
            written.append(_save(fig, out_dir / "measures_by_year.png"))
        if by != "year":
            groups = (
                measures[measures["level"] == by].sort_values("n_texts", ascending=False).head(25)
            )
            shown = [m for m in PLOTTED[:4] if m in groups and groups[m].notna().any()]
            if len(groups) and shown:
                fig, ax = plt.subplots(figsize=(11, 0.35 * len(groups) + 1.5))
                names = groups[by].fillna("").astype(str).tolist()
                labels = group_labels(names, by, cjk=bool(font))
                plotted = groups[shown].set_axis(labels).rename(columns=NAMES).iloc[::-1]
                plotted.plot.barh(ax=ax, width=0.8)
                ax.set_xlim(0, 1)
                ax.set_xlabel("share")
                ax.set_ylabel("")
                ax.set_title(f"Corpus measures by {by} (the {len(groups)} with most texts)")
                if any(label.startswith(f"{by} #") for label in labels):
                    fig.text(
                        0.01, 0.01, f"{by} #k: k-th {by} by n_texts in measures.csv", fontsize=7
                    )
                ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
                fig.tight_layout()
                written.append(_save(fig, out_dir / f"measures_by_{by}.png"))
    return written


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    from nlp_eval.output import atomic

    with atomic(path, "wb") as stream:
        fig.savefig(stream, dpi=110, format="png")
    plt.close(fig)
    return path
