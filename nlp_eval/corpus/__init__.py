"""Corpus-level analysis: boilerplate clusters, year-over-year carry-over, measures, terms.

    result = analyse(table, by="year")      # table: the tidy table of many documents
    paths = write(result, out_dir, parquet=False)

See clusters.py, carryover.py, measures.py and terms.py for the methods and their sources.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nlp_eval.corpus.carryover import copied_forward, year_pairs
from nlp_eval.corpus.clusters import boilerplate_clusters
from nlp_eval.corpus.measures import measures, per_text
from nlp_eval.corpus.terms import distinctive_terms
from nlp_eval.corpus.texts import pair_rows, texts
from nlp_eval.errors import NlpEvalError

BY = ("year", "unit", "region")
Progress = Callable[[str], None]

__all__ = ["BY", "CorpusResult", "analyse", "load", "prepare_output", "write"]


@dataclass
class CorpusResult:
    """What `analyse` found; each table is tidy and written as one file."""

    clusters: pd.DataFrame
    carryover: pd.DataFrame
    measures: pd.DataFrame
    terms: pd.DataFrame
    by: str = "year"
    n_pairs: int = 0
    n_texts: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self, lang: str = "zh") -> str:
        """A few lines for the terminal, in Chinese (lang="zh") or English ("en")."""
        words = _SUMMARY[lang]
        c = self.clusters
        heads = c.drop_duplicates("cluster")
        copied = self.carryover
        lines = [
            words["head"].format(
                pairs=self.n_pairs,
                texts=self.n_texts,
                clusters=len(heads),
                short=int((heads["kind"] == "short").sum()),
                members=len(c),
                copied=len(copied),
                unchanged=int(copied["unchanged"].sum()) if len(copied) else 0,
            )
        ]
        short = heads[heads["kind"] == "short"].head(8)
        if len(short):
            lines.append(
                words["short"]
                + words["sep"].join(
                    f"{_clip(r, 12)} ×{n}"
                    for r, n in zip(short["representative"], short["size"], strict=True)
                )
            )
        if (heads["kind"] == "text").any():
            lines.append(words["text"])
        for _, row in heads[heads["kind"] == "text"].head(5).iterrows():
            lines.append(
                words["cluster"].format(
                    cluster=row["cluster"],
                    size=row["size"],
                    field=words[row["field"]],
                    units=row["units"],
                    years=row["years"],
                    text=_clip(row["representative"]),
                )
            )
        by_year = self.measures[self.measures["level"] == "year"]
        if len(by_year):
            lines.append(words["years"])
        for _, row in by_year.iterrows():
            lines.append(
                words["year"].format(
                    year=row["year"],
                    boilerplate=_pct(row["boilerplate_share"]),
                    specificity=_pct(row["specificity"]),
                    stickiness=_pct(row["stickiness"]),
                )
            )
        return "\n".join(lines)


_SUMMARY = {
    "zh": {
        "head": "{pairs} 对指标，{texts} 条文本；雷同文本簇 {clusters} 个（其中简短状态语 {short} 个），"
        "共 {members} 条；逐年照搬 {copied} 对（一字未改 {unchanged} 对）",
        "short": "最常见的简短状态语：",
        "sep": "，",
        "text": "最大的雷同句簇（编号对应 clusters.csv 的 cluster 列）：",
        "cluster": "  #{cluster} ×{size} 条{field}（{units} 个单位，{years} 个年度）：{text}",
        "years": "按年度（套话占比 = 含常见 8 字串的句子所占字数比例，见 docs/corpus.md）：",
        "year": "  {year}年：套话占比 {boilerplate}，具体性 {specificity}，沿用上年 {stickiness}",
        "target": "目标",
        "completion": "完成情况",
    },
    "en": {
        "head": "{pairs} pairs, {texts} texts; {clusters} boilerplate clusters ({short} of short "
        "status phrases) holding {members} texts; {copied} pairs copied forward "
        "({unchanged} unchanged)",
        "short": "Most frequent short status phrases: ",
        "sep": ", ",
        "text": "Largest sentence clusters (numbers are the cluster column of clusters.csv):",
        "cluster": "  #{cluster} x{size} {field}s ({units} units, {years} years): {text}",
        "years": "By year (boilerplate = share of characters in sentences holding a common "
        "8-character string, see docs/corpus.md):",
        "year": "  {year}: boilerplate {boilerplate}, specificity {specificity}, "
        "stickiness {stickiness}",
        "target": "target",
        "completion": "completion",
    },
}


def _clip(text: str, width: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _pct(value: float) -> str:
    return "-" if pd.isna(value) else f"{value:.0%}"


def _labelled(table: pd.DataFrame, progress: Progress, client: Any = None) -> pd.DataFrame:
    """The table with a `label` column: its own, else from nlp_eval.lint (model, else rules).

    A targets-only corpus (declarations) gets no labels: every completion would be `missing`.
    """
    completions = table.loc[pair_rows(table), "completion"].fillna("").astype(str)
    has_completions = completions.str.strip().ne("").any()
    if "label" in table.columns or not has_completions:
        return table
    from nlp_eval.parallel import lint_parallel

    def lint(table: pd.DataFrame, **options: Any) -> Any:
        return lint_parallel(table, jobs=1, client=client, **options)

    progress("labelling pairs")
    try:
        return lint(table).table
    except NlpEvalError as err:
        progress(f"labelling with the rules only ({err})")
    try:
        return lint(table, model=False).table
    except NlpEvalError as err:  # no rules either: measures go on without label shares
        progress(f"no labels: {err}")
        return table


def analyse(
    table: pd.DataFrame,
    *,
    by: str = "year",
    progress: Progress | None = None,
    client: Any = None,
) -> CorpusResult:
    """Clusters, carry-over, measures and distinctive terms of a corpus (the tidy table).

    With a Dask client, labelling and the MinHash banding run on its workers
    (nlp_eval.engine); the result is the same.
    """
    if by not in BY:
        raise NlpEvalError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    say = progress or (lambda _msg: None)
    table = _labelled(table.reset_index(drop=True), say, client)
    say(f"collecting texts of {len(table)} pairs")
    cells = texts(table)
    say(f"clustering {int((cells['kind'] == 'text').sum())} texts")
    if client is None:
        clusters = boilerplate_clusters(cells)
    else:
        from nlp_eval import engine

        clusters = boilerplate_clusters(
            cells, groups=lambda keys, **o: engine.near_duplicate_groups(keys, client, **o)
        )
    say("pairing texts year over year")
    pairs = year_pairs(cells)
    written = _written(cells)
    clustered = pd.Series(False, index=cells.index)
    member = cells.set_index(["row", "field"]).index.isin(
        clusters.set_index(["row", "field"]).index
    )
    clustered[member] = True
    say("measuring")
    rows = per_text(written, clustered, _carried(written, pairs))
    measured = measures(table[pair_rows(table)], rows, by=by)
    say("finding distinctive terms")
    terms = pd.concat(
        [distinctive_terms(rows, by=group) for group in dict.fromkeys(("year", by))],
        ignore_index=True,
    )
    return CorpusResult(
        clusters=clusters,
        carryover=copied_forward(pairs),
        measures=measured,
        terms=terms,
        by=by,
        n_pairs=int(pair_rows(table).sum()),
        n_texts=int((cells["kind"] == "text").sum()),
    )


def _written(cells: pd.DataFrame) -> pd.DataFrame:
    """The texts measures are computed on: completions, or targets in a targets-only corpus."""
    kept = cells[cells["kind"].isin(("text", "value"))]
    field_name = "completion" if (kept["field"] == "completion").any() else "target"
    return kept[kept["field"] == field_name]


def _carried(written: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """Share of each text carried over from last year; NaN when its unit has no table then."""
    years = (
        written.dropna(subset=["year"]).groupby("unit")["year"].agg(lambda s: set(s.astype(int)))
    )
    has_previous = [
        pd.notna(y) and (int(y) - 1) in years.get(u, set())
        for u, y in zip(written["unit"], written["year"], strict=True)
    ]
    carried = pd.Series(np.where(has_previous, 0.0, np.nan), index=written.index)
    if len(pairs):
        by_cell = pairs.set_index(["row_to", "field"])["carried"]
        keys = pd.MultiIndex.from_arrays([written["row"], written["field"]])
        found = by_cell.reindex(keys).to_numpy()
        carried = carried.where(np.isnan(found), found)
    return carried.where(written["kind"] == "text")


# ---------------------------------------------------------------- input and output


def load(
    paths: Iterable[Path], progress: Progress | None = None, client: Any = None
) -> tuple[pd.DataFrame, list[str]]:
    """The tidy table of every path (files, directories, declaration folders) and the problems."""
    from nlp_eval.io import read_files

    paths = list(paths)
    (progress or (lambda _msg: None))(f"reading {len(paths)} paths")
    result = read_files(paths, client=client)
    return result.table, result.problems


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    from nlp_eval.safe import cell

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(cell)
    return out


def prepare_output(out_dir: Path) -> None:
    """Create the output directory up front, so a bad -o fails before a long analysis."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise NlpEvalError(f"cannot write to {out_dir}: {err.strerror or err}") from err


def write(
    result: CorpusResult, out_dir: Path, *, parquet: bool = False, lang: str = "zh"
) -> list[Path]:
    """Write clusters, carryover, measures and terms (CSV, + Parquet) and the charts (in lang)."""
    from nlp_eval.corpus.charts import charts
    from nlp_eval.output import atomic

    written = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in ("clusters", "carryover", "measures", "terms"):
            frame = getattr(result, name)
            path = out_dir / f"{name}.csv"
            with atomic(path, "w", encoding="utf-8-sig", newline="") as stream:
                _safe(frame).to_csv(stream, index=False)
            written.append(path)
            if parquet:
                with atomic(out_dir / f"{name}.parquet", "wb") as stream:
                    frame.to_parquet(stream, index=False)
                written.append(out_dir / f"{name}.parquet")
        written += charts(result.measures, out_dir, by=result.by, lang=lang)
    except OSError as err:
        raise NlpEvalError(f"cannot write to {out_dir}: {err.strerror or err}") from err
    return written


def stderr_progress(message: str) -> None:
    """Progress on stderr (the CLI's default)."""
    print(f"nlp-eval corpus: {message}", file=sys.stderr, flush=True)
