"""Small source files in the real published layouts, for the loader tests (written into each test's tmp_path).

- ICE "IDENT/IAFIS Interoperability Statistics" county tables (the columns of White 2016's ICE subset): two
  snapshots, as of 2012-03-31 and 2012-08-31, of Autauga and Baldwin AL, Barbour AL (never activated), Kusilvak AK
  (code 02158, activated 2012-04-10, between the snapshots; maps to 02270), Los Angeles CA and Doña Ana NM.
- ACS B05012 / B05002 as the data.census.gov CSV export (two header rows) and as the Census API's JSON array.
- ICPSR UCR county-level arrests (series 57), tab-delimited, with sub-totals computed from their parts; and a file
  in the layout of ICPSR 33523 DS0001 (2010, as distributed) with each of its quirks: no-county rows (FIPS_CTY 777,
  999), retired Virginia cities (51560 with arrests, the 51780 zero row), the divided areas 02201, 02232, 02280 and
  30113, rounding gaps of 1-2 arrests, undifferentiated drug arrests, a GAMBLE excess and a GRNDTOT gap.
- a verbatim excerpt of the real ICE table (``tests/python/data/``, see its PROVENANCE.md).

Also puts the repo root on ``sys.path`` so that ``scload`` imports when pytest is run as ``pytest tests/python``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

ICE_HEADER = [
    "state",
    "GEOid2",
    "GEOid",
    "abbrev",
    "county",
    "aor",
    "activationdate",
    "submissions",
    "identmatch_lescl1",
    "identmatch_lescl23",
    "identmatch_total",
    "removals_convictedcriminalsl1",
    "removals_convictedcriminalsl2",
    "removals_convictedcriminalsl3",
    "removals_icefugitives12",
    "priorremovalsandreturns13",
    "ewisvisaviolatorsandoverstays1",
    "removals_total",
    "P0010001",
]
REMOVALS = ["0", "1", "2", "0", "0", "1", "4"]
NOT_ACTIVATED = [""] * 12


def ice_row(
    state: str, geoid2: int, abbrev: str, county: str, aor: str, counts: list[str], population: int
) -> list[str]:
    """One row of the ICE table; ``counts`` = activationdate, submissions, lescl1, lescl23, total, or empty for a
    county not yet activated (then every ICE field is blank, as in the published table)."""
    geoid = f"0500000US{geoid2:05d}"
    if not counts:
        return [state, str(geoid2), geoid, "", county, "", *NOT_ACTIVATED, str(population)]
    return [state, str(geoid2), geoid, abbrev, county, aor, *counts, *REMOVALS, str(population)]


def ice_snapshot_march() -> list[list[str]]:
    """The ICE table as of 2012-03-31 (header first): lines 2-7 are 1001, 1003, 1005 (not activated), 2158 (not
    activated), 6037, 35013 (Doña Ana)."""
    return [
        list(ICE_HEADER),
        ice_row("Alabama", 1001, "AL", "Autauga", "NOL", ["4/26/2011", "2,500", "1", "9", "10"], 54571),
        ice_row("Alabama", 1003, "AL", "Baldwin", "NOL", ["4/26/2011", "12,000", "50", "250", "300"], 182265),
        ice_row("Alabama", 1005, "AL", "Barbour", "NOL", [], 27457),
        ice_row("Alaska", 2158, "AK", "Kusilvak", "SEA", [], 7459),
        ice_row(
            "California",
            6037,
            "CA",
            "Los Angeles",
            "LOS",
            ["8/27/2009", "1,234,567", "20,000", "80,000", "100,000"],
            9818605,
        ),
        ice_row("New Mexico", 35013, "NM", "Doña Ana", "ELP", ["6/24/2009", "15,321", "400", "1,100", "1,500"], 209233),
    ]


def ice_snapshot_august() -> list[list[str]]:
    """The ICE table as of 2012-08-31, same rows; Kusilvak (2158) activated 2012-04-10."""
    return [
        list(ICE_HEADER),
        ice_row("Alabama", 1001, "AL", "Autauga", "NOL", ["4/26/2011", "2,743", "1", "10", "11"], 54571),
        ice_row("Alabama", 1003, "AL", "Baldwin", "NOL", ["4/26/2011", "13,156", "51", "273", "324"], 182265),
        ice_row("Alabama", 1005, "AL", "Barbour", "NOL", [], 27457),
        ice_row("Alaska", 2158, "AK", "Kusilvak", "SEA", ["4/10/2012", "150", "0", "3", "3"], 7459),
        ice_row(
            "California",
            6037,
            "CA",
            "Los Angeles",
            "LOS",
            ["8/27/2009", "1,300,000", "21,000", "85,000", "106,000"],
            9818605,
        ),
        ice_row("New Mexico", 35013, "NM", "Doña Ana", "ELP", ["6/24/2009", "16,000", "420", "1,180", "1,600"], 209233),
    ]


def write_records(
    path: Path,
    records: list[list[str]],
    encoding: str = "utf-8",
    line_end: str = "\n",
    bom: bool = False,
    delimiter: str = ",",
    quote_all: bool = False,
) -> Path:
    """Write ``records`` as delimited text (fields quoted only when needed, e.g. ``"2,743"``, or all of them) in
    ``encoding``, with ``line_end`` and optionally a UTF-8 BOM; returns ``path``."""
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end, quoting=quoting).writerows(records)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes(codecs.BOM_UTF8 + data if bom else data)
    return path


ACS_B05012_HEADER = [
    "GEO_ID",
    "NAME",
    "B05012_001E",
    "B05012_001M",
    "B05012_002E",
    "B05012_002M",
    "B05012_003E",
    "B05012_003M",
    "",
]
ACS_B05012_LABELS = [
    "Geography",
    "Geographic Area Name",
    "Estimate!!Total:",
    "Margin of Error!!Total:",
    "Estimate!!Total:!!Native",
    "Margin of Error!!Total:!!Native",
    "Estimate!!Total:!!Foreign-Born",
    "Margin of Error!!Total:!!Foreign-Born",
    "",
]


def acs_counties() -> list[tuple[str, str, str, str, str, str]]:
    """(county code, name, total, total MOE, foreign born, foreign born MOE) of the ACS fixtures. Autauga and
    Los Angeles have a controlled total (MOE *****), Baldwin a total MOE of 100 (ratio formula), Doña Ana a small
    foreign-born MOE (negative radicand: the proportion's "+" form)."""
    return [
        ("01001", "Autauga County, Alabama", "54571", "*****", "1095", "239"),
        ("01003", "Baldwin County, Alabama", "182265", "100", "6540", "612"),
        ("06037", "Los Angeles County, California", "9818605", "*****", "3485000", "12000"),
        ("35013", "Doña Ana County, New Mexico", "2000", "100", "1000", "10"),
    ]


def acs_export_records() -> list[list[str]]:
    """The data.census.gov CSV export of B05012 (with its trailing empty column): codes, labels, the nation
    (line 3), a state (line 4), then the four counties (lines 5-8)."""
    rows = [
        ["0100000US", "United States", "309349689", "*****", "269393835", "115047", "39955854", "115047", ""],
        ["0400000US01", "Alabama", "4779736", "*****", "4618132", "5030", "161604", "5030", ""],
    ]
    for code, name, total, total_moe, foreign, foreign_moe in acs_counties():
        native = str(int(total) - int(foreign))
        rows.append([f"0500000US{code}", name, total, total_moe, native, foreign_moe, foreign, foreign_moe, ""])
    return [list(ACS_B05012_HEADER), list(ACS_B05012_LABELS), *rows]


def acs_api_json(table: str = "B05012") -> str:
    """The Census API's JSON answer for ``get=NAME,<table>_001E,..&for=county:*``: one array per line, header
    first; the controlled MOE as -555555555; Los Angeles's total as a JSON number."""
    foreign_code = "003" if table == "B05012" else "013"
    header = ["NAME", f"{table}_001E", f"{table}_001M", f"{table}_{foreign_code}E", f"{table}_{foreign_code}M"]
    lines = [json.dumps([*header, "state", "county"], ensure_ascii=False)]
    for code, name, total, total_moe, foreign, foreign_moe in acs_counties():
        moe = "-555555555" if total_moe == "*****" else total_moe
        total_value: str | int = int(total) if code == "06037" else total
        row = [name, total_value, moe, foreign, foreign_moe, code[:2], code[2:]]
        lines.append(json.dumps(row, ensure_ascii=False))
    return "[" + ",\n".join(lines) + "]\n"


UCR_COLUMNS = [
    "STUDYNO",
    "EDITION",
    "PART",
    "IDNO",
    "FIPS_ST",
    "FIPS_CTY",
    "CPOPARST",
    "AG_ARRST",
    "JURFLAG",
    "COVIND",
    "GRNDTOT",
    "P1TOT",
    "P1VLNT",
    "P1PRPTY",
    "MURDER",
    "RAPE",
    "ROBBERY",
    "AGASSLT",
    "BURGLRY",
    "LARCENY",
    "MVTHEFT",
    "ARSON",
    "OTHASLT",
    "FRGYCNT",
    "FRAUD",
    "EMBEZL",
    "STLNPRP",
    "VANDLSM",
    "WEAPONS",
    "COMVICE",
    "SEXOFF",
    "DRUGTOT",
    "DRGSALE",
    "COCSALE",
    "MJSALE",
    "SYNSALE",
    "OTHSALE",
    "DRGPOSS",
    "COCPOSS",
    "MJPOSS",
    "SYNPOSS",
    "OTHPOSS",
    "GAMBLE",
    "BOOKMKG",
    "NUMBERS",
    "OTGAMBL",
    "OFAGFAM",
    "DUI",
    "LIQUOR",
    "DRUNK",
    "DISORDR",
    "VAGRANT",
    "ALLOTHR",
    "SUSPICN",
    "CURFEW",
    "RUNAWAY",
]
UCR_LEAVES = [
    "MURDER",
    "RAPE",
    "ROBBERY",
    "AGASSLT",
    "BURGLRY",
    "LARCENY",
    "MVTHEFT",
    "ARSON",
    "OTHASLT",
    "FRGYCNT",
    "FRAUD",
    "EMBEZL",
    "STLNPRP",
    "VANDLSM",
    "WEAPONS",
    "COMVICE",
    "SEXOFF",
    "COCSALE",
    "MJSALE",
    "SYNSALE",
    "OTHSALE",
    "COCPOSS",
    "MJPOSS",
    "SYNPOSS",
    "OTHPOSS",
    "BOOKMKG",
    "NUMBERS",
    "OTGAMBL",
    "OFAGFAM",
    "DUI",
    "LIQUOR",
    "DRUNK",
    "DISORDR",
    "VAGRANT",
    "ALLOTHR",
    "SUSPICN",
    "CURFEW",
    "RUNAWAY",
]


def ucr_offenses(base: int) -> dict[str, int]:
    """Leaf offense counts of one county: ``base`` + the offense's position (MURDER = base, RAPE = base + 1, ...)."""
    return {name: base + index for index, name in enumerate(UCR_LEAVES)}


BREAKDOWNS = {
    "DRGSALE": ("COCSALE", "MJSALE", "SYNSALE", "OTHSALE"),
    "DRGPOSS": ("COCPOSS", "MJPOSS", "SYNPOSS", "OTHPOSS"),
    "GAMBLE": ("BOOKMKG", "NUMBERS", "OTGAMBL"),
}
BROKEN_DOWN = [name for parts in BREAKDOWNS.values() for name in parts]
OFFENSE_CODES = [name for name in UCR_COLUMNS[14:] if name not in {*BROKEN_DOWN, "DRUGTOT"}]


def ucr_totals(leaves: dict[str, int], gaps: dict[str, int] | None = None) -> dict[str, int]:
    """The leaves plus the sub-totals of the ICPSR file, each the sum of its parts plus ``gaps[total]`` (ICPSR's
    rounding, undifferentiated arrests); GRNDTOT is the sum of the 30 offense codes (CURFEW, RUNAWAY, SUSPICN
    included)."""
    gaps = gaps or {}
    counts = {name: leaves.get(name, 0) for name in UCR_LEAVES}
    for total, parts in BREAKDOWNS.items():
        counts[total] = sum(counts[name] for name in parts) + gaps.get(total, 0)
    counts["DRUGTOT"] = counts["DRGSALE"] + counts["DRGPOSS"] + gaps.get("DRUGTOT", 0)
    counts["P1VLNT"] = sum(counts[name] for name in ("MURDER", "RAPE", "ROBBERY", "AGASSLT")) + gaps.get("P1VLNT", 0)
    counts["P1PRPTY"] = sum(counts[name] for name in ("BURGLRY", "LARCENY", "MVTHEFT", "ARSON"))
    counts["P1PRPTY"] += gaps.get("P1PRPTY", 0)
    counts["P1TOT"] = counts["P1VLNT"] + counts["P1PRPTY"] + gaps.get("P1TOT", 0)
    counts["GRNDTOT"] = sum(counts[name] for name in OFFENSE_CODES) + gaps.get("GRNDTOT", 0)
    return counts


def ucr_record(
    idno: int,
    fips_st: int,
    fips_cty: int,
    covind: str,
    counts: dict[str, int],
    population: int = 50000,
    study: str = "34582",
) -> list[str]:
    """One ICPSR row in UCR_COLUMNS order (EDITION 1, PART 1)."""
    header = {"STUDYNO": study, "EDITION": "1", "PART": "1", "IDNO": str(idno), "FIPS_ST": str(fips_st)}
    header |= {"FIPS_CTY": str(fips_cty), "CPOPARST": str(population), "AG_ARRST": "3", "JURFLAG": "0"}
    header["COVIND"] = covind
    return [header[name] if name in header else str(counts[name]) for name in UCR_COLUMNS]


UCR_COUNTIES = [(1, 1, "100", 1), (1, 3, "87.5", 10), (6, 37, "99.99", 100), (35, 13, "62.25", 20)]


def ucr_records() -> list[list[str]]:
    """The ICPSR table (header first): Alabama's statewide agencies (FIPS_CTY 999, line 2), then 01001, 01003,
    06037, 35013 (lines 3-6), then Alabama's state row (FIPS_CTY 0, line 7). County leaf counts start at 1, 10,
    100, 20."""
    rows = [ucr_record(1, 1, 999, "100", ucr_totals(ucr_offenses(5)))]
    for idno, (fips_st, fips_cty, covind, base) in enumerate(UCR_COUNTIES, start=2):
        rows.append(ucr_record(idno, fips_st, fips_cty, covind, ucr_totals(ucr_offenses(base))))
    rows.append(ucr_record(9, 1, 0, "98", ucr_totals(ucr_offenses(7))))
    return [list(UCR_COLUMNS), *rows]


# The 2010 file's quirks, one row each (line = position + 2): FIPS_ST, FIPS_CTY, CPOPARST, COVIND, the non-zero
# leaf counts and the gaps of the file's totals over their parts.
ICPSR_2010_ROWS: list[tuple[int, int, int, str, dict[str, int], dict[str, int]]] = [
    # line 2, Autauga: rounding gaps (P1VLNT +1, DRGPOSS -2, GRNDTOT +5 of 1,679: under 1 %), CURFEW etc. counted
    (
        1,
        1,
        54571,
        "100",
        {"MURDER": 2, "RAPE": 5, "ROBBERY": 10, "AGASSLT": 40, "BURGLRY": 60, "LARCENY": 200, "MVTHEFT": 15}
        | {"ARSON": 3, "OTHASLT": 150, "MJSALE": 10, "COCPOSS": 20, "MJPOSS": 100, "DUI": 250, "ALLOTHR": 800}
        | {"SUSPICN": 1, "CURFEW": 4, "RUNAWAY": 6},
        {"P1VLNT": 1, "DRGPOSS": -2, "GRNDTOT": 5},
    ),
    # line 3, Baldwin: 3,000 undifferentiated drug arrests (in DRUGTOT and GRNDTOT), GAMBLE 40 above its breakdown
    (
        1,
        3,
        182265,
        "95.5",
        {"AGASSLT": 100, "LARCENY": 500, "COCSALE": 30, "MJSALE": 50, "COCPOSS": 100, "MJPOSS": 220, "NUMBERS": 2}
        | {"OTGAMBL": 3, "DUI": 600, "ALLOTHR": 1500},
        {"DRUGTOT": 3000, "GAMBLE": 40, "GRNDTOT": 3000},
    ),
    (1, 777, 0, "100", {"DUI": 30, "ALLOTHR": 50, "MJPOSS": 4}, {}),  # line 4, Alabama's statewide agencies: 84
    (2, 201, 5600, "80", {"LARCENY": 10, "OTHASLT": 20, "DUI": 30, "ALLOTHR": 50}, {}),  # line 5: 110 -> 02198
    (2, 232, 3100, "100", {"DUI": 12, "DRUNK": 3, "ALLOTHR": 20}, {}),  # line 6: 35 -> unit 02105
    # line 7, Wrangell-Petersburg: 70 arrests allocated 3815 : 2369; P1PRPTY 12 for a LARCENY of 7
    (2, 280, 6200, "90", {"LARCENY": 7, "DUI": 20, "DISORDR": 3, "ALLOTHR": 40}, {"P1PRPTY": 5}),
    (2, 999, 0, "100", {"ALLOTHR": 9}, {}),  # line 8, Alaska, no county: 9
    (6, 777, 0, "100", {"DUI": 100, "ALLOTHR": 20}, {}),  # line 9, California's statewide agencies: 120
    # line 10, Cook IL: drug arrests only as DRUGTOT (42,254), GRNDTOT 900 above the offenses (1.6 %)
    (
        17,
        31,
        5194675,
        "100",
        {"ROBBERY": 2000, "LARCENY": 3000, "OTHASLT": 2500, "DUI": 1200, "ALLOTHR": 3000},
        {"DRUGTOT": 42254, "GRNDTOT": 42254 + 900},
    ),
    (30, 31, 89513, "100", {"LARCENY": 300, "DUI": 500, "ALLOTHR": 1000}, {}),  # line 11, Gallatin MT
    (30, 67, 15636, "50", {"DUI": 60, "ALLOTHR": 90}, {}),  # line 12, Park MT
    (30, 113, 100, "100", {"DUI": 25, "LIQUOR": 4, "DRUNK": 7}, {}),  # line 13, Yellowstone NP: 36 allocated
    (51, 5, 16250, "100", {"LARCENY": 20, "DUI": 40, "ALLOTHR": 100}, {}),  # line 14, Alleghany VA
    (51, 83, 36241, "87.5", {"DUI": 70, "ALLOTHR": 130}, {}),  # line 15, Halifax VA
    (51, 560, 4000, "50", {"DUI": 4, "ALLOTHR": 8}, {}),  # line 16, Clifton Forge city: 12 -> 51005
    (51, 780, 0, "0", {}, {}),  # line 17, South Boston city: the zero row -> 51083
]


def icpsr_2010_records() -> list[list[str]]:
    """ICPSR 33523 DS0001's layout (header first) with ICPSR_2010_ROWS, in the file's order (state, county)."""
    rows = [
        ucr_record(idno, state, county, covind, ucr_totals(leaves, gaps), population, study="33523")
        for idno, (state, county, population, covind, leaves, gaps) in enumerate(ICPSR_2010_ROWS, start=1)
    ]
    return [list(UCR_COLUMNS), *rows]


def directory_contents(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` (relative name → bytes); empty when ``path`` does not exist."""
    if not path.exists():
        return {}
    return {str(file.relative_to(path)): file.read_bytes() for file in sorted(path.rglob("*")) if file.is_file()}


B05002_LINES = [
    "Total:",
    "Total:!!Native:",
    "Total:!!Native:!!Born in state of residence",
    "Total:!!Native:!!Born in other state in the United States:",
    "Total:!!Native:!!Born in other state in the United States:!!Northeast",
    "Total:!!Native:!!Born in other state in the United States:!!Midwest",
    "Total:!!Native:!!Born in other state in the United States:!!South",
    "Total:!!Native:!!Born in other state in the United States:!!West",
    "Total:!!Native:!!Born outside the United States:",
    "Total:!!Native:!!Born outside the United States:!!Puerto Rico",
    "Total:!!Native:!!Born outside the United States:!!U.S. Island Areas",
    "Total:!!Native:!!Born outside the United States:!!Born abroad of American parent(s)",
    "Total:!!Foreign born:",
    "Total:!!Foreign born:!!Naturalized U.S. citizen",
    "Total:!!Foreign born:!!Not a U.S. citizen",
]


def b05002_counties(later_geography: bool) -> list[tuple[str, str, str, str, str, str]]:
    """(GEO_ID, NAME, total, total MOE, foreign born, foreign-born MOE) of the B05002 export: Autauga; Wade Hampton
    (2006-2010; Kusilvak 02158 in a later vintage, plus Oglala Lakota 46102); Doña Ana; Loving TX (no foreign born,
    an MOE above its population); and Puerto Rico's Adjuntas Municipio."""
    alaska = ("02158", "Kusilvak Census Area") if later_geography else ("02270", "Wade Hampton Census Area")
    rows = [
        ("0500000US01001", "Autauga County, Alabama", "53155", "*****", "1095", "239"),
        (f"0500000US{alaska[0]}", f"{alaska[1]}, Alaska", "7384", "*****", "42", "30"),
        ("0500000US35013", "Doña Ana County, New Mexico", "204591", "*****", "34788", "1560"),
        ("0500000US48301", "Loving County, Texas", "67", "*****", "0", "93"),
        ("0500000US72001", "Adjuntas Municipio, Puerto Rico", "19385", "*****", "245", "102"),
    ]
    if later_geography:
        rows.insert(3, ("0500000US46102", "Oglala Lakota County, South Dakota", "14059", "*****", "56", "49"))
    return rows


def b05002_export_records(later_geography: bool = False) -> list[list[str]]:
    """data.census.gov's export of B05002 (ACSDT5Y2010.B05002-Data.csv): a row of codes (with the trailing empty
    column), a row of labels, then the counties; the table's other estimates filled in (native = total - foreign
    born, the rest a part of it, MOEs 100)."""
    codes = [f"B05002_{line:03d}{kind}" for line in range(1, len(B05002_LINES) + 1) for kind in ("E", "M")]
    labels = [f"{kind}!!{label}" for label in B05002_LINES for kind in ("Estimate", "Margin of Error")]
    records = [["GEO_ID", "NAME", *codes, ""], ["Geography", "Geographic Area Name", *labels, ""]]
    for geo_id, name, total, total_moe, foreign, foreign_moe in b05002_counties(later_geography):
        native = int(total) - int(foreign)
        values = [total, total_moe, str(native), "100", *([str(native // 12), "100"] * 10), foreign, foreign_moe]
        values += [str(int(foreign) // 2), "80", str(int(foreign) - int(foreign) // 2), "80"]
        records.append([geo_id, name, *values, ""])
    return records
