"""The review site: Starlette routes, server-rendered Jinja2 pages, one small static script.

Security (the tables come from outside, the site may be reached by other pages in the browser):
every page escapes table text (Jinja2 autoescape), the Content-Security-Policy allows scripts,
styles and connections from this server only (no inline script, no outside host), forms that
change state carry a CSRF token and are refused from another origin, the Host header must name
this server (no DNS rebinding), and a server listening beyond loopback requires an access token.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import shutil
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from nlp_eval.io.grids import READERS
from nlp_eval.records import LABELS
from nlp_eval.report import words
from nlp_eval.serve import review, runs
from nlp_eval.serve.db import DECISIONS, Run, Store

DEFAULT_MAX_UPLOAD = 200 * 1024 * 1024  # bytes of one upload (all its files)
MAX_FILES = 2000  # files of one upload: a folder of 500 tables fits
CACHED_RUNS = 4  # run results kept in memory
TOKEN_COOKIE = "nlp_eval_token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on our forms
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
SEVERITIES = ("error", "warning", "info")
PAGE_ROWS = 500  # projects listed on one overview page
PROBLEM_ROWS = 300  # reader problems listed on it
NOT_FINISHED = "no such run (or it is not finished)"
RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")


@dataclass
class Settings:
    data: Path  # the server's data folder: uploads and run results live here
    db: Path
    workers: int = 2  # runs at once; more would only share the same cores
    isolate: bool = True  # each run in its own process (False: in a thread, for tests)
    token: str | None = None  # required on every request when set
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
    max_upload: int = DEFAULT_MAX_UPLOAD
    lang: str = "zh"
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))


class State:
    """What the routes share: settings, the database, the cache of loaded runs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.db)
        # A thread per run at most `workers` at once; with `isolate` the thread only waits for
        # the run's own process, so the server never computes while it answers pages.
        self.executor = ThreadPoolExecutor(settings.workers, thread_name_prefix="run")
        self.cache: OrderedDict[str, runs.RunResult] = OrderedDict()
        self.indexes: dict[str, RunIndex] = {}
        for run in self.store.interrupted():
            self.store.finish(run.id, error="interrupted: the server stopped during the run")

    def folder(self, run_id: str) -> Path:
        if not RUN_ID.fullmatch(run_id):  # ids are ours; never let a client name a path
            raise ValueError(f"bad run id {run_id!r}")
        return self.settings.data / "runs" / run_id

    def start(self, inputs: list[runs.Input], shown: list[str], notes: list[str] = ()) -> str:
        run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        folder = self.folder(run_id)
        folder.mkdir(parents=True)
        record = [{"path": i.path, "name": i.name} for i in inputs]
        (folder / "inputs.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
        self.store.add_run(run_id, shown + list(notes))
        job = runs.work_in_process if self.settings.isolate else runs.work
        self.executor.submit(
            job, str(self.settings.db), run_id, inputs, str(folder), self.settings.lang
        )
        return run_id

    def close(self) -> None:
        """Stop now: end the runs' processes (marked interrupted at the next start)."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        runs.stop_processes()

    def inputs(self, run_id: str) -> list[runs.Input]:
        record = json.loads((self.folder(run_id) / "inputs.json").read_text("utf-8"))
        return [runs.Input(**r) for r in record]

    def index(self, run_id: str) -> RunIndex:
        if run_id not in self.indexes:
            self.indexes[run_id] = RunIndex.of(self.result(run_id))
        return self.indexes[run_id]

    def result(self, run_id: str) -> runs.RunResult:
        if run_id in self.cache:
            self.cache.move_to_end(run_id)
            return self.cache[run_id]
        result = runs.load(self.folder(run_id))
        self.cache[run_id] = result
        while len(self.cache) > CACHED_RUNS:
            evicted, _ = self.cache.popitem(last=False)
            self.indexes.pop(evicted, None)
        return result


def _float(value: Any) -> float | None:
    import jinja2

    if isinstance(value, jinja2.Undefined):  # totals of a run not finished yet
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _number(value: Any) -> str:
    """A score as shown: one decimal; "" for none, NaN or a value not yet known."""
    number = _float(value)
    return "" if number is None else f"{number:.1f}"


def _year(value: Any) -> str:
    number = _float(value)
    return "" if number is None else str(int(number))


def _templates() -> Jinja2Templates:
    import jinja2

    folder = files("nlp_eval.serve") / "templates"
    # autoescape everywhere: all table text is untrusted
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True)
    templates = Jinja2Templates(env=env)
    templates.env.globals["LABELS"] = LABELS
    templates.env.globals["words"] = words("zh")
    templates.env.filters["num"] = _number
    templates.env.filters["year"] = _year
    templates.env.filters["when"] = lambda t: time.strftime("%Y-%m-%d %H:%M", time.localtime(t))
    return templates


TEMPLATES = _templates()


def _state(request: Request) -> State:
    return request.app.state.serve


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    state = _state(request)
    context = {"csrf": state.settings.csrf, **context}
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def _error(request: Request, status: int, message: str) -> Response:
    return _page(request, "error.html", {"message": message}, status)


# ---------------------------------------------------------------- middleware


class Guard(BaseHTTPMiddleware):
    """Host check, access token, CSRF on every state-changing request, security headers."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        settings: Settings = request.app.state.serve.settings
        response = await self._check(request, settings) or await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def _check(self, request: Request, settings: Settings) -> Response | None:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0]
        if settings.token is None and host not in settings.allowed_hosts:
            return PlainTextResponse("unknown host", status_code=400)
        if settings.token is not None:
            given = request.query_params.get("token")
            if given is not None and secrets.compare_digest(given, settings.token):
                # keep the token in a cookie and drop it from the address bar
                query = urlencode([(k, v) for k, v in request.query_params.multi_items()
                                   if k != "token"])  # fmt: skip
                target = request.url.path + (f"?{query}" if query else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, settings.token, httponly=True, samesite="strict")
                return response
            cookie = request.cookies.get(TOKEN_COOKIE, "")
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not any(secrets.compare_digest(t, settings.token) for t in (cookie, bearer) if t):
                return PlainTextResponse(
                    "需要访问令牌 / access token required (see the address the server printed)",
                    status_code=401,
                )
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("origin")
            if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
                return PlainTextResponse("cross-origin request refused", status_code=403)
            given = request.headers.get("x-csrf-token") or request.query_params.get("csrf") or ""
            if not given and request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"
            ):
                # the body, not request.form(): the route reads the form again after us
                fields = parse_qs((await request.body()).decode("utf-8", "replace"))
                given = fields.get("csrf", [""])[0]
            if not given or not secrets.compare_digest(given, settings.csrf):
                return PlainTextResponse(
                    "页面已过期或请求来源不明，请刷新页面再试 / CSRF token missing or stale: reload",
                    status_code=403,
                )
        return None


