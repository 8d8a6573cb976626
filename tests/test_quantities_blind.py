"""Blind quantity expressions, written by a tester who never read the parser, checked through `explain --format json`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp_eval.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "quantities_blind.tsv"


def _table() -> list[dict[str, str]]:
    """Rows of the blind table: expression, comparator, value, family, note."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ROWS = _table()
RUNNER = CliRunner()


def _first_quantity(expression: str) -> dict | None:
    """The first quantity `nlp-eval explain` finds in the expression given as a target."""
    # "--" so that a leading minus (-3480.83万元) is not read as an option.
    result = RUNNER.invoke(app, ["explain", "--format", "json", "--", expression, ""])
    assert result.exit_code == 0, result.output
    quantities = json.loads(result.stdout)["target"]["quantities"]
    return quantities[0] if quantities else None


def _mismatches(row: dict[str, str]) -> list[str]:
    """What differs between the parse and the expected comparator, value and unit family."""
    quantity = _first_quantity(row["expression"])
    if quantity is None:
        return ["no quantity found"]
    if row["family"] == "vague":
        return [] if quantity["vague"] is True else [f"vague={quantity['vague']}"]
    problems = []
    if quantity["comparator"] != row["comparator"]:
        problems.append(f"comparator {quantity['comparator']!r} != {row['comparator']!r}")
    if quantity["value"] is None or quantity["value"] != pytest.approx(float(row["value"])):
        problems.append(f"value {quantity['value']!r} != {row['value']}")
    if quantity["family"] != row["family"]:
        problems.append(f"family {quantity['family']!r} != {row['family']!r}")
    return problems


def test_table_is_large_and_well_formed() -> None:
    assert len(ROWS) >= 80
    assert len({row["expression"] for row in ROWS}) == len(ROWS)
    for row in ROWS:
        assert row["comparator"] in {">=", "<=", "=", ">", "<", "~", ""}, row
        assert row["family"] == "vague" or row["value"], row


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["expression"])
def test_blind_expression_parses(row: dict[str, str]) -> None:
    assert _mismatches(row) == []
