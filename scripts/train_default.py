"""Retrain the shipped model from corpus/labels and report it on the held-out files.

    python scripts/train_default.py            # writes nlp_eval/models/default.npz

Trains only on seed.tsv and train_*.tsv; heldout_*.tsv are never used for training or
tuning, only reported (with the rules alone, the plain keyword heuristic, for comparison).
"""

from __future__ import annotations

from pathlib import Path

from nlp_eval.model import evaluate_files, train_files

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "corpus" / "labels"
OUT = ROOT / "nlp_eval" / "models" / "default.npz"


def training_files() -> list[Path]:
    """seed.tsv and train_*.tsv: never heldout_*, blind_* or real_dev (real tables held out)."""
    return [LABELS / "seed.tsv", *sorted(LABELS.glob("train_*.tsv"))]


def main() -> None:
    """Train on seed + train_*, save the default model, print the held-out reports."""
    training = training_files()
    heldout = sorted(LABELS.glob("heldout_*.tsv"))
    print(train_files(training, OUT))
    print(f"size: {OUT.stat().st_size / 1024:.0f} KB")
    print()
    print(evaluate_files(heldout, model=OUT))
    print()
    print(evaluate_files(heldout, model=False))


if __name__ == "__main__":
    main()
