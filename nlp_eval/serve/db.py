"""The review database: runs, their inputs and progress, and the reviewers' decisions and notes.

SQLite in WAL mode (readers never wait for the run worker that writes progress); the schema
carries its version in `schema_version` and `migrate` brings an older file up to date, one
step per version, so a database written by an earlier nlp-eval keeps its decisions.

A decision or note is keyed by what it judges, not by the run: document, project, indicator,
code and the judged text (`finding_key`). Running the same files again finds the same keys, so
the decisions re-attach; a changed text gives a new key, a fresh finding.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2
DECISIONS = ("confirm", "dismiss")

# One list of statements per version step: MIGRATIONS[n] takes a version-n file to n+1.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY, created REAL NOT NULL, inputs TEXT NOT NULL,
            status TEXT NOT NULL, stage TEXT NOT NULL DEFAULT '', done INTEGER NOT NULL DEFAULT 0,
            total INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
            totals TEXT NOT NULL DEFAULT '{}')""",
        """CREATE TABLE decisions (
            key TEXT PRIMARY KEY, doc TEXT NOT NULL, project TEXT NOT NULL,
            indicator TEXT NOT NULL, code TEXT NOT NULL, text TEXT NOT NULL,
            decision TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', updated REAL NOT NULL)""",
    ],
    # version 2: notes per pair (keyed like a decision, with the pair's target and completion)
    [
        """CREATE TABLE notes (
            key TEXT PRIMARY KEY, doc TEXT NOT NULL, project TEXT NOT NULL,
            indicator TEXT NOT NULL, note TEXT NOT NULL, updated REAL NOT NULL)""",
    ],
]


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256(json.dumps(list(parts), ensure_ascii=False).encode()).hexdigest()[:32]


def finding_key(doc: str, project: str, indicator: str, code: str, text: str) -> str:
    """The identity of a finding across runs: where it is, which rule, and the text it judged."""
    return _digest(("finding", doc, project, indicator, code, text))


def pair_key(doc: str, project: str, indicator: str, target: str, completion: str) -> str:
    """The identity of a pair across runs, for its note."""
    return _digest(("pair", doc, project, indicator, target, completion))


@dataclass(frozen=True)
class Run:
    id: str
    created: float
    inputs: list[str]  # what the user gave: file names as uploaded, or paths on this machine
    status: str  # queued / running / done / failed
    stage: str
    done: int
    total: int
    error: str
    totals: dict[str, Any]

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


def _run(row: sqlite3.Row) -> Run:
    return Run(
        id=row["id"],
        created=row["created"],
        inputs=json.loads(row["inputs"]),
        status=row["status"],
        stage=row["stage"],
        done=row["done"],
        total=row["total"],
        error=row["error"],
        totals=json.loads(row["totals"]),
    )


class Store:
    """One SQLite file; a short-lived connection per call, so threads and processes can share it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            migrate(con)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30)
        con.row_factory = sqlite3.Row
        try:
            with con:
                yield con
        finally:
            con.close()

    # ------------------------------------------------------------ runs

    def add_run(self, run_id: str, inputs: list[str]) -> None:
        with self._connect() as con:
            con.execute(
                "INSERT INTO runs (id, created, inputs, status) VALUES (?, ?, ?, 'queued')",
                (run_id, time.time(), json.dumps(inputs, ensure_ascii=False)),
            )

    def progress(self, run_id: str, *, stage: str, done: int, total: int) -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE runs SET status='running', stage=?, done=?, total=? WHERE id=?",
                (stage, done, total, run_id),
            )

    def finish(self, run_id: str, *, totals: dict[str, Any] | None = None, error: str = "") -> None:
        status = "failed" if error else "done"
        with self._connect() as con:
            con.execute(
                "UPDATE runs SET status=?, stage='', error=?, totals=? WHERE id=?",
                (status, error, json.dumps(totals or {}, ensure_ascii=False), run_id),
            )

    def run(self, run_id: str) -> Run | None:
        with self._connect() as con:
            row = con.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        return _run(row) if row else None

    def runs(self) -> list[Run]:
        with self._connect() as con:
            rows = con.execute("SELECT * FROM runs ORDER BY created DESC").fetchall()
        return [_run(row) for row in rows]

    def interrupted(self) -> list[Run]:
        """Runs a stopped server left unfinished."""
        return [run for run in self.runs() if not run.finished]

    # ------------------------------------------------------------ decisions and notes

    def decide(
        self, where: dict[str, str], decision: str, reason: str
    ) -> None:  # where: doc project indicator code text
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}")
        key = finding_key(*(where[k] for k in ("doc", "project", "indicator", "code", "text")))
        with self._connect() as con:
            con.execute(
                """INSERT INTO decisions (key, doc, project, indicator, code, text, decision,
                   reason, updated) VALUES (:key, :doc, :project, :indicator, :code, :text,
                   :decision, :reason, :updated)
                   ON CONFLICT(key) DO UPDATE SET decision=excluded.decision,
                   reason=excluded.reason, updated=excluded.updated""",
                {**where, "key": key, "decision": decision, "reason": reason,
                 "updated": time.time()},
            )  # fmt: skip

    def undecide(self, key: str) -> None:
        with self._connect() as con:
            con.execute("DELETE FROM decisions WHERE key=?", (key,))

    def decisions(self, keys: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Decisions by key (all of them, or those of the given keys)."""
        with self._connect() as con:
            rows = con.execute("SELECT * FROM decisions").fetchall()
        wanted = None if keys is None else set(keys)
        return {r["key"]: dict(r) for r in rows if wanted is None or r["key"] in wanted}

    def set_note(self, where: dict[str, str], note: str) -> None:
        key = pair_key(*(where[k] for k in ("doc", "project", "indicator", "target", "completion")))
        with self._connect() as con:
            if not note.strip():
                con.execute("DELETE FROM notes WHERE key=?", (key,))
                return
            con.execute(
                """INSERT INTO notes (key, doc, project, indicator, note, updated)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET
                   note=excluded.note, updated=excluded.updated""",
                (key, where["doc"], where["project"], where["indicator"], note, time.time()),
            )

    def notes(self) -> dict[str, str]:
        with self._connect() as con:
            return {r["key"]: r["note"] for r in con.execute("SELECT key, note FROM notes")}


def version(con: sqlite3.Connection) -> int:
    """The schema version of a database file (0 for a new, empty one)."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = con.execute("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def migrate(con: sqlite3.Connection) -> int:
    """Bring the database to SCHEMA_VERSION step by step; refuse a newer file."""
    current = version(con)
    if current > SCHEMA_VERSION:
        from nlp_eval.errors import NlpEvalError

        raise NlpEvalError(
            f"database schema {current} is newer than this nlp-eval ({SCHEMA_VERSION}): upgrade"
        )
    for step in range(current, SCHEMA_VERSION):
        for statement in MIGRATIONS[step]:
            con.execute(statement)
    con.execute("DELETE FROM schema_version")
    con.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    return SCHEMA_VERSION
