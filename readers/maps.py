"""County maps that need no network: the 2010 Census county boundaries shipped inside the plotly-geo wheel
(``_plotly_geo/package_data/gz_2010_us_050_00_500k``, the Census Bureau's 1:500,000 cartographic boundary file on
2010 geography, the geography of ref_counties), simplified once per process, drawn as

* a plotly choropleth for the dashboard (``choropleth_figure``): counties coloured by a value, listed units
  outlined, ``albers usa`` projection, no tiles and no hosted GeoJSON or topojson;
* a small static PNG of a unit and its neighbours for the printable packet (``unit_map_png``, matplotlib only).

Simplification keeps shared borders shared: every ring is cut into arcs at the points where its neighbour changes,
each arc is simplified once (Douglas-Peucker) and reused by both counties on its sides, so simplified counties still
tile without slivers, and the outline of a group of counties (a multi-county unit, a state) is the set of arcs
with an odd number of its members on their sides. Alaska's few points east of the antimeridian (the western
Aleutians) are moved to longitude - 360 so that every county is one contiguous shape in longitude.
"""

from __future__ import annotations

import functools
import importlib.resources
import io
import itertools
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapefile  # pyshp

SHAPEFILE_PACKAGE = "_plotly_geo"
SHAPEFILE_FOLDER = "package_data"
SHAPEFILE_NAME = "gz_2010_us_050_00_500k"
DBF_ENCODING = "latin-1"  # the Census files spell "Doña Ana" in Latin-1
EXPECTED_FEATURES = 3221  # 3,143 counties of the 50 states and DC + 78 Puerto Rico municipios

# Simplification, in degrees of latitude (longitude scaled by cos(latitude) first): an arc may move at most
# BASE_TOLERANCE (about 550 m), and at most RELATIVE_TOLERANCE x the square root of the smallest county on its sides,
# so that small independent cities keep their shape. Coordinates are then rounded to COORDINATE_DECIMALS (~11 m).
# Measured (tests/python/test_maps.py): 154,559 points, 3.3 MB of GeoJSON for all 3,221 features, every county's
# area within 1.5 % of the file's (median 0.1 %).
BASE_TOLERANCE = 0.005
RELATIVE_TOLERANCE = 0.01
COORDINATE_DECIMALS = 4
# Shared borders (see _node_rings): a vertex within NODE_TOLERANCE degrees (about 1 cm) of a neighbour's edge lies on
# it; the search for such vertices is a grid join with cells of NODE_CELL degrees.
NODE_TOLERANCE = 1e-7
NODE_CELL = 0.01

ALASKA_STATE_FIPS = "02"

# LSAD codes of the 2010 file -> the word after the name ("Cleburne County", "Richmond city").
LSAD_WORDS = {
    "County": "County",
    "Parish": "Parish",
    "city": "city",
    "Borough": "Borough",
    "CA": "Census Area",
    "Cty&Bor": "City and Borough",
    "Muny": "Municipality",
    "Muno": "Municipio",
    "": "",
}
STATE_ABBREV = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE", "11": "DC",
    "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA", "20": "KS", "21": "KY",
    "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT",
    "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND", "39": "OH",
    "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT",
    "50": "VT", "51": "VA", "53": "WA", "54": "WV", "55": "WI", "56": "WY", "72": "PR",
}  # fmt: skip

NO_VALUE_COLOUR = "#d9d9d9"
COUNTY_LINE_COLOUR = "#ffffff"
STATE_LINE_COLOUR = "#636363"
OUTLINE_COLOUR = "#d62728"


