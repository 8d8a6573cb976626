"""nlp-eval serve in a real headless Chromium, as a reviewer uses it.

Upload the seed, wait for the run, open the lowest-scoring project, dismiss a finding with a
reason, export the xlsx and find the decision in it, run the same file again and see the
decision again. Screenshots go to the test's temporary folder (NLP_EVAL_SCREENSHOTS=DIR keeps
them elsewhere).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

from openpyxl import load_workbook  # noqa: E402

SEED = Path(__file__).parent / "fixtures" / "longgang_culture_2020.tsv"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REASON = "已电话核实，完成情况另附实测值"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nlp_eval", "serve", "--port", str(port), "--data",
         str(tmp_path / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def upload_and_wait(page, base: str) -> None:
    page.goto(base + "/")
    page.set_input_files("#files", str(SEED))
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(r".*/runs/[^/]+$"))
    page.wait_for_selector("table.ranking", timeout=240_000)  # the page reloads when done


def open_lowest(page) -> str:
    rows = page.locator("table.ranking tbody tr")
    scores = [float(rows.nth(i).locator("td").nth(1).inner_text().split()[0])
              for i in range(rows.count())]  # fmt: skip
    lowest = scores.index(min(scores))
    name = rows.nth(lowest).locator("a.project").inner_text()
    rows.nth(lowest).locator("a.project").click()
    page.wait_for_selector("table.pairs")
    return name


def test_review_in_a_real_browser(server, tmp_path):
    shots = Path(os.environ.get("NLP_EVAL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        blocked = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)

        upload_and_wait(page, server)
        page.screenshot(path=str(shots / "overview.png"))
        project = open_lowest(page)

        form = page.locator("form.review").first
        finding = form.locator("xpath=ancestor::li[1]")
        code = finding.locator("code").first.inner_text()
        form.locator("input[name=reason]").fill(REASON)
        form.locator("button[value=dismiss]").click()
        page.wait_for_selector("li.decided-dismiss")
        dismissed = page.locator("li.decided-dismiss").first
        assert REASON in dismissed.inner_text() and code in dismissed.inner_text()
        dismissed.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "dismissed.png"))

        page.locator("header.top a").nth(1).click()  # back to the run
        with page.expect_download() as download:
            page.click("#export-xlsx")
        workbook = tmp_path / "export.xlsx"
        download.value.save_as(workbook)
        rows = list(load_workbook(workbook)["审核"].values)
        header = rows[0]
        decided = [dict(zip(header, r, strict=True)) for r in rows[1:]
                   if r[header.index("decision")]]  # fmt: skip
        assert [(d["project"], d["code"], d["decision"], d["reason"]) for d in decided] == [
            (project, code, "驳回", REASON)
        ]

        upload_and_wait(page, server)  # the same file again: a new run
        assert "1 已驳回" in page.locator(".cards").first.inner_text()
        assert open_lowest(page) == project
        again = page.locator("li.decided-dismiss")
        assert again.count() == 1 and REASON in again.first.inner_text()
        again.first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "rerun.png"))
        assert not blocked, blocked  # the CSP blocked nothing the pages need
        browser.close()
