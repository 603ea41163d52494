"""Headless Chromium draws every page of the dashboard, served on 127.0.0.1 against the session's published copy,
and one HTML review packet; a click on a funnel dot, a click on a county of the map and a unit's link on the review
list open its page in the browser. The screenshots go to build/test-screenshots/ for a person to look at: each is
taken once the page's own content is drawn (texts, table rows, plotly dots, the map's county paths, the packet's
images), so a page that fails to draw fails here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import background
import pytest
from browser import SCREENSHOT_MIN_BYTES, WAIT_SECONDS, free_port, screenshots, wait_for
from conftest import Published
from dbt_helpers import REPO_ROOT

from readers.packet import write_packets
from scm.paths import DATABASE_NAME

pytestmark = pytest.mark.e2e
STREAMLIT = Path(sys.executable).parent / "streamlit"
SCREENSHOTS = REPO_ROOT / "build" / "test-screenshots"
PACKET_UNIT = "17049"


def all_of(*conditions: str) -> str:
    """JavaScript conditions joined: all must hold."""
    return " && ".join(f"({condition})" for condition in conditions)


# (file, query, what must be drawn, window height: Streamlit scrolls inside its own frame, so the window is as
# tall as the page's content for the screenshot to hold all of it)
PAGES = [
    (
        "dashboard-review-list",
        "?page=review",
        all_of(
            "document.querySelectorAll('.scm-list tr[data-unit]').length > 24",
            "document.body.innerText.includes('High scores with a known custody explanation')",
        ),
        5500,
    ),
    (
        "dashboard-funnel-plots",
        "?page=funnel",
        all_of(
            "document.querySelectorAll('.js-plotly-plot').length == 3",
            "[...document.querySelectorAll('.js-plotly-plot')].every(plot => plot.querySelectorAll('.point').length)",
        ),
        2700,
    ),
    (
        "dashboard-county-map",
        "?page=map",
        "document.querySelectorAll('.js-plotly-plot .choroplethlocation').length > 3000",
        1400,
    ),
    (
        "dashboard-unit-packet",
        f"?page=unit&unit={PACKET_UNIT}",
        all_of(
            "document.body.innerText.includes('What the data cannot say')",
            "[...document.images].some(image => image.complete && image.naturalWidth > 0)",
        ),
        3700,
    ),
    (
        "dashboard-unit-not-listed",
        "?page=unit&unit=36085",
        "document.body.innerText.includes('Rank in every period')",
        2400,
    ),
    (
        "dashboard-glossary",
        "?page=glossary",
        "document.body.innerText.includes('Custody sites.')",
        1900,
    ),
]

# Clicks a red dot (a listed unit) of the first funnel plot once the three are drawn, as a browser does: the mouse
# moves onto it (plotly notes the hovered dot), then, at the next check, presses and releases; repeated until the
# unit's page is shown (a click that came too early is simply made again).
CLICK_A_LISTED_DOT = """(() => {
  if (location.search.includes('page=unit')) return document.body.innerText.includes('What the data cannot say');
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  if (plots.length < 3 || !plots.every(plot => plot.querySelectorAll('.point').length)) return false;
  const dots = [...plots[0].querySelectorAll('.point')]
    .filter(dot => getComputedStyle(dot).fill === 'rgb(214, 39, 40)');
  const box = dots[5].getBoundingClientRect();
  const at = {clientX: box.x + box.width / 2, clientY: box.y + box.height / 2, bubbles: true, view: window};
  const target = document.elementFromPoint(at.clientX, at.clientY);
  const kinds = window.scmHovered ? ['mousedown', 'mouseup', 'click'] : ['mousemove'];
  for (const kind of kinds) target.dispatchEvent(new MouseEvent(kind, at));
  window.scmHovered = !window.scmHovered;
  return false;
})()"""

# Clicks the county of PACKET_UNIT (a listed unit) on the map once its counties are drawn, as CLICK_A_LISTED_DOT
# does: plotly.js binds each choropleth path to its location code.
CLICK_A_MAP_COUNTY = f"""(() => {{
  if (location.search.includes('page=unit'))
    return location.search.includes('unit={PACKET_UNIT}')
      && document.body.innerText.includes('What the data cannot say');
  const path = [...document.querySelectorAll('.choroplethlocation')]
    .find(path => path.__data__ && path.__data__.loc === '{PACKET_UNIT}');
  if (!path) return false;
  const box = path.getBoundingClientRect();
  const at = {{clientX: box.x + box.width / 2, clientY: box.y + box.height / 2, bubbles: true, view: window}};
  const target = document.elementFromPoint(at.clientX, at.clientY);
  const kinds = window.scmHovered ? ['mousedown', 'mouseup', 'click'] : ['mousemove'];
  for (const kind of kinds) target.dispatchEvent(new MouseEvent(kind, at));
  window.scmHovered = !window.scmHovered;
  return false;
}})()"""

# Follows the third unit's link of the review list once it is drawn; ready once that unit's page is shown.
FOLLOW_A_LIST_LINK = """(() => {
  const links = document.querySelectorAll('.scm-list a');
  if (links.length > 2 && !location.search.includes('page=unit')) {
    if (!window.scmFollowed) { window.scmFollowed = true; links[2].click(); }
    return false;
  }
  return location.search.includes('page=unit') && document.body.innerText.includes('What the data cannot say');
})()"""


# What is done next on a page of PAGES once its screenshot is taken, in the same browser (a page load less each).
FOLLOWED_BY = {
    "dashboard-review-list": [("dashboard-list-link", FOLLOW_A_LIST_LINK)],
    "dashboard-funnel-plots": [("dashboard-funnel-click", CLICK_A_LISTED_DOT)],
    "dashboard-county-map": [("dashboard-map-click", CLICK_A_MAP_COUNTY)],
}


def held_still_when(condition: str) -> str:
    """`condition` as a ready expression for a Streamlit page, which it also holds still: Chromium's full-page
    capture resizes the window to 1 x 1 and back, and Streamlit collapses its sidebar on that resize, so window
    resize events are swallowed from the first check on (capture listeners run before the app's)."""
    return (
        "(() => { if (!window.scmHeld) { window.scmHeld = true; window.addEventListener('resize', "
        f"event => event.stopImmediatePropagation(), {{capture: true}}); }} return {condition}; }})()"
    )


@contextmanager
def dashboard_server(database: Path, log: Path) -> Iterator[str]:
    """A Streamlit server of the dashboard on 127.0.0.1 and a free port, started as the operator's command does
    (from the project root, so .streamlit/config.toml applies); yields its URL."""
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(STREAMLIT), "run", str(REPO_ROOT / "dashboard" / "app.py"), "--server.port", str(port)],
            cwd=REPO_ROOT,
            env={**os.environ, "SCM_PUBLISHED_DATABASE": str(database)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/_stcore/health", time.monotonic() + WAIT_SECONDS)
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait(timeout=30)


Shot = bytes | BaseException


@background.job("screenshots")
def take_screenshots(work: Path) -> dict[str, Shot]:
    """Every capture of this module, taken in the background once the session's release is published (one
    Streamlit server for the dashboard's, one browser per page and what follows on it): each PNG, or what stopped
    it (a failed wait, a skip without Chromium)."""
    published: Published = background.result("published")
    with dashboard_server(published.database, work / "streamlit.log") as url:
        shots: dict[str, Shot] = {}
        for name, query, drawn, height in PAGES:
            followed = FOLLOWED_BY.get(name, [])
            steps = [held_still_when(expression) for expression in [drawn, *(then for _, then in followed)]]
            capture = partial(screenshots, url + query, work / name, steps, height=height)
            shots |= captured([name, *(then_name for then_name, _ in followed)], capture)
        return shots | captured(["review-packet"], partial(packet_screenshot, published, work / "packet"))


def captured(names: list[str], capture: Callable[[], Iterable[bytes]]) -> dict[str, Shot]:
    """The capture's PNGs by name, in order; from the exception (or skip) that stopped it on, that exception, for
    the tests that ask for these captures to raise."""
    shots: dict[str, Shot] = {}
    try:
        for name, png in zip(names, capture(), strict=False):
            shots[name] = png
    except pytest.skip.Exception as skipped:
        return shots | dict.fromkeys(names[len(shots) :], skipped)
    except Exception as error:  # noqa: BLE001 (raised again in the tests that ask for these captures)
        return shots | dict.fromkeys(names[len(shots) :], error)
    return shots


def packet_screenshot(published: Published, work: Path) -> Iterator[bytes]:
    release = work / "release"  # the packets are written beside the database: a copy of the release
    release.mkdir(parents=True)
    os.link(published.database.resolve(), release / DATABASE_NAME)
    manifest = json.loads((published.database.resolve().parent / "release.json").read_text())
    (release / "release.json").write_text(json.dumps(manifest))
    folder = write_packets(release / DATABASE_NAME, units=[PACKET_UNIT])
    return screenshots(
        (folder / f"{PACKET_UNIT}.html").as_uri(),
        work / "profile",
        ["document.images.length > 0 && [...document.images].every(image => image.complete && image.naturalWidth > 0)"],
    )


def shot(name: str) -> bytes:
    """The background's capture `name`, or its failure (or skip) raised here."""
    taken = background.result("screenshots")[name]
    if isinstance(taken, BaseException):
        raise taken
    return taken


def saved(name: str) -> None:
    png = shot(name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(png)
    assert len(png) > SCREENSHOT_MIN_BYTES


@pytest.mark.background("screenshots")
@pytest.mark.parametrize("name", [page[0] for page in PAGES])
def test_dashboard_page_renders_in_headless_chromium(name: str) -> None:
    saved(name)


@pytest.mark.background("screenshots")
def test_a_clicked_funnel_dot_opens_its_unit_in_headless_chromium() -> None:
    saved("dashboard-funnel-click")


@pytest.mark.background("screenshots")
def test_a_clicked_county_of_the_map_opens_its_unit_in_headless_chromium() -> None:
    saved("dashboard-map-click")


@pytest.mark.background("screenshots")
def test_a_unit_link_of_the_review_list_opens_its_page_in_headless_chromium() -> None:
    # Only the navigation is tested: after a link (a new page load) Chromium's full-page capture collapses the
    # sidebar whatever the ready expression does, so this capture is not kept (the unit page has its own above).
    assert len(shot("dashboard-list-link")) > SCREENSHOT_MIN_BYTES


@pytest.mark.background("screenshots")
def test_review_packet_renders_in_headless_chromium() -> None:
    saved("review-packet")