# ---------------------------------------------------------------- pages


async def index(request: Request) -> Response:
    state = _state(request)
    table_types = " ".join(sorted(READERS))
    return _page(request, "index.html", {"runs": state.store.runs(), "table_types": table_types,
                                         "max_mb": state.settings.max_upload // 2**20})  # fmt: skip


def _upload_name(filename: str) -> str:
    """A client file name as text: path separators and control characters removed."""
    name = "".join(ch for ch in filename.replace("\\", "/") if ch.isprintable())
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".", "..", "/")]
    return "/".join(parts)[-200:] or "upload"


async def upload(request: Request) -> Response:
    state = _state(request)
    limit = state.settings.max_upload
    length = request.headers.get("content-length")
    if length is None:
        return _error(request, 411, "上传需要 Content-Length / an upload needs a Content-Length")
    if int(length) > limit:
        return _error(request, 413, f"上传超过 {limit // 2**20} MB 上限 / upload too large")
    async with request.form(max_files=MAX_FILES, max_fields=20) as form:
        run_dir = uuid.uuid4().hex
        target = state.settings.data / "uploads" / run_dir
        inputs: list[runs.Input] = []
        skipped: list[str] = []
        used_docs: set[str] = set()
        for item in form.getlist("files"):
            if isinstance(item, str) or not item.filename:
                continue
            name = _upload_name(item.filename)
            suffix = PurePosixPath(name).suffix.lower()
            if suffix not in READERS:
                skipped.append(f"{name}: not a table file type, skipped")
                continue
            # The stored name is generated; the user's name is only text (doc, cells, lists).
            stem = PurePosixPath(name).stem
            doc = stem
            copy = 2
            while doc in used_docs:  # two folders' 表1.xlsx stay two documents
                doc, copy = f"{stem} ({copy})", copy + 1
            used_docs.add(doc)
            target.mkdir(parents=True, exist_ok=True)
            stored = target / f"{len(inputs):04d}{suffix}"
            with stored.open("wb") as out:
                await asyncio.to_thread(shutil.copyfileobj, item.file, out)
            inputs.append(runs.Input(str(stored), doc + suffix if doc != stem else name))
    if not inputs:
        message = "没有可读取的表格文件 / no table files in the upload (" + ", ".join(
            sorted(READERS)
        )
        return _error(request, 400, message + ")")
    run_id = state.start(inputs, [i.name for i in inputs], skipped)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


