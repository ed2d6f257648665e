"""`kehoach review` as a real server process: killed while it writes a correction, and driven by a real
browser (Debian's chromium + chromedriver through Selenium, headless, nothing downloaded)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from pipeline import corrections
from tests.conftest import ROOT

BACKAN = "backan-stttt-cchc-2023.pdf"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = ROOT / "docs" / "img" / "review.png"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, out: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "pipeline", "review", "--out", str(out), "--port", str(self.port), "--no-browser"]
        environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=environ, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=5).read()
                return
            except (urllib.error.URLError, ConnectionError):
                assert self.proc.poll() is None, self.proc.stderr.read() if self.proc.stderr else ""
                time.sleep(0.3)
        raise AssertionError("the review server did not start")

    def get(self, path: str) -> str:
        return urllib.request.urlopen(self.url + path, timeout=60).read().decode()

    def post(self, path: str, body: dict, csrf: str) -> dict:
        req = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRF-Token": csrf},
            method="POST",
        )
        return json.loads(urllib.request.urlopen(req, timeout=120).read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def doc_id(out: Path, file_name: str) -> str:
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        return con.execute("select doc_id from documents where file_name = ?", [file_name]).fetchone()[0]
    finally:
        con.close()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture
def out(ingested, tmp_path) -> Path:
    dest = tmp_path / "out"
    shutil.copytree(ingested, dest)
    return dest


def assert_log_intact(out: Path) -> list:
    """Every entry of the log is a whole JSON object; temporaries (a write cut short) are not entries."""
    for path in (out / "corrections").glob("*.json"):
        if not path.name.startswith("."):
            json.loads(path.read_text(encoding="utf-8"))  # raises on a torn file
    return corrections.read_log(out)


@pytest.mark.slow
def test_server_killed_while_writing_a_correction_keeps_the_log_whole(out):
    did = doc_id(out, BACKAN)
    # 1. killed at a fixed point: the second entry written and fsynced under its temporary name, not renamed
    server = Server(out, {"KEHOACH_FAULT": "correction-before-rename:2"})
    try:
        csrf = csrf_of(server.get(f"/doc/{did}"))
        server.post(f"/doc/{did}/correct", {"action": "set", "row_no": 3, "field": "task", "value": "một"}, csrf)
        with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
            server.post(f"/doc/{did}/correct", {"action": "set", "row_no": 4, "field": "task", "value": "hai"}, csrf)
        assert server.proc.wait(timeout=20) == -signal.SIGKILL
    finally:
        server.stop()
    entries = assert_log_intact(out)
    assert [(c.row_no, c.new_value) for c in entries] == [(3, "một")]
    assert any(p.name.startswith(".") for p in (out / "corrections").iterdir())  # the torn write, ignored

    # 2. killed at a random moment of a correction (appending, rewriting Parquet, rebuilding DuckDB)
    server = Server(out)
    try:
        csrf = csrf_of(server.get(f"/doc/{did}"))
        req = urllib.request.Request(
            server.url + f"/doc/{did}/correct",
            data=json.dumps({"action": "set", "row_no": 5, "field": "task", "value": "ba"}).encode(),
            headers={"Content-Type": "application/json", "X-CSRF-Token": csrf},
            method="POST",
        )
        import threading

        threading.Thread(target=lambda: _ignore(lambda: urllib.request.urlopen(req, timeout=60)), daemon=True).start()
        time.sleep(random.uniform(0.05, 2.5))
        server.proc.kill()
        server.proc.wait()
    finally:
        server.stop()
    entries = assert_log_intact(out)
    assert [c.new_value for c in entries][:1] == ["một"] and len(entries) in (1, 2)

    # 3. a new server (and the next extraction) carries on from the log: every entry gets a state
    server = Server(out)
    try:
        csrf = csrf_of(server.get(f"/doc/{did}"))
        server.post(f"/doc/{did}/correct", {"action": "verified", "row_no": 6}, csrf)
    finally:
        server.stop()
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        states = con.execute("select row_no, state from corrections order by correction_id").fetchall()
        task3 = con.execute("select task from tasks where doc_id = ? and row_no = 3", [did]).fetchone()
    finally:
        con.close()
    assert states[0] == (3, "applied") and states[-1] == (6, "applied") and len(states) == len(entries) + 1
    assert task3 == ("một",)


def _ignore(fn) -> None:
    with contextlib.suppress(Exception):  # the server is killed under the request
        fn()


@pytest.mark.slow
def test_browser_edits_a_cell_and_sees_it_after_reextract(out):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    did = doc_id(out, BACKAN)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1000", "--lang=vi"):
        options.add_argument(arg)
    server = Server(out)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(server.url + "/")
        driver.find_element(By.LINK_TEXT, BACKAN).click()
        wait.until(ec.presence_of_element_located((By.ID, "row-1")))
        # keyboard: "n" selects the first flagged row
        driver.find_element(By.TAG_NAME, "body").send_keys("n")
        first_flagged = driver.find_element(By.CSS_SELECTOR, "#rows tr.flagged")
        assert "selected" in first_flagged.get_attribute("class")
        # choose row 13, see its cell boxes drawn over the page
        row = driver.find_element(By.ID, "row-13")
        cell = row.find_element(By.CSS_SELECTOR, "td[data-field=lead_text]")
        cell.click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pagebox .box"))
        wait.until(lambda d: d.execute_script("return document.getElementById('pageimg').naturalWidth") > 0)
        before = cell.text
        ActionChains(driver).double_click(cell).perform()
        area = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#row-13 textarea")))
        area.send_keys(Keys.CONTROL, "a")
        area.send_keys(Keys.DELETE)
        area.send_keys("Sở Nội vụ, Văn phòng Sở")
        driver.find_element(By.CSS_SELECTOR, "#row-13 button.save").click()
        wait.until(
            lambda d: (
                d.find_element(By.CSS_SELECTOR, "#row-13 td[data-field=lead_text]").text == "Sở Nội vụ, Văn phòng Sở"
            )
        )

        r = subprocess.run(
            [sys.executable, "-m", "pipeline", "reextract", "--all", "--out", str(out), "--quiet"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert r.returncode == 0, r.stderr

        driver.refresh()
        cell = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#row-13 td[data-field=lead_text]")))
        assert cell.text == "Sở Nội vụ, Văn phòng Sở" != before
        assert "corrected" in cell.get_attribute("class")
        assert "applied" in driver.find_element(By.TAG_NAME, "body").text
        cell.click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pagebox .box.hot"))
        wait.until(lambda d: d.execute_script("return document.getElementById('pageimg').complete"))
        driver.execute_script("window.scrollTo(0, 0)")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT))
    finally:
        driver.quit()
        server.stop()
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        got = con.execute("select lead_text from tasks where doc_id = ? and row_no = 13", [did]).fetchone()
        state = con.execute("select state from corrections where doc_id = ?", [did]).fetchall()
    finally:
        con.close()
    assert got == ("Sở Nội vụ, Văn phòng Sở",) and state == [("applied",)]
