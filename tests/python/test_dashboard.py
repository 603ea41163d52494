"""The dashboard reads the published copy and shows every page without an exception: the review list of 24 units,
a funnel plot per statistic, a unit's page (New York City and one other), and the synthetic-inputs banner."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt_helpers import REPO_ROOT, run_dbt
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.e2e
sys.path.insert(0, str(REPO_ROOT / "scripts"))
from publish import publish  # noqa: E402

APP = REPO_ROOT / "dashboard" / "app.py"
APP_TIMEOUT_SECONDS = 120
REVIEW_LIST_SIZE = 24


def build_published(work: Path) -> Path:
    """`dbt build` on the embedded seeds into `work`, published under `work/published`; the published database."""
    result = run_dbt(work, ["build"])
    if not result.ok:
        pytest.fail(result.failure_message(), pytrace=False)
    publish(result.database, work / "published")
    return work / "published" / "sc_monitoring.duckdb"


@pytest.fixture(scope="module")
def published_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published copy of a build of the embedded data, built once for the module."""
    return build_published(tmp_path_factory.mktemp("dashboard"))


@pytest.fixture
def app(published_database: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The dashboard, first run, reading the module's published copy."""
    monkeypatch.setenv("SCM_PUBLISHED_DATABASE", str(published_database))
    yield AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_SECONDS).run()


def synthetic_banners(app: AppTest) -> list[str]:
    """The texts of the warnings that say synthetic inputs are in play."""
    return [warning.value for warning in app.warning if "synthetic" in warning.value.lower()]


def test_review_list_page_shows_the_24_units_and_the_synthetic_banner(app: AppTest) -> None:
    assert not app.exception
    assert app.sidebar.selectbox(key="period").value == "2012Q3"
    review = app.dataframe[0].value
    assert len(review) == REVIEW_LIST_SIZE
    assert review["rank"].tolist() == list(range(1, REVIEW_LIST_SIZE + 1))
    assert {"combined score", "z 1 match rate", "z 2 crime-adjusted", "z 3 minor share", "reasons"} <= set(review)
    assert review["reasons"].str.len().gt(0).all()
    assert synthetic_banners(app)


def test_funnel_page_draws_one_plot_per_statistic(app: AppTest) -> None:
    app.sidebar.radio(key="page").set_value("Funnel plots").run()
    assert not app.exception
    assert [subheader.value for subheader in app.subheader] == [
        "1. Match rate vs foreign-born share",
        "2. Matches vs UCR arrests x foreign-born share",
        "3. Less-serious share of matches vs UCR",
    ]
    assert len(app.get("image")) == 3
    assert any("mean expected share" in caption.value for caption in app.caption)
    assert synthetic_banners(app)


@pytest.mark.parametrize("unit_fips", ["36085", "48471"])
def test_county_page_shows_inputs_statistics_history_and_neighbours(app: AppTest, unit_fips: str) -> None:
    app.sidebar.radio(key="page").set_value("County").run()
    app.selectbox(key="unit").set_value(unit_fips).run()
    assert not app.exception
    assert app.header[0].value.startswith(unit_fips)
    inputs, statistics, neighbours = (frame.value for frame in app.dataframe)
    assert "submissions S" in inputs["input"].tolist()
    assert statistics["label"].str[:1].tolist() == ["1", "2", "3"]
    assert {"ratio", "ratio_lower_95", "ratio_upper_998", "z_score", "q_value", "is_eligible"} <= set(statistics)
    assert len(neighbours) > 0
    assert unit_fips not in neighbours["county_fips"].tolist()
    assert app.get("vega_lite_chart")
    assert len(synthetic_banners(app)) == 2  # the period's banner and the unit's own
    notes = [info.value for info in app.info if info.value.startswith("Analyst notes:")]
    if unit_fips == "36085":
        assert inputs.set_index("input").loc["member counties", "value"] == "36005 36047 36061 36081 36085"
        assert notes and "ICE reports New York City as one jurisdiction" in notes[0]
    else:
        assert not notes
