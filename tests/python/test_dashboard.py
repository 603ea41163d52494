"""The dashboard on the session's published copy, under streamlit.testing.AppTest: every page runs without an
exception and shows figures formatted for people (no "None" or "nan", no raw column names, p < 0.001 as such); the
review list has its 24 units, the custody section, links to the units' pages and CSV/XLSX downloads; the funnel
plots are three interactive charts, 2 and 3 stamped synthetic, and a clicked dot opens its unit; the county map is
one chart drawn from lon/lat first (no hosted base map); a unit's page is its packet, or what the marts have; deep
links open a unit; a release marked as a demonstration says so on every page."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from conftest import Published
from dbt_helpers import REPO_ROOT
from streamlit.testing.v1 import AppTest

from readers.figures import SYNTHETIC_STAMP
from scm.paths import DATABASE_NAME

pytestmark = pytest.mark.e2e

APP = REPO_ROOT / "dashboard" / "app.py"
APP_TIMEOUT_SECONDS = 120
REVIEW_LIST_SIZE = 24
PERIOD = "2012Q3"
PAGES = ("review", "funnel", "map", "unit", "glossary")
NOT_SHOWN = {"None", "nan", "NaN", "<NA>", "NaT", "null"}
NO_BREAK = "\u00a0"


@pytest.fixture
def app(published: Published, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The dashboard reading the session's published copy, not yet run (a test may set query params first)."""
    monkeypatch.setenv("SCM_PUBLISHED_DATABASE", str(published.database))
    return AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_SECONDS)


