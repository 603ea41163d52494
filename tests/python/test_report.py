"""The quarterly report renders into one self-contained HTML file (no network reference) with the review list, the
custody section, the funnel plots, the synthetic-data note and the record's version; headless Chromium renders
the report into a screenshot (build/test-screenshots/; the dashboard's are in test_screenshots.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import SCREENSHOT_MIN_BYTES, screenshot
from conftest import Published
from dbt_helpers import REPO_ROOT

from readers.queries import review_list, selected_period
from readers.report import write_report
from scm import record

pytestmark = pytest.mark.e2e
SCREENSHOTS = REPO_ROOT / "build" / "test-screenshots"


@pytest.fixture(scope="module")
def report(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    return write_report(published.database, None, out, lambda period: record.versions(published.history, period))


def test_report_is_self_contained_with_review_list_custody_funnels_and_record(
    report: Path, published: Published
) -> None:
    text = report.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, flags=re.IGNORECASE)
    assert "<link" not in text
    assert "<script" not in text
    assert "synthetic UCR placeholder" in text
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', text)) == 3
    period = selected_period(published.database)
    assert f"monitoring: {period}" in text
    for unit in review_list(published.database, period).itertuples():
        assert f"<td>{unit.county_fips}</td>" in text
    assert "High scores with a known custody explanation" in text
    assert "Sherburne County Jail holds ICE detainees" in text
    assert "Version 1 of 1 in the operator&#x27;s record: not yet sent to reviewers" in text
    assert "embedded seeds" in text
    assert str(REPO_ROOT) not in text  # no absolute path of the operator's machine
    assert "None" not in re.sub(r"<[^>]+>", " ", text).split()


def test_report_rejects_a_period_not_in_the_data(published: Published, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="period 1999Q1 is not in the published data"):
        write_report(published.database, "1999Q1", tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_report_file_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    png = screenshot(report.as_uri(), tmp_path / "profile", "document.images.length == 3")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "report.png").write_bytes(png)
    assert len(png) > SCREENSHOT_MIN_BYTES
