"""Hostile inputs besides tables (issues 16, 17): rules and suppression files, models, label
files, full disks and closed pipes, chart text, file names, permissions, terminals, Python API.

Same bar as tests/test_hostile.py: exit 0/1/2, no traceback, one line per problem.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import hostile_cases as H
import numpy as np
import pandas as pd
import pytest
from test_hostile import assert_clean, invoke

SEED = H.SEED
GOOD_RULE = """
[V901]
name = "my-rule"
kind = "phrase"
severity = "warning"
message.zh = "完成情况只写了“{match}”"
message.en = "Only “{match}”"
suggestion.zh = "写出{measure}的实际值"
suggestion.en = "Write the actual value of {measure}"
params = { words = ["已完成"], match = "whole" }
fail = ["≥1人 → 已完成"]
"""


def _rule(**changes: str) -> str:
    """GOOD_RULE with lines replaced (key = None removes, a new key is added)."""
    lines = GOOD_RULE.strip().splitlines()
    out = []
    for line in lines:
        key = line.split("=", 1)[0].strip()
        if key in changes:
            if changes[key] is not None:
                out.append(f"{key} = {changes.pop(key)}")
            else:
                changes.pop(key)
            continue
        out.append(line)
    out += [f"{k} = {v}" for k, v in changes.items() if v is not None]
    return "\n".join(out) + "\n"


# (id, TOML text) — every one is a rules file a user could pass; all must be refused in one
# or more lines naming the file, or (the last group) accepted
BAD_RULES: list[tuple[str, str | bytes]] = [
    ("params_string", _rule(params='"words"')),
    ("params_array", _rule(params='["a"]')),
    ("where_string", _rule(where='"产出"')),
    ("where_number", _rule(where="{ level1 = 5 }")),
    ("where_no_column", _rule(where='{ colour = "red" }')),
    ("where_number_list", _rule(where="{ level1 = [1, 2] }")),
    ("pattern_number", _rule(kind='"regex"', params="{ pattern = 5 }")),
    ("pattern_bad", _rule(kind='"regex"', params='{ pattern = "(" }')),
    ("pattern_catastrophic", _rule(kind='"regex"', params='{ pattern = "(a+)+$" }')),
    ("pattern_catastrophic_star", _rule(kind='"regex"', params='{ pattern = "(\\\\w*\\\\s*)*x" }')),
    ("patterns_bad_item", _rule(kind='"regex"', params='{ patterns = ["ok", "(x*)*y"] }')),
    ("patterns_numbers", _rule(kind='"regex"', params="{ patterns = [1, 2] }")),
    ("regex_without_pattern", _rule(kind='"regex"', params="{}")),
    ("fail_number", _rule(fail="5")),
    ("fail_items_numbers", _rule(fail="[5, 6]")),
    ("fail_rows_number", _rule(fail="[{ rows = 5 }]")),
    ("fail_unknown_column", _rule(fail='[{ colour = "x" }]')),
    ("pass_string", _rule(**{"pass": '"x"'})),
    ("message_width", _rule(**{"message.zh": '"{match:999999999}"'})),
    ("message_d_on_text", _rule(**{"message.zh": '"{match:d}"'})),
    ("message_unknown_field", _rule(**{"message.zh": '"{nonexistent}"'})),
    ("message_attribute", _rule(**{"message.zh": '"{match.__class__.__init__.__globals__}"'})),
    ("message_index", _rule(**{"message.zh": '"{match[0]}"'})),
    ("message_positional", _rule(**{"message.zh": '"{0}"'})),
    ("message_conversion", _rule(**{"message.zh": '"{match!r}"'})),
    ("message_unbalanced", _rule(**{"message.zh": '"{match"'})),
    ("message_number", _rule(**{"message.zh": "5"})),
    ("message_string", _rule(**{"message.zh": None, "message.en": None, "message": '"x"'})),
    ("message_no_en", _rule(**{"message.en": None})),
    ("suggestion_missing", _rule(**{"suggestion.zh": None, "suggestion.en": None})),
    ("word_list_missing", _rule(params='{ words = "no_such_list.txt" }')),
    ("word_list_path_escape", _rule(params='{ words = "../../../etc/passwd" }')),
    ("code_bad", _rule().replace("[V901]", "[VX01]")),
    ("code_lower", _rule().replace("[V901]", "[v901]")),
    ("severity_bad", _rule(severity='"fatal"')),
    ("severity_number", _rule(severity="5")),
    ("kind_unknown", _rule(kind='"os.system"')),
    ("kind_private", _rule(kind='"_words"')),
    ("kind_number", _rule(kind="5")),
    ("label_bad", _rule(label='"bogus"')),
    ("sure_string", _rule(sure='"yes"')),
    ("field_number", _rule(field="5")),
    ("field_unknown", _rule(field='"colour"')),
    ("name_bad", _rule(name='"Bad Name"')),
    ("name_number", _rule(name="5")),
    ("unknown_key", _rule(colour='"red"')),
    ("param_unknown", _rule(params='{ words = ["x"], colour = 1 }')),
    ("param_wrong_type", _rule(params='{ words = ["x"], min_hits = "many" }')),
    ("param_missing", _rule(params='{ match = "whole" }')),
    ("rule_not_table", "V901 = 5\n"),
    ("nested_deep", "x = " + "[" * 1000 + "]" * 1000 + "\n"),
    ("nested_tables_deep", "x = " + "{a = " * 600 + "1" + "}" * 600 + "\n"),
    ("syntax_error", "[V901\nname = \n"),
    ("duplicate_key", GOOD_RULE + GOOD_RULE),
    ("binary", bytes(range(256)) * 4),
    ("gbk_text", GOOD_RULE.encode("gbk")),
    ("huge_file", "# " + "x" * (2 << 20) + "\n"),
]
GOOD_RULES = [
    ("empty", ""),
    ("good", GOOD_RULE),
    ("comment_only", "# nothing\n"),
    ("optional_segment", _rule(**{"message.zh": '"只写了[[“{match}”]]"'})),
    ("format_precision", _rule(**{"message.zh": '"{match:>10}"'})),
]


@pytest.mark.parametrize(("name", "text"), BAD_RULES, ids=[n for n, _ in BAD_RULES])
def test_a_bad_rules_file_is_one_line_per_problem(tmp_path, name, text):
    path = tmp_path / f"{name}.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = invoke(["rules", "--rules", path])
    errors = assert_clean(result)
    assert result.exit_code == 2
    assert errors and all(e.startswith(f"nlp-eval: error: {path}") for e in errors), errors
    assert "/site-packages/" not in result.stderr and "lexicons/" not in result.stderr


@pytest.mark.parametrize(("name", "text"), GOOD_RULES, ids=[n for n, _ in GOOD_RULES])
def test_a_good_rules_file_runs_over_a_table(tmp_path, name, text):
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    # --select names only codes that exist: an empty rules file adds no V9 rule
    select = ["--select", "V9"] if "V9" in text else []
    result = invoke(["lint", SEED, "--rules", path, *select])
    assert_clean(result)
    assert result.exit_code in (0, 1)


def test_a_word_list_beside_the_rules_file_is_found(tmp_path):
    (tmp_path / "mine.txt").write_text("按计划完成\n", encoding="utf-8")
    path = tmp_path / "extra.toml"
    path.write_text(_rule(params='{ words = "mine.txt", match = "contains" }'), encoding="utf-8")
    table = tmp_path / "t.csv"
    H._tidy(table, ["d", "p", "人数", "≥1人", "按计划完成", "2021", "5"])
    result = invoke(["lint", table, "--rules", path, "--select", "V901", "--format", "json"])
    assert_clean(result)
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["V901"]


# ------------------------------------------------------------------ suppression files

BAD_SUPPRESSIONS = [
    ("empty", b""),
    ("no_header", b"a,b,c\n"),
    ("binary", bytes(range(256))),
    ("gbk", "project,indicator,code,reason\n项目,*,C,原因\n".encode("gbk")),
]


@pytest.mark.parametrize(("name", "data"), BAD_SUPPRESSIONS, ids=[n for n, _ in BAD_SUPPRESSIONS])
def test_a_bad_suppression_file_is_one_line(tmp_path, name, data):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    result = invoke(["lint", SEED, "--suppress", path])
    errors = assert_clean(result)
    assert result.exit_code == 2 and len(errors) == 1, errors


def test_a_suppression_path_that_is_a_folder_or_fifo(tmp_path):
    fifo = H.fifo(tmp_path / "pipe.csv")
    for path in (tmp_path, fifo, tmp_path / "missing.csv"):
        result = invoke(["lint", SEED, "--suppress", path], seconds=60)
        errors = assert_clean(result)
        assert result.exit_code == 2 and len(errors) == 1, errors


# ------------------------------------------------------------------ model files


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=True)
    return buf.getvalue()


def _model_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _shipped_members() -> dict[str, bytes]:
    from nlp_eval.model import DEFAULT_MODEL

    shipped = Path(__import__("nlp_eval").__file__).parent / "models" / DEFAULT_MODEL
    with zipfile.ZipFile(shipped) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _header_json(text: str) -> bytes:
    return _npy(np.frombuffer(text.encode(), dtype=np.uint8))


def _huge_shape(name: str) -> dict[str, bytes]:
    members = _shipped_members()
    # a .npy header claiming 600 million floats, followed by a few bytes
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (600000000,), }"
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\0" * 64
    members[name] = data
    return members


MODELS = {
    "pickle_object_array": lambda: {
        **_shipped_members(),
        "coef.npy": _npy(np.array([{"a": 1}], dtype=object)),
    },
    "pickle_member": lambda: {"header.pkl": b"\x80\x04K\x01.", "coef.npy": b"\x80\x04K\x01."},
    "header_deep_json": lambda: {
        **_shipped_members(),
        "header.npy": _header_json("[" * 100000 + "]" * 100000),
    },
    "header_not_json": lambda: {**_shipped_members(), "header.npy": _header_json("{nope")},
    "header_wrong_types": lambda: {
        **_shipped_members(),
        "header.npy": _header_json(
            json.dumps(
                {
                    "format": "nlp-eval.model/1",
                    "classes": 5,
                    "char_vocabulary": {},
                    "word_vocabulary": [],
                    "numeric": [],
                }
            )
        ),
    },
    "huge_shape_coef": lambda: _huge_shape("coef.npy"),
    "huge_shape_header": lambda: _huge_shape("header.npy"),
    "strings_array": lambda: {**_shipped_members(), "mean.npy": _npy(np.array(["a", "b"]))},
    "missing_member": lambda: {
        k: v for k, v in _shipped_members().items() if not k.startswith("coef")
    },
    "extra_member": lambda: {**_shipped_members(), "evil.npy": _npy(np.zeros(3))},
}


@pytest.mark.parametrize("name", list(MODELS))
def test_a_bad_model_file_is_one_line(tmp_path, name):
    path = tmp_path / f"{name}.npz"
    _model_zip(path, MODELS[name]())
    result = invoke(["lint", SEED, "--model", path])
    errors = assert_clean(result)
    assert result.exit_code == 2 and len(errors) == 1, errors
    assert errors[0].startswith(f"nlp-eval: error: {path}")


@pytest.mark.parametrize("data", [b"", b"PK\x05\x06" + b"\0" * 18, bytes(range(256))])
def test_a_model_that_is_no_zip_is_one_line(tmp_path, data):
    path = tmp_path / "model.npz"
    path.write_bytes(data)
    errors = assert_clean(result := invoke(["evaluate", H.TIDY, "--model", path]))
    assert result.exit_code == 2 and len(errors) == 1, errors


# ------------------------------------------------------------------ label files

LABEL_FILES = {
    "empty": b"",
    "header_only": b"target\tcompletion\tlabel\n",
    "wrong_columns": b"a\tb\n1\t2\n",
    "unknown_label": "target\tcompletion\tlabel\n≥1人\t2人\tgood\n".encode(),
    "one_label": "target\tcompletion\tlabel\n≥1人\t2人\tspecific\n≥2人\t3人\tspecific\n".encode(),
    "binary": bytes(range(256)),
    "gbk": "target\tcompletion\tlabel\n≥1人\t2人\tspecific\n".encode("gbk"),
    "ragged": "target\tcompletion\tlabel\n≥1人\t2人\tspecific\textra\tmore\n".encode(),
}


@pytest.mark.parametrize("command", ["train", "evaluate"])
@pytest.mark.parametrize("name", list(LABEL_FILES))
def test_a_bad_label_file_is_one_line(tmp_path, command, name):
    path = tmp_path / f"{name}.tsv"
    path.write_bytes(LABEL_FILES[name])
    args = [command, path] + (["-o", tmp_path / "m.npz"] if command == "train" else [])
    result = invoke(args)
    errors = assert_clean(result)
    if name == "one_label" and command == "evaluate":
        assert result.exit_code == 0  # scoring one label is fine; training on one is not
        return
    assert result.exit_code == 2 and len(errors) == 1, (errors, result.stdout)
    assert not (tmp_path / "m.npz").exists()


def test_a_label_folder_or_fifo_is_one_line(tmp_path):
    fifo = H.fifo(tmp_path / "pipe.tsv")
    for path in (tmp_path, fifo):
        result = invoke(["evaluate", path], seconds=60)
        errors = assert_clean(result)
        assert result.exit_code == 2 and len(errors) == 1, errors


# ------------------------------------------------------------------ outputs


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """The real command in a subprocess (for what only a real process shows: pipes, devices)."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "nlp_eval", *map(str, args)],
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        **kwargs,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_disk_is_one_line_naming_the_output():
    result = invoke(["read", SEED, "-o", "/dev/full"])
    errors = assert_clean(result)
    assert result.exit_code == 2 and errors == [
        "nlp-eval: error: /dev/full: cannot write (No space left on device)"
    ]
    with open("/dev/full", "w") as full:
        process = _cli("lint", SEED, stdout=full)
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr and "Exception ignored" not in process.stderr
    assert process.stderr.strip().splitlines()[-1].startswith("nlp-eval: error: ")


