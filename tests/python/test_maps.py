"""The offline county maps (readers/maps.py): the 2010 boundaries shipped in plotly-geo cover every county of
ref_counties, the simplification keeps each county's area and the shared borders, figures and standalone HTML
refer to nothing on the network, and the packet PNG is a real PNG of the requested size.

Measured when written (2 cores): first load 3.3 s (read 0.2 s, topology and simplification the rest), 154,559
points, GeoJSON of all 3,221 features 3.34 MB; every county's area within 1.48 % of the file's (Fulton KY, 0.9852),
99 % within 0.57 %, median 0.10 %.
"""

from __future__ import annotations

import importlib.resources
import io
import itertools
import json
import re
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import shapefile
from dbt_helpers import REPO_ROOT
from matplotlib import image

from readers import maps

REFERENCE_DIR = REPO_ROOT / "seeds" / "reference"
URL = re.compile(r"https?://[^\s\"'<>\\)]+")
AREA_BOUND = 0.02  # measured worst 0.0148
GEOJSON_BOUND_BYTES = 5_000_000  # "a few MB at most"; measured 3.34 MB
PUERTO_RICO_MUNICIPIOS = 78
NEW_YORK_CITY = {"36005", "36047", "36061", "36081", "36085"}


def read_seed(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def counties() -> pd.DataFrame:
    return read_seed("ref_counties")


@pytest.fixture(scope="module")
def values(counties: pd.DataFrame) -> pd.DataFrame:
    """One row per county with a unit code (ref_reporting_units) and a value that depends on the county."""
    units = read_seed("ref_reporting_units")[["county_fips", "unit_fips"]]
    frame = counties.merge(units, on="county_fips", how="left")
    frame["unit_fips"] = frame["unit_fips"].fillna(frame["county_fips"])
    frame["share"] = frame["county_fips"].astype(int) % 97 / 96.0
    frame.loc[frame["county_fips"] == "51515", "share"] = np.nan  # one county without a value
    return frame


def original_areas() -> dict[str, float]:
    """Area (square degrees, exteriors minus holes) of every feature as the shapefile has it, read independently."""
    folder = Path(str(importlib.resources.files(maps.SHAPEFILE_PACKAGE) / maps.SHAPEFILE_FOLDER))
    areas = {}
    with shapefile.Reader(str(folder / maps.SHAPEFILE_NAME), encoding=maps.DBF_ENCODING) as reader:
        for shape_record in reader.iterShapeRecords():
            points = np.asarray(shape_record.shape.points)
            bounds = [*shape_record.shape.parts, len(points)]
            code = shape_record.record["STATE"] + shape_record.record["COUNTY"]
            areas[code] = -sum(maps.signed_area(points[a:b]) for a, b in itertools.pairwise(bounds))
    return areas


def test_shapes_cover_every_county(counties: pd.DataFrame) -> None:
    shapes = maps.county_shapes()
    assert len(shapes) == maps.EXPECTED_FEATURES == 3221
    assert set(counties["county_fips"]) - set(shapes) == set()  # no county of ref_counties is missing
    extra = set(shapes) - set(counties["county_fips"])
    assert len(extra) == PUERTO_RICO_MUNICIPIOS
    assert {code[:2] for code in extra} == {"72"}  # the only extra codes are Puerto Rico's


def test_names_and_latin1(counties: pd.DataFrame) -> None:
    shapes = maps.county_shapes()
    assert shapes["48471"].display_name == "Walker County, TX"
    assert shapes["51760"].name == "Richmond city"
    assert shapes["35013"].name == "Doña Ana County"  # Latin-1 in the DBF
    assert shapes["02110"].name == "Juneau City and Borough"


def test_every_county_keeps_its_area() -> None:
    shapes = maps.county_shapes()
    errors = {code: abs(shapes[code].area / area - 1) for code, area in original_areas().items()}
    worst = max(errors, key=errors.__getitem__)
    assert errors[worst] <= AREA_BOUND, (worst, errors[worst])
    assert float(np.median(list(errors.values()))) < 0.005


def test_rings_are_closed_and_wound_as_d3_expects() -> None:
    for shape in maps.county_shapes().values():
        assert shape.polygons, shape.county_fips
        for polygon in shape.polygons:
            for index, ring in enumerate(polygon):
                assert len(ring) >= 4 and np.array_equal(ring[0], ring[-1]), shape.county_fips
                # exterior clockwise (negative shoelace area), holes anticlockwise
                assert (maps.signed_area(ring) < 0) == (index == 0), shape.county_fips


def test_alaska_is_contiguous_in_longitude() -> None:
    west, _, east, _ = maps.county_shapes()["02016"].bounds  # Aleutians West crosses the antimeridian
    assert east - west < 30
    assert east < 0


def test_geojson_is_a_few_megabytes() -> None:
    text = json.dumps(maps.county_geojson(), separators=(",", ":"))
    assert len(text) < GEOJSON_BOUND_BYTES
    features = json.loads(text)["features"]
    assert len(features) == 3221
    assert {feature["geometry"]["type"] for feature in features} == {"Polygon", "MultiPolygon"}


def test_neighbours_share_their_border() -> None:
    """Brooklyn and Queens share a land border: the outline of the pair omits it (simplified once, on both sides)."""
    county_map = maps.county_map()

    def length(lines: list[np.ndarray]) -> float:
        return sum(float(np.hypot(*np.diff(line, axis=0).T).sum()) for line in lines)

    kings, queens = length(county_map.outline({"36047"})), length(county_map.outline({"36081"}))
    both = length(county_map.outline({"36047", "36081"}))
    assert both < kings + queens - 0.1  # the shared border is about 0.1 degrees long, counted twice
    assert all(1 <= len(sides) <= 2 for sides in county_map.arc_counties)
    two_sided = sum(len(sides) == 2 for sides in county_map.arc_counties)
    assert two_sided > 0.8 * len(county_map.arcs)


def test_choropleth_refers_to_nothing_on_the_network(values: pd.DataFrame, tmp_path: Path) -> None:
    figure = maps.choropleth_figure(
        values, "share", "Test map", outlined={"36085", "48471"}, hover_columns=["population_2010"]
    )
    text = figure.to_json()
    assert URL.findall(text) == []
    geo = figure.layout.geo
    assert geo.scope == "usa" and geo.projection.type == "albers usa"
    layers = ("showland", "showlakes", "showcoastlines", "showcountries", "showsubunits", "showocean", "showrivers")
    assert all(getattr(geo, layer) is False for layer in layers)
    assert "mapbox" not in text and "tiles" not in text
    # plotly.js fetches its topojson when the first trace of a geo subplot has a locationmode
    assert figure.data[0].type == "scattergeo" and figure.data[0].locationmode is None

    path = tmp_path / "map.html"
    figure.write_html(path, include_plotlyjs=True, full_html=True)
    html = path.read_text(encoding="utf-8")
    scripts = sorted(re.finditer(r"<script[^>]*>.*?</script>", html, re.DOTALL), key=lambda m: m.end() - m.start())
    bundle = scripts[-1]
    assert "plotly.js v" in bundle.group(0)[:500]  # plotly.js itself is inside the page
    assert URL.findall(html[: bundle.start()] + html[bundle.end() :]) == []


def test_choropleth_traces(values: pd.DataFrame) -> None:
    figure = maps.choropleth_figure(
        values, "share", "Test map", outlined={"36085"}, value_label="Share", name_column=None
    )
    coloured, grey = (trace for trace in figure.data if isinstance(trace, go.Choropleth))
    assert len(coloured.locations) == len(values) - 1 and list(grey.locations) == ["51515"]
    assert {feature["id"] for feature in coloured.geojson["features"]} == set(coloured.locations)
    walker = list(coloured.locations).index("48471")
    assert coloured.customdata[walker][0] == "Walker County, TX"
    assert "%{customdata[0]}" in coloured.hovertemplate and "Share" in coloured.hovertemplate
    outline = figure.data[-1]
    assert outline.name == "Listed units" and outline.mode == "lines"
    # New York City is one unit: its outline has no inner border between Brooklyn and Queens
    county_map = maps.county_map()
    points = sum(len(line) + 1 for line in county_map.outline(NEW_YORK_CITY))
    assert len(outline.lon) == points


def test_choropleth_of_one_state(values: pd.DataFrame) -> None:
    texas = values[values["state_abbrev"] == "TX"]
    figure = maps.choropleth_figure(texas, "share", "Texas", outlined={"48471"}, fit="locations")
    (coloured,) = (trace for trace in figure.data if isinstance(trace, go.Choropleth))
    assert set(coloured.locations) == set(texas["county_fips"])
    assert figure.layout.geo.fitbounds == "locations"
    assert figure.layout.geo.projection.type == "albers"  # 'albers usa' cannot be zoomed by plotly.js


def test_choropleth_rejects_bad_input(values: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="not counties"):
        maps.choropleth_figure(pd.DataFrame({"county_fips": ["99999"], "share": [1.0]}), "share", "x")
    with pytest.raises(ValueError, match="no column"):
        maps.choropleth_figure(values, "missing", "x")
    with pytest.raises(ValueError, match="outlined units"):
        maps.choropleth_figure(values[values["state_abbrev"] == "TX"], "share", "x", outlined={"36085"})


def test_unit_map_png(values: pd.DataFrame) -> None:
    adjacency = read_seed("ref_county_adjacency")
    neighbours = adjacency.loc[adjacency["county_fips"] == "48471", "neighbor_fips"]
    share = values.set_index("county_fips")["share"]
    png = maps.unit_map_png(
        {"48471"},
        {code: float(share[code]) for code in neighbours},
        unit_value=float(share["48471"]),
        value_label="Share",
        title="Walker County, TX",
        size_inches=(4.0, 3.2),
        dpi=150,
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # IHDR
    assert (width, height) == (600, 480)
    assert 5_000 < len(png) < 500_000
    pixels = image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (480, 600)
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 20  # a map, not a blank canvas


def test_unit_map_png_of_a_multi_county_unit_with_a_missing_value() -> None:
    png = maps.unit_map_png(NEW_YORK_CITY, {"34017": 0.2, "36119": float("nan"), "36059": 0.4})
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="not counties"):
        maps.unit_map_png({"00000"}, {})