@dataclass(frozen=True, eq=False)
class CountyShape:
    """One county: its 2010 FIPS code, name and simplified polygons (lon/lat, degrees).

    ``polygons``: one tuple per polygon, the exterior ring first, then its holes; every ring is an (n, 2) array,
    closed (first point = last point) and wound as in the shapefile (exterior clockwise, holes anticlockwise: the
    orientation d3 and plotly.js expect).
    """

    county_fips: str
    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]

    @property
    def state_fips(self) -> str:
        return self.county_fips[:2]

    @property
    def display_name(self) -> str:
        """Name and state, e.g. "Walker County, TX"."""
        return f"{self.name}, {STATE_ABBREV.get(self.state_fips, self.state_fips)}"

    @functools.cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat), computed once."""
        points = np.concatenate([polygon[0] for polygon in self.polygons])
        return (*points.min(axis=0).tolist(), *points.max(axis=0).tolist())

    @property
    def area(self) -> float:
        """Planar area in square degrees (exteriors minus holes), for comparisons only."""
        return -sum(signed_area(ring) for polygon in self.polygons for ring in polygon)

    def geojson_geometry(self) -> dict[str, object]:
        coordinates = [[ring.tolist() for ring in polygon] for polygon in self.polygons]
        if len(coordinates) == 1:
            return {"type": "Polygon", "coordinates": coordinates[0]}
        return {"type": "MultiPolygon", "coordinates": coordinates}


@dataclass(frozen=True, eq=False)
class CountyMap:
    """The simplified counties and the arcs they are made of (each arc with the counties on its sides)."""

    shapes: Mapping[str, CountyShape]
    arcs: tuple[np.ndarray, ...]  # (n, 2) lon/lat, simplified and rounded
    arc_counties: tuple[tuple[str, ...], ...]  # the county of each ring that runs along the arc (1 or 2, rarely more)

    def outline(self, counties: Collection[str]) -> list[np.ndarray]:
        """The boundary of a group of counties as lines: the arcs with an odd number of its members on their sides
        (inner borders between members drop out)."""
        members = set(counties)
        return [
            arc
            for arc, sides in zip(self.arcs, self.arc_counties, strict=True)
            if sum(county in members for county in sides) % 2 == 1
        ]

    def state_borders(self, counties: Collection[str] | None = None) -> list[np.ndarray]:
        """Arcs between counties of different states (restricted to arcs touching ``counties`` when given)."""
        members = None if counties is None else set(counties)
        return [
            arc
            for arc, sides in zip(self.arcs, self.arc_counties, strict=True)
            if len({county[:2] for county in sides}) > 1 and (members is None or not members.isdisjoint(sides))
        ]


# ------------------------------------------------------------------------------------------------ geometry


def signed_area(ring: np.ndarray) -> float:
    """Shoelace area of a closed ring: negative when clockwise (a shapefile exterior), positive anticlockwise."""
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2.0


def douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices of the points of a polyline kept by Douglas-Peucker (the first and last always kept).

    The distance is to the segment (not the line), so a closed arc (first point = last point) works too.
    """
    count = len(points)
    keep = np.zeros(count, dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, count - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        inner = points[start + 1 : end]
        origin, direction = points[start], points[end] - points[start]
        length_squared = float(direction @ direction)
        offset = inner - origin
        if length_squared > 0:
            along = np.clip(offset @ direction / length_squared, 0.0, 1.0)
            offset = offset - along[:, None] * direction
        distance = np.hypot(offset[:, 0], offset[:, 1])
        farthest = int(np.argmax(distance))
        if distance[farthest] > tolerance:
            middle = start + 1 + farthest
            keep[middle] = True
            stack.extend(((start, middle), (middle, end)))
    return np.flatnonzero(keep)


def _ring_contains(ring: np.ndarray, point: np.ndarray) -> bool:
    """Even-odd ray casting."""
    x, y = ring[:-1, 0], ring[:-1, 1]
    x_next, y_next = ring[1:, 0], ring[1:, 1]
    crosses = (y > point[1]) != (y_next > point[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = x + (point[1] - y) * (x_next - x) / (y_next - y)
    return bool(np.count_nonzero(crosses & (point[0] < x_cross)) % 2)


def _scaled(points: np.ndarray) -> np.ndarray:
    """Longitude times cos(mean latitude): degrees of about equal length on both axes."""
    return points * np.array([math.cos(math.radians(float(points[:, 1].mean()))), 1.0])


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class _RawCounty:
    county_fips: str
    name: str
    rings: tuple[np.ndarray, ...]  # closed rings as in the file
    polygon_of_ring: tuple[int, ...]  # index of the polygon (its exterior ring) each ring belongs to


def _read_counties() -> list[_RawCounty]:
    folder = importlib.resources.files(SHAPEFILE_PACKAGE) / SHAPEFILE_FOLDER
    files = {ext: folder / f"{SHAPEFILE_NAME}.{ext}" for ext in ("shp", "shx", "dbf")}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"county boundaries not found (is plotly-geo installed?): {missing}")
    with (
        files["shp"].open("rb") as shp,
        files["shx"].open("rb") as shx,
        files["dbf"].open("rb") as dbf,
        shapefile.Reader(shp=shp, shx=shx, dbf=dbf, encoding=DBF_ENCODING) as reader,
    ):
        fields = [field[0] for field in reader.fields[1:]]
        for needed in ("STATE", "COUNTY", "NAME", "LSAD"):
            if needed not in fields:
                raise ValueError(f"{SHAPEFILE_NAME}.dbf has no {needed} field (fields: {fields})")
        counties = []
        for shape_record in reader.iterShapeRecords():
            record, shape = shape_record.record, shape_record.shape
            county_fips = f"{record['STATE']}{record['COUNTY']}"
            name = " ".join(part for part in (record["NAME"], LSAD_WORDS.get(record["LSAD"], record["LSAD"])) if part)
            points = np.asarray(shape.points, dtype=float)
            if county_fips[:2] == ALASKA_STATE_FIPS:
                points[points[:, 0] > 0, 0] -= 360.0
            bounds = [*shape.parts, len(points)]
            rings = tuple(points[bounds[i] : bounds[i + 1]] for i in range(len(shape.parts)))
            counties.append(_RawCounty(county_fips, name, rings, _assign_holes(rings)))
    if len(counties) != EXPECTED_FEATURES:
        raise ValueError(f"{SHAPEFILE_NAME}: {len(counties)} features, expected {EXPECTED_FEATURES}")
    return counties


def _assign_holes(rings: tuple[np.ndarray, ...]) -> tuple[int, ...]:
    """Polygon of each ring: exteriors (clockwise) start one; a hole joins the smallest exterior around it."""
    areas = [signed_area(ring) for ring in rings]
    exteriors = [i for i, area in enumerate(areas) if area < 0]
    polygon_of_ring = []
    for i, area in enumerate(areas):
        if area < 0:
            polygon_of_ring.append(i)
            continue
        around = [e for e in exteriors if _ring_contains(rings[e], rings[i][0])]
        polygon_of_ring.append(min(around, key=lambda e: -areas[e]) if around else i)
    return tuple(polygon_of_ring)


# ------------------------------------------------------------------------------------------------ topology


def _build_map(raw: list[_RawCounty]) -> CountyMap:
    ring_county: list[str] = []
    open_rings: list[np.ndarray] = []
    for county in raw:
        for ring in county.rings:
            ring_county.append(county.county_fips)
            open_rings.append(ring[:-1] if np.array_equal(ring[0], ring[-1]) else ring)
    lengths = np.array([len(ring) for ring in open_rings])
    vertices, vertex_ids = np.unique(np.concatenate(open_rings), axis=0, return_inverse=True)
    vertex_ids = vertex_ids.ravel()
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    ring_ids = _node_rings([vertex_ids[s : s + n] for s, n in zip(starts, lengths, strict=True)], vertices)

    # A vertex is a junction where its neighbours differ between the rings through it (a third county, or the
    # end of a shared border).
    previous = np.concatenate([np.roll(ids, 1) for ids in ring_ids])
    following = np.concatenate([np.roll(ids, -1) for ids in ring_ids])
    noded_ids = np.concatenate(ring_ids)
    occurrences = np.stack([noded_ids, np.minimum(previous, following), np.maximum(previous, following)], axis=1)
    distinct = np.unique(occurrences, axis=0)
    is_junction = np.bincount(distinct[:, 0], minlength=len(vertices)) > 1

    county_area = {county.county_fips: abs(sum(signed_area(_scaled(ring)) for ring in county.rings)) for county in raw}

    arc_index: dict[tuple[int, ...], int] = {}
    arc_vertex_ids: list[np.ndarray] = []
    arc_users: list[list[str]] = []
    ring_arcs: list[list[tuple[int, bool]]] = []  # per ring: (arc, reversed)
    for ids, county_fips in zip(ring_ids, ring_county, strict=True):
        cuts = np.flatnonzero(is_junction[ids])
        if len(cuts) == 0:
            cuts = np.array([int(np.argmin(ids))])  # a ring shared whole (or with nobody): start at its lowest id
        rotated = np.roll(ids, -int(cuts[0]))
        cuts = np.append(cuts - cuts[0], len(ids))
        closed = np.append(rotated, rotated[0])
        arcs_here = []
        for start, end in itertools.pairwise(cuts):
            piece = closed[start : end + 1]
            flip = piece[0] > piece[-1] or (piece[0] == piece[-1] and len(piece) > 2 and piece[1] > piece[-2])
            key = tuple((piece[::-1] if flip else piece).tolist())
            arc = arc_index.get(key)
            if arc is None:
                arc = arc_index[key] = len(arc_vertex_ids)
                arc_vertex_ids.append(np.asarray(key))
                arc_users.append([])
            arc_users[arc].append(county_fips)
            arcs_here.append((arc, flip))
        ring_arcs.append(arcs_here)

    simplified = []
    for ids, users in zip(arc_vertex_ids, arc_users, strict=True):
        tolerance = min(BASE_TOLERANCE, RELATIVE_TOLERANCE * math.sqrt(min(county_area[c] for c in users)))
        points = vertices[ids]
        simplified.append(np.round(points[douglas_peucker(_scaled(points), tolerance)], COORDINATE_DECIMALS))

    shapes: dict[str, CountyShape] = {}
    ring_number = 0
    for county in raw:
        rings = []
        for original in county.rings:
            pieces = [simplified[arc][::-1] if flip else simplified[arc] for arc, flip in ring_arcs[ring_number]]
            ring_number += 1
            rings.append((_close(np.concatenate([piece[:-1] for piece in pieces] + [pieces[-1][-1:]])), original))
        shapes[county.county_fips] = CountyShape(county.county_fips, county.name, _polygons(county, rings))
    return CountyMap(shapes, tuple(simplified), tuple(tuple(users) for users in arc_users))


def _node_rings(ring_ids: list[np.ndarray], vertices: np.ndarray) -> list[np.ndarray]:
    """Give both sides of a shared border the same vertices.

    The 500k file's neighbours do not always share their vertices: along many borders (state lines above all) one
    county has a straight edge p-q where its neighbour has p-m-...-q, with m exactly on that edge. Every vertex that
    lies inside an edge used by one ring only (within NODE_TOLERANCE) is inserted into that edge, so that the border
    becomes the same chain of vertices on both sides, and then one arc.
    """
    ring_of = np.concatenate([np.full(len(ids), ring, dtype=np.int64) for ring, ids in enumerate(ring_ids)])
    position = np.concatenate([np.arange(len(ids)) for ids in ring_ids])
    start = np.concatenate(ring_ids)
    end = np.concatenate([np.roll(ids, -1) for ids in ring_ids])
    edge_key = np.minimum(start, end) * len(vertices) + np.maximum(start, end)
    _, edge_index, edge_uses = np.unique(edge_key, return_inverse=True, return_counts=True)
    lonely = np.flatnonzero(edge_uses[edge_index.ravel()] == 1)
    candidates = np.unique(np.concatenate([start[lonely], end[lonely]]))

    # Grid join: each lonely edge, cut into pieces no longer than a cell, meets the candidate points of the cells
    # its pieces touch.
    cell_of = np.floor(vertices[candidates] / NODE_CELL).astype(np.int64)
    candidate_cell = cell_of[:, 0] * 1_000_000 + cell_of[:, 1]
    by_cell = np.argsort(candidate_cell, kind="stable")
    sorted_cells = candidate_cell[by_cell]
    a, b = vertices[start[lonely]], vertices[end[lonely]]
    pieces = np.maximum(1, np.ceil(np.hypot(*(b - a).T) / NODE_CELL).astype(np.int64))
    edge_of_piece = np.repeat(np.arange(len(lonely)), pieces)
    step = _expand_ranges(np.zeros_like(pieces), pieces)
    t0, t1 = step / pieces[edge_of_piece], (step + 1) / pieces[edge_of_piece]
    p0 = a[edge_of_piece] + t0[:, None] * (b - a)[edge_of_piece]
    p1 = a[edge_of_piece] + t1[:, None] * (b - a)[edge_of_piece]
    low = np.floor(np.minimum(p0, p1) / NODE_CELL).astype(np.int64)
    high = np.floor(np.maximum(p0, p1) / NODE_CELL).astype(np.int64)
    edge_cells = np.unique(
        np.concatenate(
            [np.stack([edge_of_piece, x[:, 0] * 1_000_000 + y[:, 1]], axis=1) for x in (low, high) for y in (low, high)]
        ),
        axis=0,
    )
    first = np.searchsorted(sorted_cells, edge_cells[:, 1], side="left")
    last = np.searchsorted(sorted_cells, edge_cells[:, 1], side="right")
    counts = last - first
    pair_edge = np.repeat(edge_cells[:, 0], counts)
    pair_point = candidates[by_cell[_expand_ranges(first, counts)]]

    origin = vertices[start[lonely][pair_edge]]
    direction = vertices[end[lonely][pair_edge]] - origin
    offset = vertices[pair_point] - origin
    length_squared = np.einsum("ij,ij->i", direction, direction)
    with np.errstate(divide="ignore", invalid="ignore"):
        along = np.einsum("ij,ij->i", offset, direction) / length_squared
        across = np.abs(offset[:, 0] * direction[:, 1] - offset[:, 1] * direction[:, 0]) / np.sqrt(length_squared)
    on_edge = (length_squared > 0) & (along > 0) & (along < 1) & (across <= NODE_TOLERANCE)
    on_edge &= (pair_point != start[lonely][pair_edge]) & (pair_point != end[lonely][pair_edge])
    if not on_edge.any():
        return ring_ids

    edges, points, alongs = pair_edge[on_edge], pair_point[on_edge], along[on_edge]
    order = np.lexsort((points, alongs, edges))  # by edge, then along it (a point met in two cells comes twice)
    insertions: dict[tuple[int, int], list[int]] = {}
    for edge, point in zip(edges[order].tolist(), points[order].tolist(), strict=True):
        occurrence = lonely[edge]
        inserted = insertions.setdefault((int(ring_of[occurrence]), int(position[occurrence])), [])
        if point not in inserted:
            inserted.append(point)

    noded = []
    for ring, ids in enumerate(ring_ids):
        pieces_here: list[int] = []
        for k, vertex_id in enumerate(ids.tolist()):
            pieces_here.append(vertex_id)
            pieces_here.extend(insertions.get((ring, k), ()))
        noded.append(np.asarray(pieces_here, dtype=ids.dtype))
    return noded


def _expand_ranges(first: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """first[i], first[i] + 1, ..., first[i] + counts[i] - 1 for every i, concatenated."""
    return np.repeat(first, counts) + np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def _close(ring: np.ndarray) -> np.ndarray:
    """Drop repeated consecutive points (from rounding) and close the ring."""
    keep = np.ones(len(ring), dtype=bool)
    keep[1:] = np.any(ring[1:] != ring[:-1], axis=1)
    ring = ring[keep]
    if not np.array_equal(ring[0], ring[-1]):
        ring = np.vstack([ring, ring[:1]])
    return ring


def _polygons(county: _RawCounty, rings: list[tuple[np.ndarray, np.ndarray]]) -> tuple[tuple[np.ndarray, ...], ...]:
    """Group simplified rings into polygons; drop rings that collapsed (fewer than 3 points, or turned inside out).

    The county's largest exterior never disappears: if it collapsed, its rounded original is kept.
    """
    largest = min(range(len(rings)), key=lambda i: signed_area(rings[i][1]))
    polygons: dict[int, list[np.ndarray]] = {}
    # Exteriors first, then the holes of the exteriors that survived.
    order = sorted(range(len(rings)), key=lambda i: county.polygon_of_ring[i] != i)
    for i in order:
        ring, original = rings[i]
        exterior = county.polygon_of_ring[i]
        is_exterior = exterior == i
        area = signed_area(ring) if len(ring) >= 4 else 0.0
        valid = area != 0 and (area < 0) == is_exterior
        if not valid and i == largest:
            ring, valid = _close(np.round(original, COORDINATE_DECIMALS)), True
        if valid and (is_exterior or exterior in polygons):
            polygons.setdefault(exterior, []).append(ring)
    return tuple(tuple(group) for _, group in sorted(polygons.items()))


@functools.lru_cache(maxsize=1)
def county_map() -> CountyMap:
    """The simplified counties and their arcs, read once per process."""
    return _build_map(_read_counties())


def county_shapes() -> Mapping[str, CountyShape]:
    """Simplified polygons per 5-character county FIPS (2010 geography; 3,221 features, Puerto Rico included).

    Cached: the first call reads and simplifies the shapefile (a few seconds), later calls are free.
    """
    return county_map().shapes


def county_geojson(county_fips: Iterable[str] | None = None) -> dict[str, object]:
    """A GeoJSON FeatureCollection of the given counties (all when None); ``id`` = county FIPS, ``name`` property.

    Unknown codes raise ValueError.
    """
    shapes = county_shapes()
    codes = sorted(shapes) if county_fips is None else sorted(set(county_fips))
    unknown = [code for code in codes if code not in shapes]
    if unknown:
        raise ValueError(f"not counties of the 2010 boundary file: {unknown[:10]}")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": code,
                "properties": {"name": shapes[code].display_name},
                "geometry": shapes[code].geojson_geometry(),
            }
            for code in codes
        ],
    }