def test_a_closed_pipe_ends_quietly():
    process = subprocess.run(
        f"{sys.executable} -m nlp_eval read {SEED} {SEED} {SEED} | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in process.stderr and "Error" not in process.stderr, process.stderr


def test_an_interrupted_write_leaves_the_old_file(tmp_path):
    from nlp_eval.output import atomic

    out = tmp_path / "pairs.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic(out) as stream:
        stream.write("half of the new")
        raise KeyboardInterrupt
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.csv"]  # no temporary left


def test_output_naming_an_input_is_refused(tmp_path):
    table = tmp_path / "t.tsv"
    shutil.copy(SEED, table)
    before = table.read_bytes()
    for args in (["read", table, "-o", table], ["score", tmp_path, "-o", table]):
        result = invoke(args)
        errors = assert_clean(result)
        assert result.exit_code == 2 and len(errors) == 1 and "input" in errors[0]
    assert table.read_bytes() == before


def test_charts_draw_table_text_as_text(tmp_path):
    table = tmp_path / "math.csv"
    rows = [
        [
            "d",
            f"项目{i}",
            "人数",
            "$\\frac{1",
            f"完成\\frac{{a}}{{b}} ${i}$ 人",
            str(2020 + i % 2),
            "5",
        ]
        for i in range(12)
    ]
    H._tidy(table, *rows)
    (tmp_path / "units.csv").write_text(
        "doc,unit,project,target,completion,year\n"
        + "".join(f"d,$x^{i}$ \\frac{{,p{i},≥1人,完成{i}人,2021\n" for i in range(6)),
        encoding="utf-8",
    )
    # tidy files are read when named (inside a folder they would be skipped as label files)
    inputs = [table, tmp_path / "units.csv"]
    result = invoke(["corpus", *inputs, "-o", tmp_path / "out", "--by", "unit"], seconds=240)
    assert_clean(result)
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "out").glob("*.png"))