async def rerun(request: Request) -> Response:
    state = _state(request)
    run_id = request.path_params["run_id"]
    if state.store.run(run_id) is None:
        return _error(request, 404, "no such run")
    inputs = state.inputs(run_id)
    new_id = state.start(inputs, [i.name for i in inputs])
    return RedirectResponse(f"/runs/{new_id}", status_code=303)


async def status(request: Request) -> Response:
    run = _state(request).store.run(request.path_params["run_id"])
    if run is None:
        return JSONResponse({"error": "no such run"}, status_code=404)
    return JSONResponse({"status": run.status, "stage": run.stage, "done": run.done,
                         "total": run.total, "error": run.error})  # fmt: skip


@dataclass(frozen=True)
class RunIndex:
    """What the pages look up in a run again and again, computed once per loaded run."""

    judged: list[review.Judged]  # every finding with its review key
    doc_project: list[tuple[str, str]]  # per pair
    search: list[str]  # per pair: its project, document, unit and texts, lower case
    codes: list[tuple[str, int]]  # finding codes and their counts

    @classmethod
    def of(cls, result: runs.RunResult) -> RunIndex:
        pairs = result.scores.pairs
        columns = ("project", "doc", "unit", "indicator", "target", "completion")
        texts = [pairs[c].astype(str).tolist() for c in columns]
        codes: dict[str, int] = {}
        for f in result.scores.findings:
            codes[f.code] = codes.get(f.code, 0) + 1
        return cls(
            judged=review.judged(result.scores),
            doc_project=list(zip(texts[1], texts[0], strict=True)),
            search=[" ".join(parts).lower() for parts in zip(*texts, strict=True)],
            codes=sorted(codes.items()),
        )


def _overview(result: runs.RunResult, index: RunIndex, params: Any) -> dict[str, Any]:
    """The overview's numbers and its filtered project list."""
    scores = result.scores
    projects = scores.projects
    scored = projects[projects["score"].notna()]
    chosen = projects
    filters = {k: params.get(k, "").strip() for k in ("unit", "year", "label", "code", "severity",
                                                         "q")}  # fmt: skip
    if filters["unit"]:
        chosen = chosen[chosen["unit"] == filters["unit"]]
    if filters["year"]:
        chosen = chosen[chosen["year"].map(_year) == filters["year"]]
    if filters["label"] in LABELS:
        chosen = chosen[chosen[filters["label"]] > 0]
    hits: list[set[tuple[str, str]]] = []
    if filters["code"] or filters["severity"]:
        code, severity = filters["code"].upper(), filters["severity"]
        hits.append({index.doc_project[f.row] for f in scores.findings
                     if f.code.startswith(code) and (not severity or f.severity == severity)})  # fmt: skip
    if filters["q"]:
        needle = filters["q"].lower()
        hits.append({index.doc_project[i] for i, t in enumerate(index.search) if needle in t})
    for hit in hits:
        keep = [(d, p) in hit for d, p in zip(chosen["doc"], chosen["project"], strict=True)]
        chosen = chosen[keep]
    grades = scored["grade"].value_counts()
    problems = result.reader_problems
    return {
        "projects": chosen.head(PAGE_ROWS).to_dict("records"),
        "shown": len(chosen),
        "all": len(projects),
        "filters": filters,
        "grades": {g: int(grades.get(g, 0)) for g in ("优", "良", "中", "差")},
        "labels": {label: int(scored[label].sum()) for label in LABELS},
        "units": sorted(u for u in projects["unit"].unique() if u),
        "years": sorted({y for y in projects["year"].map(_year) if y}),
        "codes": index.codes,
        "reader_problems": problems.head(PROBLEM_ROWS).to_dict("records"),
        "reader_problem_count": len(problems),
        "problems": scores.problems,
    }


async def run_page(request: Request) -> Response:
    state = _state(request)
    run_id = request.path_params["run_id"]
    run = state.store.run(run_id)
    if run is None:
        return _error(request, 404, "no such run")
    if run.status != "done":
        return _page(request, "progress.html", {"run": run})
    result = await asyncio.to_thread(state.result, run_id)
    index = await asyncio.to_thread(state.index, run_id)
    overview = await asyncio.to_thread(_overview, result, index, request.query_params)
    decisions = state.store.decisions()
    judged = index.judged
    decided = {"confirm": 0, "dismiss": 0}
    for j in judged:
        d = decisions.get(j.key, {}).get("decision")
        if d in decided:
            decided[d] += 1
    return _page(request, "run.html", {"run": run, "o": overview, "decided": decided,
                                       "severities": SEVERITIES})  # fmt: skip


