"""nlp-eval serve through Starlette's test client: pages, review, exports, and the safety rules."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("httpx2", reason="starlette's test client needs httpx2")

from openpyxl import load_workbook  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from nlp_eval.score import run as score_run  # noqa: E402
from nlp_eval.serve import db as review_db  # noqa: E402
from nlp_eval.serve import review  # noqa: E402
from nlp_eval.serve.app import Settings, create_app  # noqa: E402

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"
HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">点我</a>',
    "javascript:alert(1)",
]


def make_client(data: Path, **settings) -> tuple[TestClient, Settings]:
    options = {"allowed_hosts": ("testserver",)} | settings
    # runs in threads here (isolate=False); the browser test runs the real server's processes
    config = Settings(data=data, db=data / "review.sqlite", isolate=False, **options)
    return TestClient(create_app(config)), config


def upload(client: TestClient, config: Settings, files: list[tuple[str, bytes]]):
    parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
    return client.post(f"/runs?csrf={config.csrf}", files=parts, follow_redirects=False)


def wait(client: TestClient, location: str, timeout: float = 240) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = client.get(f"{location}/status").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"run {location} did not finish")


def run_files(client, config, files) -> str:
    response = upload(client, config, files)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert client.get("/").status_code == 200  # the run list, with this run not finished
    assert client.get(location).status_code == 200  # its progress page
    assert wait(client, location)["status"] == "done"
    return location


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A server with one finished run of the seed."""
    data = tmp_path_factory.mktemp("serve")
    client, config = make_client(data)
    location = run_files(client, config, [(SEED.name, SEED.read_bytes())])
    return client, config, location, data


def test_pages_show_ranking_reader_problems_and_project(seeded):
    client, _, location, _ = seeded
    page = client.get(location)
    assert page.status_code == 200
    html = page.text
    assert "办公设备购置" in html and "其他一般管理事务" in html
    assert "重新对齐" in html and "未放置" in html  # the seed's re-aligned rows and extra cells
    # every project row links to its page; the last-ranked is the lowest score
    links = re.findall(r'href="(/runs/[^"]+/projects/(\d+))"', html)
    assert len(links) == 7
    project = client.get(links[-1][0])
    assert project.status_code == 200
    text = project.text
    assert "扣分去向" in text and "单元格" in text and "longgang_culture_2020.tsv::" in text
    assert "<mark" in text  # shared target/completion text highlighted
    assert "确认" in text and "驳回" in text


def test_filters_and_search_narrow_the_ranking(seeded):
    client, _, location, _ = seeded

    def projects(query: str) -> set[str]:
        html = client.get(f"{location}?{query}").text
        return set(re.findall(r'class="project" href="[^"]+">([^<]+)</a>', html))

    everything = projects("")
    assert len(everything) == 7
    assert projects("q=设备购置数量") == {"办公设备购置"}  # text inside a pair, not a name
    assert projects("code=C001") < everything
    copies = projects("label=copy")
    assert copies and copies < everything
    assert projects("severity=error") <= everything
    assert projects("year=1999") == set()


def test_every_page_has_csp_and_no_inline_script(seeded):
    client, _, location, _ = seeded
    for url in ("/", location, f"{location}/projects/1"):
        response = client.get(url)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        scripts = re.findall(r"<script([^>]*)>", response.text)
        assert scripts and all('src="/static/' in s for s in scripts)
        assert not re.search(r"\son\w+=", response.text)  # no inline event handlers
        assert ' style="' not in response.text


