"""Read a folder of project declarations exported as projects.tsv + indicators.tsv.

This is the layout of `corpus/songgang_targets_2021_2023/` (项目信息.xlsx of the public
repository samon6bl/jixiaopingjia, one row per project and one per indicator). It holds
targets only; each project is its own document (one declaration sheet per project).
The budget year is digits 7-8 of 项目编码 (4403062313915… → 2023).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from nlp_eval.errors import ReadError
from nlp_eval.records import COLUMNS

PROJECTS, INDICATORS = "projects.tsv", "indicators.tsv"


def is_declaration_folder(path: Path) -> bool:
    """True when the folder holds the projects.tsv + indicators.tsv pair."""
    return path.is_dir() and (path / PROJECTS).is_file() and (path / INDICATORS).is_file()


def _read_tsv(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path, sep="\t", dtype=str, quoting=csv.QUOTE_NONE, keep_default_na=False
        )
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise ReadError(f"{path}: {err}") from err
    # in-cell newlines were written as the two characters \n
    return frame.apply(lambda col: col.str.replace("\\n", "\n", regex=False).str.strip())


def read_declarations(folder: Path) -> pd.DataFrame:
    """The tidy table of a declaration folder: one 总体 row per project, one row per indicator."""
    projects = _read_tsv(folder / PROJECTS)
    indicators = _read_tsv(folder / INDICATORS)
    missing = {"项目编码", "项目名称", "申请单位", "年度目标"} - set(projects.columns)
    missing |= {"项目编码", "一级指标", "二级指标", "三级指标", "指标值"} - set(indicators.columns)
    if missing:
        raise ReadError(f"{folder}: missing columns {', '.join(sorted(missing))}")
    projects["_line"] = range(2, len(projects) + 2)
    indicators["_line"] = range(2, len(indicators) + 2)
    info = projects.set_index("项目编码")[["项目名称", "申请单位"]]
    goals = pd.DataFrame(
        {
            "doc": projects["项目编码"],
            "unit": projects["申请单位"],
            "project": projects["项目名称"],
            "level1": "总体",
            "level2": "",
            "indicator": "年度目标",
            "target": projects["年度目标"],
            "target_source": PROJECTS + ":" + projects["_line"].astype(str) + ":9",
        }
    )
    joined = indicators.join(info, on="项目编码")
    rows = pd.DataFrame(
        {
            "doc": joined["项目编码"],
            "unit": joined["申请单位"].fillna(""),
            "project": joined["项目名称"].fillna(""),
            "level1": joined["一级指标"],
            "level2": joined["二级指标"],
            "indicator": joined["三级指标"],
            "target": joined["指标值"],
            "target_source": INDICATORS + ":" + joined["_line"].astype(str) + ":5",
        }
    )
    table = pd.concat([goals, rows], ignore_index=True)
    table["year"] = pd.array(2000 + table["doc"].str[6:8].astype(int), dtype="Int64")
    table["region"] = table["unit"].str.extract(r"^(.*?[区县])", expand=False).fillna("")
    for column in COLUMNS:
        if column not in table:
            numeric = column in ("weight", "points", "value", "confidence")
            table[column] = 1.0 if column == "confidence" else (float("nan") if numeric else "")
    return table[list(COLUMNS)]