# ------------------------------------------------------------------ file names and folders


def _named(folder: Path, name: bytes, data: bytes | None = None) -> Path:
    """The seed (or data) under a file name given as bytes (not necessarily UTF-8)."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
    path.write_bytes(SEED.read_bytes() if data is None else data)
    return path


def test_gbk_and_control_character_names_in_a_batch(tmp_path):
    good = _named(tmp_path, "自评表 2021.tsv".encode("gbk"))
    garbage = b"PK\x03\x04 not a workbook"
    bad = _named(tmp_path, "坏表.xlsx".encode("gbk"), garbage)
    raw = _named(tmp_path, b"\xff\xfe.tsv")
    newline = _named(tmp_path, b"bad\nname.xlsx", garbage)
    escape = _named(tmp_path, b"\x1b]0;owned\x07\x1b[2J.xlsx", garbage)
    for command, fmt in (("read", "csv"), ("lint", "text"), ("score", "json")):
        result = invoke([command, good, bad, raw, newline, escape, "--format", fmt])
        errors = assert_clean(result)
        assert result.exit_code == 2
        assert len(errors) == 3, errors
        assert any("坏表.xlsx" in e for e in errors)
        assert "\x1b" not in result.output and "\\x1b]0;owned\\x07" in result.stderr
        assert any("bad\\nname.xlsx" in e for e in errors)
    table = pd.read_csv(io.StringIO(invoke(["read", good, raw]).stdout), dtype=str)
    assert set(table["doc"]) == {"自评表 2021", "\\xff\\xfe"}


def test_a_folder_with_fifos_sockets_loops_and_outside_links(tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.tsv")
    H.fifo(folder / "pipe.csv")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "sock.csv"))
        (folder / "loop.csv").symlink_to(folder / "loop.csv")
        outside = tmp_path / "outside.tsv"
        shutil.copy(SEED, outside)
        (folder / "link.tsv").symlink_to(outside)
        (folder / "README.csv").symlink_to(folder / "README.csv")  # skipped by name
        result = invoke(["read", folder, "--format", "jsonl"], seconds=60)
    errors = assert_clean(result)
    assert result.exit_code == 2
    assert len(errors) == 4, errors
    assert any("pipe.csv: not a regular file (a named pipe (FIFO))" in e for e in errors)
    assert any("loop.csv: symlink loop" in e for e in errors)
    assert any("link.tsv: a symlink out of" in e for e in errors)
    alone = invoke(["read", SEED, "--format", "jsonl"]).stdout.splitlines()
    assert len(result.stdout.splitlines()) == len(alone)
    assert "4 unreadable files" in result.stderr
    named = invoke(["read", folder / "link.tsv", folder / "loop.csv"])
    assert named.exit_code == 2 and len(assert_clean(named)) == 1  # a named link is followed


def test_an_empty_path_is_an_error_not_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED, tmp_path / "here.tsv")
    result = invoke(["read", ""])
    errors = assert_clean(result)
    assert result.exit_code == 2 and len(errors) == 1 and "empty path" in errors[0]
    assert "0 files" in result.stderr


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv (util-linux)")
def test_unreadable_files_and_folders_among_2000_gbk_named_tables(tmp_path):
    """Run without the capability to bypass permissions (root would read anything)."""
    folder = tmp_path / "batch"
    folder.mkdir()
    small = "project,indicator,target,completion\n图书馆,人数,≥1人,2人\n".encode()
    for i in range(2000):
        name = f"自评表{i:04d}.csv".encode("gbk" if i % 2 else "utf-8")
        Path(os.fsdecode(os.path.join(os.fsencode(folder), name))).write_bytes(small)
    locked_dir = folder / "locked"
    locked_dir.mkdir()
    shutil.copy(SEED, locked_dir / "hidden.tsv")
    locked_file = folder / "locked.tsv"
    shutil.copy(SEED, locked_file)
    locked_dir.chmod(0)
    locked_file.chmod(0)
    try:
        process = subprocess.run(
            ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
            + [
                sys.executable,
                "-m",
                "nlp_eval",
                "read",
                "--tidy",  # the batch's small tables are tidy files: read them from the folder
                str(folder),
                str(SEED),
                "-o",
                str(tmp_path / "out.csv"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        locked_dir.chmod(0o755)
        locked_file.chmod(0o644)
    if "Operation not permitted" in process.stderr and "setpriv" in process.stderr:
        pytest.skip("setpriv may not drop capabilities here")
    assert process.returncode == 2, process.stderr[-2000:]
    errors = [e for e in process.stderr.splitlines() if e.startswith("nlp-eval: error:")]
    assert "Traceback" not in process.stderr
    assert len(errors) == 2, errors
    assert any("locked: cannot open folder (Permission denied)" in e for e in errors)
    assert any("locked.tsv: cannot open (Permission denied)" in e for e in errors)
    assert "2001 files" in process.stderr and "2 unreadable files" in process.stderr
    table = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert table["doc"].nunique() == 2001
    assert "自评表0001" in set(table["doc"])


# ------------------------------------------------------------------ Python API


def test_read_files_takes_one_path_as_a_string(tmp_path):
    from nlp_eval.io import read_files

    assert read_files(str(SEED)).files_read == 1
    assert read_files(SEED).files_read == 1


def test_write_table_refuses_unknown_formats_and_text_streams_for_parquet():
    from nlp_eval.io import empty_table, write_table

    with pytest.raises(ValueError, match="unknown table format"):
        write_table(empty_table(), "xml", io.StringIO())
    with pytest.raises(ValueError, match="binary"):
        write_table(empty_table(), "parquet", io.StringIO())
    buffer = io.BytesIO()
    write_table(empty_table(), "parquet", buffer)
    assert buffer.getvalue().startswith(b"PAR1")


def test_tokens_and_compare_take_any_string():
    from nlp_eval.compare import MAX_COMPARED_CHARS, compare, explain
    from nlp_eval.text import tokens

    assert tokens("a\ud800b") == ["a", "\ufffd", "b"]
    huge = "完成培训" * 250_000 + "100人"
    started = __import__("time").monotonic()
    compare("≥100人", huge)
    assert __import__("time").monotonic() - started < 30
    assert "note" in explain("≥100人", "x" * (MAX_COMPARED_CHARS + 1))