def _done_run(request: Request) -> Run | None:
    """The run the path names, when it exists and has finished."""
    run = _state(request).store.run(request.path_params["run_id"])
    return run if run is not None and run.status == "done" else None


async def _review_form(request: Request, *names: str) -> Response | tuple[str, Any, list[int]]:
    """A review form posted to a finished run: (run id, form, its integer fields), or the error."""
    if _done_run(request) is None:
        return _error(request, 404, NOT_FINISHED)
    form = await request.form()
    try:
        numbers = [int(str(form.get(name, ""))) for name in names]
    except ValueError:
        return _error(request, 400, "bad form")
    return request.path_params["run_id"], form, numbers


async def project_page(request: Request) -> Response:
    state = _state(request)
    run_id = request.path_params["run_id"]
    run = _done_run(request)
    if run is None:
        return _error(request, 404, NOT_FINISHED)
    result = await asyncio.to_thread(state.result, run_id)
    judged = (await asyncio.to_thread(state.index, run_id)).judged
    view = await asyncio.to_thread(
        review.project_page, result.scores, request.path_params["rank"], state.store, judged
    )
    if view is None:
        return _error(request, 404, "no such project")
    return _page(request, "project.html", {"run": run, "p": view, "decisions": DECISIONS,
                                           "total": len(result.scores.projects)})  # fmt: skip


async def decide(request: Request) -> Response:
    state = _state(request)
    posted = await _review_form(request, "finding", "rank")
    if isinstance(posted, Response):
        return posted
    run_id, form, (index, rank) = posted
    judged = (await asyncio.to_thread(state.index, run_id)).judged
    if not 0 <= index < len(judged):
        return _error(request, 400, "no such finding")
    decision = str(form.get("decision", ""))
    reason = str(form.get("reason", "")).strip()[:2000]
    if decision == "clear":
        state.store.undecide(judged[index].key)
    elif decision in DECISIONS:
        if decision == "dismiss" and not reason:
            return _error(request, 400, "驳回需要写明理由 / a dismissal needs a reason")
        state.store.decide(judged[index].where, decision, reason)
    else:
        return _error(request, 400, "bad decision")
    return RedirectResponse(f"/runs/{run_id}/projects/{rank}#f{index}", status_code=303)


async def note(request: Request) -> Response:
    state = _state(request)
    posted = await _review_form(request, "row", "rank")
    if isinstance(posted, Response):
        return posted
    run_id, form, (row, rank) = posted
    result = await asyncio.to_thread(state.result, run_id)
    pairs = result.scores.pairs
    if not 0 <= row < len(pairs):
        return _error(request, 400, "no such pair")
    pair = pairs.iloc[row].to_dict()
    where = {"doc": str(pair["doc"]), "project": str(pair["project"]),
             "indicator": review.place(pair), "target": str(pair["target"]),
             "completion": str(pair["completion"])}  # fmt: skip
    state.store.set_note(where, str(form.get("note", ""))[:4000])
    return RedirectResponse(f"/runs/{run_id}/projects/{rank}#r{row}", status_code=303)


EXPORTS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             review.review_xlsx),
    "html": ("text/html; charset=utf-8", review.review_html),
    "csv": ("text/csv; charset=utf-8", review.review_csv),
    "suppress.csv": ("text/csv; charset=utf-8", review.suppression_file),
}  # fmt: skip


async def export(request: Request) -> Response:
    state = _state(request)
    run_id = request.path_params["run_id"]
    fmt = request.path_params["fmt"]
    if _done_run(request) is None or fmt not in EXPORTS:
        return _error(request, 404, "no such export")
    media, writer = EXPORTS[fmt]
    result = await asyncio.to_thread(state.result, run_id)
    body = await asyncio.to_thread(writer, result.scores, state.store)
    if fmt == "csv":
        body = "\ufeff" + body  # Excel reads UTF-8 with a BOM
    name = f"nlp-eval-{run_id}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media, headers=headers)


def create_app(settings: Settings) -> Starlette:
    static = StaticFiles(directory=str(files("nlp_eval.serve") / "static"))
    routes = [
        Route("/", index),
        Route("/runs", upload, methods=["POST"]),
        Route("/runs/{run_id}", run_page),
        Route("/runs/{run_id}/status", status),
        Route("/runs/{run_id}/rerun", rerun, methods=["POST"]),
        Route("/runs/{run_id}/projects/{rank:int}", project_page),
        Route("/runs/{run_id}/decide", decide, methods=["POST"]),
        Route("/runs/{run_id}/note", note, methods=["POST"]),
        Route("/runs/{run_id}/export.{fmt}", export),
        Mount("/static", static, name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard)])
    app.state.serve = State(settings)
    return app
