"""The dashboard reads the published copy and shows every page without an exception: the review list of 24 units
and the custody section, a funnel plot per statistic, a unit's page (New York City and one other), and the
synthetic-inputs banner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import Published
from dbt_helpers import REPO_ROOT
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.e2e

APP = REPO_ROOT / "dashboard" / "app.py"
APP_TIMEOUT_SECONDS = 120
REVIEW_LIST_SIZE = 24


@pytest.fixture
def app(published: Published, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The dashboard, first run, reading the session's published copy."""
    monkeypatch.setenv("SCM_PUBLISHED_DATABASE", str(published.database))
    yield AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_SECONDS).run()


def synthetic_banners(app: AppTest) -> list[str]:
    """The texts of the warnings that say synthetic inputs are in play."""
    return [warning.value for warning in app.warning if "synthetic" in warning.value.lower()]


def test_review_list_page_shows_the_24_units_the_custody_section_and_the_synthetic_banner(app: AppTest) -> None:
    assert not app.exception
    assert app.sidebar.selectbox(key="period").value == "2012Q3"
    review = app.dataframe[0].value
    assert len(review) == REVIEW_LIST_SIZE
    assert review["place"].tolist() == list(range(1, REVIEW_LIST_SIZE + 1))
    assert {"score", "driven by", "reasons", "analyst notes"} <= set(review)
    assert review["reasons"].str.len().gt(0).all()
    custody = app.dataframe[1].value
    assert "27141" in custody["unit"].tolist()  # Sherburne MN: ICE detainees in the county jail
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
    assert len(neighbours) > 0
    assert unit_fips not in neighbours["county_fips"].tolist()
    notes = [info.value for info in app.info if info.value.startswith("Analyst notes:")]
    if unit_fips == "36085":
        assert inputs.set_index("input").loc["member counties", "value"] == "36005 36047 36061 36081 36085"
        assert notes and "ICE reports New York City as one jurisdiction" in notes[0]
    else:
        assert not notes