def _line_coordinates(lines: Sequence[np.ndarray]) -> tuple[list[float | None], list[float | None]]:
    """Lines as one lon list and one lat list, separated by None (plotly's gaps)."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for line in lines:
        lon.extend([*line[:, 0].tolist(), None])
        lat.extend([*line[:, 1].tolist(), None])
    return lon, lat


# ------------------------------------------------------------------------------------------------ plotly


def choropleth_figure(
    values: pd.DataFrame,
    value_column: str,
    title: str,
    outlined: Collection[str] = frozenset(),
    hover_columns: Sequence[str] = (),
    colour_scale: str | Sequence[str] | Sequence[tuple[float, str]] = "Viridis",
    *,
    county_column: str = "county_fips",
    unit_column: str | None = "unit_fips",
    name_column: str | None = None,
    value_label: str | None = None,
    value_format: str = ".3g",
    colour_range: tuple[float, float] | None = None,
    fit: Literal["usa", "locations"] = "usa",
    show_state_borders: bool = True,
    outline_colour: str = OUTLINE_COLOUR,
    height: int = 600,
) -> go.Figure:
    """Counties coloured by a value, with listed units outlined, on plotly's ``albers usa`` projection.

    ``values`` has one row per county to draw (a unit's value repeated on each of its member counties); counties
    without a row are not drawn, so a state's or a region's rows make a map of that area (``fit='locations'``
    zooms to them). Rows whose value is null are drawn in grey as "no value". ``outlined`` holds unit codes: the
    ``unit_column`` values (when the frame has that column; otherwise county codes), each outlined around all its
    member counties. Hover shows the county's name (``name_column``, else the boundary file's name and the state),
    the value and ``hover_columns``.

    Nothing in the figure refers to the network: the counties travel inside the figure as GeoJSON, every base
    layer of the geo subplot is off, and the first trace is a lon/lat line trace: plotly.js (3.x) fetches its
    topojson base map from its CDN when the *first* trace of a geo subplot has a ``locationmode``, which every
    choropleth has.
    """
    for column in [county_column, value_column, *hover_columns, *([name_column] if name_column else [])]:
        if column not in values.columns:
            raise ValueError(f"values has no column {column!r} (columns: {list(values.columns)})")
    if values.empty:
        raise ValueError("values has no rows: nothing to draw")
    county_map_ = county_map()
    shapes = county_map_.shapes
    codes = values[county_column].astype(str)
    unknown = sorted(set(codes) - set(shapes))
    if unknown:
        raise ValueError(f"{county_column}: not counties of the 2010 boundary file: {unknown[:10]}")
    if codes.duplicated().any():
        raise ValueError(f"{county_column}: a county appears twice: {sorted(set(codes[codes.duplicated()]))[:10]}")

    frame = values.assign(**{county_column: codes}).reset_index(drop=True)
    label = value_label or value_column
    names = frame[name_column].astype(str) if name_column else codes.map(lambda code: shapes[code].display_name)
    customdata = np.column_stack(
        [names.to_numpy(dtype=object), *(frame[c].to_numpy(dtype=object) for c in hover_columns)]
    )
    extra = "".join(f"<br>{column}: %{{customdata[{i + 1}]}}" for i, column in enumerate(hover_columns))
    numeric = pd.to_numeric(frame[value_column], errors="coerce")
    has_value = numeric.notna().to_numpy()

    figure = go.Figure()
    # Trace 0 must be a lon/lat trace (see the docstring): the state borders, or one invisible point.
    borders = county_map_.state_borders(set(codes)) if show_state_borders else []
    if borders:
        lon, lat = _line_coordinates(borders)
        figure.add_trace(
            go.Scattergeo(
                lon=lon,
                lat=lat,
                mode="lines",
                line={"color": STATE_LINE_COLOUR, "width": 0.8},
                hoverinfo="skip",
                showlegend=False,
                name="State borders",
            )
        )
    else:
        west, south, _, _ = shapes[codes.iloc[0]].bounds
        figure.add_trace(
            go.Scattergeo(
                lon=[west],
                lat=[south],
                mode="markers",
                marker={"size": 1, "opacity": 0},
                hoverinfo="skip",
                showlegend=False,
                name="",
            )
        )

    if has_value.any():
        figure.add_trace(
            go.Choropleth(
                geojson=county_geojson(codes[has_value]),
                locations=codes[has_value].tolist(),
                z=numeric[has_value].tolist(),
                featureidkey="id",
                colorscale=colour_scale,
                zmin=colour_range[0] if colour_range else None,
                zmax=colour_range[1] if colour_range else None,
                marker={"line": {"color": COUNTY_LINE_COLOUR, "width": 0.3}},
                colorbar={"title": {"text": label}, "thickness": 14},
                customdata=customdata[has_value],
                hovertemplate=f"<b>%{{customdata[0]}}</b><br>{label}: %{{z:{value_format}}}{extra}<extra></extra>",
                name=label,
            )
        )
    if (~has_value).any():
        figure.add_trace(
            go.Choropleth(
                geojson=county_geojson(codes[~has_value]),
                locations=codes[~has_value].tolist(),
                z=[0.0] * int((~has_value).sum()),
                featureidkey="id",
                colorscale=[[0.0, NO_VALUE_COLOUR], [1.0, NO_VALUE_COLOUR]],
                showscale=False,
                marker={"line": {"color": COUNTY_LINE_COLOUR, "width": 0.3}},
                customdata=customdata[~has_value],
                hovertemplate=f"<b>%{{customdata[0]}}</b><br>{label}: no value{extra}<extra></extra>",
                name="no value",
            )
        )

    if outlined:
        units = frame[unit_column].astype(str) if unit_column and unit_column in frame.columns else frame[county_column]
        members = frame.groupby(units)[county_column].agg(set)
        absent = sorted(set(map(str, outlined)) - set(members.index))
        if absent:
            raise ValueError(f"outlined units with no county in values: {absent[:10]}")
        lines = [line for unit in sorted(set(map(str, outlined))) for line in county_map_.outline(members[unit])]
        lon, lat = _line_coordinates(lines)
        figure.add_trace(
            go.Scattergeo(
                lon=lon,
                lat=lat,
                mode="lines",
                line={"color": outline_colour, "width": 2.0},
                hoverinfo="skip",
                name="Listed units",
                showlegend=True,
            )
        )

    # 'albers usa' (with its Alaska and Hawaii insets) is a fixed composite that plotly.js cannot zoom (fitbounds does
    # nothing); a subset is drawn on a plain Albers equal-area conic fitted to its counties.
    figure.update_geos(
        scope="usa" if fit == "usa" else "north america",  # plotly.js fails on 'usa' with any other projection
        projection_type="albers usa" if fit == "usa" else "albers",
        fitbounds="locations" if fit == "locations" else False,
        visible=False,
        showland=False,
        showlakes=False,
        showcoastlines=False,
        showcountries=False,
        showsubunits=False,
        showocean=False,
        showrivers=False,
        showframe=False,
        bgcolor="rgba(0,0,0,0)",
    )
    figure.update_layout(
        title={"text": title},
        height=height,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        legend={"orientation": "h", "x": 0.0, "y": 0.0},
        dragmode=False,
    )
    return figure


# ------------------------------------------------------------------------------------------------ matplotlib


def unit_map_png(
    unit_counties: Collection[str],
    neighbour_values: Mapping[str, float],
    *,
    unit_value: float | None = None,
    value_label: str = "",
    title: str = "",
    colour_map: str = "viridis",
    colour_range: tuple[float, float] | None = None,
    size_inches: tuple[float, float] = (4.0, 3.2),
    dpi: int = 150,
    show_context: bool = True,
) -> bytes:
    """A small static map (PNG bytes) of a unit and its neighbouring counties, for the printable packet.

    The neighbours (``neighbour_values``: county -> value, null for "no value", drawn hatched grey) and the unit
    (``unit_value``, or grey when None) share one colour scale; the unit is outlined in black around all its
    member counties; other counties inside the frame are drawn in light grey for context. Longitude is scaled by
    cos(latitude) so that shapes are not stretched. Uses matplotlib's Agg canvas only (no pyplot, no display).
    """
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    county_map_ = county_map()
    shapes = county_map_.shapes
    unit = {str(code) for code in unit_counties}
    neighbours = {str(code): value for code, value in neighbour_values.items() if str(code) not in unit}
    if not unit:
        raise ValueError("unit_counties is empty")
    unknown = sorted((unit | set(neighbours)) - set(shapes))
    if unknown:
        raise ValueError(f"not counties of the 2010 boundary file: {unknown[:10]}")

    drawn = unit | set(neighbours)
    boxes = np.array([shapes[code].bounds for code in drawn])
    west, south = boxes[:, 0].min(), boxes[:, 1].min()
    east, north = boxes[:, 2].max(), boxes[:, 3].max()
    pad_lon, pad_lat = max(east - west, 0.05) * 0.04, max(north - south, 0.05) * 0.04
    west, east, south, north = west - pad_lon, east + pad_lon, south - pad_lat, north + pad_lat

    def patch(code: str) -> PathPatch:
        rings = [ring for polygon in shapes[code].polygons for ring in polygon]
        return PathPatch(MplPath.make_compound_path(*(MplPath(ring, closed=True) for ring in rings)))

    values = [v for v in [*neighbours.values(), unit_value] if v is not None and not pd.isna(v)]
    low, high = colour_range or ((min(values), max(values)) if values else (0.0, 1.0))
    if high <= low:
        low, high = low - 0.5, high + 0.5
    norm = Normalize(vmin=low, vmax=high)
    mappable = ScalarMappable(norm=norm, cmap=colour_map)

    figure = Figure(figsize=size_inches, dpi=dpi)
    axes = figure.add_axes((0.02, 0.02, 0.74, 0.86) if values else (0.02, 0.02, 0.96, 0.86))
    axes.set_axis_off()
    if show_context:
        context = [
            code
            for code, shape in shapes.items()
            if code not in drawn
            and shape.bounds[0] < east
            and shape.bounds[2] > west
            and shape.bounds[1] < north
            and shape.bounds[3] > south
        ]
        axes.add_collection(
            PatchCollection([patch(c) for c in context], facecolor="#f0f0f0", edgecolor="#ffffff", linewidth=0.4)
        )

    def faces(codes: list[str], value_of: Mapping[str, float | None]) -> tuple[list[PathPatch], list[object]]:
        patches, colours = [], []
        for code in codes:
            value = value_of.get(code)
            patches.append(patch(code))
            colours.append(NO_VALUE_COLOUR if value is None or pd.isna(value) else mappable.to_rgba(value))
        return patches, colours

    for codes, value_of in ((sorted(neighbours), neighbours), (sorted(unit), dict.fromkeys(unit, unit_value))):
        patches, colours = faces(codes, value_of)
        collection = PatchCollection(patches, facecolor=colours, edgecolor="#ffffff", linewidth=0.6)
        axes.add_collection(collection)
        missing = [p for p, c in zip(patches, colours, strict=True) if c == NO_VALUE_COLOUR]
        if missing:
            axes.add_collection(
                PatchCollection(missing, facecolor="none", edgecolor="#969696", hatch="////", linewidth=0.0)
            )
    outline = county_map_.outline(unit)
    axes.add_collection(LineCollection(outline, colors="#000000", linewidths=1.8))

    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(1.0 / math.cos(math.radians((south + north) / 2.0)))
    if title:
        figure.suptitle(title, fontsize=9, x=0.02, ha="left")
    if values:
        colour_axes = figure.add_axes((0.80, 0.12, 0.04, 0.66))
        bar = figure.colorbar(mappable, cax=colour_axes)
        bar.ax.tick_params(labelsize=7)
        if value_label:
            bar.set_label(value_label, fontsize=7)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
