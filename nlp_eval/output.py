"""Output files that are never half-written, and outputs that never overwrite an input.

Every file nlp-eval writes (-o, --unplaced, the corpus folder, a trained model) goes through
`atomic`: written under a temporary name in the same folder and renamed over the final name
only when complete, so Ctrl-C, a kill or a full disk leaves the old file or the new one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from nlp_eval.errors import NlpEvalError


@contextmanager
def atomic(path: str | Path, mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside path; on success it replaces path, on any error it goes.

    A target that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is
    written directly: renaming over it would replace the device, not write to it.
    """
    path = Path(path)
    try:
        special = not stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        special = False
    except OSError as err:
        raise _error(path, err) from None
    if special:
        try:
            with open(path, mode, **open_args) as stream:
                yield stream
        except OSError as err:
            raise _error(path, err) from None
        return
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as err:
        raise _error(path, err) from None
    try:
        with open(handle, mode, **open_args) as stream:
            yield stream
        os.replace(temp, path)
    except OSError as err:
        _remove(temp)
        raise _error(path, err) from None
    except BaseException:
        _remove(temp)
        raise


def _remove(temp: str) -> None:
    with suppress(OSError):
        os.unlink(temp)


def _error(path: Path, err: OSError) -> NlpEvalError:
    from nlp_eval.safe import terminal

    return NlpEvalError(f"{terminal(str(path))}: cannot write ({err.strerror or err})")


def refuse_input_as_output(out: str | Path | None, inputs: Iterable[str | Path]) -> None:
    """-o naming one of the inputs (or a file the given folders hold) is refused up front."""
    from nlp_eval.io.grids import READERS

    if out is None:
        return
    target = Path(out)
    if not target.exists() or not target.is_file():
        return
    for given in map(Path, inputs):
        try:
            if given.is_dir():  # a table file in an input folder is read as an input
                same = (
                    target.suffix.lower() in READERS and given.resolve() in target.resolve().parents
                )
            else:
                same = given.exists() and given.samefile(target)
        except OSError:
            continue
        if same:
            from nlp_eval.safe import terminal

            raise NlpEvalError(
                f"{terminal(str(target))}: the output would overwrite an input; choose another -o"
            )
