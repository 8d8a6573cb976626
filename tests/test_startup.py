"""Start-up: checking one table or one sentence imports only what it uses (issue 14 §1).

Each check runs in a fresh interpreter, because this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"
HEAVY = ("sklearn", "scipy", "matplotlib", "openpyxl", "docx", "jieba")


def _imported_after(code: str) -> set[str]:
    """Top-level packages in sys.modules after running code in a fresh interpreter."""
    probe = (
        code
        + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _cli(*args: str) -> str:
    return (
        "from typer.testing import CliRunner\n"
        "from nlp_eval.cli import app\n"
        f"result = CliRunner().invoke(app, {list(args)!r})\n"
        "assert result.exception is None or isinstance(result.exception, SystemExit), result.output\n"
    )


def test_importing_the_cli_loads_no_library_of_a_command():
    loaded = _imported_after("import nlp_eval.cli")
    assert not loaded & {*HEAVY, "pandas", "numpy", "rich"}


def test_lint_of_the_seed_predicts_without_scikit_learn():
    loaded = _imported_after(_cli("lint", str(SEED)))
    assert "pandas" in loaded  # the probe really linted
    assert not loaded & set(HEAVY)


def test_explain_needs_no_classifier_library():
    # explain runs the rules on the one pair (the writer's feedback, issue 13), and the rules
    # are pandas passes: pandas is loaded, scikit-learn, scipy and the readers are not
    loaded = _imported_after(_cli("explain", "≥95%", "满意度98%"))
    assert "rapidfuzz" in loaded
    assert not loaded & set(HEAVY)


def test_rjieba_imported_after_our_tokenizer_still_works():
    # nlp_eval loads rjieba's compiled module without its __init__ (which builds an unused
    # default dictionary); a later `import rjieba` must reuse that module, not fail.
    code = (
        "from nlp_eval.text import tokens\n"
        "assert tokens('满意度达到95%以上')\n"
        "import rjieba\n"
        "print(rjieba.cut('满意度达到', False))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "满意度" in done.stdout