def test_hostile_table_renders_inert(tmp_path):
    client, config = make_client(tmp_path)
    rows = [["project", "unit", "indicator", "target", "completion"]]
    rows += [[HOSTILE[0], HOSTILE[3], HOSTILE[1], HOSTILE[2], HOSTILE[1]]]
    rows += [[HOSTILE[0], HOSTILE[3], "数量", "组织活动≥3次", HOSTILE[2]]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    location = run_files(client, config, [("<b>x</b>.csv", buffer.getvalue().encode())])
    pages = [client.get(location).text, client.get(f"{location}/projects/1").text]
    pages.append(client.get("/").text)
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert "<b>x</b>" not in html
    assert "&lt;script&gt;alert(" in pages[1] and "&lt;img src=x onerror=alert(1)&gt;" in pages[1]
    exported = client.get(f"{location}/export.html").text
    assert "<img src=x" not in exported and "<script>alert" not in exported


def test_state_changes_need_the_csrf_token_and_our_origin(seeded):
    client, config, location, _ = seeded
    form = {"finding": "0", "rank": "1", "decision": "confirm"}
    assert client.post(f"{location}/decide", data=form).status_code == 403
    stale = form | {"csrf": "stale"}
    assert client.post(f"{location}/decide", data=stale).status_code == 403
    other = client.post(
        f"{location}/decide", data=form | {"csrf": config.csrf},
        headers={"origin": "http://evil.example"},
    )  # fmt: skip
    assert other.status_code == 403
    assert client.post("/runs", files=[("files", ("a.tsv", b"x"))]).status_code == 403


def test_unknown_host_is_refused(seeded):
    client, *_ = seeded
    assert client.get("/", headers={"host": "rebind.example"}).status_code == 400


def test_token_required_beyond_loopback(tmp_path):
    client, config = make_client(tmp_path, token="s3cret-token")
    assert client.get("/").status_code == 401
    assert client.get("/static/app.js").status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    entry = client.get("/?token=s3cret-token", follow_redirects=False)
    assert entry.status_code == 303 and entry.headers["location"] == "/"
    assert "httponly" in entry.headers["set-cookie"].lower()
    assert client.get("/").status_code == 200  # the cookie now carries it
    fresh = TestClient(client.app)
    assert fresh.get("/", headers={"authorization": "Bearer s3cret-token"}).status_code == 200


def test_uploads_are_limited_typed_and_stored_under_generated_names(tmp_path):
    client, config = make_client(tmp_path, max_upload=50_000)
    assert upload(client, config, [("x.tsv", b"a" * 60_000)]).status_code == 413
    refused = upload(client, config, [("evil.sh", b"#!/bin/sh\n"), ("notes.md", b"# x")])
    assert refused.status_code == 400 and "no table files" in refused.text
    response = upload(client, config, [("../../escape.tsv", SEED.read_bytes()[:40_000])])
    assert response.status_code == 303
    wait(client, response.headers["location"])
    assert not (tmp_path.parent / "escape.tsv").exists()
    stored = [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert [p.name for p in stored] == ["0000.tsv"]


def test_a_bad_file_costs_that_file_only(tmp_path):
    client, config = make_client(tmp_path)
    files = [("坏文件.xlsx", b"PK\x03\x04 not a workbook"), (SEED.name, SEED.read_bytes())]
    location = run_files(client, config, files)
    html = client.get(location).text
    assert "无法读取" in html and "坏文件.xlsx" in html
    assert "办公设备购置" in html


def _finding_index(client, location, rank, code) -> int:
    html = client.get(f"{location}/projects/{rank}").text
    found = re.findall(rf'id="f(\d+)">\s*<code>{code}</code>', html)
    assert found, f"no {code} finding on project {rank}"
    return int(found[0])


def test_decisions_round_trip_to_lint_suppress(seeded, tmp_path):
    """page → SQLite → suppression file → lint --suppress hides exactly the dismissed findings."""
    client, config, location, _ = seeded
    result = client.app.state.serve.result(location.rsplit("/", 1)[1])
    judged = review.judged(result.scores)
    # dismiss two findings of different projects, confirm a third
    chosen = {}
    for j in judged:
        if j.where["code"] in ("R001", "V001") and j.where["code"] not in chosen:
            chosen[j.where["code"]] = j
    ranks = dict(
        zip(result.scores.projects["project"], result.scores.projects["rank"], strict=True)
    )
    for j in chosen.values():
        response = client.post(
            f"{location}/decide",
            data={"csrf": config.csrf, "finding": j.index, "rank": int(ranks[j.where["project"]]),
                  "decision": "dismiss", "reason": "表中另有实测值"},
        )  # fmt: skip
        assert response.status_code == 200, response.text[-300:]
    confirmed = next(j for j in judged if j.where["code"] == "C001")
    client.post(f"{location}/decide", data={"csrf": config.csrf, "finding": confirmed.index,
                                            "rank": 1, "decision": "confirm"})  # fmt: skip
    refused = client.post(f"{location}/decide", data={"csrf": config.csrf, "finding": 0,
                                                      "rank": 1, "decision": "dismiss"})  # fmt: skip
    assert refused.status_code == 400  # a dismissal needs a reason

    # a decision holds for every finding with the same key (same place, code and text)
    keys = {j.key for j in chosen.values()}
    dismissed = {(j.row, j.where["code"]) for j in judged if j.key in keys}
    suppressions = client.get(f"{location}/export.suppress.csv").text
    path = tmp_path / "dismissed.csv"
    path.write_text(suppressions, encoding="utf-8")
    # lint --suppress on the same file: the run's own findings are the "before"
    cli = subprocess.run(
        [sys.executable, "-m", "nlp_eval", "lint", str(SEED), "--format", "json", "--suppress",
         str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert cli.returncode in (0, 1), cli.stderr
    after = {(f["row"], f["code"]) for f in json.loads(cli.stdout)["findings"]}
    before = {(f.row, f.code) for f in result.scores.findings}
    assert after < before
    assert before - after == dismissed
    # score --suppress reads the same file: the dismissed findings explain no lost points
    quiet = score_run([SEED], suppressions=path)
    explained = set(zip(result.scores.losses["row"], result.scores.losses["code"], strict=True))
    assert dismissed & explained
    assert not dismissed & set(zip(quiet.losses["row"], quiet.losses["code"], strict=True))


def test_decisions_survive_restart_and_reattach_on_rerun(tmp_path):
    client, config = make_client(tmp_path)
    location = run_files(client, config, [(SEED.name, SEED.read_bytes())])
    index = _finding_index(client, location, 7, "V001")
    client.post(f"{location}/decide", data={"csrf": config.csrf, "finding": index, "rank": 7,
                                            "decision": "dismiss", "reason": "口径说明见附件"})  # fmt: skip
    row = int(
        re.findall(r'name="row" value="(\d+)"', client.get(f"{location}/projects/7").text)[-1]
    )
    client.post(f"{location}/note", data={"csrf": config.csrf, "row": row, "rank": 7,
                                          "note": "请单位补充问卷份数"})  # fmt: skip

    restarted, config2 = make_client(tmp_path)  # a new server on the same data folder
    page = restarted.get(f"{location}/projects/7").text
    assert "口径说明见附件" in page and "请单位补充问卷份数" in page
    rerun = restarted.post(f"{location}/rerun", data={"csrf": config2.csrf},
                           follow_redirects=False)  # fmt: skip
    second = rerun.headers["location"]
    assert second != location and wait(restarted, second)["status"] == "done"
    page = restarted.get(f"{second}/projects/7").text
    assert "已驳回" in page and "口径说明见附件" in page and "请单位补充问卷份数" in page

    book = load_workbook(io.BytesIO(restarted.get(f"{second}/export.xlsx").content))
    rows = list(book["审核"].values)
    header = rows[0]
    decided = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[header.index("decision")]]
    assert [(d["code"], d["decision"], d["reason"]) for d in decided] == [
        ("V001", "驳回", "口径说明见附件")
    ]
    noted = [r for r in rows[1:] if r[header.index("note")]]
    assert noted and noted[0][header.index("note")] == "请单位补充问卷份数"
    exported_csv = restarted.get(f"{second}/export.csv").text
    assert "驳回" in exported_csv and "口径说明见附件" in exported_csv
    assert "口径说明见附件" in restarted.get(f"{second}/export.html").text


def test_a_changed_text_is_a_fresh_finding():
    same = review_db.finding_key("d", "p", "满意度", "R001", "满意度≥95%")
    assert same == review_db.finding_key("d", "p", "满意度", "R001", "满意度≥95%")
    assert same != review_db.finding_key("d", "p", "满意度", "R001", "满意度≥90%")
    assert same != review_db.finding_key("d", "p", "满意度", "R002", "满意度≥95%")


def test_an_older_database_is_migrated_and_keeps_its_decisions(tmp_path):
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    for statement in review_db.MIGRATIONS[0]:
        con.execute(statement)
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    con.execute("INSERT INTO schema_version VALUES (1)")
    con.execute(
        "INSERT INTO decisions VALUES ('k', 'd', 'p', 'i', 'V001', 't', 'dismiss', 'why', 0)"
    )
    con.commit()
    con.close()
    store = review_db.Store(path)
    assert store.decisions()["k"]["reason"] == "why"
    store.set_note({"doc": "d", "project": "p", "indicator": "i", "target": "a",
                    "completion": "b"}, "备注")  # fmt: skip
    assert list(store.notes().values()) == ["备注"]
    con = sqlite3.connect(path)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(2,)]
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_help_does_not_load_the_web_stack():
    code = (
        "import sys; from typer.testing import CliRunner; from nlp_eval.cli import app;"
        "CliRunner().invoke(app, ['--help']);"
        "print(any(m.split('.')[0] in ('starlette', 'uvicorn', 'jinja2') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
