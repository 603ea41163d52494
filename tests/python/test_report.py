"""The quarterly report renders into one self-contained HTML file (no network reference) with the review list, the
funnel plots and the synthetic-data note; headless Chromium renders the report and a dashboard page into
non-trivial screenshots."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt_helpers import REPO_ROOT
from test_dashboard import build_published
from websockets.sync.client import connect

pytestmark = pytest.mark.e2e
REPORT = REPO_ROOT / "scripts" / "report.py"
STREAMLIT = Path(sys.executable).parent / "streamlit"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
]
WAIT_SECONDS = 60
SCREENSHOT_MIN_BYTES = 10_000


@pytest.fixture(scope="module")
def published_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published copy of a build of the embedded data, built once for the module."""
    return build_published(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def report(published_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the selected period, written by the command line."""
    out = tmp_path_factory.mktemp("report_html") / "report.html"
    result = subprocess.run(
        [sys.executable, str(REPORT), "--database", str(published_database), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def chromium() -> Path:
    """The Chromium executable, installed with apt-get when absent and running as root; else the test is skipped."""
    if not CHROMIUM.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "chromium"], capture_output=True, check=False, timeout=600)
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent and `apt-get install -y chromium` did not provide it")
    return CHROMIUM


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, deadline: float) -> bytes:
    """GET `url` until it answers or `deadline` (time.monotonic) passes."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def screenshot_when_ready(url: str, ready_expression: str, profile: Path) -> bytes:
    """Load `url` in headless Chromium driven over the DevTools protocol and return a PNG screenshot taken once the
    JavaScript `ready_expression` is true (a Streamlit page draws after its websocket answers, later than the load
    event at which `--screenshot` would shoot)."""
    port = free_port()
    browser = subprocess.Popen(
        [str(chromium()), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--remote-debugging-port={port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        targets = json.loads(wait_for(f"http://127.0.0.1:{port}/json", deadline))
        page = next(target for target in targets if target["type"] == "page")
        with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=WAIT_SECONDS) as devtools:
            message_ids = iter(range(1, 1_000_000))

            def call(method: str, **params: object) -> dict[str, object]:
                message_id = next(message_ids)
                devtools.send(json.dumps({"id": message_id, "method": method, "params": params}))
                while True:
                    message = json.loads(devtools.recv(timeout=WAIT_SECONDS))
                    if message.get("id") == message_id:
                        return message.get("result", {})

            call("Page.navigate", url=url)
            while not call("Runtime.evaluate", expression=ready_expression, returnByValue=True)["result"].get("value"):
                assert time.monotonic() < deadline, f"{url} not ready within {WAIT_SECONDS} s: {ready_expression}"
                time.sleep(0.5)
            time.sleep(1)  # let the last frame paint
            return base64.b64decode(str(call("Page.captureScreenshot", format="png")["data"]))
    finally:
        browser.terminate()
        browser.wait(timeout=30)


def test_report_is_self_contained_with_review_list_funnels_and_synthetic_note(
    report: Path, published_database: Path
) -> None:
    sys.path.insert(0, str(REPO_ROOT))
    from dashboard.queries import review_list, selected_period

    text = report.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, flags=re.IGNORECASE)
    assert "<link" not in text
    assert "<script" not in text
    assert "Synthetic inputs" in text
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', text)) == 3
    period = selected_period(published_database)
    assert f"monitoring: {period}" in text
    review = review_list(published_database, period)
    assert len(review) == 24
    for unit in review.itertuples():
        assert f"<td>{unit.county_fips}</td>" in text
    assert "Units not scored" in text
    assert "release.json" not in text  # the manifest was found beside the published copy


def test_report_rejects_a_period_not_in_the_data(published_database: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPORT),
            *("--database", str(published_database), "--period", "1999Q1", "--out", str(tmp_path / "r.html")),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "--period 1999Q1 is not in the data" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_report_file_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(chromium()),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={tmp_path / 'report.png'}",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=WAIT_SECONDS,
    )
    screenshot = tmp_path / "report.png"
    assert screenshot.exists(), result.stderr[-2000:]
    assert screenshot.stat().st_size > SCREENSHOT_MIN_BYTES


@pytest.fixture
def dashboard_url(published_database: Path, tmp_path: Path) -> Iterator[str]:
    """A Streamlit server of the dashboard on 127.0.0.1 and a free port, stopped after the test."""
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            str(STREAMLIT),
            *("run", str(REPO_ROOT / "dashboard" / "app.py"), "--server.address", "127.0.0.1"),
            *("--server.headless", "true", "--server.port", str(port), "--browser.gatherUsageStats", "false"),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "SCM_PUBLISHED_DATABASE": str(published_database)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/_stcore/health", time.monotonic() + WAIT_SECONDS)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_dashboard_page_renders_in_headless_chromium(dashboard_url: str, tmp_path: Path) -> None:
    png = screenshot_when_ready(
        dashboard_url,
        "document.querySelectorAll('[data-testid=\"stDataFrame\"]').length > 0"
        " && document.body.innerText.includes('Synthetic inputs in play')",
        tmp_path / "profile",
    )
    (tmp_path / "dashboard.png").write_bytes(png)
    assert len(png) > SCREENSHOT_MIN_BYTES