def opened(app: AppTest, **params: str) -> AppTest:
    """The first run of a session opened on a URL with these query params (a deep link)."""
    app.query_params.update(params)
    app.run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def dashboard_module() -> ModuleType:
    """dashboard/app.py as a module (its main() runs only as Streamlit's script), for its plain functions."""
    spec = importlib.util.spec_from_file_location("dashboard_app", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plain(text: str) -> str:
    """Text as read: non-breaking spaces (kept from wrapping "< 0.001") as spaces."""
    return text.replace(NO_BREAK, " ")


def html_bodies(app: AppTest) -> list[str]:
    return [element.proto.body for element in app.get("html")]


def assert_readable(app: AppTest) -> None:
    """Every table, HTML table and text of the page is for people: no raw column name as a header, no empty value
    shown as None/nan."""
    for table in [*app.table, *app.dataframe]:
        frame = table.value
        assert not [column for column in frame.columns if "_" in str(column)], frame.columns
        cells = {plain(str(cell)) for cell in frame.to_numpy().ravel()}
        assert not cells & NOT_SHOWN, frame
    for body in html_bodies(app):
        headers = re.findall(r"<th>([^<]*)</th>", body)
        assert headers and not [header for header in headers if "_" in header], headers
        cells = set(re.findall(r"<td[^>]*>([^<]*)<", body))
        assert not cells & NOT_SHOWN
    texts = [element.value for kind in ("markdown", "caption", "info", "warning") for element in app.get(kind)]
    for text in texts:
        assert not set(re.findall(r"\w+", str(text))) & NOT_SHOWN, text


def synthetic_banners(app: AppTest) -> list[str]:
    return [warning.value for warning in app.warning if "synthetic" in warning.value.lower()]


def test_review_list_has_24_places_reasons_links_the_custody_section_and_downloads(app: AppTest) -> None:
    opened(app)
    assert app.sidebar.radio(key="page").value == "review"
    assert app.sidebar.selectbox(key="period").value == PERIOD
    listing, custody = html_bodies(app)
    rows = re.findall(r'<tr data-unit="(\d{5})"><td class="number place">(\d+)</td>', listing)
    assert [int(place) for _, place in rows] == list(range(1, REVIEW_LIST_SIZE + 1))
    for unit, _ in rows:  # each unit links to its page (test_screenshots.py follows one in the browser)
        assert f'<a href="?page=unit&amp;unit={unit}&amp;period={PERIOD}">' in listing
    assert listing.count('<td class="reasons">Ranked on ') == REVIEW_LIST_SIZE  # the reasons in full
    assert '<tr data-unit="27141">' in custody  # Sherburne MN: ICE detainees in the county jail
    assert "Sherburne County Jail holds ICE detainees" in custody
    assert "High scores with a known custody explanation (6, not on the list)" in [h.value for h in app.subheader]
    assert [button.label for button in app.get("download_button")] == [
        "Download the list (CSV)",
        "Download the list (XLSX)",
    ]
    assert synthetic_banners(app)
    assert_readable(app)


def test_review_list_exports_are_the_packets_list_as_csv_and_xlsx(published: Published) -> None:
    exports = dashboard_module().review_list_exports(published.database.resolve(), PERIOD)
    listing = pd.read_csv(io.BytesIO(exports["csv"]), dtype=str, keep_default_na=False)
    assert listing.columns.tolist() == [
        "section",
        "place",
        "rank",
        "unit",
        "name",
        "score",
        "sensitivity",
        "reasons",
        "custody",
        "analyst notes",
    ]
    listed = listing[listing["section"] == "on the review list"]
    assert listed["place"].astype(int).tolist() == list(range(1, REVIEW_LIST_SIZE + 1))
    assert "27141" in listing.loc[listing["section"].str.contains("custody"), "unit"].tolist()
    workbook = pd.read_excel(io.BytesIO(exports["xlsx"]), sheet_name="review_list", dtype=str, keep_default_na=False)
    assert workbook.equals(listing)


def test_funnel_page_draws_three_interactive_plots_2_and_3_stamped_synthetic(app: AppTest) -> None:
    opened(app, page="funnel")
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert [spec["layout"]["title"]["text"] for spec in specs] == [
        "1. Match rate vs foreign-born share",
        "2. Matches vs UCR arrests x foreign-born share",
        "3. Less-serious share of matches vs UCR",
    ]
    stamped = [any(note["text"] == SYNTHETIC_STAMP for note in spec["layout"]["annotations"]) for spec in specs]
    assert stamped == [False, True, True]
    assert all(chart.proto.selection_mode for chart in app.get("plotly_chart"))  # clicks reach the app
    # Streamlit's frontend makes a click select a dot only when the drag mode is neither select nor lasso
    assert {spec["layout"]["dragmode"] for spec in specs} == {"zoom"}
    assert synthetic_banners(app)
    assert_readable(app)


def click_point(app: AppTest, chart: int, point: dict[str, object]) -> AppTest:
    """Rerun as the browser does when a point of plotly chart number `chart` is clicked. AppTest has no plotly
    interaction (the chart is an unknown element), so the selection the frontend would send (`point`, with the
    fields plotly gives it) is added by hand to the widget states of the next run, through AppTest's private run
    method."""
    states = app._tree.get_widget_states()
    state = states.widgets.add()
    state.id = app.get("plotly_chart")[chart].proto.id
    selection = {
        "points": [{"point_number": 0, "point_index": 0, **point}],
        "point_indices": [0],
        "box": [],
        "lasso": [],
    }
    state.string_value = json.dumps({"selection": selection})
    return app._run(states)


def click_funnel_dot(app: AppTest, chart: int, unit: str) -> AppTest:
    """A click on the dot of `unit` (its customdata) in funnel plot number `chart`."""
    return click_point(app, chart, {"curve_number": 5, "customdata": [unit]})


def test_a_clicked_funnel_dot_opens_its_units_page(app: AppTest) -> None:
    opened(app, page="funnel")
    click_funnel_dot(app, 1, "27141")
    assert not app.exception
    assert app.sidebar.radio(key="page").value == "unit"
    assert app.selectbox(key="unit").value == "27141"
    assert app.header[0].value == f"Sherburne County, MN (27141), {PERIOD}"
    assert app.query_params == {"page": "unit", "period": PERIOD, "unit": "27141"}


def test_map_selection_to_unit() -> None:
    unit_from_map_selection = dashboard_module().unit_from_map_selection
    county_units = {"36047": "36085", "17049": "17049"}
    point = {"curve_number": 1, "point_index": 3, "location": "36047", "customdata": ["Kings County, New York"]}
    assert unit_from_map_selection({"selection": {"points": [point]}}, county_units) == "36085"
    assert unit_from_map_selection({"selection": {"points": [{"location": "17049"}]}}, county_units) == "17049"
    assert unit_from_map_selection({"selection": {"points": [{"lon": -90.0, "lat": 40.0}]}}, county_units) is None
    assert unit_from_map_selection({"selection": {"points": []}}, county_units) is None
    assert unit_from_map_selection(None, county_units) is None


def test_selection_to_unit() -> None:
    unit_from_selection = dashboard_module().unit_from_selection
    point = {"curve_number": 4, "point_index": 7, "customdata": ["17049"]}
    assert unit_from_selection({"selection": {"points": [point], "box": [], "lasso": []}}) == "17049"
    assert unit_from_selection({"selection": {"points": [], "box": [], "lasso": []}}) is None
    assert unit_from_selection({"selection": {"points": [{"x": 1.0, "y": 2.0}]}}) is None  # a limit line
    assert unit_from_selection(None) is None


def test_county_map_is_one_choropleth_without_a_hosted_base_map_and_a_clicked_county_opens_its_unit(
    app: AppTest,
) -> None:
    opened(app, page="map")
    (chart,) = app.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["data"][0]["type"] == "scattergeo"  # plotly.js fetches a base map when trace 0 has a locationmode
    assert "locationmode" not in spec["data"][0]
    assert "choropleth" in [trace["type"] for trace in spec["data"]]
    names = [trace.get("name") for trace in spec["data"]]
    assert {"Listed units", "High scores with a known custody explanation"} <= set(names)
    assert "http" not in json.dumps(spec["data"])
    assert not [warning for warning in synthetic_banners(app) if "map is a demonstration" in warning]
    app.selectbox(key="map_layer").set_value("crime_adjusted_ratio").run()
    assert not app.exception
    assert any("map is a demonstration" in warning for warning in synthetic_banners(app))
    assert_readable(app)
    # Kings County, a borough of New York City: the choropleth's point carries the county code as `location`
    click_point(app, 0, {"curve_number": 1, "location": "36047", "customdata": ["Kings County, New York"]})
    assert not app.exception
    assert app.sidebar.radio(key="page").value == "unit"
    assert app.selectbox(key="unit").value == "36085"
    assert app.query_params == {"page": "unit", "period": PERIOD, "unit": "36085"}


@pytest.mark.parametrize(
    ("unit", "heading"),
    [("17049", "Effingham County, IL"), ("27141", "Sherburne County, MN"), ("36085", "New York City")],
)
def test_unit_page_shows_the_packet_or_what_the_marts_have(app: AppTest, unit: str, heading: str) -> None:
    opened(app, page="unit", unit=unit)
    assert app.selectbox(key="unit").value == unit
    assert app.header[0].value == f"{heading} ({unit}), {PERIOD}"
    window = next(table.value for table in app.table if "z" in table.value.columns)
    assert window["statistic"].str[:1].tolist() == ["1", "2", "3"]
    texts = [plain(str(cell)) for table in [*app.table, *app.dataframe] for cell in table.value.to_numpy().ravel()]
    markdown = [element.value for element in app.markdown]
    infos = [info.value for info in app.info]
    if unit == "36085":  # not listed: no packet row
        assert any(f"python3 scripts/scm.py packet --unit {unit}" in info for info in infos)
        assert "36005 36047 36061 36081 36085" in texts  # its five boroughs
        assert any(info.startswith("Analyst notes: ICE reports New York City as one jurisdiction") for info in infos)
        assert plain(window.loc[0, "p"]) == "0.598"
    else:  # the packet: place, reasons, context, over time, neighbours with their map, submissions, firmness
        assert plain(window.loc[0, "p"]) == "< 0.001" and plain(window.loc[0, "q"]) == "< 0.001"
        assert "Population (2010 Census)" in texts
        assert any(re.search(r"on the list under \d of 5 alternatives", text) for text in markdown)
        assert len(app.get("image")) >= 1  # the neighbour map
        assert [button.label for button in app.get("download_button")] == ["Download this unit's tables (XLSX)"]
        subheaders = [subheader.value for subheader in app.subheader]
        assert {"Why the unit is here", "The unit against its neighbours", "What the data cannot say"} <= set(
            subheaders
        )
    if unit == "27141":
        assert any("Known custody site:** Sherburne County Jail holds ICE detainees" in text for text in markdown)
    assert any("the counts cover" in caption.value for caption in app.caption)  # the counting period, truthfully
    assert_readable(app)


def test_deep_link_opens_the_unit_and_the_url_follows_the_page(app: AppTest) -> None:
    opened(app, page="unit", unit="17049", period=PERIOD)
    assert app.header[0].value.startswith("Effingham County, IL (17049)")
    assert app.query_params == {"page": "unit", "period": PERIOD, "unit": "17049"}
    app.selectbox(key="unit").set_value("27141").run()
    assert app.header[0].value.startswith("Sherburne County, MN (27141)")
    assert app.query_params["unit"] == "27141"
    app.sidebar.radio(key="page").set_value("glossary").run()
    assert app.query_params == {"page": "glossary", "period": PERIOD}
    app.sidebar.radio(key="page").set_value("unit").run()
    assert app.selectbox(key="unit").value == "27141"  # the choice outlives the other page


def test_deep_link_to_a_member_county_opens_its_unit(app: AppTest) -> None:
    opened(app, page="unit", unit="36047")  # Kings County: one of New York City's boroughs
    assert app.header[0].value.startswith("New York City (36085)")
    assert any("County 36047 is reported as part of unit 36085" in warning.value for warning in app.warning)


def test_glossary_explains_the_words(app: AppTest) -> None:
    opened(app, page="glossary")
    text = app.markdown[0].value
    for term in ("Observed", "Expected", "Ratio", "Limits (funnel)", "z-score", "p and q", "The two families"):
        assert f"**{term}.**" in text
    assert "**Custody sites.**" in text


def release(directory: Path, source: Published, demonstration: bool) -> Path:
    """A release folder holding the session's database (hard-linked) and its manifest, marked or not."""
    directory.mkdir(parents=True)
    os.link(source.database.resolve(), directory / DATABASE_NAME)
    manifest = json.loads((source.database.resolve().parent / "release.json").read_text())
    (directory / "release.json").write_text(json.dumps({**manifest, "demonstration": demonstration}))
    return directory


def test_a_demonstration_release_says_so_on_every_page_from_the_next_rerun(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = release(tmp_path / "releases" / "real", published, demonstration=False)
    demo = release(tmp_path / "releases" / "demo", published, demonstration=True)
    link = tmp_path / DATABASE_NAME
    link.symlink_to(real / DATABASE_NAME)
    monkeypatch.setenv("SCM_PUBLISHED_DATABASE", str(link))
    app = opened(AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_SECONDS))
    assert not [error for error in app.error if "Synthetic demonstration" in error.value]
    link.unlink()
    link.symlink_to(demo / DATABASE_NAME)  # a new release swapped in while the dashboard runs
    for page in PAGES:
        app.sidebar.radio(key="page").set_value(page).run()
        assert not app.exception
        assert [error.value for error in app.error if error.value.startswith("Synthetic demonstration")], page
    assert synthetic_banners(app)  # the embedded data's UCR banner stays
