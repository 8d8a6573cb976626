"""Old Word/WPS documents and WPS spreadsheets (.doc, .wps, .et) through LibreOffice.

LibreOffice (`soffice --headless --convert-to docx|xlsx`) reads every dialect of these files
(Word 97-2003, WPS, RTF or HTML saved under .doc); the result is read by the docx/xlsx
readers. The input is copied into a private temporary folder and converted there with a
private user profile, so the input is never touched and two runs never share a profile, and
each conversion has a time limit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from nlp_eval.errors import ReadError
from nlp_eval.io.grids import Grid, read_docx, read_xlsx

SECONDS_PER_FILE = 120.0  # a first conversion also creates the profile (~5-10 s on 2 cores)
# suffix -> (target format, the modern format to suggest)
TARGETS = {".doc": "docx", ".wps": "docx", ".et": "xlsx"}
_profile: Path | None = None


def soffice() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _private_profile() -> Path:
    """One LibreOffice user profile for this process, removed when it ends."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="nlp-eval-lo-profile-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def convert(path: Path, target: str) -> Path:
    """Convert `path` to `target` (docx/xlsx) in a new temporary folder; the caller removes it."""
    suffix = path.suffix.lower()
    program = soffice()
    if program is None:
        raise ReadError(
            f"{path}: reading {suffix} needs LibreOffice (soffice) — install it, "
            f"or save the file as .{target}"
        )
    work = Path(tempfile.mkdtemp(prefix="nlp-eval-convert-"))
    source = (
        work / f"input{suffix}"
    )  # a plain name: no quoting trouble, no lock file beside the input
    shutil.copyfile(path, source)
    command = [
        program,
        f"-env:UserInstallation={_private_profile().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(work / "out"),
        str(source),
    ]
    # a new session: on timeout the whole process group (soffice.bin included) is ended
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=SECONDS_PER_FILE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        shutil.rmtree(work, ignore_errors=True)
        raise ReadError(
            f"{path}: LibreOffice did not convert it within {SECONDS_PER_FILE:.0f} s"
        ) from None
    result = work / "out" / f"input.{target}"
    if not result.exists() or result.stat().st_size == 0:
        shutil.rmtree(work, ignore_errors=True)
        raise ReadError(
            f"{path}: LibreOffice could not convert it (corrupt or not a {suffix} file)"
        )
    return result


def read_converted(path: Path) -> list[Grid]:
    """A .doc/.wps/.et file read through its LibreOffice conversion to .docx/.xlsx."""
    target = TARGETS[path.suffix.lower()]
    result = convert(path, target)
    try:
        return read_docx(result) if target == "docx" else read_xlsx(result)
    except ReadError as err:
        raise ReadError(f"{path}: {str(err).split(': ', 1)[-1]}") from None
    finally:
        shutil.rmtree(result.parent.parent, ignore_errors=True)
