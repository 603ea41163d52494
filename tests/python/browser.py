"""Headless Chromium for the tests that look at pages as a user would: a screenshot of a file or of a page that
draws after load (Streamlit), driven over the DevTools protocol. The tests never install a browser: `.ci/run`
installs Debian's chromium where it can and says so; without one, these tests are skipped with the reason."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from websockets.sync.client import connect

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
WAIT_SECONDS = 90
SCREENSHOT_MIN_BYTES = 10_000


def chromium() -> Path:
    """The Chromium executable, or the test is skipped (nothing is installed here)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no Chromium on this machine (bash .ci/run installs Debian's chromium): browser test skipped")
    return Path(found)


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


def screenshot(url: str, profile: Path, ready_expression: str = "true", width: int = 1400, height: int = 1000) -> bytes:
    """Load `url` in headless Chromium and return a full-page PNG once the JavaScript `ready_expression` holds."""
    (png,) = screenshots(url, profile, [ready_expression], width, height)
    return png


def screenshots(
    url: str, profile: Path, ready_expressions: Sequence[str], width: int = 1400, height: int = 1000
) -> Iterator[bytes]:
    """Load `url` in headless Chromium and yield a full-page PNG each time the next of `ready_expressions` holds,
    in order, on the same page: an expression may act on the page (a click) and hold once what it did is drawn."""
    port = free_port()
    browser = subprocess.Popen(
        [
            str(chromium()),
            *CHROMIUM_FLAGS,
            f"--window-size={width},{height}",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
        ],
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
            for ready_expression in ready_expressions:
                deadline = time.monotonic() + WAIT_SECONDS
                while not call("Runtime.evaluate", expression=ready_expression, returnByValue=True)["result"].get(
                    "value"
                ):
                    assert time.monotonic() < deadline, f"{url} not ready within {WAIT_SECONDS} s: {ready_expression}"
                    time.sleep(0.5)
                time.sleep(1.5)  # let the last frame paint
                shot = call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
                yield base64.b64decode(str(shot["data"]))
    finally:
        browser.terminate()
        browser.wait(timeout=30)
