"""What a report was made from and with: the facts its cover states so that a reviewer can cite it.

Generated at, nlp-eval version, the model file and rules by hash, a hash of lexicons/, every
input file with its size and sha256, the settings used and what the reader could not do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

READER_COLUMNS = ("doc", "kind", "where", "detail")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Provenance:
    generated_at: str  # local time with its UTC offset, to the second
    version: str
    model: str  # file name and sha256 (first 16 hex digits)
    rules: str  # sha256 of rules.toml and every --rules file
    lexicons: str  # sha256 over every file of lexicons/ (names and contents)
    inputs: list[dict[str, Any]] = field(default_factory=list)  # file, size, sha256
    settings: dict[str, str] = field(default_factory=dict)  # option → value as given
    reader: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=READER_COLUMNS))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tree_sha256(root: Any) -> str:
    """One hash over the names and bytes of every file below `root` (a Traversable)."""
    digest = hashlib.sha256()
    stack = [(root, "")]
    entries = []
    while stack:
        node, prefix = stack.pop()
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    stack.append((child, name + "/"))
            elif not child.name.endswith(".pyc"):
                entries.append((name, child))
    for name, child in sorted(entries, key=lambda e: e[0]):
        digest.update(name.encode() + b"\0" + child.read_bytes() + b"\0")
    return digest.hexdigest()


def _model_id(model: str | Path | None) -> str:
    from nlp_eval.model import DEFAULT_MODEL

    if model is None:
        data = (files("nlp_eval") / "models" / DEFAULT_MODEL).read_bytes()
        return f"{DEFAULT_MODEL} sha256:{hashlib.sha256(data).hexdigest()[:16]}"
    path = Path(model)
    return f"{path.name} sha256:{file_sha256(path)[:16]}"


def _rules_id(extra: Sequence[str | Path]) -> str:
    digest = hashlib.sha256((files("nlp_eval.lexicons") / "rules.toml").read_bytes())
    for path in extra:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def inputs(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Every table file the batch read (directories expanded): file, size, sha256."""
    from nlp_eval.io import _expand

    out = []
    for path in (item.path for item in _expand(paths)):
        try:
            out.append({"file": str(path), "size": path.stat().st_size,
                        "sha256": file_sha256(path)})  # fmt: skip
        except OSError:
            out.append({"file": str(path), "size": None, "sha256": ""})
    return out


def collect(
    paths: Iterable[str | Path],
    *,
    model: str | Path | None,
    extra_rules: Sequence[str | Path] = (),
    settings: dict[str, str] | None = None,
    reader: pd.DataFrame | None = None,
) -> Provenance:
    """The cover's facts for a run over `paths` with these options."""
    from nlp_eval import __version__

    return Provenance(
        generated_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        version=__version__,
        model=_model_id(model),
        rules=_rules_id(extra_rules),
        lexicons=_tree_sha256(files("nlp_eval.lexicons"))[:16],
        inputs=inputs(paths),
        settings=dict(settings or {}),
        reader=reader if reader is not None else pd.DataFrame(columns=READER_COLUMNS),
    )
